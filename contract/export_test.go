package contract

import "fmt"

// Layers holds exchanges whose body the transport layer has decoded, so
// that BenchmarkLayers can time the other layers alone on them.
type Layers struct{ checks []*check }

// NewLayers runs the transport layer on each exchange, which must pass it.
func NewLayers(c *Checker, exs []*Exchange) (*Layers, error) {
	l := &Layers{}
	for _, ex := range exs {
		s, res := c.begin(ex)
		if s == nil {
			return nil, fmt.Errorf("%s: skipped (%s)", ex.Source, res.SkipReason)
		}
		if !s.transport() {
			return nil, fmt.Errorf("%s: the transport layer stopped: %v", ex.Source, s.findings)
		}
		l.checks = append(l.checks, s)
	}
	return l, nil
}

// Transport runs the transport layer again on each exchange, body decode
// included, and returns how many findings it made.
func (l *Layers) Transport() int {
	n := 0
	for _, s := range l.checks {
		t, _ := s.c.begin(s.ex)
		t.transport()
		n += len(t.findings)
	}
	return n
}

// Schema runs the schema layer (the compiled schema, then strict mode) on
// each decoded body and returns how many findings it made.
func (l *Layers) Schema() int { return l.each((*check).schema) }

// Typed runs the generated client's layer on each decoded body and returns
// how many findings it made.
func (l *Layers) Typed() int {
	return l.each(func(s *check) {
		s.schemaOK = true
		s.typedClient()
	})
}

func (l *Layers) each(layer func(*check)) int {
	n := 0
	for _, s := range l.checks {
		s.findings = s.findings[:0]
		layer(s)
		n += len(s.findings)
	}
	return n
}

package contract

// Layers runs the checker's first layers on exchanges, for BenchmarkLayers.
type Layers struct {
	c   *Checker
	exs []*Exchange
}

// NewLayers returns Layers over the exchanges.
func NewLayers(c *Checker, exs []*Exchange) *Layers { return &Layers{c, exs} }

// Run takes each exchange through the transport layer (the body decode
// included), then, as n is 1 or more, the schema layer (the compiled schema
// and strict mode), then, as n is 2, the generated client's layer, as Check
// does; it returns how many exchanges were skipped or stopped early and how
// many findings the layers made.
func (l *Layers) Run(n int) (stopped, findings int) {
	for _, ex := range l.exs {
		s, _ := l.c.begin(ex)
		if s == nil || !s.transport() {
			stopped++
			continue
		}
		if n >= 1 {
			s.schema()
		}
		if n >= 2 {
			s.typedClient()
		}
		findings += len(s.findings)
	}
	return stopped, findings
}

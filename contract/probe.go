package contract

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

// ErrorProbe is one read-only negative request of the list operation that
// tests what the spec says about an error answer: a bounded query parameter
// just outside its bounds, a value of the wrong type, or a deliberately
// invalid authToken. ErrorProbes derives them from the spec; package live
// sends them (live --probe-errors), and the Checker judges every exchange
// that names its probe (ProbeUserAgent), live or replayed from a recording.
//
// # What a probe expects
//
// Each probe expects the first of these statuses the list operation
// documents, with the response the spec gives for it (for this spec the
// B2B error envelope):
//
//   - limit-over-maximum (limit = the spec's maximum + 1): 413, the status
//     guide's answer to a limit over the maximum, else 422, else 400;
//   - limit-below-minimum (limit = minimum − 1), offset-below-minimum
//     (offset = minimum − 1), limit-wrong-type (limit=ten): 422, else 400;
//   - credentials-invalid (no query, an authToken made at run time that no
//     store issued): 401.
//
// A probe none of whose statuses the operation documents is not made.
//
// # How an answer is judged
//
// An answer with the expected status and no breaking transport, schema or
// generated-client finding confirms the spec (nothing is reported; coverage
// counts the response as seen conforming). Otherwise the exchange gets one
// finding naming the probe, the status expected and the answer:
// probe-refuted (breaking) for a 2xx, a status the operation does not
// document, or the expected status outside the documented response;
// probe-status-differs (additive) for another documented error status
// (a limit over the maximum answered 422 instead of 413).
type ErrorProbe struct {
	// Name is the probe's name, such as "limit-over-maximum".
	Name string
	// Query is the raw query string sent ("limit=251"); empty for none.
	Query string
	// BadToken says the probe is sent with an invalid authToken made at run
	// time instead of the caller's.
	BadToken bool
	// Expect is the status the spec documents for the answer.
	Expect int
	// Why says what the probe sends, for messages.
	Why string
}

// probeWants is the order of statuses each probe expects (ErrorProbe's
// doc); the spec decides which of them is documented.
var probeWants = map[string][]int{
	"limit-over-maximum":   {http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity, http.StatusBadRequest},
	"limit-below-minimum":  {http.StatusUnprocessableEntity, http.StatusBadRequest},
	"offset-below-minimum": {http.StatusUnprocessableEntity, http.StatusBadRequest},
	"limit-wrong-type":     {http.StatusUnprocessableEntity, http.StatusBadRequest},
	"credentials-invalid":  {http.StatusUnauthorized},
}

// ErrorProbes returns the error probes of the embedded spec's list
// operation, in the order live sends them.
func ErrorProbes() ([]ErrorProbe, error) {
	op, err := openapi.ListOperation()
	if err != nil {
		return nil, err
	}
	p, err := openapi.ListPaging()
	if err != nil {
		return nil, err
	}
	return errorProbes(op, p), nil
}

func errorProbes(op openapi.Operation, p openapi.Paging) []ErrorProbe {
	all := []ErrorProbe{
		{Name: "limit-over-maximum", Query: "limit=" + strconv.Itoa(p.MaxLimit+1), Why: fmt.Sprintf("limit %d, over the maximum of %d", p.MaxLimit+1, p.MaxLimit)},
		{Name: "limit-below-minimum", Query: "limit=" + strconv.Itoa(p.MinLimit-1), Why: fmt.Sprintf("limit %d, below the minimum of %d", p.MinLimit-1, p.MinLimit)},
		{Name: "offset-below-minimum", Query: "offset=" + strconv.Itoa(p.MinOffset-1), Why: fmt.Sprintf("offset %d, below the minimum of %d", p.MinOffset-1, p.MinOffset)},
		{Name: "limit-wrong-type", Query: "limit=ten", Why: "limit ten, not an integer"},
		{Name: "credentials-invalid", BadToken: true, Why: "an authToken no store issued"},
	}
	var out []ErrorProbe
	for _, pr := range all {
		for _, st := range probeWants[pr.Name] {
			if slices.Contains(op.Statuses, st) {
				pr.Expect = st
				out = append(out, pr)
				break
			}
		}
	}
	return out
}

// ProbeUserAgent is the User-Agent a probe is sent with: ua and the probe's
// name, which recordings keep, so check judges a replayed probe as live did.
func ProbeUserAgent(ua, name string) string {
	return ua + " (error probe " + name + ")"
}

var probeUA = regexp.MustCompile(`\(error probe ([a-z-]+)\)$`)

// probeOf returns the probe an exchange names in its User-Agent, among the
// probes of the checker's spec.
func (c *Checker) probeOf(ex *Exchange) (ErrorProbe, bool) {
	return ProbeOf(c.table, ex)
}

// ProbeOf returns the error probe ex names in its User-Agent
// (ProbeUserAgent), as the spec whose table t is defines it; false when ex
// names none, or a probe that spec does not make.
func ProbeOf(t *openapi.Table, ex *Exchange) (ErrorProbe, bool) {
	if t == nil || ex == nil {
		return ErrorProbe{}, false
	}
	m := probeUA.FindStringSubmatch(ex.Request.Header.Get("User-Agent"))
	if m == nil {
		return ErrorProbe{}, false
	}
	for _, pr := range errorProbes(t.List, t.Paging) {
		if pr.Name == m[1] {
			return pr, true
		}
	}
	return ErrorProbe{}, false
}

// probe judges an exchange that names an error probe (ErrorProbe's doc).
func (s *check) probe() {
	if s.op.id != s.c.table.List.ID {
		return
	}
	pr, ok := s.c.probeOf(s.ex)
	if !ok {
		return
	}
	status := s.ex.Response.Status
	conforms := true
	for _, f := range s.findings {
		r := rules[f.ID]
		if f.Severity == Breaking && (r.Layer == LayerTransport || r.Layer == LayerSchema || r.Layer == LayerClient) {
			conforms = false
		}
	}
	documented := slices.Contains(s.c.table.List.Statuses, status)
	switch {
	case status == pr.Expect && conforms:
		return
	case status == pr.Expect:
		s.add(IDProbeRefuted, "status", "error probe %s (%s) answered the expected %d, but not with the response the spec documents for it",
			pr.Name, pr.Why, pr.Expect)
	case status >= 200 && status <= 299:
		s.add(IDProbeRefuted, "status", "error probe %s (%s) expected %d, got %d: the endpoint accepted what the spec says it refuses",
			pr.Name, pr.Why, pr.Expect, status)
	case !documented:
		s.add(IDProbeRefuted, "status", "error probe %s (%s) expected %d, got %d, which the operation does not document",
			pr.Name, pr.Why, pr.Expect, status)
	default:
		s.add(IDProbeStatusDiffers, "status", "error probe %s (%s) expected %d, got %d: the spec assumes the wrong status for it",
			pr.Name, pr.Why, pr.Expect, status)
	}
}

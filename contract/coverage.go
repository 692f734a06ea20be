package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"go.yaml.in/yaml/v3"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

// Coverage accumulates what checked exchanges have shown of the spec a
// Checker was built from: which documented statuses were answered, which
// response properties were present, absent or null, which enum values
// appeared, which paging cases the requests exercised, which documented
// response headers came back, and whether responses the spec marks
// x-contract-source: assumed have now been seen conforming. It is an
// observer beside the checker: Observe takes an exchange and the Result the
// checker gave it, and never changes either.
//
// Every fact it measures against (operations, statuses, schemas, enums,
// headers, paging bounds and defaults, x-contract-source) is read from the
// spec document, through package openapi's table and libopenapi's model.
// It never records an observed value other than an enum value the spec
// itself declares, so a coverage report holds no token, email or credential.
//
// # What the percentage counts
//
// Report's Percent is Covered / Total × 100 over these items, each covered
// when at least one exchange showed it:
//
//   - every documented status of every operation;
//   - every documented response header of every documented response;
//   - every property path of every documented response schema (present at
//     least once; absent and null are reported but do not count);
//   - every enum value of every documented response schema;
//   - every paging case of every query parameter with a default, a minimum or
//     a maximum in the spec (the parameter left out so the default applies,
//     sent at its minimum, sent at its maximum), and, for the list
//     operation, an offset past the end (offset above 0 and at or past the
//     page's totalCount).
//
// A response never seen leaves all its headers, properties and enum values
// uncovered. Each operation gets its own Covered, Total and Percent over its
// items.
//
// # Scopes
//
// The report carries the same count over four scopes (CoverageScope); the
// totals are defined here and nowhere else:
//
//   - all: every item of every operation, as above (Covered, Total, Percent);
//   - called: the items of the operations the evidence called (Exchanges >
//     0), so a list-only recording is not measured against create and delete;
//   - documented: within the called operations, the items that are not under
//     a response marked x-contract-source: assumed ("documented behaviours
//     seen"; paging cases count here);
//   - assumed: within the called operations, the assumed responses seen
//     conforming over the assumed responses ("assumed behaviours
//     confirmed").
//
// Percent is 100 for a scope with nothing to count.
//
// A Coverage is safe for concurrent use.
type Coverage struct {
	mu          sync.Mutex
	ops         []*opCoverage
	byID        map[string]*opCoverage
	specVersion string
	exchanges   int
	skipped     int
}

type opCoverage struct {
	op           openapi.Operation
	list         bool
	exchanges    int
	responses    []*respCoverage // in status order
	byStatus     map[int]*respCoverage
	undocumented map[int]int
	params       []*paramCase
}

type respCoverage struct {
	status     int
	source     string // x-contract-source: documented, assumed, observed or ""
	component  string // the components/responses name when the operation refers to one
	seen       int
	conforming int
	headers    []string // canonical names, sorted
	headerSeen map[string]int
	root       *covNode
}

// covNode is one schema location of a response body.
type covNode struct {
	path  string
	props []*covProp
	items *covNode
	enum  []string
	// counts
	enumSeen  map[string]int
	enumOther int
}

type covProp struct {
	name                  string
	node                  *covNode
	present, absent, null int
}

// paramCase is one paging case of a query parameter.
type paramCase struct {
	param string
	kind  string // "default", "minimum", "maximum", "past-end"
	value int
	seen  int
}

// maxSchemaDepth bounds the schema walk (a recursive schema stops there).
const maxSchemaDepth = 12

// NewCoverage returns an empty Coverage for the spec c was built from.
// It reuses the spec's reading the Checker made, so it costs a walk of the
// response schemas, not a second parse.
func NewCoverage(c *Checker) (*Coverage, error) {
	c.modelMu.Lock() // a schema compiling on first use renders the same model
	defer c.modelMu.Unlock()
	return newCoverage(c.specName, c.spec, c.table, libsOf(c).model)
}

func newCoverage(name string, doc []byte, table *openapi.Table, model *v3.Document) (*Coverage, error) {
	refs, err := responseRefs(doc)
	if err != nil {
		return nil, fmt.Errorf("coverage: %s: %w", name, err)
	}
	cv := &Coverage{byID: map[string]*opCoverage{}, specVersion: table.Version}
	for _, t := range table.Operations {
		oc := &opCoverage{op: t, list: t.ID == table.List.ID, byStatus: map[int]*respCoverage{}, undocumented: map[int]int{}}
		mop := modelOperation(model, t)
		if mop == nil {
			return nil, fmt.Errorf("coverage: %s: libopenapi does not read %s", name, t)
		}
		for _, status := range t.Statuses {
			resp := mop.Responses.Codes.GetOrZero(strconv.Itoa(status))
			if resp == nil {
				return nil, fmt.Errorf("coverage: %s: %s has no response %d in libopenapi's reading", name, t, status)
			}
			rc := &respCoverage{status: status, headerSeen: map[string]int{},
				component: refs[refKey{strings.ToLower(t.Method), t.Path, strconv.Itoa(status)}]}
			if resp.Extensions != nil {
				if v, ok := resp.Extensions.Get("x-contract-source"); ok && v != nil {
					rc.source = v.Value
				}
			}
			if resp.Headers != nil {
				for h := range resp.Headers.KeysFromOldest() {
					rc.headers = append(rc.headers, http.CanonicalHeaderKey(h))
				}
				sort.Strings(rc.headers)
			}
			if mt := resp.Content.GetOrZero("application/json"); mt != nil && mt.Schema != nil {
				rc.root = buildCovNode(mt.Schema.Schema(), "$", 0)
			} else {
				rc.root = &covNode{path: "$"}
			}
			oc.responses = append(oc.responses, rc)
			oc.byStatus[status] = rc
		}
		for _, p := range t.Query {
			if p.Default != nil {
				oc.params = append(oc.params, &paramCase{param: p.Name, kind: "default", value: *p.Default})
			}
			if p.Minimum != nil {
				oc.params = append(oc.params, &paramCase{param: p.Name, kind: "minimum", value: *p.Minimum})
			}
			if p.Maximum != nil {
				oc.params = append(oc.params, &paramCase{param: p.Name, kind: "maximum", value: *p.Maximum})
			}
		}
		if oc.list {
			oc.params = append(oc.params, &paramCase{param: "offset", kind: "past-end"})
		}
		cv.ops = append(cv.ops, oc)
		cv.byID[t.ID] = oc
	}
	return cv, nil
}

func modelOperation(model *v3.Document, t openapi.Operation) *v3.Operation {
	item := model.Paths.PathItems.GetOrZero(t.Path)
	if item == nil {
		return nil
	}
	op := item.GetOperations().GetOrZero(strings.ToLower(t.Method))
	if op == nil || op.Responses == nil || op.Responses.Codes == nil {
		return nil
	}
	return op
}

type refKey struct{ method, path, status string }

// responseRefs maps each operation response that is a $ref to a
// components/responses entry to that entry's name: an overlay that marks
// such a response observed has to target the component.
func responseRefs(doc []byte) (map[refKey]string, error) {
	var spec struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Ref string `yaml:"$ref"`
			} `yaml:"responses"`
		} `yaml:"paths"`
	}
	if err := yaml.Unmarshal(doc, &spec); err != nil {
		return nil, fmt.Errorf("reading response references: %v", err)
	}
	out := map[refKey]string{}
	for path, item := range spec.Paths {
		for method, op := range item {
			for status, r := range op.Responses {
				if name, ok := strings.CutPrefix(r.Ref, "#/components/responses/"); ok {
					out[refKey{method, path, status}] = name
				}
			}
		}
	}
	return out, nil
}

// buildCovNode walks a response schema: object properties, array items and
// enums. Alternatives (oneOf, anyOf) and maps (additionalProperties) are
// leaves: which branch a value took is not a property path.
func buildCovNode(s *base.Schema, path string, depth int) *covNode {
	n := &covNode{path: path}
	if s == nil || depth > maxSchemaDepth {
		return n
	}
	for _, e := range s.Enum {
		if e != nil {
			n.enum = append(n.enum, e.Value)
		}
	}
	if len(n.enum) > 0 {
		n.enumSeen = map[string]int{}
	}
	if s.Properties != nil {
		for name, p := range s.Properties.FromOldest() {
			n.props = append(n.props, &covProp{name: name, node: buildCovNode(p.Schema(), path+"."+name, depth+1)})
		}
	}
	if s.Items != nil && s.Items.IsA() {
		n.items = buildCovNode(s.Items.A.Schema(), path+"[*]", depth+1)
	}
	return n
}

// ObserveSkipped counts n exchanges that were skipped without a Result
// (a recording loader's summary of other endpoints' entries, Skips.Total):
// they count as skipped, as a skipped Result does in Observe.
func (cv *Coverage) ObserveSkipped(n int) {
	if cv == nil || n <= 0 {
		return
	}
	cv.mu.Lock()
	defer cv.mu.Unlock()
	cv.skipped += n
}

// Observe adds one checked exchange and the Result the checker gave it.
// Exchanges the checker skipped (not operations of the contract) count as
// skipped and nothing else. A body that is not JSON still counts its status
// and headers.
func (cv *Coverage) Observe(ex *Exchange, res Result) {
	if cv == nil || ex == nil {
		return
	}
	cv.mu.Lock()
	defer cv.mu.Unlock()
	oc := cv.byID[res.Operation]
	if res.Skipped || oc == nil {
		cv.skipped++
		return
	}
	cv.exchanges++
	oc.exchanges++
	if u, err := url.Parse(ex.Request.URL); err == nil {
		oc.observeParams(u.Query(), res)
	}
	rc := oc.byStatus[res.Status]
	if rc == nil {
		oc.undocumented[res.Status]++
		return
	}
	rc.seen++
	if conforming(res) {
		rc.conforming++
	}
	for _, h := range rc.headers {
		if _, ok := ex.Response.Header[h]; ok {
			rc.headerSeen[h]++
		}
	}
	if ex.Response.BodyMissing || ex.Response.Truncated {
		return
	}
	dec := json.NewDecoder(bytes.NewReader(ex.Response.Body))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return
	}
	rc.root.observe(tree)
}

// conforming reports whether a result shows the documented response: no
// finding from the transport or schema layer that breaks a consumer.
func conforming(res Result) bool {
	for _, f := range res.Findings {
		r := rules[f.ID]
		if f.Severity == Breaking && (r.Layer == LayerTransport || r.Layer == LayerSchema || r.Layer == LayerClient) {
			return false
		}
	}
	return true
}

func (oc *opCoverage) observeParams(q url.Values, res Result) {
	for _, pc := range oc.params {
		switch pc.kind {
		case "default":
			if !q.Has(pc.param) {
				pc.seen++
			}
		case "minimum", "maximum":
			if n, err := strconv.Atoi(q.Get(pc.param)); err == nil && q.Has(pc.param) && n == pc.value {
				pc.seen++
			}
		case "past-end":
			if res.page != nil && res.Status == 200 && res.page.offset > 0 && res.page.offset >= res.page.total {
				pc.seen++
			}
		}
	}
}

func (n *covNode) observe(v any) {
	if n.enumSeen != nil {
		if s, ok := scalarText(v); ok && slices.Contains(n.enum, s) {
			n.enumSeen[s]++
		} else if v != nil {
			n.enumOther++
		}
	}
	switch t := v.(type) {
	case map[string]any:
		for _, p := range n.props {
			pv, ok := t[p.name]
			switch {
			case !ok:
				p.absent++
			case pv == nil:
				p.null++
			default:
				p.present++
				p.node.observe(pv)
			}
		}
	case []any:
		if n.items != nil {
			for _, e := range t {
				n.items.observe(e)
			}
		}
	}
}

// scalarText renders a JSON scalar the way libopenapi renders an enum value.
func scalarText(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case json.Number:
		return t.String(), true
	case bool:
		return strconv.FormatBool(t), true
	}
	return "", false
}

// CoverageReport is a snapshot of a Coverage: what the evidence showed of
// the spec, per operation. It marshals to JSON as the coverage object of
// the reports.
type CoverageReport struct {
	// SpecVersion is info.version of the spec measured against.
	SpecVersion string `json:"specVersion"`
	// Exchanges counts the exchanges of the contract's operations observed;
	// Skipped those that were not operations of the contract.
	Exchanges int `json:"exchanges"`
	Skipped   int `json:"skipped"`
	// Covered and Total count the items described in Coverage's doc, and
	// Percent is Covered / Total × 100 (100 when Total is 0).
	Covered int     `json:"covered"`
	Total   int     `json:"total"`
	Percent float64 `json:"percent"`
	// Called, Documented and AssumedConfirmed are the scoped totals described in
	// Coverage's doc ("called", "documented", "assumed").
	Called           CoverageTotal `json:"called"`
	Documented       CoverageTotal `json:"documented"`
	AssumedConfirmed CoverageTotal `json:"assumedConfirmed"`
	// Operations are in the spec's order.
	Operations []OperationCoverage `json:"operations"`
}

// OperationCoverage is what the evidence showed of one operation.
type OperationCoverage struct {
	Operation string `json:"operation"`
	Method    string `json:"method"`
	Path      string `json:"path"`
	Exchanges int    `json:"exchanges"`
	// Responses are the documented responses, in status order.
	Responses []ResponseCoverage `json:"responses"`
	// Undocumented are statuses observed that the spec does not document.
	Undocumented []StatusCount `json:"undocumented,omitempty"`
	// Parameters are the paging cases of the operation's query parameters.
	Parameters []ParameterCoverage `json:"parameters,omitempty"`
	// Covered and Total count the operation's items (Coverage's doc);
	// Percent is Covered / Total × 100.
	Covered int     `json:"covered"`
	Total   int     `json:"total"`
	Percent float64 `json:"percent"`
	// Documented counts the items not under an assumed response; Assumed
	// counts the assumed responses, covered when seen conforming.
	Documented       CoverageTotal `json:"documented"`
	AssumedConfirmed CoverageTotal `json:"assumedConfirmed"`

	assumed bool // while Report counts the items of an assumed response
}

// CoverageTotal is a count of items and how many the evidence showed.
type CoverageTotal struct {
	Covered int     `json:"covered"`
	Total   int     `json:"total"`
	Percent float64 `json:"percent"`
}

func (t *CoverageTotal) add(covered bool) {
	t.Total++
	if covered {
		t.Covered++
	}
}

func (t *CoverageTotal) sum(o CoverageTotal) {
	t.Covered += o.Covered
	t.Total += o.Total
}

// finish sets Percent from Covered and Total (100 when Total is 0).
func (t *CoverageTotal) finish() {
	t.Percent = percent(t.Covered, t.Total)
}

func percent(covered, total int) float64 {
	if total == 0 {
		return 100
	}
	return float64(covered) * 100 / float64(total)
}

// CoverageScope names which items a coverage total counts: "all",
// "called", "documented" or "assumed" (Coverage's doc defines each).
type CoverageScope string

// The coverage scopes.
const (
	ScopeAll        CoverageScope = "all"
	ScopeCalled     CoverageScope = "called"
	ScopeDocumented CoverageScope = "documented"
	ScopeAssumed    CoverageScope = "assumed"
)

// CoverageScopes are the scopes, in the order reports show them.
var CoverageScopes = []CoverageScope{ScopeAll, ScopeCalled, ScopeDocumented, ScopeAssumed}

// ParseCoverageScope reads a scope name.
func ParseCoverageScope(s string) (CoverageScope, error) {
	for _, c := range CoverageScopes {
		if string(c) == s {
			return c, nil
		}
	}
	return "", fmt.Errorf("%q is not a coverage scope (all, called, documented, assumed)", s)
}

// Scope returns the total of scope sc (the all-scope total for an unknown
// scope).
func (r CoverageReport) Scope(sc CoverageScope) CoverageTotal {
	switch sc {
	case ScopeCalled:
		return r.Called
	case ScopeDocumented:
		return r.Documented
	case ScopeAssumed:
		return r.AssumedConfirmed
	}
	return CoverageTotal{Covered: r.Covered, Total: r.Total, Percent: r.Percent}
}

// StatusCount is how often a status was observed.
type StatusCount struct {
	Status int `json:"status"`
	Seen   int `json:"seen"`
}

// ResponseCoverage is what the evidence showed of one documented response.
type ResponseCoverage struct {
	Status int `json:"status"`
	// Source is the response's x-contract-source (documented, assumed,
	// observed), empty when the spec gives none.
	Source string `json:"source,omitempty"`
	// Component names the components/responses entry the operation refers
	// to, if any.
	Component string `json:"component,omitempty"`
	// Seen counts exchanges with this status; Conforming those of them with
	// no breaking finding from the transport, schema or generated-client
	// layer.
	Seen       int                `json:"seen"`
	Conforming int                `json:"conforming"`
	Headers    []HeaderCoverage   `json:"headers,omitempty"`
	Properties []PropertyCoverage `json:"properties,omitempty"`
	Enums      []EnumCoverage     `json:"enums,omitempty"`
}

// Confirmed reports whether an assumed response has been seen conforming:
// the evidence shows what the spec assumed, so the spec may mark it
// x-contract-source: observed.
func (r ResponseCoverage) Confirmed() bool { return r.Source == "assumed" && r.Conforming > 0 }

// HeaderCoverage is how many responses carried a documented header.
type HeaderCoverage struct {
	Name string `json:"name"`
	Seen int    `json:"seen"`
}

// PropertyCoverage counts, for one property path of a response schema, the
// objects in which it was present (not null), absent and null.
type PropertyCoverage struct {
	Path    string `json:"path"`
	Present int    `json:"present"`
	Absent  int    `json:"absent"`
	Null    int    `json:"null"`
}

// EnumCoverage counts the values seen at an enum's path. Values are the
// spec's; Other counts values outside the enum (never printed: the schema
// layer reports them as enum-mismatch).
type EnumCoverage struct {
	Path   string      `json:"path"`
	Values []EnumValue `json:"values"`
	Other  int         `json:"other"`
}

// EnumValue is one value of an enum and how often it was seen.
type EnumValue struct {
	Value string `json:"value"`
	Seen  int    `json:"seen"`
}

// ParameterCoverage is one paging case of a query parameter: Case is
// "default" (left out, so Value applies), "minimum" or "maximum" (sent as
// Value), or "past-end" (an offset above 0 and at or past totalCount on a
// 200 page).
type ParameterCoverage struct {
	Name  string `json:"name"`
	Case  string `json:"case"`
	Value *int   `json:"value,omitempty"`
	Seen  int    `json:"seen"`
}

// Report returns a snapshot of what has been observed so far.
func (cv *Coverage) Report() CoverageReport {
	cv.mu.Lock()
	defer cv.mu.Unlock()
	r := CoverageReport{SpecVersion: cv.specVersion, Exchanges: cv.exchanges, Skipped: cv.skipped, Operations: []OperationCoverage{}}
	for _, oc := range cv.ops {
		o := OperationCoverage{Operation: oc.op.ID, Method: oc.op.Method, Path: oc.op.Path, Exchanges: oc.exchanges, Responses: []ResponseCoverage{}}
		for _, rc := range oc.responses {
			rr := ResponseCoverage{Status: rc.status, Source: rc.source, Component: rc.component, Seen: rc.seen, Conforming: rc.conforming}
			o.assumed = rc.source == "assumed"
			o.count(rc.seen > 0)
			for _, h := range rc.headers {
				rr.Headers = append(rr.Headers, HeaderCoverage{Name: h, Seen: rc.headerSeen[h]})
				o.count(rc.headerSeen[h] > 0)
			}
			rc.root.report(&rr, &o)
			o.assumed = false
			if rr.Source == "assumed" {
				o.AssumedConfirmed.add(rr.Confirmed())
			}
			o.Responses = append(o.Responses, rr)
		}
		for st, n := range oc.undocumented {
			o.Undocumented = append(o.Undocumented, StatusCount{Status: st, Seen: n})
		}
		sort.Slice(o.Undocumented, func(i, j int) bool { return o.Undocumented[i].Status < o.Undocumented[j].Status })
		for _, pc := range oc.params {
			p := ParameterCoverage{Name: pc.param, Case: pc.kind, Seen: pc.seen}
			if pc.kind != "past-end" {
				v := pc.value
				p.Value = &v
			}
			o.Parameters = append(o.Parameters, p)
			o.count(pc.seen > 0)
		}
		o.Percent = percent(o.Covered, o.Total)
		o.Documented.finish()
		o.AssumedConfirmed.finish()
		r.Covered += o.Covered
		r.Total += o.Total
		if o.Exchanges > 0 {
			r.Called.sum(CoverageTotal{Covered: o.Covered, Total: o.Total})
			r.Documented.sum(o.Documented)
			r.AssumedConfirmed.sum(o.AssumedConfirmed)
		}
		r.Operations = append(r.Operations, o)
	}
	r.Percent = percent(r.Covered, r.Total)
	r.Called.finish()
	r.Documented.finish()
	r.AssumedConfirmed.finish()
	return r
}

// count adds one item to the operation's totals, and to Documented unless
// it is under an assumed response.
func (o *OperationCoverage) count(covered bool) {
	o.Total++
	if covered {
		o.Covered++
	}
	if !o.assumed {
		o.Documented.add(covered)
	}
}

func (n *covNode) report(rr *ResponseCoverage, o *OperationCoverage) {
	if n.enumSeen != nil {
		e := EnumCoverage{Path: n.path, Other: n.enumOther}
		for _, v := range n.enum {
			e.Values = append(e.Values, EnumValue{Value: v, Seen: n.enumSeen[v]})
			o.count(n.enumSeen[v] > 0)
		}
		rr.Enums = append(rr.Enums, e)
	}
	for _, p := range n.props {
		rr.Properties = append(rr.Properties, PropertyCoverage{Path: p.node.path, Present: p.present, Absent: p.absent, Null: p.null})
		o.count(p.present > 0)
		p.node.report(rr, o)
	}
	if n.items != nil {
		n.items.report(rr, o)
	}
}

// Assumed returns the responses marked x-contract-source: assumed, with the
// operation each belongs to, in the spec's order.
func (r CoverageReport) Assumed() []AssumedResponse {
	var out []AssumedResponse
	for _, o := range r.Operations {
		for _, rr := range o.Responses {
			if rr.Source == "assumed" {
				out = append(out, AssumedResponse{Operation: o.Operation, Method: o.Method, Path: o.Path, Response: rr})
			}
		}
	}
	return out
}

// AssumedResponse is a response the spec marks assumed, and what the
// evidence showed of it.
type AssumedResponse struct {
	Operation, Method, Path string
	Response                ResponseCoverage
}

// Uncovered lists, one line each, the documented behaviours no exchange has
// shown: statuses, enum values, paging cases and headers of responses that
// were seen. (Headers and properties of responses never seen are implied by
// their status.)
func (r CoverageReport) Uncovered() []string {
	var out []string
	for _, o := range r.Operations {
		var statuses []string
		for _, rr := range o.Responses {
			if rr.Seen == 0 {
				s := strconv.Itoa(rr.Status)
				if rr.Source == "assumed" {
					s += " (assumed)"
				}
				statuses = append(statuses, s)
				continue
			}
			for _, e := range rr.Enums {
				for _, v := range e.Values {
					if v.Seen == 0 {
						out = append(out, fmt.Sprintf("%s: %d %s = %q", o.Operation, rr.Status, e.Path, v.Value))
					}
				}
			}
			for _, p := range rr.Properties {
				if p.Present == 0 {
					out = append(out, fmt.Sprintf("%s: %d property %s never present", o.Operation, rr.Status, p.Path))
				}
			}
			var hs []string
			for _, h := range rr.Headers {
				if h.Seen == 0 {
					hs = append(hs, h.Name)
				}
			}
			if len(hs) > 0 {
				out = append(out, fmt.Sprintf("%s: %d header %s never sent", o.Operation, rr.Status, strings.Join(hs, ", ")))
			}
		}
		if len(statuses) > 0 {
			out = append(out, fmt.Sprintf("%s: status %s never seen", o.Operation, strings.Join(statuses, ", ")))
		}
		for _, p := range o.Parameters {
			if p.Seen == 0 {
				out = append(out, fmt.Sprintf("%s: %s", o.Operation, p.Describe()))
			}
		}
	}
	return out
}

// Describe says what a paging case is: "limit left out (default 10)",
// "limit=250 (maximum)", "offset past the end (>= totalCount)".
func (p ParameterCoverage) Describe() string {
	switch {
	case p.Case == "past-end":
		return p.Name + " past the end (>= totalCount)"
	case p.Case == "default" && p.Value != nil:
		return fmt.Sprintf("%s left out (default %d)", p.Name, *p.Value)
	case p.Value != nil:
		return fmt.Sprintf("%s=%d (%s)", p.Name, *p.Value, p.Case)
	}
	return p.Name + " " + p.Case
}

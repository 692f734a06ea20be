// Package overlay turns findings into spec patches: OpenAPI Overlay 1.0.0
// documents with one action per change the spec could absorb, and applies
// such a document to a spec.
//
// Suggest reads the findings of a check together with the exchanges that
// showed them, and proposes:
//
//   - unknown-field: the field becomes an optional property whose type and
//     format are inferred from every observed value (integer or number;
//     date-time, email, uri or uuid strings; nullable when a null was seen). A
//     field seen only as null says so instead of guessing a type.
//   - enum-mismatch: the new value is added to the enum (never a value that
//     looks like a secret).
//   - unexpected-null: the property becomes nullable.
//   - undocumented-status: the operation gets a response for the status,
//     shaped like the observed body (types only, never values).
//   - sunset-announced: the Sunset date becomes x-sunset on the operation, so
//     the spec-diff gate starts enforcing it.
//   - missing-field: the field is dropped from required, with a warning:
//     this accepts a breaking change.
//   - probe-status-differs: an error probe (contract.ErrorProbe) was answered
//     with another documented status than the one the spec assumes; the
//     refuted response is removed from the operation (remove: true), and
//     the status that came back, if it conformed, is marked observed by
//     ConfirmAssumed.
//
// probe-refuted is not absorbable: a 2xx to an invalid token or an
// out-of-range request is for the vendor, and an undocumented status or a
// wrong envelope gets its own undocumented-status or schema finding.
// Nothing else is absorbable (endpoint-gone, token-not-jwt, invariant
// breaches, truncated bodies…): those findings get no action. Every action's
// description and its x-tokens-contract extension say why: the finding id,
// how many exchanges showed it, when it was first and last seen (when the
// recordings say), and the sources. No value from an exchange is ever written,
// except an enum value that the secrets policy does not flag.
//
// Everything an overlay takes from an exchange (an enum value, a member name,
// a content type) passes the same secrets policy as the reports: the generic
// shapes of internal/secrets (JWTs, emails, secret-named members) and the
// exchange's own secrets (contract.ExchangeSecrets: its credential headers
// and the values of its secret-named members), plus any value the caller
// knows to be secret (the B2B_AUTH_TOKEN of the run). A value or name the
// policy flags is never written; the finding gets a warning instead.
//
// Targets come from the spec's own names, found by walking the finding's
// path through the spec and the observed bodies. A member name that cannot be
// written safely (one holding brackets, quotes, backslashes or control
// characters, which a finding's path cannot carry unambiguously, or one the
// policy flags) is left for a human: the finding gets a warning, not an
// action. An unknown-field path must lead to a member of an observed body
// that the spec does not declare.
//
// The schema inferred for an undocumented status or an undeclared object is
// bounded: at most MaxSchemaDepth levels, MaxSchemaProperties members per
// object (an object with more is a map, written as additionalProperties
// without its keys) and MaxSchemaNodes schemas in all; past the bounds a
// schema says nothing ({}).
//
// ConfirmAssumed works from coverage (contract.Coverage) rather than
// findings: a response the spec marks x-contract-source: assumed that the
// evidence shows conforming gets an action that marks it observed (on the
// components/responses entry it refers to, when it refers to one).
//
// Apply applies one overlay document with libopenapi's overlay engine;
// ApplyAll applies several in order, each to the result of the one before,
// and records them in the patched document: info.x-tokens-contract-overlays
// (ProvenanceKey) lists each overlay's file name and the SHA-256 of its
// bytes, after those of any earlier patching, so a patched spec says which
// overlays made it.
package overlay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/b2b-contract/s2s-tokens/client/headers"
	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/secrets"
)

// Version is the Overlay specification version the documents declare.
const Version = "1.0.0"

// Evidence is one checked exchange: the result the checker gave and the
// exchange itself, whose body the suggester reads for types.
type Evidence struct {
	Result   contract.Result
	Exchange *contract.Exchange
	// At is when the exchange was recorded; zero when the recording does not
	// say.
	At time.Time
}

// Document is an OpenAPI Overlay document.
type Document struct {
	Overlay string   `yaml:"overlay"`
	Info    Info     `yaml:"info"`
	Actions []Action `yaml:"actions"`
}

// Info is the overlay's info object.
type Info struct {
	Title   string `yaml:"title"`
	Version string `yaml:"version"`
}

// Action is one overlay action, with the evidence behind it.
type Action struct {
	Target      string  `yaml:"target"`
	Description string  `yaml:"description"`
	Update      any     `yaml:"update,omitempty"`
	Remove      bool    `yaml:"remove,omitempty"`
	Why         *Reason `yaml:"x-tokens-contract"`
}

// Reason is the x-tokens-contract extension of an action: why it is
// suggested.
type Reason struct {
	Finding   string   `yaml:"finding"`
	Operation string   `yaml:"operation"`
	Path      string   `yaml:"path"`
	Exchanges int      `yaml:"exchanges"`
	FirstSeen string   `yaml:"firstSeen,omitempty"`
	LastSeen  string   `yaml:"lastSeen,omitempty"`
	Sources   []string `yaml:"sources"`
	Breaking  bool     `yaml:"acceptsBreakingChange,omitempty"`
}

// Bounds of an inferred schema.
const (
	MaxSchemaDepth      = 6
	MaxSchemaProperties = 64
	MaxSchemaNodes      = 512
)

// Suggestion is what Suggest proposes.
type Suggestion struct {
	Document Document
	// Warnings are for the user: actions that accept a breaking change, and
	// findings of an absorbable kind that could not be turned into an action
	// (with the reason). They hold no value the secrets policy flags.
	Warnings []string

	pol policy // the run's secrets policy; zero for a zero Suggestion
}

// YAML renders the overlay document. As a last line of defence it refuses
// a document the secrets policy would change.
func (s *Suggestion) YAML() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(s.Document); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	if s.pol.known != nil && s.pol.known.Replace(buf.String()) != buf.String() {
		return nil, fmt.Errorf("overlay: the document would hold a secret of the exchanges; not written")
	}
	return buf.Bytes(), nil
}

// policy judges what an overlay may take from the exchanges: sc applies
// the whole secrets policy with the exchanges' own secrets, known replaces
// those secrets alone (in every form secrets.Forms gives), for text that is
// the overlay's own (targets, paths), which the generic shapes would
// mistake for tokens ($.components.responses.Unauthorized has the shape of
// a compact token).
type policy struct {
	sc    *secrets.Scrubber
	known *strings.Replacer
}

func newPolicy(evidence []Evidence, known []string) policy {
	all := append([]string(nil), known...)
	for _, ev := range evidence {
		all = append(all, contract.ExchangeSecrets(ev.Exchange)...)
	}
	set := map[string]bool{}
	for _, k := range all {
		if len(k) < secrets.MinKnown {
			continue
		}
		for _, f := range secrets.Forms(k) {
			if len(f) >= secrets.MinKnown {
				set[f] = true
			}
		}
	}
	olds := make([]string, 0, len(set))
	for f := range set {
		olds = append(olds, f)
	}
	sort.Slice(olds, func(i, j int) bool {
		return len(olds[i]) > len(olds[j]) || len(olds[i]) == len(olds[j]) && olds[i] < olds[j]
	})
	args := make([]string, 0, 2*len(olds))
	for _, f := range olds {
		args = append(args, f, secrets.Marker)
	}
	return policy{sc: secrets.NewScrubber(all...), known: strings.NewReplacer(args...)}
}

// safe reports whether s may be written: the policy leaves it as it is.
func (p policy) safe(s string) bool {
	return !strings.Contains(s, secrets.Marker) && p.sc.String(s) == s
}

// clean removes the exchanges' secrets from the overlay's own text.
func (p policy) clean(s string) string { return p.known.Replace(s) }

// writableName reports whether a member name may be written into a spec
// and trusted as a step of a finding's path.
func (p policy) writableName(name string) bool {
	if name == "" || strings.ContainsAny(name, `[]'"\`) {
		return false
	}
	for _, r := range name {
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.In(r, unicode.Bidi_Control) {
			return false
		}
	}
	return p.safe(name)
}

// Absorbable reports whether Suggest can turn findings with this id into a
// spec change.
func Absorbable(id string) bool {
	switch id {
	case contract.IDUnknownField, contract.IDEnumMismatch, contract.IDUnexpectedNull,
		contract.IDUndocumentedStatus, contract.IDSunsetAnnounced, contract.IDMissingField,
		contract.IDProbeStatusDiffers:
		return true
	}
	return false
}

// group is every occurrence of one (finding id, operation, status, path).
type group struct {
	id, operation, path string
	status              int
	evidence            []Evidence
}

// Suggest proposes an overlay for spec (the document the findings were
// checked against) from the evidence. Findings the baseline accepted are left
// out: the team chose not to patch them yet. known are further secret values
// (the run's auth token) that nothing in the overlay may hold.
func Suggest(spec []byte, title string, evidence []Evidence, known ...string) (*Suggestion, error) {
	idx, err := newSpecIndex(spec)
	if err != nil {
		return nil, err
	}
	idx.pol = newPolicy(evidence, known)
	groups := map[string]*group{}
	var order []string
	for _, ev := range evidence {
		for _, f := range ev.Result.Findings {
			if !Absorbable(f.ID) || f.Accepted != nil || ev.Result.Operation == "" {
				continue
			}
			status := ev.Result.Status
			if f.ID == contract.IDSunsetAnnounced {
				status = 0 // one x-sunset per operation, whatever the status
			}
			key := fmt.Sprint(f.ID, "\x00", ev.Result.Operation, "\x00", status, "\x00", f.Path)
			g, ok := groups[key]
			if !ok {
				g = &group{id: f.ID, operation: ev.Result.Operation, path: f.Path, status: status}
				groups[key] = g
				order = append(order, key)
			}
			g.evidence = append(g.evidence, ev)
		}
	}
	s := &Suggestion{Document: Document{Overlay: Version, Info: Info{Title: title, Version: idx.version}}, pol: idx.pol}
	for _, key := range order {
		g := groups[key]
		g.path = idx.pol.clean(g.path)
		actions, warn := idx.actions(g)
		if warn != "" {
			s.Warnings = append(s.Warnings, idx.pol.clean(fmt.Sprintf("%s at %s (%s): %s", g.id, g.path, g.operation, warn)))
		}
		why := why(g, idx.pol)
		for _, a := range actions {
			a.Why = why
			a.Description += " " + describe(why)
			if why.Breaking {
				s.Warnings = append(s.Warnings, fmt.Sprintf("%s at %s (%s): the suggested action accepts a breaking change: review it before applying", g.id, g.path, g.operation))
			}
			s.Document.Actions = append(s.Document.Actions, a)
		}
	}
	return s, nil
}

func why(g *group, pol policy) *Reason {
	w := &Reason{Finding: g.id, Operation: g.operation, Path: g.path, Exchanges: len(g.evidence), Breaking: g.id == contract.IDMissingField}
	var first, last time.Time
	for _, ev := range g.evidence {
		w.Sources = append(w.Sources, pol.clean(contract.Scrub(ev.Result.Source, nil)))
		if !ev.At.IsZero() {
			if first.IsZero() || ev.At.Before(first) {
				first = ev.At
			}
			if ev.At.After(last) {
				last = ev.At
			}
		}
	}
	if !first.IsZero() {
		w.FirstSeen, w.LastSeen = first.UTC().Format(time.RFC3339), last.UTC().Format(time.RFC3339)
	}
	slices.Sort(w.Sources)
	w.Sources = slices.Compact(w.Sources)
	return w
}

func describe(w *Reason) string {
	s := fmt.Sprintf("Suggested by tokens-contract from %s at %s (%s), seen in %d exchange(s)", w.Finding, w.Path, w.Operation, w.Exchanges)
	if w.FirstSeen != "" {
		s += fmt.Sprintf(" from %s to %s", w.FirstSeen, w.LastSeen)
	}
	if w.Breaking {
		s += ". WARNING: this accepts a breaking change"
	}
	return s + "."
}

// actions builds the actions for one group, or says why there are none.
func (idx *specIndex) actions(g *group) ([]Action, string) {
	op, ok := idx.ops[g.operation]
	if !ok {
		return nil, "the spec has no such operation"
	}
	switch g.id {
	case contract.IDSunsetAnnounced:
		var latest time.Time
		for _, ev := range g.evidence {
			n, _ := headers.ParseNotice(ev.Exchange.Response.Header)
			if n.Sunset.After(latest) {
				latest = n.Sunset
			}
		}
		if latest.IsZero() {
			return nil, "no parsable Sunset header"
		}
		return []Action{{Target: op.target, Description: "Record the announced Sunset date.",
			Update: map[string]any{"x-sunset": latest.UTC().Format(time.RFC3339)}}}, ""
	case contract.IDProbeStatusDiffers:
		// The probe's expectation is refuted: the spec assumed one status
		// and the vendor answers another it documents. The correction
		// removes the refuted response from the operation; the one that
		// came back is marked observed by ConfirmAssumed when it conformed.
		if idx.table == nil {
			return nil, "the spec's operation table could not be read"
		}
		var pr contract.ErrorProbe
		for _, ev := range g.evidence {
			if p, ok := contract.ProbeOf(idx.table, ev.Exchange); ok {
				pr = p
				break
			}
		}
		if pr.Name == "" || pr.Expect == g.status {
			return nil, "no exchange names the error probe"
		}
		return []Action{{Target: op.target + ".responses" + member(strconv.Itoa(pr.Expect)), Remove: true,
			Description: fmt.Sprintf("Error probe %s (%s) was answered %d, not the %d the spec assumes: remove the refuted %d response; the %d response documents what the vendor answers.",
				pr.Name, pr.Why, g.status, pr.Expect, pr.Expect, g.status)}}, ""
	case contract.IDUndocumentedStatus:
		if g.status < 100 || g.status > 599 {
			return nil, "not a status code"
		}
		var values []any
		contentType := ""
		for _, ev := range g.evidence {
			if contentType == "" {
				contentType, _, _ = strings.Cut(ev.Exchange.Response.Header.Get("Content-Type"), ";")
				if contentType = strings.TrimSpace(contentType); !mediaType.MatchString(contentType) || !idx.pol.safe(contentType) {
					contentType = ""
				}
			}
			if v, ok := decode(ev.Exchange.Response.Body); ok {
				values = append(values, v)
			}
		}
		resp := map[string]any{
			"description":       fmt.Sprintf("%d %s, observed from the vendor; not in its documentation.", g.status, http.StatusText(g.status)),
			"x-contract-source": "observed",
		}
		if len(values) > 0 {
			resp["content"] = map[string]any{"application/json": map[string]any{"schema": idx.shaper().shape(values, 0)}}
		} else if contentType != "" {
			resp["content"] = map[string]any{contentType: map[string]any{"schema": map[string]any{"type": "string"}}}
		}
		return []Action{{Target: op.target + ".responses", Description: fmt.Sprintf("Document the observed %d response.", g.status),
			Update: map[string]any{strconv.Itoa(g.status): resp}}}, ""
	}

	steps, err := contract.ParsePath(g.path)
	if err != nil || len(steps) == 0 {
		return nil, "the finding's path is not a body path"
	}
	for _, st := range steps {
		if !st.Wildcard && !st.IsIndex && !idx.pol.writableName(st.Name) {
			return nil, "a member name on the path cannot be written safely (it holds brackets, quotes, control characters or what looks like a secret): left for a human"
		}
	}
	root, ok := idx.responseSchema(op, g.status)
	if !ok {
		return nil, fmt.Sprintf("the spec has no JSON schema for the %d response", g.status)
	}
	values := observed(g.evidence, steps)
	switch g.id {
	case contract.IDUnknownField:
		last := steps[len(steps)-1]
		if last.Name == "" {
			return nil, "the undeclared member is not named"
		}
		parent, ok := idx.walk(root, steps[:len(steps)-1])
		if !ok {
			return nil, "the spec has no schema at the parent of the path"
		}
		if get(get(parent.node, "properties"), last.Name) != nil {
			return nil, "the spec already declares the member the path names, so the path does not say which member is undeclared: left for a human"
		}
		if len(values) == 0 {
			return nil, "no observed body has a member at the path: left for a human"
		}
		prop, note := infer(values)
		if prop["type"] == "object" || prop["type"] == "array" {
			prop = mergeShape(prop, idx.shaper().shape(values, 0))
		}
		prop["description"] = "Observed in the vendor's responses; not in its documentation. " + note
		prop["x-contract-source"] = "observed"
		return []Action{{Target: parent.target + ".properties", Description: fmt.Sprintf("Declare the undeclared field %q as optional.", last.Name),
			Update: map[string]any{last.Name: prop}}}, ""
	case contract.IDUnexpectedNull:
		at, ok := idx.walk(root, steps)
		if !ok {
			return nil, "the spec has no schema at the path"
		}
		return []Action{{Target: at.target, Description: "Allow null, as observed.", Update: map[string]any{"nullable": true}}}, ""
	case contract.IDEnumMismatch:
		at, ok := idx.walk(root, steps)
		if !ok {
			return nil, "the spec has no schema at the path"
		}
		enum := at.enum()
		var out []Action
		var skipped int
		seen := map[string]bool{}
		for _, v := range values {
			s, ok := v.(string)
			if !ok || slices.Contains(enum, s) || seen[s] {
				continue
			}
			seen[s] = true
			if !idx.pol.safe(s) || len(s) > 64 || strings.ContainsFunc(s, unicode.IsControl) {
				skipped++
				continue
			}
			out = append(out, Action{Target: at.target + ".enum", Description: "Add the observed enum value.", Update: s})
		}
		if skipped > 0 {
			return out, fmt.Sprintf("%d value(s) look like secrets or are too long to write into a spec: add them by hand if they are real", skipped)
		}
		return out, ""
	case contract.IDMissingField:
		last := steps[len(steps)-1]
		parent, ok := idx.walk(root, steps[:len(steps)-1])
		if !ok || last.Name == "" || !slices.Contains(parent.required(), last.Name) {
			return nil, "the field is not required in the spec"
		}
		return []Action{{Target: parent.target + ".required[?(@ == " + quote(last.Name) + ")]", Remove: true,
			Description: fmt.Sprintf("Drop %q from required.", last.Name)}}, ""
	}
	return nil, "not absorbable"
}

// observed collects the values at steps in every exchange's body.
func observed(evidence []Evidence, steps []contract.PathStep) []any {
	var out []any
	for _, ev := range evidence {
		v, ok := decode(ev.Exchange.Response.Body)
		if !ok {
			continue
		}
		collect(v, steps, &out)
	}
	return out
}

func collect(v any, steps []contract.PathStep, out *[]any) {
	if len(steps) == 0 {
		*out = append(*out, v)
		return
	}
	st := steps[0]
	switch {
	case st.Wildcard:
		if a, ok := v.([]any); ok {
			for _, item := range a {
				collect(item, steps[1:], out)
			}
		}
	case st.IsIndex:
		if a, ok := v.([]any); ok && st.Index < len(a) {
			collect(a[st.Index], steps[1:], out)
		}
	default:
		if m, ok := v.(map[string]any); ok {
			if child, ok := m[st.Name]; ok {
				collect(child, steps[1:], out)
			}
		}
	}
}

func decode(body []byte) (any, bool) {
	if len(body) == 0 {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	return v, true
}

// mediaType is what a Content-Type written into a spec may look like.
var mediaType = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}$`)

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// infer returns a schema for the observed values (types and formats only)
// and a note on what it rests on.
func infer(values []any) (map[string]any, string) {
	kinds := map[string]int{}
	var strs []string
	for _, v := range values {
		k := kind(v)
		kinds[k]++
		if s, ok := v.(string); ok {
			strs = append(strs, s)
		}
	}
	nulls := kinds["null"]
	delete(kinds, "null")
	if kinds["integer"] > 0 && kinds["number"] > 0 {
		kinds["number"] += kinds["integer"]
		delete(kinds, "integer")
	}
	schema := map[string]any{}
	n := len(values)
	switch {
	case n == 0:
		return schema, "No value could be read from the recordings, so no type is given."
	case len(kinds) == 0:
		schema["nullable"] = true
		return schema, fmt.Sprintf("Seen only as null (%d values), so its type is unknown.", n)
	case len(kinds) > 1:
		names := make([]string, 0, len(kinds))
		for k := range kinds {
			names = append(names, k)
		}
		sort.Strings(names)
		if nulls > 0 {
			schema["nullable"] = true
		}
		return schema, fmt.Sprintf("Seen as %s (%d values), so no single type is given.", strings.Join(names, " and "), n)
	}
	for k := range kinds {
		schema["type"] = k
	}
	if nulls > 0 {
		schema["nullable"] = true
	}
	if schema["type"] == "string" {
		if f := stringFormat(strs); f != "" {
			schema["format"] = f
		}
	}
	if schema["type"] == "array" {
		schema["items"] = map[string]any{}
	}
	return schema, fmt.Sprintf("Type inferred from %d observed value(s).", n)
}

func kind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		if _, err := strconv.ParseInt(x.String(), 10, 64); err == nil {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

// stringFormat is the format every string matches: date-time, email, uuid or
// uri, in that order; empty when none fits them all.
func stringFormat(strs []string) string {
	all := func(ok func(string) bool) bool {
		for _, s := range strs {
			if !ok(s) {
				return false
			}
		}
		return len(strs) > 0
	}
	switch {
	case all(func(s string) bool { _, err := time.Parse(time.RFC3339, s); return err == nil }):
		return "date-time"
	case all(func(s string) bool { a, err := mail.ParseAddress(s); return err == nil && a.Address == s }):
		return "email"
	case all(uuidRE.MatchString):
		return "uuid"
	case all(func(s string) bool { u, err := url.Parse(s); return err == nil && u.Scheme != "" && u.Host != "" }):
		return "uri"
	}
	return ""
}

// shaper infers bounded schemas under the run's secrets policy.
type shaper struct {
	pol   policy
	nodes int // schemas left to make
}

func (idx *specIndex) shaper() *shaper { return &shaper{pol: idx.pol, nodes: MaxSchemaNodes} }

// shape infers a schema for bodies: objects by their members (all optional),
// arrays by their items, scalars by infer, within the bounds (see the package
// doc). A member name the policy flags is not written.
func (sh *shaper) shape(values []any, depth int) map[string]any {
	if depth >= MaxSchemaDepth || len(values) == 0 || sh.nodes <= 0 {
		return map[string]any{}
	}
	sh.nodes--
	var objs []map[string]any
	var items []any
	arrays := 0
	for _, v := range values {
		switch x := v.(type) {
		case map[string]any:
			objs = append(objs, x)
		case []any:
			arrays++
			items = append(items, x...)
		}
	}
	switch {
	case len(objs) == len(values) && len(objs) > 0:
		byName := map[string][]any{}
		var all []any
		for _, o := range objs {
			for k, v := range o {
				all = append(all, v)
				if len(byName) <= MaxSchemaProperties {
					byName[k] = append(byName[k], v)
				}
			}
		}
		if len(byName) > MaxSchemaProperties {
			// So many names are data (ids, keys), not members: a map.
			return map[string]any{"type": "object", "additionalProperties": sh.shape(all, depth+1)}
		}
		names := make([]string, 0, len(byName))
		for k := range byName {
			if sh.pol.writableName(k) {
				names = append(names, k)
			}
		}
		sort.Strings(names)
		// Nothing is required: a member seen every time so far may still
		// be optional, and a wrong required is breaking drift later.
		props := map[string]any{}
		for _, k := range names {
			props[k] = sh.shape(byName[k], depth+1)
		}
		return map[string]any{"type": "object", "properties": props}
	case arrays == len(values):
		return map[string]any{"type": "array", "items": sh.shape(items, depth+1)}
	}
	s, _ := infer(values)
	return s
}

// mergeShape adds the members or items shape found to an inferred object or
// array schema, keeping what infer said (nullable).
func mergeShape(schema, found map[string]any) map[string]any {
	for _, k := range []string{"properties", "items"} {
		if v, ok := found[k]; ok {
			schema[k] = v
		}
	}
	return schema
}

func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

package upstream

import (
	"maps"
	"slices"
	"strings"
)

// The kinds of a Change: which aspect of an operation differs.
const (
	KindOperation  = "operation"  // Item "": "present" or ""
	KindDeprecated = "deprecated" // Item "": "true" or "false"
	KindSunset     = "sunset"     // Item "": the date or ""
	KindSecurity   = "security"   // Item "": Operation.Security
	KindParameter  = "parameter"  // Item "query limit": its description or ""
	KindRequest    = "request"    // Item "$.id": its description or ""
	KindStatus     = "status"     // Item "404": "documented" or ""
	KindContent    = "content"    // Item "200": media types
	KindHeader     = "header"     // Item "200 Sunset": "declared" or ""
	KindProperty   = "property"   // Item "200 $.data[*].id": its description or ""
	KindRequired   = "required"   // Item "200 $.code": "required" or ""
)

// Change is one aspect of one operation on which two documents differ:
// Before is what the first says, After what the second says; "" means the
// document does not have it.
type Change struct {
	Operation string `json:"operation" yaml:"operation"`
	Kind      string `json:"kind" yaml:"kind"`
	Item      string `json:"item,omitempty" yaml:"item,omitempty"`
	Before    string `json:"before" yaml:"before"`
	After     string `json:"after" yaml:"after"`
}

// Status is the response status a change is about, or "".
func (c Change) Status() string {
	switch c.Kind {
	case KindStatus, KindContent:
		return c.Item
	case KindHeader, KindProperty, KindRequired:
		s, _, _ := strings.Cut(c.Item, " ")
		return s
	}
	return ""
}

// Compare lists every aspect on which a and b differ, in a stable order.
// The properties, headers and required fields of a status only one document
// has are not listed: the status says it.
func Compare(a, b *Facts) []Change {
	var out []Change
	for _, key := range slices.Sorted(maps.Keys(union(a.Operations, b.Operations))) {
		oa, ob := a.Operations[key], b.Operations[key]
		if oa == nil || ob == nil {
			out = append(out, Change{Operation: key, Kind: KindOperation, Before: present(oa != nil), After: present(ob != nil)})
			continue
		}
		add := func(kind, item, before, after string) {
			if before != after {
				out = append(out, Change{Operation: key, Kind: kind, Item: item, Before: before, After: after})
			}
		}
		add(KindDeprecated, "", boolWord(oa.Deprecated), boolWord(ob.Deprecated))
		add(KindSunset, "", oa.Sunset, ob.Sunset)
		add(KindSecurity, "", oa.Security, ob.Security)
		for _, p := range slices.Sorted(maps.Keys(union(oa.Parameters, ob.Parameters))) {
			add(KindParameter, p, oa.Parameters[p], ob.Parameters[p])
		}
		for _, p := range slices.Sorted(maps.Keys(union(oa.Request, ob.Request))) {
			add(KindRequest, p, oa.Request[p], ob.Request[p])
		}
		for _, s := range slices.Sorted(maps.Keys(union(oa.Responses, ob.Responses))) {
			ra, rb := oa.Responses[s], ob.Responses[s]
			if ra == nil || rb == nil {
				add(KindStatus, s, documented(ra != nil), documented(rb != nil))
				continue
			}
			add(KindContent, s, strings.Join(ra.Content, ", "), strings.Join(rb.Content, ", "))
			ha, hb := set(ra.Headers), set(rb.Headers)
			for _, h := range slices.Sorted(maps.Keys(union(ha, hb))) {
				add(KindHeader, s+" "+h, declared(ha[h]), declared(hb[h]))
			}
			for _, p := range slices.Sorted(maps.Keys(union(ra.Properties, rb.Properties))) {
				va, okA := ra.Properties[p]
				vb, okB := rb.Properties[p]
				add(KindProperty, s+" "+p, described(va, okA), described(vb, okB))
			}
			qa, qb := set(ra.Required), set(rb.Required)
			for _, p := range slices.Sorted(maps.Keys(union(qa, qb))) {
				add(KindRequired, s+" "+p, requiredWord(qa[p]), requiredWord(qb[p]))
			}
		}
	}
	return out
}

// described is a property's description for a Change: "" when absent, and
// "any" for a property without a type, so that it is not mistaken for an
// absent one.
func described(v string, ok bool) string {
	switch {
	case !ok:
		return ""
	case v == "":
		return "any"
	}
	return v
}

func union[V any](a, b map[string]V) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func set(list []string) map[string]bool {
	out := map[string]bool{}
	for _, s := range list {
		out[s] = true
	}
	return out
}

func word(ok bool, w string) string {
	if ok {
		return w
	}
	return ""
}

func present(ok bool) string      { return word(ok, "present") }
func documented(ok bool) string   { return word(ok, "documented") }
func declared(ok bool) string     { return word(ok, "declared") }
func requiredWord(ok bool) string { return word(ok, "required") }

func boolWord(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// value is what f says about the aspect of change c: the After a Compare
// against f would give.
func value(f *Facts, c Change) string {
	op := f.Operations[c.Operation]
	if c.Kind == KindOperation {
		return present(op != nil)
	}
	if op == nil {
		return ""
	}
	switch c.Kind {
	case KindDeprecated:
		return boolWord(op.Deprecated)
	case KindSunset:
		return op.Sunset
	case KindSecurity:
		return op.Security
	case KindParameter:
		return op.Parameters[c.Item]
	case KindRequest:
		return op.Request[c.Item]
	}
	status := c.Status()
	r := op.Responses[status]
	if c.Kind == KindStatus {
		return documented(r != nil)
	}
	if r == nil {
		return ""
	}
	rest := strings.TrimPrefix(c.Item, status+" ")
	switch c.Kind {
	case KindContent:
		return strings.Join(r.Content, ", ")
	case KindHeader:
		return declared(slices.Contains(r.Headers, rest))
	case KindProperty:
		v, ok := r.Properties[rest]
		return described(v, ok)
	case KindRequired:
		return requiredWord(slices.Contains(r.Required, rest))
	}
	return ""
}

package upstream

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Facts is what one OpenAPI document says about the token operations, in a
// form two documents can be compared by: every value is a string, every
// list is sorted.
type Facts struct {
	// Operations maps "METHOD /path" to the operation's facts; an operation
	// the document lacks is absent.
	Operations map[string]*Operation `json:"operations"`
}

// Operation is what a document says about one operation.
type Operation struct {
	// ID is the operationId.
	ID string `json:"id"`
	// Deprecated is the deprecated flag.
	Deprecated bool `json:"deprecated"`
	// Sunset is the retirement date the document gives (the x-sunset
	// extension, which oasdiff reads too), or "".
	Sunset string `json:"sunset,omitempty"`
	// Security is the effective security (the operation's own, or the
	// document's): alternatives joined by " | ", each the sorted scheme
	// names of one requirement joined by "+", "none" for the empty one.
	Security string `json:"security"`
	// Parameters maps "in name" ("query limit") to its description:
	// type, bounds, default, required.
	Parameters map[string]string `json:"parameters,omitempty"`
	// Request maps the request body's property paths ("$.id") to their
	// description (type, format, enum, "required").
	Request map[string]string `json:"request,omitempty"`
	// Responses maps each documented status ("200") to its facts.
	Responses map[string]*Response `json:"responses"`
}

// Response is what a document says about one response.
type Response struct {
	// Content lists the media types.
	Content []string `json:"content,omitempty"`
	// Headers lists the declared header names, canonicalised.
	Headers []string `json:"headers,omitempty"`
	// Properties maps the JSON body's property paths ("$.data[*].id") to
	// their description: type, format, enum.
	Properties map[string]string `json:"properties,omitempty"`
	// Required lists the property paths that are required (within their
	// parent object).
	Required []string `json:"required,omitempty"`
}

// maxDepth bounds how deep a schema is walked, so a recursive schema ends.
const maxDepth = 12

// ExtractFacts reads the facts of the operations named in ops ("METHOD
// /path") from doc.
func ExtractFacts(doc *openapi3.T, ops []string) *Facts {
	f := &Facts{Operations: map[string]*Operation{}}
	for _, key := range ops {
		method, path, _ := strings.Cut(key, " ")
		if doc.Paths == nil {
			continue
		}
		item := doc.Paths.Value(path)
		if item == nil {
			continue
		}
		op := item.GetOperation(method)
		if op == nil {
			continue
		}
		f.Operations[key] = operationFacts(doc, item, op)
	}
	return f
}

func operationFacts(doc *openapi3.T, item *openapi3.PathItem, op *openapi3.Operation) *Operation {
	o := &Operation{ID: op.OperationID, Deprecated: op.Deprecated, Responses: map[string]*Response{}}
	if s, ok := op.Extensions["x-sunset"]; ok {
		o.Sunset = fmt.Sprint(s)
	}
	sec := doc.Security
	if op.Security != nil {
		sec = *op.Security
	}
	o.Security = security(sec)
	params := map[string]*openapi3.Parameter{}
	for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, pr := range list {
			if pr == nil || pr.Value == nil {
				continue
			}
			params[pr.Value.In+" "+pr.Value.Name] = pr.Value
		}
	}
	if len(params) > 0 {
		o.Parameters = map[string]string{}
		for k, p := range params {
			o.Parameters[k] = parameter(p)
		}
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			props, required := map[string]string{}, map[string]bool{}
			walk(mt.Schema, "$", 0, props, required)
			for p := range required {
				if _, ok := props[p]; ok {
					props[p] += " required"
				} else {
					props[p] = "required"
				}
			}
			if len(props) > 0 {
				o.Request = props
			}
		}
	}
	if op.Responses != nil {
		for status, rr := range op.Responses.Map() {
			if rr == nil || rr.Value == nil {
				continue
			}
			o.Responses[status] = response(rr.Value)
		}
	}
	return o
}

// security renders a security requirement list.
func security(reqs openapi3.SecurityRequirements) string {
	if len(reqs) == 0 {
		return "none"
	}
	alts := make([]string, 0, len(reqs))
	for _, r := range reqs {
		if len(r) == 0 {
			alts = append(alts, "none")
			continue
		}
		alts = append(alts, strings.Join(slices.Sorted(maps.Keys(r)), "+"))
	}
	sort.Strings(alts)
	return strings.Join(slices.Compact(alts), " | ")
}

func parameter(p *openapi3.Parameter) string {
	var parts []string
	if p.Schema != nil && p.Schema.Value != nil {
		parts = append(parts, schemaWords(p.Schema.Value)...)
		s := p.Schema.Value
		if s.Min != nil {
			parts = append(parts, "minimum="+num(*s.Min))
		}
		if s.Max != nil {
			parts = append(parts, "maximum="+num(*s.Max))
		}
		if s.Default != nil {
			parts = append(parts, "default="+fmt.Sprint(s.Default))
		}
	}
	if p.Required {
		parts = append(parts, "required")
	} else {
		parts = append(parts, "optional")
	}
	return strings.Join(parts, " ")
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func response(r *openapi3.Response) *Response {
	out := &Response{}
	for name := range r.Headers {
		out.Headers = append(out.Headers, canonicalHeader(name))
	}
	sort.Strings(out.Headers)
	for mt, m := range r.Content {
		out.Content = append(out.Content, mt)
		if !strings.Contains(mt, "json") || m == nil || m.Schema == nil {
			continue
		}
		props, required := map[string]string{}, map[string]bool{}
		walk(m.Schema, "$", 0, props, required)
		if len(props) > 0 {
			out.Properties = props
		}
		for p := range required {
			out.Required = append(out.Required, p)
		}
	}
	sort.Strings(out.Content)
	sort.Strings(out.Required)
	return out
}

// canonicalHeader is the header name as net/http canonicalises it, so a
// document's spelling ("X-Request-ID") does not count as a change.
func canonicalHeader(name string) string {
	parts := strings.Split(strings.ToLower(name), "-")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "-")
}

// walk records the properties of schema below path: each property's
// description in props, and the required ones in required. allOf parts are
// merged, and so are the properties and types of oneOf and anyOf
// alternatives; array items are "[*]", and a map's values (a typed
// additionalProperties) "[*]" too.
func walk(ref *openapi3.SchemaRef, path string, depth int, props map[string]string, required map[string]bool) {
	if ref == nil || ref.Value == nil || depth > maxDepth {
		return
	}
	s := ref.Value
	for _, part := range s.AllOf {
		walk(part, path, depth+1, props, required)
	}
	// An alternative's required fields are not required unconditionally:
	// only its properties and types count.
	for _, part := range append(append([]*openapi3.SchemaRef{}, s.OneOf...), s.AnyOf...) {
		walk(part, path, depth+1, props, map[string]bool{})
	}
	if path != "$" {
		if w := strings.Join(schemaWords(s), " "); w != "" {
			if old, ok := props[path]; ok && old != "" {
				props[path] = mergeWords(old, w)
			} else {
				props[path] = w
			}
		} else if _, ok := props[path]; !ok {
			props[path] = ""
		}
	}
	for _, name := range s.Required {
		required[child(path, name)] = true
	}
	for name, p := range s.Properties {
		walk(p, child(path, name), depth+1, props, required)
	}
	if s.Items != nil {
		walk(s.Items, path+"[*]", depth+1, props, required)
	}
	if ap := s.AdditionalProperties.Schema; ap != nil {
		walk(ap, path+"[*]", depth+1, props, map[string]bool{})
	}
}

// child is the path of property name below path.
func child(path, name string) string {
	if strings.ContainsAny(name, ".[]' ") {
		return path + "['" + name + "']"
	}
	return path + "." + name
}

// schemaWords describes a schema's own type, format and enum.
func schemaWords(s *openapi3.Schema) []string {
	var w []string
	if s.Type != nil {
		w = append(w, s.Type.Slice()...)
	}
	if s.Format != "" {
		w = append(w, "format="+s.Format)
	}
	if len(s.Enum) > 0 {
		vals := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			vals[i] = fmt.Sprint(v)
		}
		sort.Strings(vals)
		w = append(w, "enum="+strings.Join(vals, ","))
	}
	return w
}

// mergeWords unions two descriptions (allOf parts describing one property).
func mergeWords(a, b string) string {
	set := map[string]bool{}
	for _, w := range strings.Fields(a + " " + b) {
		set[w] = true
	}
	return strings.Join(slices.Sorted(maps.Keys(set)), " ")
}

// Digest is the SHA-256 of the facts' canonical JSON, as "sha256:<hex>": two
// documents with the same digest say the same about the operations.
func (f *Facts) Digest() string {
	b, err := json.Marshal(f) // maps marshal with sorted keys
	if err != nil {
		panic("upstream: facts do not marshal: " + err.Error()) // only strings, bools and maps
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

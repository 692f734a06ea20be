package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"

	jsonv2 "github.com/go-json-experiment/json"
)

// typedClient runs layer 3: the response goes through the generated
// Parse…Response, as a consumer of generated/ would receive it. If the
// generated client fails, or decodes values that differ from the JSON, that
// breaks its users even where the schema validator is satisfied (1.0 is an
// integer to JSON Schema but not to Go's int; Go matches member names
// case-insensitively, so "ID" can overwrite "id"). Against a document other
// than the embedded spec, these are client-regenerate-needed (info): see
// client.
func (s *check) typedClient() {
	if s.rs.typedField == "" {
		return // a status the generated client does not know (WithSpec)
	}
	resp := &http.Response{
		StatusCode: s.ex.Response.Status,
		Header:     s.ex.Response.Header,
		Body:       io.NopCloser(bytes.NewReader(s.ex.Response.Body)),
	}
	parsed, err := s.op.parse(resp)
	// Only a failure where the validator passed is news: a body the schema
	// layer already rejected is expected to trouble the client too.
	if err != nil {
		if s.schemaOK {
			s.decodeFailure(err, reflect.ValueOf(mustParseResult(s.op.parse)).Elem().FieldByName(s.rs.typedField).Type())
		}
		return
	}
	field := reflect.ValueOf(parsed).Elem().FieldByName(s.rs.typedField)
	if !s.schemaOK {
		if !field.IsNil() {
			s.typed = field.Interface()
		}
		return
	}
	if field.IsNil() {
		s.client(IDClientDataLoss, "$", "the generated client decoded nothing from this %d response (its %s is nil)",
			s.ex.Response.Status, s.rs.typedField)
		return
	}
	s.typed = field.Interface()
	cmp := comparer{path: pathStack{base: "$"}}
	cmp.compare(field.Elem(), s.tree, 0)
	diffs := cmp.diffs
	for _, p := range diffs {
		s.client(IDClientDataLoss, p, "the generated client decodes a different value here than the JSON holds")
	}
}

// client reports a finding id of this layer. The generated client is built
// from the embedded spec: against another document (WithSpec: a release, a
// spec patched by an overlay) a value it cannot represent is no drift of
// that document, whose schema accepted it, but news that a client generated
// from the document would differ from this one. That is reported as
// client-regenerate-needed (info) naming the field, with what the embedded
// spec's client does with it.
func (s *check) client(id, path, format string, args ...any) {
	if s.c.clientSpec {
		s.add(id, path, format, args...)
		return
	}
	s.add(IDClientRegenerate, path, format+" (%s under the embedded spec); %s accepts the value, so a client generated from %s must be regenerated to represent it",
		append(args, id, s.c.specName, s.c.specName)...)
}

// decodeFailure reports why the generated client failed, from the error's
// structure only: json errors can quote the value.
func (s *check) decodeFailure(err error, target reflect.Type) {
	var typeErr *json.UnmarshalTypeError
	var synErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		path := "$"
		if typeErr.Field != "" {
			path = goFieldPath(target, strings.Split(typeErr.Field, "."))
		}
		s.client(IDClientDecodeFailed, path, "the generated client cannot decode a JSON %s into Go type %s",
			jsonKind(typeErr.Value), typeErr.Type)
	case errors.As(err, &synErr):
		s.client(IDClientDecodeFailed, "$", "the generated client cannot parse the body: syntax error at byte %d", synErr.Offset)
	case strings.Contains(err.Error(), "json"):
		s.client(IDClientDecodeFailed, "$", "the generated client cannot decode the body")
	default:
		s.client(IDClientDecodeFailed, "$", "the generated client fails on this response (its header parsing or body decoding returned an error)")
	}
}

// goFieldPath turns the dotted field path of a json.UnmarshalTypeError, which
// has no array indexes, into a JSONPath with [*] wherever the Go type is a
// slice.
func goFieldPath(t reflect.Type, names []string) string {
	var b strings.Builder
	b.WriteByte('$')
	for _, name := range names {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			b.WriteString("[*]")
			t = t.Elem()
			for t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
		}
		b.WriteString(childPath(name))
		if t.Kind() != reflect.Struct {
			continue
		}
		next := t
		for _, f := range structFields(t) {
			if f.name == name {
				next = t.Field(f.index).Type
			}
		}
		t = next
	}
	return b.String()
}

// jsonKind reduces UnmarshalTypeError.Value ("number 1.0", "string") to the
// JSON kind, dropping any literal.
func jsonKind(v string) string {
	k, _, _ := strings.Cut(v, " ")
	if k == "" {
		return "value"
	}
	return k
}

// maxCompareDepth bounds the comparison of typed and generic values.
const maxCompareDepth = 32

// comparer compares a value the generated client decoded with the generic
// tree decoded from the same JSON, and collects the JSONPath of every value
// that differs. Members absent from the JSON are skipped: the schema layer
// reports required ones.
type comparer struct {
	path  pathStack
	diffs []string
}

func (c *comparer) differ() { c.diffs = append(c.diffs, c.path.String()) }

func (c *comparer) compare(v reflect.Value, g any, depth int) {
	if depth > maxCompareDepth {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			if g != nil {
				c.differ()
			}
			return
		}
		c.compare(v.Elem(), g, depth+1)
	case reflect.Struct:
		if opaque(v.Type()) {
			// A union decoded by its own UnmarshalJSON: compare its JSON form.
			val := v.Interface()
			if v.CanAddr() {
				val = v.Addr().Interface()
			}
			raw, err := json.Marshal(val)
			var back any
			if err != nil || jsonv2.Unmarshal(raw, &back) != nil || !reflect.DeepEqual(back, g) {
				c.differ()
			}
			return
		}
		m, ok := g.(map[string]any)
		if !ok {
			c.differ()
			return
		}
		for _, f := range structFields(v.Type()) {
			gv, present := m[f.name]
			if !present {
				continue
			}
			c.path.pushName(f.name)
			c.compare(v.Field(f.index), gv, depth+1)
			c.path.pop()
		}
	case reflect.Slice:
		a, ok := g.([]any)
		if !ok {
			if !(v.IsNil() && g == nil) {
				c.differ()
			}
			return
		}
		if v.Len() != len(a) {
			c.differ()
			return
		}
		for i := range a {
			c.path.pushIndex(i)
			c.compare(v.Index(i), a[i], depth+1)
			c.path.pop()
		}
	case reflect.Map:
		m, ok := g.(map[string]any)
		if !ok || v.Len() != len(m) {
			c.differ()
			return
		}
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key().String()
			c.path.pushName(k)
			if gv, ok := m[k]; ok {
				c.compare(iter.Value(), gv, depth+1)
			} else {
				c.differ()
			}
			c.path.pop()
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if f, ok := g.(float64); !ok || f != float64(v.Int()) {
			c.differ()
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if f, ok := g.(float64); !ok || f != float64(v.Uint()) {
			c.differ()
		}
	case reflect.Float32, reflect.Float64:
		if f, ok := g.(float64); !ok || float32(f) != float32(v.Float()) {
			c.differ()
		}
	case reflect.String:
		if str, ok := g.(string); !ok || str != v.String() {
			c.differ()
		}
	case reflect.Bool:
		if b, ok := g.(bool); !ok || b != v.Bool() {
			c.differ()
		}
	case reflect.Interface:
		if !reflect.DeepEqual(v.Interface(), g) {
			c.differ()
		}
	}
}

// opaque reports whether a struct hides its state (the generated oneOf
// unions): it has unexported fields and implements json.Marshaler.
func opaque(t reflect.Type) bool {
	if structFields(t) != nil || t.NumField() == 0 {
		return false
	}
	return reflect.PointerTo(t).Implements(reflect.TypeFor[json.Marshaler]())
}

type fieldInfo struct {
	name  string
	index int
}

var fieldCache sync.Map // reflect.Type → []fieldInfo

// structFields lists the JSON-named exported fields of a generated struct.
// Structs with unexported state (the oneOf unions) decode through their own
// UnmarshalJSON and are compared as opaque: they list no fields.
func structFields(t reflect.Type) []fieldInfo {
	if cached, ok := fieldCache.Load(t); ok {
		return cached.([]fieldInfo)
	}
	var out []fieldInfo
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			out = nil
			break
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out = append(out, fieldInfo{name: name, index: i})
	}
	fieldCache.Store(t, out)
	return out
}

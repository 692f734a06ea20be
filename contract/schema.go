package contract

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pb33f/jsonschema/v6"
	"github.com/pb33f/jsonschema/v6/kind"
	"github.com/pb33f/libopenapi-validator/strict"
)

// schema runs layer 2 on the tree decoded by the transport layer: the
// compiled response schema (types, required fields, enums, formats,
// constraints), then strict mode for undeclared fields. Unlike
// libopenapi-validator's ValidateHttpResponse, it does not decode or copy the
// body again, and it runs strict mode even when the schema check failed, so a
// renamed field shows both as missing and as new.
//
// Failures are classified from the validator's structured error kinds, never
// from its messages, which can quote the failing value (an email, a token).
func (s *check) schema() {
	before := len(s.findings)
	compiled, err := s.rs.compiled()
	if err != nil {
		// Only a spec given with WithSpec can get here: the embedded one
		// compiles in the package's tests.
		s.add(IDSchemaMismatch, "$", "the contract's %d response schema cannot be compiled, so the body was not validated against it: %s",
			s.rs.status, s.cut(err.Error(), 200))
		s.schemaOK = false
		s.strict()
		return
	}
	if err := compiled.Validate(s.tree); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			s.schemaError(ve)
		} else {
			s.add(IDSchemaMismatch, "$", "the schema validator failed on the body")
		}
	}
	s.schemaOK = len(s.findings) == before
	s.strict()
}

// schemaError walks a validation error tree down to its leaves.
func (s *check) schemaError(e *jsonschema.ValidationError) {
	switch e.ErrorKind.(type) {
	case *kind.OneOf, *kind.AnyOf:
		s.alternatives(e)
		return
	}
	if len(e.Causes) == 0 {
		s.leaf(e)
		return
	}
	for _, c := range e.Causes {
		s.schemaError(c)
	}
}

// alternatives reports a value that matches none (or, for oneOf, more than
// one) of the alternatives as one finding at the value's location: a type
// mismatch when every alternative failed on type alone.
func (s *check) alternatives(e *jsonschema.ValidationError) {
	path := jsonPath(e.InstanceLocation)
	var wants []string
	onlyTypes := len(e.Causes) > 0
	var got string
	for _, c := range e.Causes {
		t, ok := c.ErrorKind.(*kind.Type)
		if !ok || len(c.InstanceLocation) != len(e.InstanceLocation) {
			onlyTypes = false
			break
		}
		got = t.Got
		wants = append(wants, t.Want...)
	}
	switch {
	case onlyTypes && got == "null":
		s.add(IDUnexpectedNull, path, "the value is null; the contract expects %s", strings.Join(wants, " or "))
	case onlyTypes:
		s.add(IDTypeMismatch, path, "expected %s, got %s", strings.Join(wants, " or "), got)
	case len(e.Causes) == 0:
		s.add(IDSchemaMismatch, path, "the value matches more than one of the schema's alternatives")
	default:
		s.add(IDSchemaMismatch, path, "the value matches none of the schema's alternatives")
	}
}

// leaf turns one leaf error into a finding.
func (s *check) leaf(e *jsonschema.ValidationError) {
	path := jsonPath(e.InstanceLocation)
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		for _, name := range k.Missing {
			s.add(IDMissingField, path+childPath(name), "required field %q is missing", name)
		}
	case *kind.Type:
		if k.Got == "null" {
			s.add(IDUnexpectedNull, path, "the value is null; the contract expects %s", strings.Join(k.Want, " or "))
		} else {
			s.add(IDTypeMismatch, path, "expected %s, got %s", strings.Join(k.Want, " or "), k.Got)
		}
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		if v, ok := safeEnumValue(k.Got); ok {
			s.add(IDEnumMismatch, path, "value %q is not one of %s", v, strings.Join(want, ", "))
		} else {
			s.add(IDEnumMismatch, path, "the value is not one of %s", strings.Join(want, ", "))
		}
	case *kind.Const:
		s.add(IDEnumMismatch, path, "the value differs from the constant the contract requires")
	case *kind.Format:
		s.add(IDFormatMismatch, path, "the value is not a valid %s", k.Want)
	case *kind.MinLength:
		s.add(IDConstraintViolation, path, "the string is %d characters long, shorter than the minimum of %d", k.Got, k.Want)
	case *kind.MaxLength:
		s.add(IDConstraintViolation, path, "the string is %d characters long, longer than the maximum of %d", k.Got, k.Want)
	case *kind.Minimum:
		s.add(IDConstraintViolation, path, "the value %s is below the minimum of %s", k.Got.FloatString(0), k.Want.FloatString(0))
	case *kind.Maximum:
		s.add(IDConstraintViolation, path, "the value %s is above the maximum of %s", k.Got.FloatString(0), k.Want.FloatString(0))
	case *kind.ExclusiveMinimum, *kind.ExclusiveMaximum, *kind.MultipleOf:
		s.add(IDConstraintViolation, path, "the value is outside the contract's range")
	case *kind.MinItems:
		s.add(IDConstraintViolation, path, "the array has %d items, fewer than the minimum of %d", k.Got, k.Want)
	case *kind.MaxItems:
		s.add(IDConstraintViolation, path, "the array has %d items, more than the maximum of %d", k.Got, k.Want)
	case *kind.MinProperties, *kind.MaxProperties, *kind.UniqueItems, *kind.Pattern:
		s.add(IDConstraintViolation, path, "the value breaks the contract's %s constraint", kindName(k))
	default:
		s.add(IDSchemaMismatch, path, "the value fails the schema's %s check", kindName(k))
	}
}

// kindName names an error kind by its keyword, for messages.
func kindName(k jsonschema.ErrorKind) string {
	kw := k.KeywordPath()
	if len(kw) > 0 {
		return kw[len(kw)-1]
	}
	return "schema"
}

var enumish = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,19}$`)

// safeEnumValue returns an enum value fit to quote in a message: a short
// word, never something that could be a credential or an address.
func safeEnumValue(v any) (string, bool) {
	str, ok := v.(string)
	if !ok || !enumish.MatchString(str) {
		return "", false
	}
	return str, true
}

// strict runs libopenapi-validator's strict mode to find undeclared fields.
//
// Strict mode costs about four plain decodes of a 250-token page, because it
// hashes the item schema for every array item. When no polymorphism sits
// under an array (responseSpec.reducible), its verdict on an array item
// depends only on the item's keys, so it runs on a reduced tree that keeps one
// representative per distinct item shape.
//
// An undeclared field found in a representative stands for every item of its
// shape. The findings are merged as collapse merges any repeated finding (one
// per path with array indexes as [*], counting the occurrences and naming the
// first path in string order), but directly from the groups the reduction
// made: the work is bounded by the distinct paths, not by the items, and no
// finding is built per item. At most MaxUnknownFields distinct paths are
// listed, the first in the order of their [*] paths; one
// unknown-fields-elided finding counts the rest.
func (s *check) strict() {
	data, groups := s.tree, map[string][][]int(nil)
	if s.rs.reducible {
		data, groups = reduce(s.tree, strictBase)
	}
	sv := s.c.strictPool.Get().(*strict.Validator)
	in := strict.Input{
		Schema:    s.rs.schema,
		Data:      data,
		Direction: strict.DirectionResponse,
		Options:   libsOf(s.c).strictOpts,
		BasePath:  strictBase,
		Version:   specVersion,
	}
	var r *strict.Result
	if s.rs.polymorphic {
		// Strict mode renders the alternatives it tries, once per
		// validator, writing to the shared model as it does.
		s.c.modelMu.Lock()
		r = sv.Validate(in)
		s.c.modelMu.Unlock()
	} else {
		r = sv.Validate(in)
	}
	s.c.strictPool.Put(sv)
	if r.Valid {
		return
	}
	mistyped := s.mistypedPaths()
	merged := map[string]*undeclared{}
	for _, u := range r.UndeclaredValues {
		// Only the path is read: UndeclaredValue.Value is the raw value.
		prefix, items, suffix := expansion(u.Path, groups)
		if items == nil {
			if p := bodyPath(u.Path); !underAny(p, mistyped) {
				merge(merged, p, 1)
			}
			continue
		}
		first, n := -1, 0
		for _, i := range items {
			// Members of a value of the wrong type are not "new fields".
			if len(mistyped) > 0 && underAny(bodyPath(prefix+indexPath(i)+suffix), mistyped) {
				continue
			}
			if n++; first < 0 || indexLess(i, first) {
				first = i
			}
		}
		if n > 0 {
			merge(merged, bodyPath(prefix+indexPath(first)+suffix), n)
		}
	}
	keys := make([]string, 0, len(merged))
	for k := range merged {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys[:min(len(keys), MaxUnknownFields)] {
		u := merged[k]
		msg := "field " + lastSegment(u.first) + " is not declared in the contract"
		if u.count == 1 {
			s.add(IDUnknownField, u.first, "%s", msg)
		} else {
			s.add(IDUnknownField, k, "%s (%d occurrences; the first at %s)", msg, u.count, u.first)
		}
	}
	if rest := keys[min(len(keys), MaxUnknownFields):]; len(rest) > 0 {
		occurrences := 0
		for _, k := range rest {
			occurrences += merged[k].count
		}
		s.add(IDUnknownFieldsElided, "$", "%s (%s) %s not listed: an exchange lists at most %d",
			countNoun(len(rest), "more undeclared field"), countNoun(occurrences, "occurrence"), isAre(len(rest)), MaxUnknownFields)
	}
}

// MaxUnknownFields is how many distinct unknown-field paths (after merging
// array items, as $.data[*].name) one exchange lists; beyond it, one
// unknown-fields-elided finding counts the others. Items that each carry a
// member of another name (keyed by an id or an email) would otherwise give a
// finding per item.
const MaxUnknownFields = 100

// undeclared is one merged unknown-field path: how many occurrences, and
// the first of their concrete paths in string order.
type undeclared struct {
	first string
	count int
}

// merge adds n occurrences of the undeclared field whose first concrete
// path is p, under its path with array indexes as [*].
func merge(m map[string]*undeclared, p string, n int) {
	k := wildcardPath(p)
	if u, ok := m[k]; ok {
		u.count += n
		if p < u.first {
			u.first = p
		}
		return
	}
	m[k] = &undeclared{first: p, count: n}
}

// indexLess reports whether the path with index a at some position sorts
// before the same path with index b there, as strings do: "[10]" before
// "[2]".
func indexLess(a, b int) bool {
	var ba, bb [24]byte
	return string(append(strconv.AppendInt(ba[:0], int64(a), 10), ']')) <
		string(append(strconv.AppendInt(bb[:0], int64(b), 10), ']'))
}

// bodyPath turns a strict-mode path ($.body...) into a finding's ($...).
func bodyPath(p string) string { return "$" + strings.TrimPrefix(p, strictBase) }

// countNoun writes "1 occurrence" or "2 occurrences".
func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// isAre is the verb that agrees with a count of n.
func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// mistypedPaths is the set of paths where the schema layer found a value of
// the wrong type.
func (s *check) mistypedPaths() map[string]bool {
	var out map[string]bool
	for _, f := range s.findings {
		if f.ID == IDTypeMismatch || f.ID == IDUnexpectedNull {
			if out == nil {
				out = map[string]bool{}
			}
			out[f.Path] = true
		}
	}
	return out
}

// underAny reports whether path p lies below one of the given paths: one of
// them is a prefix of p that ends where a segment of p begins. The cost is
// the length of p, however many paths there are.
func underAny(p string, parents map[string]bool) bool {
	if len(parents) == 0 {
		return false
	}
	for i := 1; i < len(p); i++ {
		if (p[i] == '.' || p[i] == '[') && parents[p[:i]] {
			return true
		}
	}
	return false
}

// strictBase is the path prefix strict mode gives body locations; the
// project's StrictIgnorePaths are written against it.
const strictBase = "$.body"

// lastSegment returns the member name at the end of a JSONPath.
func lastSegment(p string) string {
	if strings.HasSuffix(p, "']") {
		if i := strings.LastIndex(p, "['"); i >= 0 {
			return p[i:] // a bracketed name may itself hold dots
		}
	}
	return p[strings.LastIndex(p, ".")+1:]
}

package contract

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
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
// representative per distinct item shape, and every undeclared field found in
// a representative is reported for each item of that shape.
func (s *check) strict() {
	data, groups := s.tree, map[string][][]int(nil)
	if s.rs.reducible {
		data, groups = reduce(s.tree, strictBase)
	}
	sv := s.c.strictPool.Get().(*strict.Validator)
	r := sv.Validate(strict.Input{
		Schema:    s.rs.schema,
		Data:      data,
		Direction: strict.DirectionResponse,
		Options:   s.c.strictOpts,
		BasePath:  strictBase,
		Version:   specVersion,
	})
	s.c.strictPool.Put(sv)
	if r.Valid {
		return
	}
	var paths []string
	for _, u := range r.UndeclaredValues {
		// Only the path is read: UndeclaredValue.Value is the raw value.
		paths = append(paths, expand(u.Path, groups)...)
	}
	sort.Strings(paths)
	mistyped := s.mistypedPaths()
	for _, p := range paths {
		p = "$" + strings.TrimPrefix(p, strictBase)
		if underAny(p, mistyped) {
			continue // members of a value of the wrong type are not "new fields"
		}
		s.add(IDUnknownField, p, "field %s is not declared in the contract", lastSegment(p))
	}
}

// mistypedPaths lists where the schema layer found a value of the wrong type.
func (s *check) mistypedPaths() []string {
	var out []string
	for _, f := range s.findings {
		if f.ID == IDTypeMismatch || f.ID == IDUnexpectedNull {
			out = append(out, f.Path)
		}
	}
	return out
}

// underAny reports whether path p lies below one of the given paths.
func underAny(p string, parents []string) bool {
	for _, parent := range parents {
		if strings.HasPrefix(p, parent) && len(p) > len(parent) && (p[len(parent)] == '.' || p[len(parent)] == '[') {
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

package contract

import (
	"bytes"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pb33f/jsonschema/v6"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/helpers"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// operation is one operation of the spec, with everything the checker needs
// prepared once. Its id, method, path and statuses are package openapi's
// table's; the schemas are libopenapi's reading of the same spec, and
// buildOperations fails when the two readings disagree.
type operation struct {
	id        string // the vendor's operationId
	method    string
	path      string // as in the spec, e.g. /backend/tokens
	list      bool   // the list operation: 404 and 410 mean the endpoint is gone
	responses map[int]*responseSpec
	// errorSpec is the operation's first documented 5xx response: its
	// schema is the error envelope an undocumented 5xx must carry to be the
	// API's answer (see transient); nil when no 5xx is documented.
	errorSpec *responseSpec
	statuses  string // documented statuses, for messages
	parse     func(*http.Response) (any, error)
	// opinion is true when the Checker's second opinion describes the
	// operation (WithSecondOpinion).
	opinion bool
	// sunset is the operation's x-sunset: a retirement date the spec
	// already records (zero when none).
	sunset time.Time
	// announced is the operation's x-deprecation: the deprecation the
	// vendor announced, which a response may repeat without news.
	announced *openapi.Announcement
}

// responseSpec is one documented response of an operation.
type responseSpec struct {
	status     int
	mediaTypes []string
	schema     *base.Schema
	// compiled compiles schema on first use, once, safely under concurrent
	// checks; a Checker that never sees this status never compiles it.
	compiled func() (*jsonschema.Schema, error)
	// reducible is true when strict mode may run on one representative per
	// distinct item shape of each array: no polymorphism sits under an array,
	// so strict mode's verdict on an item depends only on its keys.
	reducible bool
	// polymorphic is true when the schema has oneOf, anyOf or allOf
	// anywhere: strict mode then renders the alternatives it tries from
	// the shared model, so it runs under the Checker's modelMu.
	polymorphic bool
	// typedField is the field of the generated …Response struct that holds
	// this status's decoded body, e.g. JSON200; empty for a status that a
	// spec given with WithSpec documents and the generated client lacks.
	typedField string
}

// parsers adapts the generated Parse…Response functions, keyed by
// operationId. A spec operation without one is an error at New: the
// generated client is stale.
var parsers = map[string]func(*http.Response) (any, error){
	"get-backend-tokens": func(r *http.Response) (any, error) {
		return tokensapi.ParseGetBackendTokensResponse(r)
	},
	"delete-auth-backend": func(r *http.Response) (any, error) {
		return tokensapi.ParseDeleteAuthBackendResponse(r)
	},
	"post-auth-backend": func(r *http.Response) (any, error) {
		return tokensapi.ParsePostAuthBackendResponse(r)
	},
}

// buildOperations prepares every operation of the model: it sets up each
// response schema to be compiled on first use (sync.OnceValues: once, and
// safe under concurrent checks), and checks that the generated client knows
// the operation. The
// model is libopenapi's reading of the spec; every operation must match the
// spec's table (package openapi's reading of the same document) by
// operationId, method, path and documented statuses, and the table may hold
// no operation the model lacks.
//
// With generatedFrom true the model is the spec generated/ was made from, and
// a documented status without a generated field means generated/ is stale.
// Otherwise (a spec given with WithSpec) such a status is simply not
// replayed through the generated client: this build's client knows nothing
// of it.
func buildOperations(model *v3.Document, tbl *openapi.Table, opts *config.ValidationOptions, modelMu *sync.Mutex, opinion SecondOpinion, generatedFrom bool) ([]*operation, error) {
	table, listOp := tbl.Operations, tbl.List
	byID := make(map[string]openapi.Operation, len(table))
	for _, t := range table {
		byID[t.ID] = t
	}
	var ops []*operation
	for path, item := range model.Paths.PathItems.FromOldest() {
		for method, op := range item.GetOperations().FromOldest() {
			spec, ok := byID[op.OperationId]
			if !ok {
				return nil, fmt.Errorf("libopenapi reads operation %q (%s %s), which package openapi's table lacks",
					op.OperationId, strings.ToUpper(method), path)
			}
			delete(byID, spec.ID)
			if spec.Method != strings.ToUpper(method) || spec.Path != path {
				return nil, fmt.Errorf("operation %s: libopenapi reads it at %s %s, package openapi's table at %s %s",
					spec.ID, strings.ToUpper(method), path, spec.Method, spec.Path)
			}
			o := &operation{
				id:        spec.ID,
				method:    spec.Method,
				path:      spec.Path,
				list:      spec.ID == listOp.ID,
				responses: map[int]*responseSpec{},
				parse:     parsers[spec.ID],
				announced: spec.Announced,
			}
			if o.parse == nil {
				return nil, fmt.Errorf("operation %s has no generated Parse…Response: regenerate generated/", o.id)
			}
			if op.Extensions != nil {
				if v, ok := op.Extensions.Get("x-sunset"); ok && v != nil {
					t, err := parseSunset(v.Value)
					if err != nil {
						return nil, fmt.Errorf("operation %s: x-sunset %q: %w", o.id, v.Value, err)
					}
					o.sunset = t
				}
			}
			typed := reflect.TypeOf(mustParseResult(o.parse)).Elem()
			var statuses []int
			for code, resp := range op.Responses.Codes.FromOldest() {
				status, err := strconv.Atoi(code)
				if err != nil {
					return nil, fmt.Errorf("operation %s: response %q is not a status code", o.id, code)
				}
				rs := &responseSpec{status: status, typedField: "JSON" + code}
				if _, ok := typed.FieldByName(rs.typedField); !ok {
					if generatedFrom {
						return nil, fmt.Errorf("operation %s: generated response has no field %s: regenerate generated/", o.id, rs.typedField)
					}
					rs.typedField = ""
				}
				for mt, media := range resp.Content.FromOldest() {
					rs.mediaTypes = append(rs.mediaTypes, mt)
					if mt == "application/json" && media.Schema != nil {
						rs.schema = media.Schema.Schema()
					}
				}
				if rs.schema == nil {
					return nil, fmt.Errorf("operation %s: response %d has no application/json schema", o.id, status)
				}
				rs.compiled = compileOnce(rs.schema, opts, modelMu)
				rs.reducible = !polymorphicUnderArray(rs.schema, false, 0)
				rs.polymorphic = polymorphicUnderArray(rs.schema, true, 0)
				o.responses[status] = rs
				statuses = append(statuses, status)
			}
			slices.Sort(statuses)
			if i := slices.IndexFunc(statuses, func(st int) bool { return st >= 500 }); i >= 0 {
				o.errorSpec = o.responses[statuses[i]]
			}
			if !slices.Equal(statuses, spec.Statuses) {
				return nil, fmt.Errorf("operation %s: libopenapi reads the statuses %v, package openapi's table %v", o.id, statuses, spec.Statuses)
			}
			codes := make([]string, len(statuses))
			for i, st := range statuses {
				codes[i] = strconv.Itoa(st)
			}
			o.statuses = strings.Join(codes, ", ")
			if opinion != nil {
				if !opinion.Describes(o.method, path) {
					return nil, fmt.Errorf("operation %s: the second opinion does not see %s %s", o.id, o.method, path)
				}
				o.opinion = true
			}
			ops = append(ops, o)
		}
	}
	for _, t := range table {
		if _, missed := byID[t.ID]; missed {
			return nil, fmt.Errorf("package openapi's table has %s, which libopenapi does not read", t)
		}
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("the spec has no operations")
	}
	return ops, nil
}

// compileOnce returns a function that compiles schema for response
// validation on its first call and returns the same result on every call.
//
// Rendering a schema writes to libopenapi's model (its inline renderer marks
// the values it visits), and response schemas share component schemas, so
// renders hold modelMu: two first uses of different schemas would race.
func compileOnce(schema *base.Schema, opts *config.ValidationOptions, modelMu *sync.Mutex) func() (*jsonschema.Schema, error) {
	return sync.OnceValues(func() (*jsonschema.Schema, error) {
		modelMu.Lock()
		defer modelMu.Unlock()
		if rendered, err := schema_validation.RenderSchemaForValidation(schema, schema_validation.SchemaValidationPurposeResponseBody); err == nil && !bytes.Contains(rendered.RenderedJSON, []byte(`"$ref"`)) {
			return helpers.NewCompiledSchemaWithVersion("response", rendered.RenderedJSON, opts, specVersion)
		}
		compiled, err := schema_validation.CompileSchemaForValidation(schema,
			schema_validation.SchemaValidationPurposeResponseBody, opts, specVersion)
		if err != nil {
			return nil, err
		}
		return compiled.CompiledSchema, nil
	})
}

// parseSunset reads an x-sunset value: an RFC 3339 date-time or a date.
func parseSunset(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("not an RFC 3339 date-time or a YYYY-MM-DD date")
	}
	return t, nil
}

// specVersion is the OpenAPI version the validator compiles for.
const specVersion float32 = 3.0

// mustParseResult returns a zero …Response pointer of the parser's type, by
// parsing an empty response with an undocumented status.
func mustParseResult(parse func(*http.Response) (any, error)) any {
	r, err := parse(&http.Response{StatusCode: 599, Header: http.Header{}, Body: http.NoBody})
	if err != nil {
		panic("contract: generated parser fails on an empty response: " + err.Error())
	}
	return r
}

// polymorphicUnderArray reports whether a oneOf, anyOf or allOf is reachable
// inside an array's items.
func polymorphicUnderArray(s *base.Schema, underArray bool, depth int) bool {
	if s == nil || depth > 32 {
		return false
	}
	if underArray && (len(s.OneOf) > 0 || len(s.AnyOf) > 0 || len(s.AllOf) > 0) {
		return true
	}
	if s.Properties != nil {
		for _, p := range s.Properties.FromOldest() {
			if polymorphicUnderArray(p.Schema(), underArray, depth+1) {
				return true
			}
		}
	}
	if s.Items != nil && s.Items.IsA() && polymorphicUnderArray(s.Items.A.Schema(), true, depth+1) {
		return true
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.IsA() &&
		polymorphicUnderArray(s.AdditionalProperties.A.Schema(), underArray, depth+1) {
		return true
	}
	for _, group := range [][]*base.SchemaProxy{s.OneOf, s.AnyOf, s.AllOf} {
		for _, p := range group {
			if polymorphicUnderArray(p.Schema(), underArray, depth+1) {
				return true
			}
		}
	}
	return false
}

// match finds the operation for a request method and path. The path must
// be the operation's path under base, the contract's base path ("/api/io",
// "" for a server at the root): an exchange belongs to an operation only
// there. A path that nearly matches, the operation's path under another
// prefix or with a trailing slash, gives no operation and the skip reason
// that names the pattern (see the SkipPath… constants); any other path gives
// neither.
func match(ops []*operation, base, method, path string) (*operation, string) {
	near := ""
	trimmed := strings.TrimRight(path, "/")
	for _, o := range ops {
		if o.method != method {
			continue
		}
		if path == base+o.path {
			return o, ""
		}
		if near != "" || !strings.HasSuffix(trimmed, o.path) {
			continue
		}
		switch prefix := strings.TrimSuffix(trimmed, o.path); {
		case prefix == base:
			near = SkipPathTrailingSlash
		case base != "" && prefix == base+base:
			near = SkipPathDoubledBase
		default:
			near = SkipPathOtherPrefix
		}
	}
	return nil, near
}

package openapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/pb33f/go-yaml"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"

	"github.com/b2b-contract/s2s-tokens/internal/kinload"
	"github.com/b2b-contract/s2s-tokens/internal/specload"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

func loadKin(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := kinload.Embedded()
	if err != nil {
		t.Fatalf("LoadKin: %v", err)
	}
	return doc
}

func TestSpecLoadsInKinOpenAPIWithExampleValidation(t *testing.T) {
	doc := loadKin(t)
	err := doc.Validate(context.Background(),
		openapi3.EnableExamplesValidation(),
		openapi3.EnableSchemaFormatValidation(),
		openapi3.EnableSchemaDefaultsValidation(),
		openapi3.EnableSchemaPatternValidation(),
	)
	if err != nil {
		t.Fatalf("kin-openapi validation of the embedded spec failed: %v", err)
	}
}

func TestSpecLoadsInLibopenapi(t *testing.T) {
	doc, model, err := specload.EmbeddedLibopenapi()
	if err != nil {
		t.Fatalf("LoadV3Model: %v", err)
	}
	if got := model.Paths.PathItems.Len(); got != 2 {
		t.Errorf("libopenapi model has %d paths, want 2", got)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("libopenapi-validator could not be built: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("document validation: %s: %s", e.Message, e.Reason)
		}
	}
}

func TestJSONIsEquivalentToYAML(t *testing.T) {
	js, err := openapi.JSON()
	if err != nil {
		t.Fatalf("JSON: %v", err)
	}
	var fromJSON, fromYAML any
	if err := json.Unmarshal(js, &fromJSON); err != nil {
		t.Fatalf("JSON rendering is not JSON: %v", err)
	}
	if err := yaml.Unmarshal(openapi.YAML(), &fromYAML); err != nil {
		t.Fatalf("YAML: %v", err)
	}
	// Compare through one canonical JSON encoding of each tree.
	a, _ := json.Marshal(fromJSON)
	b, err := json.Marshal(fromYAML)
	if err != nil {
		t.Fatalf("re-encoding the YAML tree: %v", err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("JSON rendering differs from the YAML document")
	}
	// The JSON form must load too, to the same operations.
	kdoc, err := openapi3.NewLoader().LoadFromData(js)
	if err != nil {
		t.Fatalf("kin-openapi cannot load the JSON rendering: %v", err)
	}
	if err := kdoc.Validate(context.Background()); err != nil {
		t.Fatalf("JSON rendering does not validate: %v", err)
	}
	// Key order follows the YAML file: "openapi" first, "components" last.
	if !bytes.HasPrefix(js, []byte("{\n  \"openapi\": \"3.0.3\",\n  \"info\"")) {
		t.Errorf("JSON rendering does not keep the YAML key order; it starts %q", js[:40])
	}
}

func TestYAMLReturnsACopy(t *testing.T) {
	a := openapi.YAML()
	a[0] = 'X'
	if b := openapi.YAML(); b[0] == 'X' {
		t.Fatal("YAML() hands out the embedded bytes themselves; a caller can corrupt the spec")
	}
}

func TestInfoProvenance(t *testing.T) {
	info, err := openapi.SpecInfo()
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[1-9][0-9]*\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`).MatchString(info.Version) {
		t.Errorf("info.version %q is not a release semver at or above 1.0.0", info.Version)
	}
	if openapi.Version() != info.Version {
		t.Errorf("Version() = %q, SpecInfo().Version = %q", openapi.Version(), info.Version)
	}
	v := info.Vendor
	if v.Repository != "bigcommerce/docs" || v.File != "docs/b2b-edition/specs/api-v3/authentication.yaml" {
		t.Errorf("x-vendor-source names %s %s, want bigcommerce/docs and the authentication.yaml file", v.Repository, v.File)
	}
	if !regexp.MustCompile(`^[0-9a-f]{7,40}$`).MatchString(v.Commit) {
		t.Errorf("x-vendor-source.commit %q is not a commit hash", v.Commit)
	}
}

func TestOperations(t *testing.T) {
	doc := loadKin(t)
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "https://api-b2b.bigcommerce.com/api/io" {
		t.Fatalf("servers = %v, want the one B2B server https://api-b2b.bigcommerce.com/api/io", doc.Servers)
	}
	tests := []struct {
		method, path, operationID string
		security                  []string // scheme names; empty means none required
		statuses                  []string
	}{
		{"GET", "/backend/tokens", "get-backend-tokens", []string{"authToken"},
			[]string{"200", "400", "401", "403", "413", "422", "429", "500", "503"}},
		{"DELETE", "/auth/backend", "delete-auth-backend", []string{"authToken"},
			[]string{"200", "400", "401", "403", "404", "413", "422", "429", "500", "503"}},
		{"POST", "/auth/backend", "post-auth-backend", nil,
			[]string{"200", "400", "401", "403", "413", "422", "429", "500", "503"}},
	}
	seen := 0
	for _, item := range doc.Paths.Map() {
		seen += len(item.Operations())
	}
	if seen != len(tests) {
		t.Errorf("spec has %d operations, want %d", seen, len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.operationID, func(t *testing.T) {
			item := doc.Paths.Find(tt.path)
			if item == nil {
				t.Fatalf("path %s missing", tt.path)
			}
			op := item.GetOperation(tt.method)
			if op == nil {
				t.Fatalf("%s %s missing", tt.method, tt.path)
			}
			if op.OperationID != tt.operationID {
				t.Errorf("operationId = %q, want the vendor's %q", op.OperationID, tt.operationID)
			}
			if !op.Deprecated {
				t.Error("operation is not deprecated: true")
			}
			reason, _ := op.Extensions["x-deprecated-reason"].(string)
			for _, want := range []string{"2025-09-30", "X-Auth-Token", "X-Store-Hash", "authToken"} {
				if !strings.Contains(reason, want) {
					t.Errorf("x-deprecated-reason does not mention %q: %q", want, reason)
				}
			}
			sec := doc.Security
			if op.Security != nil {
				sec = *op.Security
			}
			var names []string
			for _, req := range sec {
				for name := range req {
					names = append(names, name)
				}
			}
			if !slices.Equal(names, tt.security) {
				t.Errorf("security schemes = %v, want %v", names, tt.security)
			}
			if tt.security == nil && !strings.Contains(op.Description, "security: []") {
				t.Error("an operation without security must say in its description what was decided and why")
			}
			var got []string
			for code := range op.Responses.Map() {
				got = append(got, code)
			}
			sort.Strings(got)
			if !slices.Equal(got, tt.statuses) {
				t.Errorf("responses = %v, want %v", got, tt.statuses)
			}
			for code, ref := range op.Responses.Map() {
				checkResponse(t, tt.operationID+" "+code, code, ref)
			}
		})
	}
	scheme := doc.Components.SecuritySchemes["authToken"]
	if scheme == nil || scheme.Value.Type != "apiKey" || scheme.Value.In != "header" || scheme.Value.Name != "authToken" {
		t.Errorf("authToken security scheme must be an apiKey in header authToken, got %+v", scheme)
	}
}

func checkResponse(t *testing.T, name, code string, ref *openapi3.ResponseRef) {
	t.Helper()
	r := ref.Value
	src, _ := r.Extensions["x-contract-source"].(string)
	if !slices.Contains([]string{"documented", "observed", "assumed"}, src) {
		t.Errorf("%s: x-contract-source = %q, want documented, observed or assumed", name, src)
	}
	mt := r.Content.Get("application/json")
	if mt == nil {
		t.Errorf("%s: no application/json content", name)
		return
	}
	wantSchema := "#/components/schemas/ErrorEnvelope"
	if code == "200" {
		wantSchema = "" // a per-operation success envelope
	}
	if wantSchema != "" && mt.Schema.Ref != wantSchema {
		t.Errorf("%s: schema %q, want the error envelope", name, mt.Schema.Ref)
	}
	if mt.Example == nil && len(mt.Examples) == 0 {
		t.Errorf("%s: no example", name)
	}
	for _, h := range []string{"X-Request-Id", "X-Requests-Allocated", "X-Requests-Remaining", "X-Requests-Window-Length", "X-Request-Window-Resets-After"} {
		hr := r.Headers[h]
		if hr == nil {
			t.Errorf("%s: rate-limit header %s not declared", name, h)
			continue
		}
		if hr.Value.Required {
			t.Errorf("%s: header %s is required; rate-limit headers are optional", name, h)
		}
	}
	if code == "429" {
		for _, h := range []string{"Retry-After", "X-Retry-After", "X-Rate-Limit-Time-Reset-Ms", "X-Rate-Limit-Requests-Left"} {
			if r.Headers[h] == nil {
				t.Errorf("%s: platform header %s not declared on 429", name, h)
			}
		}
	}
}

func TestQueryParameters(t *testing.T) {
	doc := loadKin(t)
	op := doc.Paths.Find("/backend/tokens").Get
	params := map[string]*openapi3.Parameter{}
	for _, p := range op.Parameters {
		params[p.Value.Name] = p.Value
	}
	tests := []struct {
		name     string
		min      float64
		max      *float64
		defaults float64
	}{
		{"limit", 1, ptr(250.0), 10},
		{"offset", 0, nil, 0},
	}
	for _, tt := range tests {
		p := params[tt.name]
		if p == nil {
			t.Errorf("parameter %s missing", tt.name)
			continue
		}
		s := p.Schema.Value
		if p.In != "query" || p.Required || !s.Type.Is("integer") {
			t.Errorf("%s: want an optional integer query parameter, got in=%s required=%v type=%v", tt.name, p.In, p.Required, s.Type)
		}
		if s.Min == nil || *s.Min != tt.min {
			t.Errorf("%s: minimum = %v, want %v", tt.name, s.Min, tt.min)
		}
		if (tt.max == nil) != (s.Max == nil) || (tt.max != nil && *s.Max != *tt.max) {
			t.Errorf("%s: maximum = %v, want %v", tt.name, s.Max, tt.max)
		}
		if d, ok := s.Default.(float64); !ok || d != tt.defaults {
			t.Errorf("%s: default = %v, want %v", tt.name, s.Default, tt.defaults)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestContractDecisions(t *testing.T) {
	doc := loadKin(t)
	schemas := doc.Components.Schemas
	required := []struct {
		schema string
		fields []string
	}{
		{"Token", []string{"id", "name", "email", "storeHash", "token", "eventChannel"}},
		{"Pagination", []string{"totalCount", "offset", "limit"}},
		{"ListMeta", []string{"message", "pagination"}},
		{"TokenList", []string{"code", "data", "meta"}},
		{"ErrorEnvelope", []string{"code", "data", "meta"}},
		{"DeleteTokenResult", []string{"code", "data", "meta"}},
		{"CreateTokenResult", []string{"code", "data", "meta"}},
		{"DeleteTokenRequest", []string{"id"}},
		{"CreateTokenRequest", []string{"storeHash", "email", "password", "name"}},
	}
	for _, tt := range required {
		s := schemas[tt.schema]
		if s == nil {
			t.Errorf("schema %s missing", tt.schema)
			continue
		}
		got := append([]string(nil), s.Value.Required...)
		want := append([]string(nil), tt.fields...)
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s.required = %v, want %v", tt.schema, got, want)
		}
		for _, f := range tt.fields {
			if s.Value.Properties[f] == nil {
				t.Errorf("%s: required field %s is not declared", tt.schema, f)
			}
		}
	}
	ec := schemas["EventChannel"].Value
	var enum []string
	for _, v := range ec.Enum {
		enum = append(enum, fmt.Sprint(v))
	}
	if !slices.Equal(enum, []string{"app", "admin", "api"}) {
		t.Errorf("EventChannel enum = %v, want [app admin api]", enum)
	}
	if f := schemas["Token"].Value.Properties["email"].Value; f.Format != "email" || f.MinLength != 1 {
		t.Errorf("Token.email: format %q minLength %d, want email and 1", f.Format, f.MinLength)
	}
	for name, s := range schemas {
		walkSchema(t, "#/components/schemas/"+name, s.Value, map[*openapi3.Schema]bool{})
	}
	desc := doc.Info.Description
	for _, want := range []string{"required", "nullable", "eventChannel", "additionalProperties", "x-contract-source"} {
		if !strings.Contains(desc, want) {
			t.Errorf("info.description does not state the contract decision about %q", want)
		}
	}
}

// walkSchema asserts contract decisions 2 and 4 on every schema: nothing is
// nullable, and no object is closed.
func walkSchema(t *testing.T, at string, s *openapi3.Schema, seen map[*openapi3.Schema]bool) {
	t.Helper()
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	if s.Nullable {
		t.Errorf("%s is nullable; nothing is nullable until a null has been observed", at)
	}
	if s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has {
		t.Errorf("%s closes additionalProperties; objects stay open", at)
	}
	for name, p := range s.Properties {
		walkSchema(t, at+"/properties/"+name, p.Value, seen)
	}
	if s.Items != nil {
		walkSchema(t, at+"/items", s.Items.Value, seen)
	}
	for i, o := range s.OneOf {
		walkSchema(t, fmt.Sprintf("%s/oneOf/%d", at, i), o.Value, seen)
	}
	if s.AdditionalProperties.Schema != nil {
		walkSchema(t, at+"/additionalProperties", s.AdditionalProperties.Schema.Value, seen)
	}
}

// TestExamplesPassStrictValidation replays every response example of the spec
// through libopenapi-validator in strict mode with format assertions, the
// configuration the contract suite uses: an example with an undeclared field
// or a bad email would fail here although kin-openapi accepts it.
func TestExamplesPassStrictValidation(t *testing.T) {
	kdoc := loadKin(t)
	ldoc, _, err := specload.EmbeddedLibopenapi()
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(ldoc, config.WithStrictMode(), config.WithFormatAssertions(),
		config.WithStrictIgnorePaths(openapi.StrictIgnorePaths()...))
	if len(errs) > 0 {
		t.Fatalf("validator: %v", errs)
	}
	count := 0
	for path, item := range kdoc.Paths.Map() {
		for method, op := range item.Operations() {
			for code, ref := range op.Responses.Map() {
				mt := ref.Value.Content.Get("application/json")
				examples := map[string]any{}
				if mt.Example != nil {
					examples["example"] = mt.Example
				}
				for name, ex := range mt.Examples {
					examples[name] = ex.Value.Value
				}
				for name, value := range examples {
					count++
					body, err := json.Marshal(value)
					if err != nil {
						t.Fatal(err)
					}
					req := httptest.NewRequest(method, "https://api-b2b.bigcommerce.com/api/io"+path, nil)
					status := 0
					fmt.Sscan(code, &status)
					resp := &http.Response{
						StatusCode: status,
						Header:     http.Header{"Content-Type": []string{"application/json"}},
						Body:       io.NopCloser(bytes.NewReader(body)),
						Request:    req,
					}
					if ok, verrs := v.ValidateHttpResponse(req, resp); !ok {
						for _, e := range verrs {
							t.Errorf("%s %s %s example %s: %s: %s", method, path, code, name, e.Message, e.Reason)
						}
					}
				}
			}
		}
	}
	if count < 20 {
		t.Errorf("only %d response examples found; every response should carry one", count)
	}
}

// TestStrictIgnorePathsMatchTheSpec derives the map locations of every
// response body from the spec and compares them with StrictIgnorePaths, so
// that a new map in the spec cannot silently produce strict-mode noise.
func TestStrictIgnorePathsMatchTheSpec(t *testing.T) {
	doc := loadKin(t)
	found := map[string]bool{}
	var walk func(path string, s *openapi3.Schema, depth int)
	walk = func(path string, s *openapi3.Schema, depth int) {
		if s == nil || depth > 16 {
			return
		}
		if s.AdditionalProperties.Schema != nil {
			found[path+".*"] = true
		}
		for name, p := range s.Properties {
			walk(path+"."+name, p.Value, depth+1)
		}
		if s.Items != nil {
			walk(path+"[*]", s.Items.Value, depth+1)
		}
		for _, o := range s.OneOf {
			walk(path, o.Value, depth+1)
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, ref := range op.Responses.Map() {
				walk("$.body", ref.Value.Content.Get("application/json").Schema.Value, 0)
			}
		}
	}
	var got []string
	for p := range found {
		got = append(got, p)
	}
	sort.Strings(got)
	want := openapi.StrictIgnorePaths()
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("map locations in the spec = %v, StrictIgnorePaths() = %v", got, want)
	}
}

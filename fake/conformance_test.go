package fake_test

// The conformance walk: Server.Walk drives the fake through every behaviour,
// and conformance judges each exchange the way the contract suite will
// (libopenapi-validator in strict mode with format assertions, the generated
// client's Parse…Response, and the invariants no schema can express). It is
// kept apart from the fake's unit tests so that the contract Checker can
// replace conformance.check without touching the walk.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"

	"github.com/b2b-contract/s2s-tokens/fake"
	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
	"github.com/b2b-contract/s2s-tokens/internal/specload"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// The kinds of problem conformance reports.
const (
	kindStatus      = "status"      // not the status the walk step expects
	kindValidator   = "validator"   // libopenapi-validator (schema, status, content type)
	kindStrict      = "strict"      // libopenapi-validator strict mode: undeclared fields
	kindDecode      = "decode"      // the generated client cannot decode it
	kindInvariant   = "invariant"   // code/status, page size, pagination, ids, JWTs
	kindDeprecation = "deprecation" // a Deprecation, Sunset or Link rel=deprecation|sunset header
)

type problem struct {
	kind, step, detail string
}

func (p problem) String() string { return p.kind + ": " + p.step + ": " + p.detail }

// strictValidator is built once for every test: construction costs
// milliseconds, a validation microseconds.
var strictValidator = sync.OnceValues(func() (validator.Validator, error) {
	doc, _, err := specload.EmbeddedLibopenapi()
	if err != nil {
		return nil, err
	}
	v, errs := validator.NewValidator(doc, config.WithStrictMode(), config.WithFormatAssertions(),
		config.WithStrictIgnorePaths(openapi.StrictIgnorePaths()...))
	if len(errs) > 0 {
		return nil, fmt.Errorf("building the validator: %v", errs)
	}
	return v, nil
})

// secretShaped matches what must never reach a test failure message: JWTs
// and email addresses (validator reasons may quote either).
var secretShaped = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_.-]*|[^\s"'<>(),;:]+@[^\s"'<>(),;:]+`)

func redact(s string) string { return secretShaped.ReplaceAllString(s, "[redacted]") }

// conformance judges the exchanges of one walk, in order. Between two
// successful creates or deletes the store must look the same from every page:
// one id per position, one totalCount.
type conformance struct {
	t          *testing.T
	v          validator.Validator
	wantStatus bool // also report a status other than the step's WantStatus

	byPos      map[int]int // position → id, since the last change to the store
	posOf      map[int]int // id → position
	totalCount int         // -1 until a page is seen
}

func newConformance(t *testing.T, wantStatus bool) *conformance {
	t.Helper()
	v, err := strictValidator()
	if err != nil {
		t.Fatal(err)
	}
	c := &conformance{t: t, v: v, wantStatus: wantStatus}
	c.reset()
	return c
}

func (c *conformance) reset() {
	c.byPos, c.posOf, c.totalCount = map[int]int{}, map[int]int{}, -1
}

func (c *conformance) check(ex fake.Exchange) []problem {
	var ps []problem
	add := func(kind, format string, args ...any) {
		ps = append(ps, problem{kind, ex.Step, redact(fmt.Sprintf(format, args...))})
	}
	if c.wantStatus && ex.Status != ex.WantStatus {
		add(kindStatus, "status %d, want %d", ex.Status, ex.WantStatus)
	}
	if ok, errs := c.v.ValidateHttpResponse(ex.Request, ex.Response()); !ok {
		for _, e := range errs {
			kind := kindValidator
			if e.ValidationType == "strict" {
				kind = kindStrict
			}
			var at []string
			for _, f := range e.SchemaValidationErrors {
				at = append(at, f.FieldPath)
			}
			add(kind, "%s/%s: %s %v", e.ValidationType, e.ValidationSubType, e.Message, at)
		}
	}
	c.decode(ex, add)
	for _, h := range []string{"Deprecation", "Sunset"} {
		if ex.Header.Get(h) != "" {
			add(kindDeprecation, "%s header present", h)
		}
	}
	for _, l := range ex.Header.Values("Link") {
		if strings.Contains(l, `rel="deprecation"`) || strings.Contains(l, `rel="sunset"`) {
			add(kindDeprecation, "Link header with a deprecation or sunset relation")
		}
	}
	c.invariants(ex, add)
	return ps
}

// decode runs the generated client's Parse…Response and checks that it typed
// the body for the status.
func (c *conformance) decode(ex fake.Exchange, add func(kind, format string, args ...any)) {
	var parsed any
	var err error
	switch ex.Operation {
	case "get-backend-tokens":
		parsed, err = tokensapi.ParseGetBackendTokensResponse(ex.Response())
	case "delete-auth-backend":
		parsed, err = tokensapi.ParseDeleteAuthBackendResponse(ex.Response())
	case "post-auth-backend":
		parsed, err = tokensapi.ParsePostAuthBackendResponse(ex.Response())
	default:
		add(kindDecode, "unknown operation %q", ex.Operation)
		return
	}
	if err != nil {
		add(kindDecode, "Parse…Response: %v", err)
		return
	}
	field := reflect.ValueOf(parsed).Elem().FieldByName("JSON" + strconv.Itoa(ex.Status))
	if !field.IsValid() {
		add(kindDecode, "the generated client has no type for status %d", ex.Status)
	} else if field.IsNil() {
		add(kindDecode, "the generated client left JSON%d nil", ex.Status)
	}
}

func (c *conformance) invariants(ex fake.Exchange, add func(kind, format string, args ...any)) {
	if ct := ex.Header.Get("Content-Type"); ct != "application/json" {
		add(kindInvariant, "Content-Type %q, want application/json", ct)
		return
	}
	var env struct {
		Code *int            `json:"code"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(ex.Body, &env); err != nil || env.Code == nil {
		add(kindInvariant, "body is not an envelope with a code")
		return
	}
	if *env.Code != ex.Status {
		add(kindInvariant, "body code %d, HTTP status %d", *env.Code, ex.Status)
	}
	for _, h := range []string{"X-Request-Id", "X-Requests-Allocated", "X-Requests-Remaining", "X-Requests-Window-Length", "X-Request-Window-Resets-After"} {
		if ex.Header.Get(h) == "" {
			add(kindInvariant, "rate header %s missing", h)
		}
	}
	if ex.Status == http.StatusTooManyRequests && ex.Header.Get("Retry-After") == "" {
		add(kindInvariant, "429 without Retry-After")
	}
	if ex.Status != http.StatusOK {
		return
	}
	switch ex.Operation {
	case "post-auth-backend", "delete-auth-backend":
		c.reset() // the store changed
		if ex.Operation == "post-auth-backend" {
			var res struct {
				Data []struct {
					Token string `json:"token"`
				} `json:"data"`
			}
			if json.Unmarshal(ex.Body, &res) != nil || len(res.Data) != 1 || !synthetic.IsJWT(res.Data[0].Token) {
				add(kindInvariant, "create did not return one item with a JWT")
			}
		}
	case "get-backend-tokens":
		c.listInvariants(ex, add)
	}
}

func (c *conformance) listInvariants(ex fake.Exchange, add func(kind, format string, args ...any)) {
	var page struct {
		Data []struct {
			ID    any    `json:"id"`
			Token string `json:"token"`
		} `json:"data"`
		Meta struct {
			Pagination struct{ TotalCount, Offset, Limit int } `json:"pagination"`
		} `json:"meta"`
	}
	if err := json.Unmarshal(ex.Body, &page); err != nil {
		add(kindInvariant, "list body does not decode leniently: %v", err)
		return
	}
	q := ex.Request.URL.Query()
	limit, offset := fake.DefaultLimit, fake.DefaultOffset
	if v := q.Get("limit"); v != "" {
		limit, _ = strconv.Atoi(v)
	}
	if v := q.Get("offset"); v != "" {
		offset, _ = strconv.Atoi(v)
	}
	p := page.Meta.Pagination
	if p.Limit != limit || p.Offset != offset {
		add(kindInvariant, "pagination limit=%d offset=%d, request limit=%d offset=%d", p.Limit, p.Offset, limit, offset)
	}
	if len(page.Data) > limit {
		add(kindInvariant, "%d items, more than limit %d", len(page.Data), limit)
	}
	if want := max(0, min(limit, p.TotalCount-offset)); len(page.Data) != want {
		add(kindInvariant, "%d items at offset %d of %d, want %d", len(page.Data), offset, p.TotalCount, want)
	}
	if c.totalCount >= 0 && p.TotalCount != c.totalCount {
		add(kindInvariant, "totalCount %d, earlier pages said %d", p.TotalCount, c.totalCount)
	}
	c.totalCount = p.TotalCount
	for i, item := range page.Data {
		if !synthetic.IsJWT(item.Token) {
			add(kindInvariant, "$.data[%d].token is not a JWT", i)
		}
		id, ok := item.ID.(float64)
		if !ok {
			continue // the validator reports the type
		}
		pos := offset + i
		if prev, seen := c.byPos[pos]; seen && prev != int(id) {
			add(kindInvariant, "position %d holds id %d, an earlier page said id %d", pos, int(id), prev)
		}
		if prev, seen := c.posOf[int(id)]; seen && prev != pos {
			add(kindInvariant, "id %d at position %d, an earlier page had it at %d", int(id), pos, prev)
		}
		c.byPos[pos], c.posOf[int(id)] = int(id), pos
	}
}

// walk runs Server.Walk and returns every exchange and every problem.
func walk(t *testing.T, s *fake.Server, c *conformance) ([]fake.Exchange, []problem) {
	t.Helper()
	var exs []fake.Exchange
	var ps []problem
	err := s.Walk(context.Background(), func(ex fake.Exchange) {
		exs = append(exs, ex)
		ps = append(ps, c.check(ex)...)
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return exs, ps
}

// walkOptions returns options with a fixed clock and a backend user, for a
// fake that Walk can drive.
func walkOptions(seed int) fake.Options {
	return fake.Options{
		AuthToken:    "auth-" + synthetic.RandomHex(16),
		SeedTokens:   seed,
		UserEmail:    "owner@example.com",
		UserPassword: "pw-" + synthetic.RandomHex(8),
		Now:          newClock().Now,
	}
}

// TestWalkConforms proves that every response the fake serves conforms to the
// contract, as long as no drift is injected: strict validation, the generated
// client, and the invariants.
func TestWalkConforms(t *testing.T) {
	tests := []struct {
		name   string
		adjust func(*fake.Options)
	}{
		{"empty store", func(o *fake.Options) { o.SeedTokens = 0 }},
		{"one token", func(o *fake.Options) { o.SeedTokens = 1 }},
		{"vendor example size", func(o *fake.Options) { o.SeedTokens = 25 }},
		{"two pages of 250", func(o *fake.Options) { o.SeedTokens = 260; o.RateLimit = 1000 }},
		{"custom store and window", func(o *fake.Options) {
			o.SeedTokens, o.StoreHash, o.RateLimit, o.RateWindow = 12, "abc123", 90, 30*time.Second
		}},
		{"latency", func(o *fake.Options) { o.SeedTokens, o.Latency = 3, time.Millisecond }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := walkOptions(0)
			tt.adjust(&opts)
			s, err := fake.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			exs, ps := walk(t, s, newConformance(t, true))
			for _, p := range ps {
				t.Error(p)
			}
			assertCoverage(t, exs)
			assertNoSecrets(t, exs, opts)
		})
	}
}

// assertCoverage checks that the walk reached every status it is meant to, so
// that a walk which, say, only ever got 401s cannot pass.
func assertCoverage(t *testing.T, exs []fake.Exchange) {
	t.Helper()
	seen := map[string][]int{}
	for _, ex := range exs {
		if !slices.Contains(seen[ex.Operation], ex.Status) {
			seen[ex.Operation] = append(seen[ex.Operation], ex.Status)
		}
	}
	want := map[string][]int{
		"get-backend-tokens":  {200, 401, 413, 422, 429},
		"delete-auth-backend": {200, 401, 404, 422},
		"post-auth-backend":   {200, 400, 413, 422},
	}
	for op, statuses := range want {
		for _, st := range statuses {
			if !slices.Contains(seen[op], st) {
				t.Errorf("the walk never got %d from %s (got %v)", st, op, seen[op])
			}
		}
	}
}

// assertNoSecrets checks that no response repeats the auth token or the
// backend user's password.
func assertNoSecrets(t *testing.T, exs []fake.Exchange, opts fake.Options) {
	t.Helper()
	for _, ex := range exs {
		for _, secret := range []string{opts.AuthToken, opts.UserPassword} {
			if strings.Contains(string(ex.Body), secret) || strings.Contains(fmt.Sprint(ex.Header), secret) {
				t.Errorf("%s: the response repeats a secret the client sent", ex.Step)
			}
		}
	}
}

// TestWalkWithInjectedFailuresConforms shows that injected 5xx responses
// conform too (500 and 503 are documented), and that the walk survives them.
func TestWalkWithInjectedFailuresConforms(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusServiceUnavailable} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			opts := walkOptions(25)
			opts.FailEvery, opts.FailStatus = 7, status
			s, err := fake.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			exs, ps := walk(t, s, newConformance(t, false))
			for _, p := range ps {
				t.Error(p)
			}
			failed := 0
			for _, ex := range exs {
				if ex.Status == status {
					failed++
				}
			}
			if failed < len(exs)/7-1 {
				t.Errorf("%d of %d responses were %d; want about one in 7", failed, len(exs), status)
			}
		})
	}
}

// TestWalkFailsUnderDrift proves that every scenario bites: the same walk
// and the same judge report the kind of problem the scenario is about.
func TestWalkFailsUnderDrift(t *testing.T) {
	want := map[fake.Scenario]string{
		fake.ScenarioFieldRemoved: kindValidator,
		fake.ScenarioTypeChanged:  kindValidator,
		fake.ScenarioMaskedToken:  kindInvariant,
		fake.ScenarioUnknownField: kindStrict,
		fake.ScenarioEnumAdded:    kindValidator,
		fake.ScenarioNullField:    kindValidator,
		fake.ScenarioSunset:       kindDeprecation,
		fake.ScenarioEndpointGone: kindValidator,
	}
	for _, sc := range fake.Scenarios() {
		t.Run(sc.String(), func(t *testing.T) {
			kind, ok := want[sc]
			if !ok {
				t.Fatalf("scenario %s has no expected problem in this test; add one", sc)
			}
			opts := walkOptions(25)
			opts.Scenario = sc
			s, err := fake.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			_, ps := walk(t, s, newConformance(t, false))
			kinds := map[string]int{}
			for _, p := range ps {
				kinds[p.kind]++
			}
			t.Logf("problems by kind: %v", kinds)
			if kinds[kind] == 0 {
				t.Errorf("no %s problem under drift %s; problems by kind: %v", kind, sc, kinds)
			}
		})
	}
}

// TestConformanceCatchesBrokenResponses feeds the judge exchanges that break
// one invariant each, so that a judge which cannot fail is caught.
func TestConformanceCatchesBrokenResponses(t *testing.T) {
	tok := synthetic.Token("user@example.com", "fake0store")
	item := func(id int, token string) string {
		return fmt.Sprintf(`{"id":%d,"name":"n","email":"user@example.com","storeHash":"fake0store","token":%q,"eventChannel":"app"}`, id, token)
	}
	page := func(code, total, offset, limit int, items ...string) string {
		return fmt.Sprintf(`{"code":%d,"data":[%s],"meta":{"message":"SUCCESS","pagination":{"totalCount":%d,"offset":%d,"limit":%d}}}`,
			code, strings.Join(items, ","), total, offset, limit)
	}
	tests := []struct {
		name  string
		query string
		body  string
		kind  string
	}{
		{"code differs from status", "limit=1", page(201, 1, 0, 1, item(1, tok)), kindInvariant},
		{"more items than limit", "limit=1", page(200, 2, 0, 1, item(1, tok), item(2, tok)), kindInvariant},
		{"pagination does not echo", "limit=2&offset=0", page(200, 1, 0, 10, item(1, tok)), kindInvariant},
		{"masked token", "limit=1", page(200, 1, 0, 1, item(1, "****")), kindInvariant},
		{"bad email", "limit=1", strings.Replace(page(200, 1, 0, 1, item(1, tok)), "user@example.com", "not-an-email", 1), kindValidator},
		{"duplicate id on one page", "limit=2", page(200, 2, 0, 2, item(1, tok), item(1, tok)), kindInvariant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newConformance(t, false)
			u, _ := url.Parse("http://fake.invalid/backend/tokens?" + tt.query)
			ex := fake.Exchange{
				Step: tt.name, Operation: "get-backend-tokens", WantStatus: 200,
				Request: &http.Request{Method: http.MethodGet, URL: u, Header: http.Header{}},
				Status:  200,
				Header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"1"},
					"X-Requests-Allocated": {"150 times/60 s"}, "X-Requests-Remaining": {"1 times"},
					"X-Requests-Window-Length": {"60 s"}, "X-Request-Window-Resets-After": {"1.000 s"}},
				Body: []byte(tt.body),
			}
			found := false
			for _, p := range c.check(ex) {
				found = found || p.kind == tt.kind
			}
			if !found {
				t.Errorf("no %s problem reported", tt.kind)
			}
		})
	}
}

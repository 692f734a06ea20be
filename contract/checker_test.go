package contract_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/kin"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

func findingIDs(r contract.Result) []string {
	var ids []string
	for _, f := range r.Findings {
		ids = append(ids, f.ID)
	}
	return ids
}

func TestEveryRuleIsDocumented(t *testing.T) {
	kebab := regexp.MustCompile(`^[a-z]+(-[a-z0-9]+)*$`)
	rules := contract.Rules()
	if len(rules) < 30 {
		t.Fatalf("only %d rules", len(rules))
	}
	for _, r := range rules {
		if !kebab.MatchString(r.ID) {
			t.Errorf("rule id %q is not kebab-case", r.ID)
		}
		if r.Summary == "" || r.Advice == "" || r.Layer == "" {
			t.Errorf("rule %s lacks a summary, advice or layer", r.ID)
		}
	}
}

func TestSeverity(t *testing.T) {
	for _, s := range []contract.Severity{contract.Info, contract.Deprecation, contract.Additive, contract.Breaking} {
		got, err := contract.ParseSeverity(s.String())
		if err != nil || got != s {
			t.Errorf("ParseSeverity(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := contract.ParseSeverity("fatal"); err == nil || !strings.Contains(err.Error(), "breaking") {
		t.Errorf("an unknown severity must be an error listing the valid ones, got %v", err)
	}
	if !(contract.Info < contract.Deprecation && contract.Deprecation < contract.Additive && contract.Additive < contract.Breaking) {
		t.Error("severities are not ordered info < deprecation < additive < breaking")
	}
	if _, err := contract.Severity(9).MarshalText(); err == nil {
		t.Error("an invalid severity marshalled")
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	if _, err := contract.New(contract.WithWorkers(0)); err == nil {
		t.Error("WithWorkers(0) accepted")
	}
	if _, err := contract.New(contract.WithMaxBody(0)); err == nil {
		t.Error("WithMaxBody(0) accepted")
	}
}

func TestSkipsWhatIsNotInTheContract(t *testing.T) {
	c := newChecker(t)
	tests := []struct {
		name, method, url string
		status            int
		reason            string
	}{
		{"other endpoint", "GET", "https://api.bigcommerce.com/stores/x/v3/catalog/products", 200, "not an operation"},
		{"undocumented method", "PUT", baseURL + "/auth/backend", 200, "not an operation"},
		{"no response", "GET", baseURL + "/backend/tokens", 0, "no response was recorded"},
		{"bad url", "GET", "://", 200, "cannot be parsed"},
	}
	for _, tt := range tests {
		ex := list("", tt.status, "{}", 1)
		ex.Request.Method, ex.Request.URL = tt.method, tt.url
		r := c.Check(ex)
		if !r.Skipped || !strings.Contains(r.SkipReason, tt.reason) || len(r.Findings) != 0 {
			t.Errorf("%s: skipped %v (%q), %d findings", tt.name, r.Skipped, r.SkipReason, len(r.Findings))
		}
	}
}

// TestPathsMatchOnlyUnderTheBasePath: an exchange is an operation's only at
// the operation's path under the base path (the spec's server URL's, or the
// one WithBasePath or the exchange itself gives); the operation's path under
// another prefix, or with a trailing slash, is a near miss, skipped with the
// pattern as its reason; anything else is not an operation.
func TestPathsMatchOnlyUnderTheBasePath(t *testing.T) {
	spec := newChecker(t)
	root := newChecker(t, contract.WithBasePath("/"))
	gateway := newChecker(t, contract.WithBasePath("/b2b/api/io/"))
	tests := []struct {
		name     string
		c        *contract.Checker
		url      string
		base     string // the exchange's own BasePath
		skip     string // "" when it matches
		op       string
		mismatch bool
	}{
		{"absolute", spec, baseURL + "/backend/tokens", "", "", "get-backend-tokens", false},
		{"path only", spec, "/api/io/backend/tokens", "", "", "get-backend-tokens", false},
		{"fake on loopback", spec, "http://127.0.0.1:8080/api/io/backend/tokens", "", "", "get-backend-tokens", false},
		{"root base path", root, "http://127.0.0.1:8080/backend/tokens", "", "", "get-backend-tokens", false},
		{"gateway base path", gateway, "https://gw.example/b2b/api/io/backend/tokens", "", "", "get-backend-tokens", false},
		{"the exchange's own base path", spec, "http://127.0.0.1:8080/backend/tokens", "/", "", "get-backend-tokens", false},
		{"trailing slash", spec, baseURL + "/backend/tokens/", "", contract.SkipPathTrailingSlash, "", true},
		{"doubled base path", spec, baseURL + "/api/io/backend/tokens", "", contract.SkipPathDoubledBase, "", true},
		{"v3 prefix", spec, "https://api-b2b.bigcommerce.com/api/v3/io/backend/tokens", "", contract.SkipPathOtherPrefix, "", true},
		{"no base path", spec, "http://127.0.0.1:8080/backend/tokens", "", contract.SkipPathOtherPrefix, "", true},
		{"a gateway's prefix", spec, "https://proxy.example/b2b/api/io/backend/tokens", "", contract.SkipPathOtherPrefix, "", true},
		{"spec base under a gateway", gateway, baseURL + "/backend/tokens", "", contract.SkipPathOtherPrefix, "", true},
		{"delete under another prefix", spec, "https://api-b2b.bigcommerce.com/api/v3/io/auth/backend", "", contract.SkipPathOtherPrefix, "", true},
		{"another endpoint", spec, baseURL + "/backend/tokens/extra", "", contract.SkipNotOperation, "", false},
		{"a longer segment", spec, baseURL + "/xbackend/tokens", "", contract.SkipNotOperation, "", false},
	}
	for _, tt := range tests {
		method := http.MethodGet
		if strings.HasSuffix(tt.url, "/auth/backend") {
			method = http.MethodDelete
		}
		ex := list("", 200, listBody(3, 10, 0), 1)
		ex.Request.Method, ex.Request.URL, ex.BasePath = method, tt.url, tt.base
		r := tt.c.Check(ex)
		if tt.skip == "" && (r.Skipped || r.Operation != tt.op || len(r.Findings) != 0) {
			t.Errorf("%s: skipped %v (%s), operation %q, findings %v; want %s", tt.name, r.Skipped, r.SkipReason, r.Operation, findingIDs(r), tt.op)
		}
		if tt.skip != "" && (!r.Skipped || r.SkipReason != tt.skip || len(r.Findings) != 0) {
			t.Errorf("%s: skipped %v (%q), findings %v; want skipped: %q", tt.name, r.Skipped, r.SkipReason, findingIDs(r), tt.skip)
		}
		if contract.IsPathMismatch(r.SkipReason) != tt.mismatch {
			t.Errorf("%s: IsPathMismatch(%q) = %v", tt.name, r.SkipReason, !tt.mismatch)
		}
		if handled := tt.c.Handles(method, tt.url); handled != (tt.skip != contract.SkipNotOperation) && tt.base == "" {
			t.Errorf("%s: Handles = %v", tt.name, handled)
		}
	}
}

// TestPathMismatchFindingsOncePerPattern: a run's near misses give one
// info finding per pattern, with the count, and no value from the exchanges.
func TestPathMismatchFindingsOncePerPattern(t *testing.T) {
	var s contract.Skips
	for range 3 {
		s.Add("run.har#1", contract.SkipPathOtherPrefix)
	}
	s.Add("run.har#4", contract.SkipPathTrailingSlash)
	s.Add("run.har#5", contract.SkipNotOperation)
	fs := contract.PathMismatchFindings("run.har", s)
	if len(fs) != 2 {
		t.Fatalf("%d findings, want one per near-miss pattern (2): %+v", len(fs), fs)
	}
	for i, want := range []string{"3 exchanges went to an operation's path under another prefix", "1 exchange went to an operation's path with a trailing slash"} {
		f := fs[i]
		if f.ID != contract.IDBasePathMismatch || f.Severity != contract.Info || f.Source != "run.har" || !strings.HasPrefix(f.Message, want) ||
			!strings.Contains(f.Message, "check the caller's base URL") {
			t.Errorf("finding %d = %+v; want %q…", i, f, want)
		}
	}
	if fs := contract.PathMismatchFindings("run.har", contract.Skips{}); len(fs) != 0 {
		t.Errorf("no skips gave %v", fs)
	}
}

// TestUnknownFieldInOneItemOfMany pins the strict-mode shortcut: with 250
// items, an extra field in item 137 only is reported at exactly that index,
// and a field in every item is reported once for all of them.
func TestUnknownFieldInOneItemOfMany(t *testing.T) {
	c := newChecker(t)
	p := listBody(600, 250, 0)
	setItem(p, 137, append(item(p, 137), kv{"scope", "read"}))
	r := c.Check(list("limit=250&offset=0", 200, p, 1))
	if len(r.Findings) != 1 || r.Findings[0].ID != contract.IDUnknownField || r.Findings[0].Path != "$.data[*].scope" ||
		!strings.HasSuffix(r.Findings[0].Message, "(at $.data[137].scope)") {
		t.Fatalf("findings = %+v", r.Findings)
	}
	p = listBody(600, 250, 0)
	for i := range 250 {
		if i%2 == 0 {
			setItem(p, i, append(item(p, i), kv{"scope", "read"}))
		}
	}
	r = c.Check(list("limit=250&offset=0", 200, p, 1))
	if len(r.Findings) != 1 || r.Findings[0].Path != "$.data[*].scope" || !strings.Contains(r.Findings[0].Message, "125 occurrences") {
		t.Fatalf("findings = %+v", r.Findings)
	}
}

func TestCredentialsRejectedOnlyWithTheEnvelope(t *testing.T) {
	c := newChecker(t)
	for _, status := range []int{401, 403} {
		r := c.Check(list("", status, envelope(status, "Invalid token header. No credentials provided.", "Unauthorized"), 1))
		if !slices.Equal(findingIDs(r), []string{contract.IDCredentialsRejected}) || r.Findings[0].Severity != contract.Info {
			t.Errorf("%d with the envelope: %v", status, findingIDs(r))
		}
	}
	r := c.Check(list("", 401, obj{{"error", "nope"}}, 1))
	if slices.Contains(findingIDs(r), contract.IDCredentialsRejected) || !slices.Contains(findingIDs(r), contract.IDMissingField) {
		t.Errorf("401 without the envelope: %v", findingIDs(r))
	}
}

func TestBodyTooLarge(t *testing.T) {
	c := newChecker(t, contract.WithMaxBody(100))
	r := c.Check(list("", 200, listBody(3, 10, 0), 1))
	if !slices.Equal(findingIDs(r), []string{contract.IDBodyTooLarge}) {
		t.Errorf("findings = %v", findingIDs(r))
	}
}

func TestSunsetDistances(t *testing.T) {
	c := newChecker(t)
	tests := []struct{ date, want string }{
		{"Fri, 15 Jan 2027 00:00:00 GMT", "less than 90 days away"},
		{"Wed, 01 Dec 2027 00:00:00 GMT", "in 370 days"},
		{"Tue, 01 Sep 2026 00:00:00 GMT", "has passed (86 days ago)"},
	}
	for _, tt := range tests {
		r := c.Check(withHeader(list("", 200, listBody(3, 10, 0), 1), "Sunset", tt.date))
		if len(r.Findings) != 1 || !strings.Contains(r.Findings[0].Message, tt.want) {
			t.Errorf("Sunset %s: %+v, want a message saying %q", tt.date, r.Findings, tt.want)
		}
	}
}

// TestConcurrentChecks shares one Checker between goroutines (run with
// -race) and requires each to get the same findings as a serial check.
func TestConcurrentChecks(t *testing.T) {
	c := newChecker(t, contract.WithSecondOpinion(kin.New))
	var exs []*contract.Exchange
	var want [][]string
	for _, dc := range driftCases() {
		for _, ex := range dc.exs {
			exs = append(exs, ex)
			want = append(want, findingIDs(c.Check(ex)))
		}
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range exs {
				j := (i + g) % len(exs)
				if got := findingIDs(c.Check(exs[j])); !slices.Equal(got, want[j]) {
					t.Errorf("goroutine %d, exchange %d: %v, serially %v", g, j, got, want[j])
				}
			}
		}()
	}
	wg.Wait()
}

// TestConcurrentFirstChecksOfPolymorphicBodies: the error envelope's errMsg
// is a oneOf, and strict mode renders its alternatives from the spec's model
// the first time each validator meets them. Goroutines that do so at once,
// on a fresh Checker, must not race (go test -race fails this test if they
// do) and must agree.
func TestConcurrentFirstChecksOfPolymorphicBodies(t *testing.T) {
	c := newChecker(t)
	exs := []*contract.Exchange{
		list("", 400, envelope(400, obj{{"limit", []any{"must be at most 250"}}}, "Bad Request"), 1),
		list("", 401, envelope(401, "unauthorized", "Unauthorized"), 2),
		list("", 400, envelope(400, obj{{"offset", []any{"must be a number"}}}, "Bad Request"), 3),
	}
	const goroutines = 8
	start := make(chan struct{})
	got := make([][]string, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range exs {
				got[g] = append(got[g], strings.Join(findingIDs(c.Check(exs[(i+g)%len(exs)])), ","))
			}
		}()
	}
	close(start)
	wg.Wait()
	for g := range goroutines {
		for i := range exs {
			if a, b := got[g][i], got[0][(i+g)%len(exs)]; a != b {
				t.Errorf("goroutine %d, exchange %d: findings %q; goroutine 0 found %q", g, (i+g)%len(exs), a, b)
			}
		}
	}
	if got[0][1] != contract.IDCredentialsRejected {
		t.Errorf("the 401 envelope gave %q, want only %s", got[0][1], contract.IDCredentialsRejected)
	}
}

func TestCheckRunsHonoursCancellation(t *testing.T) {
	c := newChecker(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := c.CheckSequence(ctx, []*contract.Exchange{list("", 200, listBody(3, 10, 0), 1)})
	if len(res) != 1 || !res[0].Skipped || res[0].SkipReason != "cancelled" {
		t.Errorf("got %+v", res)
	}
}

// FuzzCheckBody sends arbitrary bytes as the body of every documented
// response: the checker must not panic, and every finding must be well
// formed.
func FuzzCheckBody(f *testing.F) {
	b, _ := json.Marshal(listBody(3, 10, 0))
	f.Add(b, 200, "application/json")
	f.Add([]byte(`{"code":401,"data":{"errMsg":{"limit":["x"]}},"meta":{"message":"m"}}`), 401, "application/json")
	f.Add([]byte(`{"code":200,"data":[{"id":1e400}]}`), 200, "application/json; charset=utf-8")
	f.Add([]byte("\xff\xfe"), 404, "text/html")
	c := newChecker(f, contract.WithSecondOpinion(kin.New))
	f.Fuzz(func(t *testing.T, body []byte, status int, contentType string) {
		if len(body) > 1<<20 {
			return
		}
		for _, path := range []string{"/api/io/backend/tokens?limit=2", "/api/io/auth/backend"} {
			for _, method := range []string{http.MethodGet, http.MethodDelete, http.MethodPost} {
				ex := &contract.Exchange{
					Source:   "fuzz",
					Request:  contract.Request{Method: method, URL: path},
					Response: contract.Response{Status: status, Header: http.Header{"Content-Type": {contentType}}, Body: body},
				}
				for _, f := range c.Check(ex).Findings {
					if _, ok := contract.RuleFor(f.ID); !ok || f.Path == "" || f.Message == "" || f.Source != "fuzz" {
						t.Fatalf("malformed finding %+v", f)
					}
				}
			}
		}
	})
}

func ExampleChecker_Check() {
	c, err := contract.New()
	if err != nil {
		panic(err)
	}
	ex := &contract.Exchange{
		Source:  "example",
		Request: contract.Request{Method: "GET", URL: "https://api-b2b.bigcommerce.com/api/io/backend/tokens?limit=10"},
		Response: contract.Response{
			Status: 410,
			Header: http.Header{"Content-Type": {"text/html"}, "Sunset": {"Tue, 01 Sep 2026 00:00:00 GMT"}},
			Body:   []byte("<html>Gone</html>"),
		},
	}
	for _, f := range c.Check(ex).Findings {
		fmt.Println(f.Severity, f.ID, f.Path)
	}
	// Output:
	// breaking endpoint-gone status
	// deprecation sunset-announced header Sunset
}

func TestUnknownFieldNamesKeepTheirDots(t *testing.T) {
	c := newChecker(t)
	p := listBody(3, 10, 0)
	setItem(p, 0, append(item(p, 0), kv{"meta.v2", 1}))
	r := c.Check(list("", 200, p, 1))
	if len(r.Findings) != 1 || r.Findings[0].Path != "$.data[*]['meta.v2']" || !strings.Contains(r.Findings[0].Message, "field ['meta.v2'] is not declared") {
		t.Errorf("findings = %+v", r.Findings)
	}
}

// WithSpec builds the checker from another document: a published release
// works, and a document that does not load or lacks an operation is an error
// naming it.
func TestWithSpec(t *testing.T) {
	release, err := os.ReadFile(filepath.Join("..", "openapi", "releases", "v1.0.0", "b2b-s2s-tokens.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := contract.New(contract.WithSpec("v1.0.0.yaml", release))
	if err != nil {
		t.Fatalf("the v1.0.0 release: %v", err)
	}
	if got := c.Operations(); len(got) != 3 {
		t.Errorf("operations = %v", got)
	}
	lacking := strings.Replace(string(release), "  /auth/backend:", "  /auth/other:\n    get:\n      operationId: other\n      responses:\n        '200':\n          description: x\n          content:\n            application/json:\n              schema: {type: object}\n  /auth/backendx:", 1)
	tests := []struct {
		name, doc, want string
	}{
		{"not YAML", "openapi: [", "broken.yaml"},
		{"not OpenAPI 3", "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n", "broken.yaml"},
		{"no operations", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n", "broken.yaml"},
		{"an unknown operation", lacking, "broken.yaml"},
		{"a missing operation", strings.Replace(string(release), "  /auth/backend:", "  x-removed:", 1), "broken.yaml lacks operations the generated client has: delete-auth-backend, post-auth-backend"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := contract.New(contract.WithSpec("broken.yaml", []byte(tt.doc)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New = %v, want an error naming %s", err, tt.want)
			}
		})
	}
}

// Schemas compile on first use: a schema the validator cannot compile (here,
// an invalid regular expression in a spec given WithSpec) does not stop New,
// and every body checked against it gets a schema-mismatch finding that says
// so, while the other layers still run.
func TestSchemaThatCannotCompile(t *testing.T) {
	spec := string(openapi.YAML())
	const anchor = "          description: The name given to the token when it was created.\n"
	if !strings.Contains(spec, anchor) {
		t.Fatal("the embedded spec no longer describes a token's name as this test expects")
	}
	broken := strings.Replace(spec, anchor, anchor+"          pattern: '(unclosed'\n", 1)
	c, err := contract.New(contract.WithSpec("broken-pattern.yaml", []byte(broken)))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	for range 2 { // the failed compilation is remembered, not retried or lost
		r := c.Check(list("", 200, listBody(3, 10, 0), 1))
		if len(r.Findings) != 1 || r.Findings[0].ID != contract.IDSchemaMismatch || r.Findings[0].Path != "$" ||
			!strings.Contains(r.Findings[0].Message, "200 response schema cannot be compiled") {
			t.Fatalf("findings = %+v", r.Findings)
		}
	}
}

// A fresh Checker compiles each schema once even when its first checks
// arrive at the same time (run with -race).
func TestFirstChecksConcurrent(t *testing.T) {
	c := newChecker(t)
	exs := make([]*contract.Exchange, 16)
	for i := range exs {
		exs[i] = list("", 200, listBody(30, 10, 0), i)
	}
	for _, r := range c.CheckSequence(context.Background(), exs) {
		if len(r.Findings) != 0 {
			t.Errorf("%s: findings %+v", r.Source, r.Findings)
		}
	}
}

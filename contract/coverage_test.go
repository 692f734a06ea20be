package contract_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// newCoverage returns a checker of the embedded spec and an empty Coverage
// of it.
func newCoverage(t *testing.T) (*contract.Checker, *contract.Coverage) {
	t.Helper()
	c := newChecker(t)
	cv, err := contract.NewCoverage(c)
	if err != nil {
		t.Fatal(err)
	}
	return c, cv
}

// coverageOf checks exs with a fresh checker and observes them.
func coverageOf(t *testing.T, exs ...*contract.Exchange) contract.CoverageReport {
	t.Helper()
	c, cv := newCoverage(t)
	for _, ex := range exs {
		if ex == nil {
			cv.Observe(nil, contract.Result{})
			continue
		}
		cv.Observe(ex, c.Check(ex))
	}
	return cv.Report()
}

func opCov(t *testing.T, r contract.CoverageReport, id string) contract.OperationCoverage {
	t.Helper()
	for _, o := range r.Operations {
		if o.Operation == id {
			return o
		}
	}
	t.Fatalf("no operation %s in the coverage report", id)
	return contract.OperationCoverage{}
}

func respCov(t *testing.T, o contract.OperationCoverage, status int) contract.ResponseCoverage {
	t.Helper()
	for _, r := range o.Responses {
		if r.Status == status {
			return r
		}
	}
	t.Fatalf("%s has no response %d in the coverage report", o.Operation, status)
	return contract.ResponseCoverage{}
}

func prop(r contract.ResponseCoverage, path string) contract.PropertyCoverage {
	for _, p := range r.Properties {
		if p.Path == path {
			return p
		}
	}
	return contract.PropertyCoverage{Path: "missing " + path}
}

func param(o contract.OperationCoverage, name, kind string) int {
	for _, p := range o.Parameters {
		if p.Name == name && p.Case == kind {
			return p.Seen
		}
	}
	return -1
}

func enumSeen(r contract.ResponseCoverage, path, value string) (seen, other int) {
	for _, e := range r.Enums {
		if e.Path == path {
			for _, v := range e.Values {
				if v.Value == value {
					return v.Seen, e.Other
				}
			}
			return -1, e.Other
		}
	}
	return -1, -1
}

const listID = "get-backend-tokens"

func TestCoverageAccumulator(t *testing.T) {
	paging, err := openapi.ListPaging()
	if err != nil {
		t.Fatal(err)
	}
	twoItems := func(mutate func(b obj) obj) obj {
		a, b := tokenItem(1), tokenItem(2) // eventChannel admin, api
		b = mutate(b)
		return obj{{"code", 200}, {"data", []any{a, b}},
			{"meta", obj{{"message", "SUCCESS"}, {"pagination", obj{{"totalCount", 2}, {"offset", 0}, {"limit", 10}}}}}}
	}
	tests := []struct {
		name  string
		exs   []*contract.Exchange
		check func(t *testing.T, r contract.CoverageReport)
	}{
		{
			name: "present, absent and null are counted per item",
			exs: []*contract.Exchange{list("", 200, twoItems(func(b obj) obj {
				return b.del("name").set("storeHash", nil)
			}), 1)},
			check: func(t *testing.T, r contract.CoverageReport) {
				rc := respCov(t, opCov(t, r, listID), 200)
				if p := prop(rc, "$.data[*].name"); p.Present != 1 || p.Absent != 1 || p.Null != 0 {
					t.Errorf("name: %+v, want present 1 absent 1", p)
				}
				if p := prop(rc, "$.data[*].storeHash"); p.Present != 1 || p.Null != 1 {
					t.Errorf("storeHash: %+v, want present 1 null 1", p)
				}
				if p := prop(rc, "$.meta.pagination.totalCount"); p.Present != 1 {
					t.Errorf("totalCount: %+v", p)
				}
				if rc.Seen != 1 || rc.Conforming != 0 {
					t.Errorf("a body missing a required field: seen %d conforming %d, want 1 and 0", rc.Seen, rc.Conforming)
				}
			},
		},
		{
			name: "enum values seen, never seen and outside the enum",
			exs: []*contract.Exchange{list("", 200, twoItems(func(b obj) obj {
				return b.set("eventChannel", "canary-channel")
			}), 1)},
			check: func(t *testing.T, r contract.CoverageReport) {
				rc := respCov(t, opCov(t, r, listID), 200)
				if seen, other := enumSeen(rc, "$.data[*].eventChannel", "admin"); seen != 1 || other != 1 {
					t.Errorf("admin: seen %d other %d, want 1 and 1", seen, other)
				}
				if seen, _ := enumSeen(rc, "$.data[*].eventChannel", "app"); seen != 0 {
					t.Errorf("app: seen %d, want 0", seen)
				}
				raw, _ := json.Marshal(r)
				if strings.Contains(string(raw), "canary-channel") {
					t.Errorf("the report prints a value outside the enum: %s", raw)
				}
			},
		},
		{
			name: "paging cases come from the spec's bounds and defaults",
			exs: []*contract.Exchange{
				list("", 200, listBody(3, paging.DefaultLimit, 0), 1),
				list(fmt.Sprintf("limit=%d&offset=0", paging.MinLimit), 200, listBody(3, paging.MinLimit, 0), 2),
				list(fmt.Sprintf("limit=%d", paging.MaxLimit), 200, listBody(3, paging.MaxLimit, 0), 3),
				list("limit=abc", 200, listBody(3, paging.DefaultLimit, 0), 4),
			},
			check: func(t *testing.T, r contract.CoverageReport) {
				o := opCov(t, r, listID)
				for _, tc := range []struct {
					name, kind string
					want       int
				}{{"limit", "default", 1}, {"limit", "minimum", 1}, {"limit", "maximum", 1}, {"offset", "default", 3}, {"offset", "minimum", 1}, {"offset", "past-end", 0}} {
					if got := param(o, tc.name, tc.kind); got != tc.want {
						t.Errorf("%s %s: seen %d, want %d", tc.name, tc.kind, got, tc.want)
					}
				}
			},
		},
		{
			name: "an offset past the end",
			exs:  []*contract.Exchange{list("offset=20", 200, listBody(5, paging.DefaultLimit, 20), 1)},
			check: func(t *testing.T, r contract.CoverageReport) {
				if got := param(opCov(t, r, listID), "offset", "past-end"); got != 1 {
					t.Errorf("past-end seen %d, want 1", got)
				}
			},
		},
		{
			name: "an empty store at offset 0 is not past the end",
			exs:  []*contract.Exchange{list("", 200, listBody(0, paging.DefaultLimit, 0), 1)},
			check: func(t *testing.T, r contract.CoverageReport) {
				if got := param(opCov(t, r, listID), "offset", "past-end"); got != 0 {
					t.Errorf("past-end seen %d, want 0", got)
				}
			},
		},
		{
			name: "an assumed response seen conforming is confirmed; a malformed one is not",
			exs: []*contract.Exchange{
				list("", 401, envelope(401, "Invalid token header. No credentials provided.", "Invalid token header."), 1),
				list("", 403, obj{{"code", 403}}, 2),
			},
			check: func(t *testing.T, r contract.CoverageReport) {
				o := opCov(t, r, listID)
				if rc := respCov(t, o, 401); !rc.Confirmed() || rc.Source != "assumed" || rc.Component != "Unauthorized" {
					t.Errorf("401: %+v, want confirmed assumed Unauthorized", rc)
				}
				if rc := respCov(t, o, 403); rc.Confirmed() || rc.Seen != 1 {
					t.Errorf("403 without data and meta: %+v, want seen and not confirmed", rc)
				}
				if rc := respCov(t, o, 200); rc.Confirmed() || rc.Source != "documented" {
					t.Errorf("200: %+v, want documented and never confirmed", rc)
				}
			},
		},
		{
			name: "bad input: a body that is not JSON, an undocumented status, a skipped exchange, nil",
			exs: []*contract.Exchange{
				list("", 200, "<html>maintenance</html>", 1),
				list("", 418, envelope(418, "teapot", "teapot"), 2),
				exchange(http.MethodGet, "", "/somewhere/else", 200, obj{}, 3),
				{Source: "bad-url", Request: contract.Request{Method: "GET", URL: "http://[::1"}, Response: contract.Response{Status: 200}},
				nil,
			},
			check: func(t *testing.T, r contract.CoverageReport) {
				o := opCov(t, r, listID)
				rc := respCov(t, o, 200)
				if rc.Seen != 1 || rc.Conforming != 0 || prop(rc, "$.code").Present != 0 {
					t.Errorf("HTML 200: %+v", rc)
				}
				if len(o.Undocumented) != 1 || o.Undocumented[0] != (contract.StatusCount{Status: 418, Seen: 1}) {
					t.Errorf("undocumented: %+v, want 418 once", o.Undocumented)
				}
				if r.Exchanges != 2 || r.Skipped != 2 {
					t.Errorf("exchanges %d skipped %d, want 2 and 2", r.Exchanges, r.Skipped)
				}
			},
		},
		{
			name: "documented headers seen",
			exs: func() []*contract.Exchange {
				ex := list("", 200, listBody(1, 10, 0), 1)
				ex.Response.Header.Del("X-Requests-Allocated")
				return []*contract.Exchange{ex, list("", 200, listBody(1, 10, 0), 2)}
			}(),
			check: func(t *testing.T, r contract.CoverageReport) {
				rc := respCov(t, opCov(t, r, listID), 200)
				for _, h := range rc.Headers {
					want := 2
					if h.Name == "X-Requests-Allocated" {
						want = 1
					}
					if h.Seen != want {
						t.Errorf("header %s seen %d, want %d", h.Name, h.Seen, want)
					}
				}
				if len(rc.Headers) == 0 {
					t.Error("no documented headers for 200")
				}
			},
		},
		{
			name: "nothing observed",
			check: func(t *testing.T, r contract.CoverageReport) {
				if r.Covered != 0 || r.Total == 0 || r.Percent != 0 {
					t.Errorf("empty coverage: covered %d of %d (%.1f%%)", r.Covered, r.Total, r.Percent)
				}
				if len(r.Uncovered()) == 0 {
					t.Error("Uncovered is empty for an empty coverage")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, coverageOf(t, tt.exs...))
		})
	}
}

// TestCoverageReadsTheSpec pins that coverage counts the spec's operations and
// statuses, whichever spec the checker was built from.
func TestCoverageReadsTheSpec(t *testing.T) {
	ops, err := openapi.Operations()
	if err != nil {
		t.Fatal(err)
	}
	r := coverageOf(t)
	if len(r.Operations) != len(ops) {
		t.Fatalf("%d operations, want the spec's %d", len(r.Operations), len(ops))
	}
	for _, op := range ops {
		o := opCov(t, r, op.ID)
		if len(o.Responses) != len(op.Statuses) {
			t.Errorf("%s: %d responses, want the spec's %d", op.ID, len(o.Responses), len(op.Statuses))
		}
	}
	if r.SpecVersion != openapi.Version() {
		t.Errorf("spec version %q, want %q", r.SpecVersion, openapi.Version())
	}
}

func TestCoveragePercent(t *testing.T) {
	r := coverageOf(t, list("", 200, listBody(3, 10, 0), 1))
	covered, total := 0, 0
	for _, o := range r.Operations {
		covered += o.Covered
		total += o.Total
	}
	if covered != r.Covered || total != r.Total || covered == 0 || covered >= total {
		t.Fatalf("covered %d of %d, operations sum to %d of %d", r.Covered, r.Total, covered, total)
	}
	if want := float64(covered) * 100 / float64(total); r.Percent != want {
		t.Errorf("percent %v, want %v", r.Percent, want)
	}
}

func TestCoverageIsSafeForConcurrentUse(t *testing.T) {
	c, cv := newCoverage(t)
	ex := list("", 200, listBody(3, 10, 0), 1)
	res := c.Check(ex)
	done := make(chan struct{})
	for range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 20 {
				cv.Observe(ex, res)
				_ = cv.Report()
			}
		}()
	}
	for range 8 {
		<-done
	}
	if got := respCov(t, opCov(t, cv.Report(), listID), 200).Seen; got != 160 {
		t.Errorf("seen %d, want 160", got)
	}
}

// TestCoverageHoldsNoSecret is the canary leak test of the coverage report:
// tokens, emails and store hashes in bodies and headers never reach it.
func TestCoverageHoldsNoSecret(t *testing.T) {
	email := synthetic.CanaryEmail()
	store := "s" + synthetic.RandomHex(6)
	jwt := synthetic.CanaryJWT(email, store)
	item := tokenItem(1).set("email", email).set("storeHash", store).set("token", jwt).set("eventChannel", "leak-"+store)
	body := obj{{"code", 200}, {"data", []any{item}},
		{"meta", obj{{"message", email}, {"pagination", obj{{"totalCount", 1}, {"offset", 0}, {"limit", 10}}}}}}
	ex := list("limit=10", 200, body, 1)
	ex.Response.Header.Set("X-Request-Id", jwt)
	ex.Request.Header.Set("authToken", jwt)
	r := coverageOf(t, ex)
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw) + strings.Join(r.Uncovered(), "\n")
	for _, secret := range []string{email, store, jwt, strings.Split(jwt, ".")[1]} {
		if strings.Contains(text, secret) {
			t.Errorf("the coverage report holds a secret (%d bytes)", len(secret))
		}
	}
}

func TestAgesAndStaleness(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	old := now.AddDate(0, -3, 0)
	recent := now.Add(-2 * time.Hour)
	at := func(ts time.Time) *contract.Exchange { return &contract.Exchange{RecordedAt: ts} }
	tests := []struct {
		name                string
		age                 contract.Age
		wantOldest, wantNew time.Time
		wantStale, olderMaj bool
		wantSpec            string
	}{
		{"bounded by the exchanges' times", contract.NewAge("a.har", []*contract.Exchange{at(recent), at(old), {}}, "", "1.1.0"), old, recent, false, false, "unknown"},
		{"one date for every exchange", contract.NewAge("b.yaml", []*contract.Exchange{at(old), at(old)}, "1.0.0", "1.1.0"), old, old, true, false, "1.0.0"},
		{"undated", contract.NewAge("c.yaml", []*contract.Exchange{{}, nil}, "0.9.0", "1.1.0"), time.Time{}, time.Time{}, true, true, "0.9.0"},
		{"not a semantic version", contract.NewAge("d.yaml", []*contract.Exchange{at(recent)}, "next", "1.1.0"), recent, recent, false, false, "next"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.age
			if !a.Oldest.Equal(tt.wantOldest) || !a.Newest.Equal(tt.wantNew) || a.SpecVersion != tt.wantSpec || a.OlderMajor != tt.olderMaj {
				t.Errorf("age %+v", a)
			}
			fs := contract.StaleFindings([]contract.Age{a}, now, 30*24*time.Hour)
			if stale := len(fs) == 1 && fs[0].ID == contract.IDRecordingStale && fs[0].Severity == contract.Info && fs[0].Source == a.Name; stale != tt.wantStale || len(fs) > 1 {
				t.Errorf("stale findings %+v, want stale %v", fs, tt.wantStale)
			}
		})
	}
	oldest, newest := contract.Span([]contract.Age{tests[0].age, tests[1].age, tests[2].age})
	if !oldest.Equal(old) || !newest.Equal(recent) {
		t.Errorf("span %v to %v, want %v to %v", oldest, newest, old, recent)
	}
}

func TestShapes(t *testing.T) {
	c, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	fieldErrors := envelope(422, obj{{"user-9@example.com", []any{"bad"}}}, "Validation Error")
	got := c.Shapes([]*contract.Exchange{
		list("", 422, fieldErrors, 1),
		list("", 503, "<html>down</html>", 2),
		exchange(http.MethodGet, "", "/elsewhere", 200, obj{{"x", 1}}, 3),
		nil,
	})
	want := []string{
		"get-backend-tokens 422 $ object",
		"get-backend-tokens 422 $.code number",
		"get-backend-tokens 422 $.data object",
		"get-backend-tokens 422 $.data.errMsg object",
		"get-backend-tokens 422 $.data.errMsg[*] array",
		"get-backend-tokens 422 $.data.errMsg[*][*] string",
		"get-backend-tokens 422 $.meta object",
		"get-backend-tokens 422 $.meta.message string",
		"get-backend-tokens 503 (no JSON body)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("shapes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Coverage beside the checker: what one list page showed of the spec.
func ExampleNewCoverage() {
	c, err := contract.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	cv, err := contract.NewCoverage(c)
	if err != nil {
		fmt.Println(err)
		return
	}
	ex := list("limit=250", 200, listBody(3, 250, 0), 1)
	cv.Observe(ex, c.Check(ex))
	r := cv.Report()
	for _, line := range r.Uncovered()[:3] {
		fmt.Println(line)
	}
	// Output:
	// delete-auth-backend: status 200, 400 (assumed), 401 (assumed), 403 (assumed), 404, 413 (assumed), 422 (assumed), 429 (assumed), 500 (assumed), 503 (assumed) never seen
	// post-auth-backend: status 200, 400, 401 (assumed), 403 (assumed), 413 (assumed), 422 (assumed), 429 (assumed), 500 (assumed), 503 (assumed) never seen
	// get-backend-tokens: status 400 (assumed), 401 (assumed), 403 (assumed), 413 (assumed), 422 (assumed), 429 (assumed), 500 (assumed), 503 (assumed) never seen
}

// TestCoverageObserveSkipped: a loader's summary of skipped entries counts
// as skipped, exactly, and nothing else; counts below one and a nil
// Coverage are ignored.
func TestCoverageObserveSkipped(t *testing.T) {
	_, cv := newCoverage(t)
	before := cv.Report()
	cv.ObserveSkipped(1_000_000)
	cv.ObserveSkipped(0)
	cv.ObserveSkipped(-3)
	cv.Observe(&contract.Exchange{Source: "x#0", Request: contract.Request{Method: "GET", URL: "https://store.example.test/app.js"},
		Response: contract.Response{Status: 200}}, contract.Result{Source: "x#0", Skipped: true, SkipReason: contract.SkipNotOperation})
	r := cv.Report()
	if r.Skipped != 1_000_001 || r.Exchanges != 0 || r.Covered != before.Covered || r.Total != before.Total {
		t.Errorf("skipped %d, exchanges %d, covered %d/%d; want 1000001, 0, %d/%d", r.Skipped, r.Exchanges, r.Covered, r.Total, before.Covered, before.Total)
	}
	var none *contract.Coverage
	none.ObserveSkipped(5) // must not panic
}

// TestCoverageScopes: a list-only recording gets a per-operation figure and
// a called-scope total that leaves create and delete out; documented and
// assumed are counted apart, and a conforming assumed 401 is a confirmed
// assumption.
func TestCoverageScopes(t *testing.T) {
	var walk []*contract.Exchange
	for _, f := range recordingFixtures() {
		if f.file == "list-first-middle-last.yaml" {
			walk = f.exchanges
		}
	}
	if len(walk) == 0 {
		t.Fatal("no list-first-middle-last.yaml fixture")
	}
	unauthorized := list("limit=10&offset=0", 401, envelope(401, "Invalid token header. No credentials provided.", "Invalid token header."), 9)
	tests := []struct {
		name          string
		exs           []*contract.Exchange
		wantConfirmed int
	}{
		{"list walk only", walk, 0},
		{"list walk and an assumed 401", append(append([]*contract.Exchange{}, walk...), unauthorized), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := coverageOf(t, tt.exs...)
			lo := opCov(t, r, listID)
			if lo.Exchanges != len(tt.exs) || lo.Total == 0 || lo.Covered == 0 {
				t.Fatalf("list operation: %+v", lo)
			}
			if want := float64(lo.Covered) * 100 / float64(lo.Total); lo.Percent != want {
				t.Errorf("list percent %v, want %v", lo.Percent, want)
			}
			for _, o := range r.Operations {
				if o.Operation == listID {
					continue
				}
				if o.Exchanges != 0 || o.Covered != 0 || o.Percent != 0 {
					t.Errorf("%s was not called: %+v", o.Operation, o)
				}
			}
			if r.Called.Covered != lo.Covered || r.Called.Total != lo.Total || r.Called.Percent != lo.Percent {
				t.Errorf("called scope %+v, want only the list operation's %d of %d", r.Called, lo.Covered, lo.Total)
			}
			if r.Called.Total >= r.Total || r.Called.Percent <= r.Percent {
				t.Errorf("called scope %+v does not leave create and delete out of all (%d of %d)", r.Called, r.Covered, r.Total)
			}
			// Documented counts the items outside assumed responses, and
			// with the assumed responses' own items makes the list's total.
			assumedItems, assumed := 0, 0
			for _, rr := range lo.Responses {
				if rr.Source != "assumed" {
					continue
				}
				assumed++
				assumedItems += 1 + len(rr.Headers) + len(rr.Properties)
				for _, e := range rr.Enums {
					assumedItems += len(e.Values)
				}
			}
			if assumed == 0 {
				t.Fatal("the spec marks no list response assumed")
			}
			if r.Documented.Total != lo.Total-assumedItems || r.Documented != lo.Documented {
				t.Errorf("documented %+v (operation %+v), want a total of %d", r.Documented, lo.Documented, lo.Total-assumedItems)
			}
			if r.AssumedConfirmed.Total != assumed || r.AssumedConfirmed.Covered != tt.wantConfirmed {
				t.Errorf("assumed confirmed %+v, want %d of %d", r.AssumedConfirmed, tt.wantConfirmed, assumed)
			}
			for _, sc := range contract.CoverageScopes {
				got := r.Scope(sc)
				if got.Total == 0 || got.Percent != float64(got.Covered)*100/float64(got.Total) {
					t.Errorf("scope %s: %+v", sc, got)
				}
			}
		})
	}
}

func TestParseCoverageScope(t *testing.T) {
	for _, sc := range contract.CoverageScopes {
		if got, err := contract.ParseCoverageScope(string(sc)); err != nil || got != sc {
			t.Errorf("%s: %v, %v", sc, got, err)
		}
	}
	for _, bad := range []string{"", "ALL", "observed", "called "} {
		if _, err := contract.ParseCoverageScope(bad); err == nil || !strings.Contains(err.Error(), "is not a coverage scope") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestCoverageScopeOfNothing: with no exchange the called scopes count
// nothing and are 100%.
func TestCoverageScopeOfNothing(t *testing.T) {
	r := coverageOf(t)
	for _, sc := range contract.CoverageScopes[1:] {
		if got := r.Scope(sc); got != (contract.CoverageTotal{Percent: 100}) {
			t.Errorf("scope %s of no evidence: %+v", sc, got)
		}
	}
}

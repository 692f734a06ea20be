package fake_test

// The fake judged by the contract's own Checker: Server.Walk (walk_test.go)
// drives the fake through every behaviour, and every exchange goes through
// contract.New()'s five layers and its cross-page invariants. The Checker is
// the one judge; the fake's tests keep no second one.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

var contractChecker = sync.OnceValues(func() (*contract.Checker, error) { return contract.New() })

// toExchange converts a walk exchange for the Checker.
func toExchange(ex fake.Exchange) *contract.Exchange {
	var body []byte
	if ex.Request.Body != nil {
		body, _ = io.ReadAll(ex.Request.Body)
	}
	return &contract.Exchange{
		Source:   ex.Step,
		Request:  contract.Request{Method: ex.Request.Method, URL: ex.Request.URL.String(), Header: ex.Request.Header, Body: body},
		Response: contract.Response{Status: ex.Status, Header: ex.Header, Body: ex.Body},
	}
}

// checkWalk walks s and checks every exchange. The cross-page invariants
// hold between changes to the store: the walk creates and deletes a token,
// so totalCount and positions legitimately change there. The PageTracker
// starts a new sequence after each successful create or delete, which is
// exactly when a client's earlier listing stops describing the store.
func checkWalk(t *testing.T, s *fake.Server) ([]fake.Exchange, []contract.Result) {
	t.Helper()
	c, err := contractChecker()
	if err != nil {
		t.Fatal(err)
	}
	var exs []fake.Exchange
	var results []contract.Result
	run := contract.NewPageTracker()
	err = s.Walk(context.Background(), func(ex fake.Exchange) {
		res := c.Check(toExchange(ex))
		run.Observe(&res) // a successful create or delete starts a new sequence
		exs = append(exs, ex)
		results = append(results, res)
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return exs, results
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

// TestCheckerFindsTheFakeConforming: with no drift injected, every response
// has the status its walk step expects, the Checker finds nothing above info
// in any of them, 401s give credentials-rejected (info), every exchange is an
// operation of the contract, and no response repeats a secret.
func TestCheckerFindsTheFakeConforming(t *testing.T) {
	maxLimit := mustPaging(t).MaxLimit
	tests := []struct {
		name   string
		adjust func(*fake.Options)
	}{
		{"empty store", func(o *fake.Options) { o.SeedTokens = 0 }},
		{"one token", func(o *fake.Options) { o.SeedTokens = 1 }},
		{"vendor example size", func(o *fake.Options) { o.SeedTokens = 25 }},
		{"two full pages and more", func(o *fake.Options) { o.SeedTokens = 2*maxLimit + 10; o.RateLimit = 1000 }},
		{"custom store and window", func(o *fake.Options) {
			o.SeedTokens, o.StoreHash, o.RateLimit, o.RateWindow = 12, "abc123", 90, 30*time.Second
		}},
		{"latency", func(o *fake.Options) { o.SeedTokens, o.Latency = 3, time.Millisecond }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each case walks its own fake
			opts := walkOptions(0)
			tt.adjust(&opts)
			s, err := fake.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			exs, results := checkWalk(t, s)
			assertCoverage(t, exs)
			assertNoSecrets(t, exs, opts)
			rejected, unauthorized := 0, 0
			for i, r := range results {
				if exs[i].Status != exs[i].WantStatus {
					t.Errorf("%s: HTTP %d, want %d", r.Source, exs[i].Status, exs[i].WantStatus)
				}
				if r.Skipped {
					t.Errorf("%s: skipped: %s", r.Source, r.SkipReason)
				}
				if exs[i].Status == http.StatusUnauthorized {
					unauthorized++
				}
				for _, f := range r.Findings {
					if f.ID == contract.IDCredentialsRejected && exs[i].Status == http.StatusUnauthorized {
						rejected++
						continue
					}
					t.Errorf("%s (%d): %s %s at %s: %s", r.Source, exs[i].Status, f.Severity, f.ID, f.Path, f.Message)
				}
			}
			// The walk sends three requests without a valid token (list
			// without one, list with a wrong one, delete without one).
			if unauthorized < 3 || rejected != unauthorized {
				t.Errorf("%d credentials-rejected findings for %d 401s; want one each, at least 3", rejected, unauthorized)
			}
		})
	}
}

// TestCheckerFindsInjectedFailuresConforming: injected 5xx responses conform
// too (500 and 503 are documented for every operation), and the walk
// survives them.
func TestCheckerFindsInjectedFailuresConforming(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusServiceUnavailable} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			opts := walkOptions(25)
			opts.FailEvery, opts.FailStatus = 7, status
			s, err := fake.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			exs, results := checkWalk(t, s)
			failed := 0
			for i, r := range results {
				if exs[i].Status == status {
					failed++
				}
				for _, f := range r.Findings {
					if f.Severity != contract.Info {
						t.Errorf("%s (%d): %s %s at %s: %s", r.Source, exs[i].Status, f.Severity, f.ID, f.Path, f.Message)
					}
				}
			}
			if failed < len(exs)/7-1 {
				t.Errorf("%d of %d responses were %d; want about one in 7", failed, len(exs), status)
			}
		})
	}
}

// assertCoverage checks that the walk reached every status it is meant to,
// so that a walk which, say, only ever got 401s cannot pass. Every status
// it expects must be one the spec documents for the operation.
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
		"delete-auth-backend": {200, 401, 404, 413, 422},
		"post-auth-backend":   {200, 400, 413, 422},
	}
	ops, err := openapi.Operations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != len(want) {
		t.Errorf("the spec has %d operations; the walk's coverage names %d", len(ops), len(want))
	}
	for _, op := range ops {
		statuses, ok := want[op.ID]
		if !ok {
			t.Errorf("the walk's coverage does not name %s", op)
		}
		for _, st := range statuses {
			if !op.Documents(st) {
				t.Errorf("the walk expects %d from %s, which the spec does not document", st, op)
			}
			if !slices.Contains(seen[op.ID], st) {
				t.Errorf("the walk never got %d from %s (got %v)", st, op, seen[op.ID])
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

func mustPaging(t *testing.T) openapi.Paging {
	t.Helper()
	p, err := openapi.ListPaging()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCheckerFindsEveryScenario: with each drift scenario on, the Checker
// reports that scenario's finding, at its severity, and nothing else above
// info.
func TestCheckerFindsEveryScenario(t *testing.T) {
	want := map[fake.Scenario][]string{
		fake.ScenarioFieldRemoved: {contract.IDMissingField},
		fake.ScenarioTypeChanged:  {contract.IDTypeMismatch},
		fake.ScenarioMaskedToken:  {contract.IDTokenNotJWT},
		fake.ScenarioUnknownField: {contract.IDUnknownField},
		fake.ScenarioEnumAdded:    {contract.IDEnumMismatch},
		fake.ScenarioNullField:    {contract.IDUnexpectedNull},
		// The Deprecation date is the one the spec records (x-deprecation):
		// no news. The Sunset and the links to another page are.
		fake.ScenarioSunset:       {contract.IDDeprecationLink, contract.IDSunsetAnnounced},
		fake.ScenarioEndpointGone: {contract.IDEndpointGone},
		// Only an error probe (live --probe-errors) sees these: a walk
		// without probes is clean (package live's tests send the probes).
		fake.ScenarioLimitOver422:     {},
		fake.ScenarioBadTokenAccepted: {},
	}
	severity := map[fake.Scenario]contract.Severity{
		fake.ScenarioUnknownField: contract.Additive,
		fake.ScenarioSunset:       contract.Deprecation,
	}
	for _, sc := range fake.Scenarios() {
		t.Run(sc.String(), func(t *testing.T) {
			t.Parallel() // each case walks its own fake
			ids, ok := want[sc]
			if !ok {
				t.Fatalf("scenario %s has no expected finding in this test; add one", sc)
			}
			sev, ok := severity[sc]
			if !ok {
				sev = contract.Breaking
			}
			opts := walkOptions(25)
			opts.Scenario = sc
			s, err := fake.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			_, results := checkWalk(t, s)
			seen := map[string]bool{}
			for _, r := range results {
				for _, f := range r.Findings {
					if f.Severity == contract.Info {
						continue
					}
					seen[f.ID] = true
					if !slices.Contains(ids, f.ID) {
						t.Errorf("%s: unexpected %s %s at %s", r.Source, f.Severity, f.ID, f.Path)
					} else if f.Severity != sev {
						t.Errorf("%s: %s is %s, want %s", r.Source, f.ID, f.Severity, sev)
					}
				}
			}
			var got []string
			for id := range seen {
				got = append(got, id)
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(ids, ",") {
				t.Errorf("findings above info %v, want %v", got, ids)
			}
		})
	}
}

package fake_test

// The fake judged by the contract's own Checker: the walk that
// conformance_test.go judges with libopenapi-validator directly, fed through
// contract.New()'s five layers and its cross-page invariants.

import (
	"context"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/fake"
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
// so totalCount and positions legitimately change there. A new Run starts
// after each successful create or delete, which is exactly when a client's
// earlier listing stops describing the store.
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
		run.Observe(&res)
		exs = append(exs, ex)
		results = append(results, res)
		if ex.Status == http.StatusOK && ex.Operation != "get-backend-tokens" {
			run = contract.NewPageTracker()
		}
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return exs, results
}

// TestCheckerFindsTheFakeConforming: with no drift injected, the Checker
// finds nothing above info in any response the fake serves, 401s give
// credentials-rejected (info), and every exchange is an operation of the
// contract.
func TestCheckerFindsTheFakeConforming(t *testing.T) {
	for _, seed := range []int{0, 1, 25, 260} {
		opts := walkOptions(seed)
		opts.RateLimit = 1000
		s, err := fake.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		exs, results := checkWalk(t, s)
		assertCoverage(t, exs)
		rejected, unauthorized := 0, 0
		for i, r := range results {
			if r.Skipped {
				t.Errorf("seed %d, %s: skipped: %s", seed, r.Source, r.SkipReason)
			}
			if exs[i].Status == http.StatusUnauthorized {
				unauthorized++
			}
			for _, f := range r.Findings {
				if f.ID == contract.IDCredentialsRejected && exs[i].Status == http.StatusUnauthorized {
					rejected++
					continue
				}
				t.Errorf("seed %d, %s (%d): %s %s at %s: %s", seed, r.Source, exs[i].Status, f.Severity, f.ID, f.Path, f.Message)
			}
		}
		// The walk sends three requests without a valid token (list without
		// one, list with a wrong one, delete without one).
		if unauthorized < 3 || rejected != unauthorized {
			t.Errorf("seed %d: %d credentials-rejected findings for %d 401s; want one each, at least 3", seed, rejected, unauthorized)
		}
	}
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
		fake.ScenarioSunset:       {contract.IDDeprecationAnnounced, contract.IDDeprecationLink, contract.IDSunsetAnnounced},
		fake.ScenarioEndpointGone: {contract.IDEndpointGone},
	}
	severity := map[fake.Scenario]contract.Severity{
		fake.ScenarioUnknownField: contract.Additive,
		fake.ScenarioSunset:       contract.Deprecation,
	}
	for _, sc := range fake.Scenarios() {
		t.Run(sc.String(), func(t *testing.T) {
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

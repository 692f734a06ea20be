package watch

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/baseline"
	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// ledgerFor returns a baseline that accepts every finding of res until
// expires.
func ledgerFor(t *testing.T, res contract.Result, expires string) *baseline.Baseline {
	t.Helper()
	var doc strings.Builder
	doc.WriteString("accepted:\n")
	seen := map[string]bool{}
	for _, f := range res.Findings {
		if seen[f.ID+f.Path] {
			continue
		}
		seen[f.ID+f.Path] = true
		fmt.Fprintf(&doc, "  - id: %s\n    operation: %s\n    path: %q\n    reason: accepted in a test\n    expires: %s\n", f.ID, res.Operation, f.Path, expires)
	}
	b, err := baseline.Parse("ledger.yaml", []byte(doc.String()), checker(t).Operations())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBaselineCountsAcceptedDriftApart drives masked-token drift through a
// Transport with a ledger that accepts it: unexpired, the findings count in
// tokens_contract.findings.accepted and not in tokens_contract.findings;
// expired, they count as drift again and a baseline-expired finding names
// the entry, as check reports it.
func TestBaselineCountsAcceptedDriftApart(t *testing.T) {
	base, auth := fakeServer(t, fake.ScenarioMaskedToken, 5)
	rec := &recorder{base: http.DefaultTransport}
	get(t, rec, base+"/backend/tokens", auth)
	want := checker(t).Check(rec.exs[0])
	if len(want.Findings) == 0 {
		t.Fatal("the masked-token scenario produced no findings; the test proves nothing")
	}
	for _, tc := range []struct {
		name         string
		expires      string
		wantAccepted int64
		wantExpired  bool
	}{
		{"unexpired", "2999-12-31", int64(len(want.Findings)), false},
		{"expired", "2000-01-01", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, reader, got := newWatch(t, http.DefaultTransport, WithSampleRate(1), WithBaseline(ledgerFor(t, want, tc.expires)))
			get(t, w, base+"/backend/tokens", auth)
			w.Close()
			accepted := counter(t, reader, "tokens_contract.findings.accepted", nil)
			drift := counter(t, reader, "tokens_contract.findings", nil)
			expired := counter(t, reader, "tokens_contract.findings", map[string]string{"id": contract.IDBaselineExpired})
			if accepted != tc.wantAccepted {
				t.Errorf("accepted findings: %d, want %d", accepted, tc.wantAccepted)
			}
			if tc.wantExpired {
				if expired == 0 || drift != int64(len(want.Findings))+expired {
					t.Errorf("expired ledger: %d findings counted as drift, %d baseline-expired; want the %d findings plus baseline-expired", drift, expired, len(want.Findings))
				}
			} else if drift != 0 {
				t.Errorf("accepted drift counted in tokens_contract.findings: %d", drift)
			}
			res := got.get()
			if len(res) != 1 {
				t.Fatalf("%d results, want 1", len(res))
			}
			for _, f := range res[0].Findings {
				if (f.Accepted != nil) == tc.wantExpired {
					t.Errorf("finding %s at %s: accepted %v in the %s case", f.ID, f.Path, f.Accepted != nil, tc.name)
				}
			}
		})
	}
}

// TestRetirementDatesAsGauges serves the fake's sunset scenario at a fixed
// time and reads the Sunset and Deprecation dates back as gauges in Unix
// seconds, for the operation.
func TestRetirementDatesAsGauges(t *testing.T) {
	now := time.Date(2026, time.March, 2, 15, 4, 5, 0, time.UTC)
	auth := synthetic.RandomHex(16)
	s, err := fake.New(fake.Options{AuthToken: auth, SeedTokens: 3, Scenario: fake.ScenarioSunset, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	w, reader, _ := newWatch(t, http.DefaultTransport, WithSampleRate(0))
	resp, _ := get(t, w, srv.URL+"/api/io/backend/tokens", auth)
	w.Close()
	sunset, err := http.ParseTime(resp.Header.Get("Sunset"))
	if err != nil {
		t.Fatalf("the sunset scenario sent no Sunset date: %v", err)
	}
	if want := time.Date(2026, time.April, 1, 0, 0, 0, 0, time.UTC); !sunset.Equal(want) {
		t.Fatalf("the fake's Sunset is %v, want %v", sunset, want)
	}
	gauges := gaugeValues(t, reader)
	if got := gauges["tokens_contract.sunset.timestamp/get-backend-tokens"]; got != sunset.Unix() {
		t.Errorf("sunset gauge %d, want %d", got, sunset.Unix())
	}
	if got, want := gauges["tokens_contract.deprecation.timestamp/get-backend-tokens"], time.Date(2025, time.September, 30, 0, 0, 0, 0, time.UTC).Unix(); got != want {
		t.Errorf("deprecation gauge %d, want %d", got, want)
	}
}

// gaugeValues returns every Int64 gauge point as "name/operation" -> value.
func gaugeValues(t *testing.T, reader interface {
	Collect(context.Context, *metricdata.ResourceMetrics) error
}) map[string]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			g, ok := m.Data.(metricdata.Gauge[int64])
			if !ok {
				continue
			}
			for _, dp := range g.DataPoints {
				op, _ := dp.Attributes.Value(attrOperation)
				out[m.Name+"/"+op.AsString()] = dp.Value
			}
		}
	}
	return out
}

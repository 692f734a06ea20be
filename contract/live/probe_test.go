package live_test

import (
	"context"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/live"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// TestProbeErrors runs live with --probe-errors against the fake: answered
// as the spec says, every probe confirms its assumption (coverage shows the
// assumed 401, 413 and 422 seen conforming); under each probe scenario the
// one refuted probe is reported by name with its severity. The run stays
// within its budget, sends only GETs, and its recording replays the same
// judgement.
func TestProbeErrors(t *testing.T) {
	probes, err := contract.ErrorProbes()
	if err != nil {
		t.Fatal(err)
	}
	if len(probes) != 5 {
		t.Fatalf("%d error probes, want 5: %+v", len(probes), probes)
	}
	tests := []struct {
		scenario  fake.Scenario
		wantID    string
		wantSev   contract.Severity
		wantProbe string
		wantMsg   string
		confirmed []int // list statuses seen conforming that the spec assumes
	}{
		{scenario: fake.ScenarioNone, confirmed: []int{401, 413, 422}},
		{fake.ScenarioLimitOver422, contract.IDProbeStatusDiffers, contract.Additive, "limit-over-maximum", "expected 413, got 422", []int{401, 422}},
		{fake.ScenarioBadTokenAccepted, contract.IDProbeRefuted, contract.Breaking, "credentials-invalid", "expected 401, got 200", []int{413, 422}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario.String(), func(t *testing.T) {
			t.Parallel()
			token := "auth-" + synthetic.RandomHex(16)
			srv := serveFake(t, token, 30, tt.scenario)
			out, _ := runLive(t, live.Config{BaseURL: srv.URL, Token: token, ProbeErrors: true})
			if len(out.Errors) != 0 {
				t.Fatalf("run errors: %v", out.Errors)
			}
			if n := len(out.Exchanges); n > live.DefaultBudget || n != 3+len(probes) {
				t.Errorf("%d requests, want the walk's 3 and %d probes within the budget of %d: %q", n, len(probes), live.DefaultBudget, queries(out))
			}
			probed := map[string]bool{}
			for _, ex := range out.Exchanges {
				if ex.Request.Method != http.MethodGet {
					t.Errorf("%s: method %s", ex.Source, ex.Request.Method)
				}
				if name, ok := strings.CutPrefix(ex.Source, "live error probe "); ok {
					name, _, _ = strings.Cut(name, ":")
					probed[name] = true
					if got := ex.Request.Header.Get("authToken"); (name == "credentials-invalid") == (got == token) || got == "" {
						t.Errorf("%s sent the wrong authToken", name)
					}
				}
			}
			for _, p := range probes {
				if !probed[p.Name] {
					t.Errorf("probe %s was not sent", p.Name)
				}
			}
			var got []contract.Finding
			for _, r := range out.Results {
				for _, f := range r.Findings {
					if f.Severity != contract.Info {
						got = append(got, f)
					}
				}
			}
			switch {
			case tt.wantID == "" && len(got) != 0:
				t.Errorf("findings against a fake that answers as the spec says: %+v", got)
			case tt.wantID != "" && (len(got) != 1 || got[0].ID != tt.wantID || got[0].Severity != tt.wantSev ||
				!strings.Contains(got[0].Message, tt.wantProbe) || !strings.Contains(got[0].Message, tt.wantMsg)):
				t.Errorf("findings %+v, want one %s (%s) naming %s and %q", got, tt.wantID, tt.wantSev, tt.wantProbe, tt.wantMsg)
			}

			cv, err := contract.NewCoverage(newChecker(t))
			if err != nil {
				t.Fatal(err)
			}
			for i := range out.Exchanges {
				cv.Observe(out.Exchanges[i], out.Results[i])
			}
			rep := cv.Report()
			var confirmed []int
			for _, a := range rep.Assumed() {
				if a.Operation != "get-backend-tokens" && a.Response.Seen > 0 {
					t.Errorf("%s %d seen: probes touched another operation", a.Operation, a.Response.Status)
				}
				if a.Response.Confirmed() {
					confirmed = append(confirmed, a.Response.Status)
				}
			}
			slices.Sort(confirmed)
			if !slices.Equal(confirmed, tt.confirmed) {
				t.Errorf("confirmed assumed statuses %v, want %v", confirmed, tt.confirmed)
			}
			if rep.AssumedConfirmed.Covered != len(tt.confirmed) {
				t.Errorf("assumed behaviours confirmed %+v, want %d", rep.AssumedConfirmed, len(tt.confirmed))
			}

			// The recording keeps the probes, and check judges them again.
			r := recording.NewRedactor(token)
			path, err := recording.WriteToDir(t.TempDir(), live.NewRecording(out, r), r.Secrets())
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), token) {
				t.Error("the recording holds the auth token")
			}
			rec, err := recording.LoadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			again := newChecker(t).CheckSequence(context.Background(), rec.Exchanges)
			if b, a := findingKeys(out.Results), findingKeys(again); strings.Join(b, "\n") != strings.Join(a, "\n") {
				t.Errorf("the recording re-checks differently\nlive:     %q\nrecorded: %q", b, a)
			}
		})
	}
}

// TestProbeErrorsBudget: the walk leaves room for the probes, and a budget
// too small for both is refused before anything is sent.
func TestProbeErrorsBudget(t *testing.T) {
	token := "auth-" + synthetic.RandomHex(16)
	var hits int
	srv := serveFake(t, token, 600, fake.ScenarioNone) // 3 pages of 250
	counting := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		hits++
		return http.DefaultTransport.RoundTrip(r)
	})}
	if _, err := live.Probe(context.Background(), live.Config{BaseURL: srv.URL, Token: token, Budget: 7, ProbeErrors: true, HTTPClient: counting}, newChecker(t)); err == nil ||
		!strings.Contains(err.Error(), "need at least 8") {
		t.Errorf("budget 7 with probes: %v, want a refusal", err)
	}
	if hits != 0 {
		t.Errorf("%d requests sent before the refusal", hits)
	}
	out, _ := runLive(t, live.Config{BaseURL: srv.URL, Token: token, Budget: 8, ProbeErrors: true, HTTPClient: counting})
	if hits != 8 || len(out.Exchanges) != 8 || out.Stopped == "" {
		t.Errorf("%d requests (%d exchanges), stopped %q: want 8, the walk cut short for the probes: %q", hits, len(out.Exchanges), out.Stopped, queries(out))
	}
	n := 0
	for _, ex := range out.Exchanges {
		if strings.HasPrefix(ex.Source, "live error probe ") {
			n++
		}
	}
	if n != 5 {
		t.Errorf("%d probes sent, want 5: %q", n, queries(out))
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

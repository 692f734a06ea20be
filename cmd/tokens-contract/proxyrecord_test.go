package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/leakscan"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// serveScenario serves the fake with a scenario and returns its base URL
// (with /api/io), the auth value, and a fetch through any base URL.
func serveScenario(t *testing.T, sc fake.Scenario) (string, func(url string) []byte) {
	t.Helper()
	auth := synthetic.RandomHex(20)
	f, err := fake.New(fake.Options{AuthToken: auth, SeedTokens: 12, Scenario: sc, RateLimit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv.URL + "/api/io", func(url string) []byte {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("authToken", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return body
	}
}

// findingIDs returns the ids of /metrics' tokens_contract_findings_total.
func findingIDs(metrics string) []string {
	var ids []string
	for _, m := range regexp.MustCompile(`(?m)^tokens_contract_findings_total\{[^}]*\bid="([^"]+)"`).FindAllStringSubmatch(metrics, -1) {
		if !slices.Contains(ids, m[1]) {
			ids = append(ids, m[1])
		}
	}
	slices.Sort(ids)
	return ids
}

// recordedFiles returns the cassettes in dir and their total size.
func recordedFiles(t *testing.T, dir string) ([]string, int64) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	var total int64
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		total += st.Size()
	}
	return files, total
}

// TestProxyRecordKeepsWhatCheckFlags puts each of the fake's drift
// scenarios behind "proxy --record": check on the directory reports the
// same finding ids as the proxy's /metrics, and no file holds the auth
// value, a token or an email the fake served, or a JWT that is not
// synthetic (the leak scanner).
func TestProxyRecordKeepsWhatCheckFlags(t *testing.T) {
	t.Parallel()
	for _, sc := range fake.Scenarios() {
		if sc == fake.ScenarioLimitOver422 || sc == fake.ScenarioBadTokenAccepted {
			continue // only an error probe (live --probe-errors) sees these
		}
		t.Run(string(sc), func(t *testing.T) {
			t.Parallel()
			upstream, fetch := serveScenario(t, sc)
			dir := filepath.Join(t.TempDir(), "captured")
			p := startProxy(t, upstream, "--record", dir, "--sample-rate", "1")
			var served []byte
			for _, q := range []string{"?limit=5", "?limit=5&offset=5", "?limit=5", ""} {
				served = append(served, fetch(p.base+"/backend/tokens"+q)...)
			}
			waitUntil(t, func() bool { return p.metric(t, "tokens_contract_exchanges_checked_total") == 4 })
			_, metrics := p.get(t, "/metrics")
			p.stop()
			proxyIDs := findingIDs(string(metrics))
			if len(proxyIDs) == 0 {
				t.Fatalf("scenario %s produced no findings through the proxy; the test proves nothing", sc)
			}
			files, _ := recordedFiles(t, dir)
			if len(files) == 0 {
				t.Fatal("--record wrote nothing")
			}
			code, stdout, stderr := runCLI(t, "check", "--format", "json", dir)
			if code == 2 {
				t.Fatalf("check on the recordings: exit 2: %s", stderr)
			}
			var report struct {
				Findings []struct{ ID string } `json:"findings"`
			}
			if err := json.Unmarshal([]byte(stdout), &report); err != nil {
				t.Fatalf("check --format json: %v", err)
			}
			var checkIDs []string
			for _, f := range report.Findings {
				if !slices.Contains(checkIDs, f.ID) {
					checkIDs = append(checkIDs, f.ID)
				}
			}
			slices.Sort(checkIDs)
			t.Logf("%d cassettes; finding ids %v", len(files), checkIDs)
			if !slices.Equal(checkIDs, proxyIDs) {
				t.Errorf("check on the recordings found %v; the proxy counted %v", checkIDs, proxyIDs)
			}
			var canaries []string
			if sc != fake.ScenarioEndpointGone {
				for _, c := range tokensAndEmails(t, served) {
					if strings.Trim(c, "*") != "" { // a mask is no secret
						canaries = append(canaries, c)
					}
				}
			}
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if hits := leakscan.Scan(data); len(hits) > 0 {
					t.Errorf("%s holds %d JWTs that are not synthetic", filepath.Base(f), len(hits))
				}
				for _, c := range canaries {
					if strings.Contains(string(data), c) {
						t.Errorf("%s holds a value the fake served", filepath.Base(f))
						break
					}
				}
				if strings.Contains(strings.ToLower(string(data)), "authtoken:") {
					t.Errorf("%s holds the authToken header", filepath.Base(f))
				}
			}
		})
	}
}

// TestProxyRecordLimits shows both limits: --record-per-hour stops writing
// within the hour, and --record-max-bytes removes the oldest cassettes.
func TestProxyRecordLimits(t *testing.T) {
	t.Parallel()
	upstream, fetch := serveScenario(t, fake.ScenarioMaskedToken) // every page has findings
	const requests = 8
	t.Run("per hour", func(t *testing.T) {
		dir := t.TempDir()
		p := startProxy(t, upstream, "--record", dir, "--record-per-hour", "3", "--sample-rate", "1")
		for i := range requests {
			fetch(fmt.Sprintf("%s/backend/tokens?limit=2&offset=%d", p.base, i))
		}
		waitUntil(t, func() bool { return p.metric(t, "tokens_contract_exchanges_checked_total") == requests })
		p.stop()
		if files, _ := recordedFiles(t, dir); len(files) != 3 {
			t.Errorf("%d cassettes with --record-per-hour 3", len(files))
		}
		if !strings.Contains(p.stderr.String(), "written=3 over_rate=5") {
			t.Errorf("the proxy did not say what --record kept and turned away:\n%s", p.stderr)
		}
	})
	t.Run("bytes on disk", func(t *testing.T) {
		dir := t.TempDir()
		const limit = 12000
		p := startProxy(t, upstream, "--record", dir, "--record-max-bytes", fmt.Sprint(limit), "--sample-rate", "1")
		for i := range requests {
			fetch(fmt.Sprintf("%s/backend/tokens?limit=2&offset=%d", p.base, i))
		}
		waitUntil(t, func() bool { return p.metric(t, "tokens_contract_exchanges_checked_total") == requests })
		p.stop()
		files, total := recordedFiles(t, dir)
		t.Logf("%d cassettes, %d bytes", len(files), total)
		if total > limit || len(files) == 0 || len(files) >= requests {
			t.Errorf("%d cassettes, %d bytes, with --record-max-bytes %d after %d exchanges worth keeping", len(files), total, limit, requests)
		}
	})
}

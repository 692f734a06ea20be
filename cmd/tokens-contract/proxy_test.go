package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/replay"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

func TestProxyUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no listen", []string{"proxy"}, "--listen is required"},
		{"remote listen", []string{"proxy", "--listen", "0.0.0.0:0"}, "--allow-non-loopback"},
		{"all interfaces", []string{"proxy", "--listen", ":0"}, "not a loopback address"},
		{"plain http upstream", []string{"proxy", "--listen", "127.0.0.1:0", "--upstream", "http://api.example.com/api/io"}, "--upstream"},
		{"upstream with user", []string{"proxy", "--listen", "127.0.0.1:0", "--upstream", "https://u:p@api.example.com"}, "user information"},
		{"bad rate", []string{"proxy", "--listen", "127.0.0.1:0", "--sample-rate", "2"}, "WithSampleRate"},
		{"argument", []string{"proxy", "--listen", "127.0.0.1:0", "extra"}, "unexpected argument"},
		{"unknown flag", []string{"proxy", "--token", "x"}, "unknown flag --"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != exitcode.Usage {
				t.Errorf("exit %d, want %d", code, exitcode.Usage)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q does not mention %q", stderr, tc.want)
			}
			if strings.Contains(stderr, "u:p@") {
				t.Error("the error repeats user information")
			}
		})
	}
}

// TestProxyForwardsChecksAndServesMetrics runs the proxy in front of the fake
// (with drift) and checks the path mapping, that the caller gets the fake's
// bytes, /healthz, the findings in /metrics, and that no canary (the auth
// value, a token, an email) reaches /metrics or the log.
func TestProxyForwardsChecksAndServesMetrics(t *testing.T) {
	t.Parallel()
	auth := synthetic.RandomHex(20)
	f, err := fake.New(fake.Options{AuthToken: auth, SeedTokens: 12, Scenario: fake.ScenarioMaskedToken})
	if err != nil {
		t.Fatal(err)
	}
	upstream := httptest.NewServer(f)
	defer upstream.Close()

	p := startProxy(t, upstream.URL+"/api/io")
	defer func() {
		p.stop() // fails the test unless the proxy exits 0
		if _, err := os.Stat(p.ready); !os.IsNotExist(err) {
			t.Error("the ready file outlived the proxy")
		}
		if strings.Contains(p.stderr.String(), auth) {
			t.Error("the proxy logged the auth value")
		}
	}()
	base, origin := p.base, p.origin
	if !strings.HasSuffix(base, "/api/io") {
		t.Fatalf("the proxy's base URL %q does not end in the upstream's path", base)
	}

	fetch := func(url string, withAuth bool) (int, []byte) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if withAuth {
			req.Header.Set("authToken", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}
	status, viaProxy := fetch(base+"/backend/tokens?limit=5", true)
	_, direct := fetch(upstream.URL+"/api/io/backend/tokens?limit=5", true)
	if status != 200 || string(viaProxy) != string(direct) {
		t.Fatalf("through the proxy: %d, %d bytes; want 200 and the fake's %d bytes", status, len(viaProxy), len(direct))
	}
	if status, _ := fetch(base+"/backend/tokens", false); status != http.StatusUnauthorized {
		t.Errorf("without the auth header: %d, want 401 from the upstream", status)
	}
	if status, _ := fetch(origin+"/backend/tokens", true); status != http.StatusNotFound {
		t.Errorf("a path outside /api/io: %d, want 404", status)
	}
	if status, body := fetch(origin+"/healthz", false); status != 200 || string(body) != "ok\n" {
		t.Errorf("/healthz: %d %q", status, body)
	}
	var metrics string
	waitUntil(t, func() bool {
		_, b := fetch(origin+"/metrics", false)
		metrics = string(b)
		return strings.Contains(metrics, `id="token-not-jwt"`)
	})
	for _, want := range []string{"tokens_contract_findings_total", "tokens_contract_exchanges_seen_total", "tokens_contract_check_duration_seconds"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics has no %s", want)
		}
	}
	for _, canary := range append([]string{auth}, tokensAndEmails(t, direct)...) {
		if strings.Contains(metrics, canary) {
			t.Error("/metrics holds a value from an exchange")
		}
	}
}

// tokensAndEmails returns the "token" and "email" values of a list body.
func tokensAndEmails(t *testing.T, body []byte) []string {
	t.Helper()
	var out []string
	for _, key := range []string{`"token":"`, `"email":"`} {
		rest := string(body)
		for {
			i := strings.Index(rest, key)
			if i < 0 {
				break
			}
			rest = rest[i+len(key):]
			out = append(out, rest[:strings.IndexByte(rest, '"')])
		}
	}
	if len(out) == 0 {
		t.Fatal("the body holds no tokens or emails to look for")
	}
	return out
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestProxyOrdinaryDayMovesNoDriftCounter sends the ordinary-day corpus
// (contract/testdata/ordinary) through the proxy to an upstream that replays
// it, and reads /metrics: gateway pages and mistyped paths are counted as
// info findings, and no finding above info is counted.
func TestProxyOrdinaryDayMovesNoDriftCounter(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "contract", "testdata", "ordinary")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var all []*contract.Exchange
	for _, e := range entries {
		rec, err := recording.LoadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, rec.Exchanges...)
	}
	h := replay.New(all)
	upstream := httptest.NewServer(h)
	defer upstream.Close()
	p := startProxy(t, upstream.URL+"/api/io")
	sent := 0
	for _, ex := range all {
		target, err := replay.Target(ex)
		if err != nil {
			t.Fatal(err)
		}
		if ex.Response.Status < 100 || !strings.HasPrefix(target, "/api/io/") {
			continue // no response to replay, or a path the proxy does not forward
		}
		req, _ := http.NewRequest(ex.Request.Method, p.origin+target, bytes.NewReader(ex.Request.Body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != ex.Response.Status {
			t.Errorf("%s: the proxy answered %d, the recording %d", ex.Source, resp.StatusCode, ex.Response.Status)
		}
		sent++
	}
	if un := h.Unmatched(); len(un) > 0 {
		t.Fatalf("the upstream got requests the corpus does not hold: %v", un)
	}
	waitUntil(t, func() bool { return p.metric(t, "tokens_contract_exchanges_sampled_total") >= float64(sent) })
	for _, sev := range []string{"breaking", "additive", "deprecation"} {
		if n := p.metric(t, "tokens_contract_findings_total", `severity="`+sev+`"`); n != 0 {
			t.Errorf("%v %s findings counted on an ordinary day", n, sev)
		}
	}
	for _, id := range []string{contract.IDUpstreamTransient, contract.IDBasePathMismatch} {
		if p.metric(t, "tokens_contract_findings_total", `id="`+id+`"`, `severity="info"`) == 0 {
			t.Errorf("no %s finding counted", id)
		}
	}
}

package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// rawGet sends GET with the request target written as it is (no client
// cleaning or re-encoding), through a client that adds no Accept-Encoding.
func rawGet(t *testing.T, origin, target string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, origin, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque = target // sent verbatim as the request target
	for k, v := range header {
		req.Header[k] = v
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// TestProxyEncodedDotSegmentsNeverLeaveTheBasePath is the regression test
// of "the proxy decodes percent-encoded dot segments and slashes and
// forwards them": /api/io/%2e%2e/%2e%2e/admin reached the upstream as
// /api/io/../../admin. Such paths are now refused in the envelope, and a
// path that stays under the base is forwarded encoded as received.
func TestProxyEncodedDotSegmentsNeverLeaveTheBasePath(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.RequestURI)
		mu.Unlock()
		io.WriteString(w, "{}")
	}))
	defer upstream.Close()
	p := startProxy(t, upstream.URL+"/api/io")
	for _, target := range []string{
		"/api/io/%2e%2e/%2e%2e/admin",
		"/api/io/%2E%2E/admin",
		"/api/io/%2e/backend/tokens",
		"/api/io/backend/%2e%2e%2f%2e%2e%2fadmin",
		"/api/io/x%2F..%2F..%2Fadmin",
		"/api/io/..%5cadmin",
		"/api/io%2f..%2fadmin",
	} {
		resp, body := rawGet(t, p.origin, target, nil)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", target, resp.StatusCode)
			continue
		}
		envelope(t, resp, body)
	}
	resp, _ := rawGet(t, p.origin, "/api/io/backend/tok%65ns?limit=5", nil)
	if resp.StatusCode != 200 {
		t.Errorf("a path under the base with an encoded letter: %d", resp.StatusCode)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, uri := range seen {
		if !strings.HasPrefix(uri, "/api/io/") || strings.Contains(uri, "..") || strings.Contains(strings.ToLower(uri), "%2e") && uri != "/api/io/backend/tok%65ns?limit=5" {
			t.Errorf("the upstream got %q", uri)
		}
	}
	if len(seen) != 1 || seen[0] != "/api/io/backend/tok%65ns?limit=5" {
		t.Errorf("the upstream got %q; want only the path under the base, encoded as received", seen)
	}
}

// TestProxyForwardsTheCallersEncodingAsIs is the regression test of "the
// proxy adds Accept-Encoding: gzip upstream and decompresses the answer": a
// caller that asks for no encoding sends none upstream, and a caller that
// asks for gzip gets the upstream's gzip bytes and headers unchanged.
func TestProxyForwardsTheCallersEncodingAsIs(t *testing.T) {
	t.Parallel()
	var plain bytes.Buffer
	for i := range 2000 {
		fmt.Fprintf(&plain, `{"id":%d}`, i)
	}
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write(plain.Bytes())
	zw.Close()
	var mu sync.Mutex
	var asked []string
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.Header.Get("Accept-Encoding"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(zipped.Bytes())
			return
		}
		w.Write(plain.Bytes())
	}))
	defer upstream.Close()
	p := startProxy(t, upstream.URL+"/api/io")

	resp, body := rawGet(t, p.origin, "/api/io/backend/tokens", nil)
	if !bytes.Equal(body, plain.Bytes()) || resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("without Accept-Encoding: %d bytes, Content-Encoding %q", len(body), resp.Header.Get("Content-Encoding"))
	}
	resp, body = rawGet(t, p.origin, "/api/io/backend/tokens", http.Header{"Accept-Encoding": {"gzip"}})
	if !bytes.Equal(body, zipped.Bytes()) || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("with Accept-Encoding gzip: %d bytes (want the upstream's %d gzip bytes), Content-Encoding %q",
			len(body), zipped.Len(), resp.Header.Get("Content-Encoding"))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 2 || asked[0] != "" || asked[1] != "gzip" {
		t.Errorf("the upstream was asked for encodings %q; want the callers' (none, then gzip)", asked)
	}
}

// TestProxyAllowPlainUpstream shows that a plain http upstream that is not
// loopback is refused, with a pointer to the flag, and accepted with
// --allow-plain-upstream and a warning. The accepted proxy is stopped
// without a request: nothing connects outside loopback.
func TestProxyAllowPlainUpstream(t *testing.T) {
	t.Parallel()
	const upstream = "http://fake.invalid:8080/api/io"
	code, _, stderr := runCLI(t, "proxy", "--listen", "127.0.0.1:0", "--upstream", upstream)
	if code != exitcode.Usage || !strings.Contains(stderr, "--allow-plain-upstream") {
		t.Errorf("without the flag: exit %d, %q", code, stderr)
	}
	p := startProxy(t, upstream, "--allow-plain-upstream")
	log := p.stderr.String()
	if !strings.Contains(log, "level=WARN") || !strings.Contains(log, "--allow-plain-upstream") || !strings.Contains(log, "fake.invalid") {
		t.Errorf("no start-up warning about the plain upstream:\n%s", log)
	}
	if !strings.HasSuffix(p.base, "/api/io") {
		t.Errorf("base %q", p.base)
	}
}

// TestProxySunsetGaugeAndInfo puts the fake's sunset scenario behind the
// proxy: the Sunset date is a gauge in Unix seconds for the operation, and
// tokens_contract_proxy_info carries the versions "tokens-contract version"
// prints; the start-up line says the same.
func TestProxySunsetGaugeAndInfo(t *testing.T) {
	t.Parallel()
	auth := synthetic.RandomHex(20)
	f, err := fake.New(fake.Options{AuthToken: auth, SeedTokens: 3, Scenario: fake.ScenarioSunset})
	if err != nil {
		t.Fatal(err)
	}
	upstream := httptest.NewServer(f)
	defer upstream.Close()
	p := startProxy(t, upstream.URL+"/api/io", "--sample-rate", "0")
	req, _ := http.NewRequest(http.MethodGet, p.base+"/backend/tokens", nil)
	req.Header.Set("authToken", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	sunset, err := http.ParseTime(resp.Header.Get("Sunset"))
	if err != nil {
		t.Fatalf("no Sunset date from the sunset scenario: %v", err)
	}
	waitUntil(t, func() bool {
		return p.metric(t, "tokens_contract_sunset_timestamp_seconds", `operation="get-backend-tokens"`) == float64(sunset.Unix())
	})
	if got := p.metric(t, "tokens_contract_deprecation_timestamp_seconds", `operation="get-backend-tokens"`); got <= 0 {
		t.Errorf("no deprecation date gauge: %v", got)
	}

	_, version, _ := runCLI(t, "version")
	module := regexp.MustCompile(`(?m)^tokens-contract: \S+ (.+)$`).FindStringSubmatch(version)
	spec := regexp.MustCompile(`(?m)^spec: (.+)$`).FindStringSubmatch(version)
	if module == nil || spec == nil {
		t.Fatalf("cannot read the versions from %q", version)
	}
	labels := []string{`spec_version="` + spec[1] + `"`, `module_version="` + module[1] + `"`, `baseline="false"`}
	if got := p.metric(t, "tokens_contract_proxy_info", labels...); got != 1 {
		t.Errorf("tokens_contract_proxy_info with %v: %v, want 1", labels, got)
	}
	if line := p.stderr.String(); !strings.Contains(line, "spec "+spec[1]) || !strings.Contains(line, "module "+module[1]) {
		t.Errorf("the start-up line does not name the versions:\n%s", line)
	}
}

// TestProxyBaselineCountsAcceptedDriftApart drives masked-token drift that
// a ledger accepts through the proxy and reads /metrics: the findings count
// as accepted, not as drift; a malformed ledger stops the proxy from
// starting, naming the line.
func TestProxyBaselineCountsAcceptedDriftApart(t *testing.T) {
	t.Parallel()
	auth := synthetic.RandomHex(20)
	f, err := fake.New(fake.Options{AuthToken: auth, SeedTokens: 4, Scenario: fake.ScenarioMaskedToken})
	if err != nil {
		t.Fatal(err)
	}
	upstream := httptest.NewServer(f)
	defer upstream.Close()
	fetch := func(url string) (*http.Response, []byte) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("authToken", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	// What the drift is, from the checker itself.
	resp, body := fetch(upstream.URL + "/api/io/backend/tokens")
	c, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	res := c.Check(&contract.Exchange{Source: "test",
		Request:  contract.Request{Method: http.MethodGet, URL: upstream.URL + "/api/io/backend/tokens", Header: http.Header{}},
		Response: contract.Response{Status: resp.StatusCode, Header: resp.Header, Body: body}})
	var ledger strings.Builder
	ledger.WriteString("accepted:\n")
	accepted := map[string]bool{}
	for _, f := range res.Findings {
		if accepted[f.ID+f.Path] {
			continue
		}
		accepted[f.ID+f.Path] = true
		fmt.Fprintf(&ledger, "  - id: %s\n    operation: %s\n    path: %q\n    reason: the fake masks tokens\n    expires: %s\n",
			f.ID, res.Operation, f.Path, time.Now().AddDate(1, 0, 0).Format(time.DateOnly))
	}
	if len(accepted) == 0 {
		t.Fatal("the masked-token scenario produced no findings; the test proves nothing")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "accepted.yaml")
	if err := os.WriteFile(path, []byte(ledger.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	p := startProxy(t, upstream.URL+"/api/io", "--baseline", path)
	fetch(p.base + "/backend/tokens")
	waitUntil(t, func() bool {
		return p.metric(t, "tokens_contract_findings_accepted_total", `id="token-not-jwt"`) >= 1
	})
	if drift := p.metric(t, "tokens_contract_findings_total"); drift != 0 {
		t.Errorf("accepted drift counted as drift: %v findings", drift)
	}
	if got := p.metric(t, "tokens_contract_proxy_info", `baseline="true"`); got != 1 {
		t.Errorf("the info series does not say a baseline is loaded")
	}

	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("accepted:\n  - id: token-not-jwt\n    operation: no-such-operation\n    path: $.data[*].token\n    reason: r\n    expires: 2999-01-01\n"), 0o644)
	code, _, stderr := runCLI(t, "proxy", "--listen", "127.0.0.1:0", "--upstream", upstream.URL+"/api/io", "--baseline", bad)
	if code != exitcode.Usage || !strings.Contains(stderr, "line 2") || !strings.Contains(stderr, bad) {
		t.Errorf("a malformed ledger: exit %d, %q; want 2 naming the file and line 2", code, stderr)
	}
}

// TestProxyDropsHeadersNamedInConnectionClose is the regression test of "a
// header the upstream names in Connection reaches the caller when the same
// header also says close": net/http drops such a Connection header before
// the proxy sees it. The named header no longer reaches the caller, with or
// without close, over one connection or a fresh one each time.
func TestProxyDropsHeadersNamedInConnectionClose(t *testing.T) {
	t.Parallel()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		connection := "close, X-Hop"
		if r.URL.Query().Get("close") == "no" {
			connection = "X-Hop"
		}
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nConnection: %s\r\nX-Hop: hop-value\r\nX-Kept: kept\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", connection)
		buf.Flush()
	}))
	defer upstream.Close()
	p := startProxy(t, upstream.URL+"/api/io")
	for _, q := range []string{"close=yes", "close=no", "close=yes"} {
		resp, body := rawGet(t, p.origin, "/api/io/backend/tokens?"+q, nil)
		if resp.StatusCode != 200 || string(body) != "{}" {
			t.Fatalf("%s: %d %q", q, resp.StatusCode, body)
		}
		if v := resp.Header.Get("X-Hop"); v != "" {
			t.Errorf("%s: the header the upstream named in Connection reached the caller: %q", q, v)
		}
		if resp.Header.Get("X-Kept") != "kept" {
			t.Errorf("%s: an end-to-end header was dropped", q)
		}
	}
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/fake"
	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
)

// runningProxy is a proxy started in-process by startProxy.
type runningProxy struct {
	base, origin string
	ready        string // the --ready-file, which the proxy removes when it stops
	stderr       *syncBuffer
	// stop stops the proxy and waits for it (its checks included); the
	// test's cleanup calls it too.
	stop func()
}

// startProxy runs "tokens-contract proxy" in-process in front of upstream
// (a URL with its path) with args added, and stops it at the end of the
// test, expecting exit 0.
func startProxy(t *testing.T, upstream string, args ...string) *runningProxy {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "proxy.url")
	env, _, stderr := testEnv(nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, env, append([]string{"proxy", "--listen", "127.0.0.1:0", "--upstream", upstream, "--ready-file", ready}, args...))
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if code := <-done; code != exitcode.OK {
				t.Errorf("proxy exited with %d, want 0; stderr:\n%s", code, stderr)
			}
		})
	}
	t.Cleanup(stop)
	var base string
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, err := os.ReadFile(ready)
		if err == nil {
			base = strings.TrimSpace(string(b))
			break
		}
		select {
		case code := <-done:
			done <- code
			t.Fatalf("proxy exited with %d before listening:\n%s", code, stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the proxy did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	u, _ := url.Parse(upstream)
	return &runningProxy{base: base, origin: strings.TrimSuffix(base, u.Path), ready: ready, stderr: stderr, stop: stop}
}

// get fetches path (under the proxy's origin) and returns the response with
// its body read.
func (p *runningProxy) get(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(p.origin + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// metric returns the sum of the values of the samples of name in /metrics
// whose labels include every label of want ("class=\"timeout\"").
func (p *runningProxy) metric(t *testing.T, name string, want ...string) float64 {
	t.Helper()
	_, body := p.get(t, "/metrics")
	var sum float64
	sc := bufio.NewScanner(strings.NewReader(string(body)))
	sc.Buffer(nil, 1<<20)
lines:
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		for _, w := range want {
			if !strings.Contains(line, w) {
				continue lines
			}
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			t.Fatalf("/metrics line %q: %v", line, err)
		}
		sum += v
	}
	return sum
}

// envelope decodes a B2B error envelope, failing the test if it is not one.
func envelope(t *testing.T, resp *http.Response, body []byte) tokensapi.ErrorEnvelope {
	t.Helper()
	var env tokensapi.ErrorEnvelope
	if resp.Header.Get("Content-Type") != "application/json" || json.Unmarshal(body, &env) != nil || env.Data.ErrMsg == nil {
		t.Fatalf("the proxy's error is not the B2B envelope: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if env.Code != resp.StatusCode {
		t.Errorf("envelope code %d, status %d", env.Code, resp.StatusCode)
	}
	return env
}

// TestProxyUpstreamFailures drives the proxy against upstreams that hang,
// refuse, answer slowly, answer 5xx and go away mid-body, and checks the
// caller's answer, the failure class in /metrics, and the log level.
func TestProxyUpstreamFailures(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	mux := http.NewServeMux()
	mux.HandleFunc("/api/io/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/api/io/slow-headers", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, `{"ok":true}`)
	})
	mux.HandleFunc("/api/io/slow-body", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/api/io/5xx", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "<html>gateway page</html>")
	})
	mux.HandleFunc("/api/io/mid-body", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"data\":[")
		buf.Flush()
		conn.Close()
	})
	upstream := httptest.NewServer(mux)
	defer upstream.Close()
	p := startProxy(t, upstream.URL+"/api/io", "--upstream-timeout", "1s", "--request-timeout", "2s")

	for _, tc := range []struct {
		name, path string
		wantStatus int
		wantClass  string // "" for none
		envelope   bool
	}{
		{"hang", "/api/io/hang", http.StatusGatewayTimeout, failTimeout, true},
		{"slow headers within the timeout", "/api/io/slow-headers", http.StatusOK, "", false},
		{"5xx forwarded as it is", "/api/io/5xx", http.StatusBadGateway, failStatus, false},
		{"mid-body", "/api/io/mid-body", 0, failBroken, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := p.metric(t, "tokens_contract_proxy_failures_total", `class="`+tc.wantClass+`"`)
			if tc.wantStatus == 0 {
				// The upstream's headers were not yet sent when its body
				// broke: the caller's connection is cut, as the upstream's was.
				if resp, err := http.Get(p.origin + tc.path); err == nil {
					_, err = io.ReadAll(resp.Body)
					resp.Body.Close()
					if err == nil {
						t.Error("a body the upstream broke read as complete")
					}
				}
				waitUntil(t, func() bool {
					// The client may retry a GET whose connection broke.
					return p.metric(t, "tokens_contract_proxy_failures_total", `class="`+tc.wantClass+`"`) >= before+1
				})
				return
			}
			resp, body := p.get(t, tc.path)
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			if tc.envelope {
				envelope(t, resp, body)
				if got := resp.Header.Get("Tokens-Contract-Error"); got != tc.wantClass {
					t.Errorf("Tokens-Contract-Error %q, want %q", got, tc.wantClass)
				}
			}
			if tc.name == "5xx forwarded as it is" && string(body) != "<html>gateway page</html>" {
				t.Errorf("the upstream's 5xx body was not forwarded as it is: %q", body)
			}
			if tc.wantClass == "" {
				return
			}
			waitUntil(t, func() bool {
				return p.metric(t, "tokens_contract_proxy_failures_total", `class="`+tc.wantClass+`"`) == before+1
			})
		})
	}

	// A body slower than --request-timeout is cut off as a timeout.
	start := time.Now()
	if resp, err := http.Get(p.origin + "/api/io/slow-body"); err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			t.Error("a body that never came read as complete")
		}
	}
	if waited := time.Since(start); waited > 20*time.Second {
		t.Errorf("the stalled body held the caller for %v", waited)
	}
	waitUntil(t, func() bool { return p.metric(t, "tokens_contract_proxy_failures_total", `class="timeout"`) >= 2 })
	if !strings.Contains(p.stderr.String(), "level=WARN") {
		t.Error("upstream failures were not logged at WARN")
	}
}

// TestProxyRefusedUpstreamAndReadyz points the proxy at a loopback port
// nobody listens on: every request is a dial failure in the envelope,
// /readyz fails after three of them while /healthz stays 200.
func TestProxyRefusedUpstreamAndReadyz(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := startProxy(t, "http://"+addr+"/api/io")
	if resp, _ := p.get(t, "/readyz"); resp.StatusCode != 200 {
		t.Errorf("/readyz before any failure: %d", resp.StatusCode)
	}
	for i := range readyFailures {
		resp, body := p.get(t, "/api/io/backend/tokens")
		if resp.StatusCode != http.StatusBadGateway || resp.Header.Get("Tokens-Contract-Error") != failDial {
			t.Fatalf("request %d: %d %q, want 502 dial", i, resp.StatusCode, resp.Header.Get("Tokens-Contract-Error"))
		}
		env := envelope(t, resp, body)
		if env.Meta.Message != "Bad Gateway" {
			t.Errorf("meta.message %q", env.Meta.Message)
		}
	}
	resp, body := p.get(t, "/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz after %d dial failures: %d %s", readyFailures, resp.StatusCode, body)
	}
	if resp, _ := p.get(t, "/healthz"); resp.StatusCode != 200 {
		t.Errorf("/healthz: %d", resp.StatusCode)
	}
	if got := p.metric(t, "tokens_contract_proxy_failures_total", `class="dial"`); got != readyFailures {
		t.Errorf("dial failures in /metrics: %v, want %d", got, readyFailures)
	}
}

// TestProxyCallerHangUpIsNotAnUpstreamFailure cancels callers while the
// upstream takes its time: counted as caller-gone, not logged at WARN, and
// /readyz stays ready.
func TestProxyCallerHangUpIsNotAnUpstreamFailure(t *testing.T) {
	t.Parallel()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer upstream.Close()
	p := startProxy(t, upstream.URL+"/api/io")
	for range readyFailures + 1 {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/backend/tokens", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			t.Error("the request outlived its caller")
		}
		cancel()
	}
	waitUntil(t, func() bool {
		return p.metric(t, "tokens_contract_proxy_failures_total", `class="caller-gone"`) == readyFailures+1
	})
	if resp, _ := p.get(t, "/readyz"); resp.StatusCode != 200 {
		t.Errorf("/readyz after callers hung up: %d", resp.StatusCode)
	}
	if strings.Contains(p.stderr.String(), "level=WARN") {
		t.Errorf("a caller hanging up was logged at WARN:\n%s", p.stderr)
	}
	if p.metric(t, "tokens_contract_proxy_failures_total", `class="timeout"`)+p.metric(t, "tokens_contract_proxy_failures_total", `class="broken"`) != 0 {
		t.Error("a caller hanging up counted as an upstream failure")
	}
}

// TestProxyResourceAndJSONLogs reads the OpenTelemetry resource from
// target_info: the proxy's own service name by default, the standard
// environment variables over it; and --log-format json writes one JSON
// object per line, the start-up record naming the versions. Not parallel:
// it sets the process environment the SDK reads.
func TestProxyResourceAndJSONLogs(t *testing.T) {
	upstream := httptest.NewServer(http.NotFoundHandler())
	defer upstream.Close()
	t.Run("default", func(t *testing.T) {
		p := startProxy(t, upstream.URL+"/api/io")
		if got := p.metric(t, "target_info", `service_name="tokens-contract-proxy"`); got != 1 {
			t.Errorf("target_info with the default service name: %v", got)
		}
	})
	t.Run("environment", func(t *testing.T) {
		t.Setenv("OTEL_SERVICE_NAME", "billing-proxy")
		t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=staging")
		p := startProxy(t, upstream.URL+"/api/io", "--log-format", "json")
		if got := p.metric(t, "target_info", `service_name="billing-proxy"`, `deployment_environment="staging"`); got != 1 {
			t.Errorf("target_info from OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES: %v", got)
		}
		p.get(t, "/api/io/backend/tokens")
		var start map[string]any
		for _, line := range strings.Split(strings.TrimSpace(p.stderr.String()), "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Errorf("--log-format json wrote a line that is not JSON: %q", line)
				continue
			}
			if rec["msg"] == "tokens-contract proxy: serving" {
				start = rec
			}
		}
		if start == nil || start["spec_version"] == "" || start["module_version"] == nil || start["baseline"] != "none" {
			t.Errorf("no JSON start-up record with the versions: %v", start)
		}
	})
}

// TestProxyDrainsOnStop stops the proxy while a request is in flight: the
// request finishes, and a request that outlasts
// --drain-timeout is cut off so that the proxy still stops in bounded time.
func TestProxyDrainsOnStop(t *testing.T) {
	t.Parallel()
	inFlight := make(chan struct{}, 2)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inFlight <- struct{}{}
		d, _ := time.ParseDuration(r.URL.Query().Get("d"))
		select {
		case <-time.After(d):
			io.WriteString(w, "{}")
		case <-r.Context().Done():
		}
	}))
	defer upstream.Close()
	for _, tc := range []struct {
		name     string
		delay    string
		wantDone bool
	}{
		{"finishes within the bound", "700ms", true},
		{"cut off at the bound", "1h", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ready := filepath.Join(t.TempDir(), "proxy.url")
			env, _, stderr := testEnv(nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan int, 1)
			go func() {
				done <- run(ctx, env, []string{"proxy", "--listen", "127.0.0.1:0", "--upstream", upstream.URL + "/api/io",
					"--ready-file", ready, "--drain-timeout", "2s", "--request-timeout", "2h"})
			}()
			var base string
			waitUntil(t, func() bool {
				b, err := os.ReadFile(ready)
				base = strings.TrimSpace(string(b))
				return err == nil
			})
			type result struct {
				status int
				err    error
			}
			got := make(chan result, 1)
			go func() {
				resp, err := http.Get(base + "/x?d=" + tc.delay)
				if err != nil {
					got <- result{0, err}
					return
				}
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
				got <- result{resp.StatusCode, err}
			}()
			<-inFlight
			stopped := time.Now()
			cancel()
			r := <-got
			if tc.wantDone && (r.err != nil || r.status != 200) {
				t.Errorf("the request in flight did not finish: %d %v", r.status, r.err)
			}
			if !tc.wantDone && r.err == nil && r.status == 200 {
				t.Error("a request longer than the drain bound completed")
			}
			if code := <-done; code != exitcode.OK {
				t.Errorf("exit %d:\n%s", code, stderr)
			}
			if took := time.Since(stopped); took > 20*time.Second {
				t.Errorf("stopping took %v with --drain-timeout 2s", took)
			}
		})
	}
}

// TestProxyChecksTheCallersRequest sends requests the spec does not allow
// through the proxy: each mistake is an info finding of its own in
// /metrics, apart from the vendor's drift.
func TestProxyChecksTheCallersRequest(t *testing.T) {
	t.Parallel()
	upstream, fetch := serveScenario(t, fake.ScenarioNone)
	p := startProxy(t, upstream, "--sample-rate", "1")
	fetch(p.base + "/backend/tokens?limit=5&page=2")
	fetch(p.base + "/backend/tokens?limit=100000")
	if resp, _ := p.get(t, "/api/io/backend/tokens"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without authToken: %d", resp.StatusCode)
	}
	for _, id := range []string{"request-unknown-parameter", "request-parameter-out-of-range", "request-missing-auth"} {
		waitUntil(t, func() bool {
			return p.metric(t, "tokens_contract_findings_total", `id="`+id+`"`, `severity="info"`) == 1
		})
	}
}

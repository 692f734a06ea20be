package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/leakscan"
	"github.com/b2b-contract/s2s-tokens/internal/report"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// jsonReport is the part of --format json the tests read.
type jsonReport struct {
	ExitCode int `json:"exitCode"`
	Findings []struct {
		ID       string `json:"id"`
		Severity string `json:"severity"`
		Path     string `json:"path"`
	} `json:"findings"`
	Errors []struct {
		Message string `json:"message"`
		Kind    string `json:"kind"`
	} `json:"errors"`
}

func (r jsonReport) ids() []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.ID+"/"+f.Severity)
	}
	sort.Strings(out)
	return out
}

func parseReport(t *testing.T, stdout string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("stdout is not one JSON report: %v", err)
	}
	return r
}

// serveFakeHTTP serves the fake in-process for live to probe.
func serveFakeHTTP(t *testing.T, token string, seed int, sc fake.Scenario) string {
	t.Helper()
	s, err := fake.New(fake.Options{AuthToken: token, SeedTokens: seed, Scenario: sc})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestLiveRefusesBadInvocations(t *testing.T) {
	t.Parallel()
	token := "tok-" + synthetic.RandomHex(12)
	secret := synthetic.RandomHex(10)
	withToken := map[string]string{envAuthToken: token}
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"no token", map[string]string{}, []string{"--base-url", "http://127.0.0.1:1"}, envAuthToken + " is not set"},
		{"token as a flag", withToken, []string{"--token", secret}, "unknown flag --token"},
		{"token as an argument", withToken, []string{secret}, "takes no arguments (got 1)"},
		{"plain http elsewhere", withToken, []string{"--base-url", "http://example.com"}, "plain http"},
		{"user information", withToken, []string{"--base-url", "https://u:" + secret + "@example.com"}, "user information"},
		{"bad B2B_BASE_URL", map[string]string{envAuthToken: token, envBaseURL: "http://10.1.2.3"}, nil, "plain http"},
		{"budget 0", withToken, []string{"--budget", "0"}, "--budget is 0"},
		{"budget 101", withToken, []string{"--budget", "101"}, "--budget is 101"},
		{"timeout 0", withToken, []string{"--timeout", "0s"}, "--timeout"},
		{"max wait too short", withToken, []string{"--max-wait", "10ms"}, "--max-wait"},
		{"bad format", withToken, []string{"--format", "xml"}, "--format"},
		{"fail-on info", withToken, []string{"--fail-on", "info"}, "--fail-on"},
		{"bad report", withToken, []string{"--report", "junit"}, "--report"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, stdout, stderr := testEnv(tt.vars)
			code := run(context.Background(), env, append([]string{"live"}, tt.args...))
			vars := map[string]string{"token": token, "secret": secret}
			if code != exitcode.Usage {
				t.Errorf("exit %d, want %d; stderr: %s", code, exitcode.Usage, scrub(stderr.String(), vars))
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr lacks %q: %s", tt.want, scrub(stderr.String(), vars))
			}
			for _, out := range []string{stdout.String(), stderr.String()} {
				if strings.Contains(out, secret) || strings.Contains(out, token) {
					t.Error("the output repeats a secret from the command line or the environment")
				}
			}
		})
	}
}

// TestLiveAgainstStandIns is the "done when" of the live command: against a
// local stand-in that masks tokens, drops a field or answers 410, live exits
// 1 with the right finding; a Sunset header is a deprecation finding, which
// fails the run only with --fail-on deprecation.
func TestLiveAgainstStandIns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sc      fake.Scenario
		args    []string
		code    int
		finding string
	}{
		{fake.ScenarioNone, nil, exitcode.OK, ""},
		{fake.ScenarioMaskedToken, nil, exitcode.Findings, "token-not-jwt/breaking"},
		{fake.ScenarioFieldRemoved, nil, exitcode.Findings, "missing-field/breaking"},
		{fake.ScenarioEndpointGone, nil, exitcode.Findings, "endpoint-gone/breaking"},
		{fake.ScenarioUnknownField, nil, exitcode.Findings, "unknown-field/additive"},
		{fake.ScenarioUnknownField, []string{"--fail-on", "breaking"}, exitcode.OK, "unknown-field/additive"},
		{fake.ScenarioSunset, nil, exitcode.OK, "sunset-announced/deprecation"},
		{fake.ScenarioSunset, []string{"--fail-on", "deprecation"}, exitcode.Findings, "sunset-announced/deprecation"},
	}
	for _, tt := range tests {
		t.Run(tt.sc.String()+strings.Join(tt.args, ""), func(t *testing.T) {
			token := "auth-" + synthetic.RandomHex(16)
			base := serveFakeHTTP(t, token, 30, tt.sc)
			env, stdout, stderr := testEnv(map[string]string{envAuthToken: token})
			args := append([]string{"live", "--base-url", base, "--format", "json"}, tt.args...)
			code := run(context.Background(), env, args)
			vars := map[string]string{"token": token}
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, scrub(stderr.String(), vars))
			}
			r := parseReport(t, stdout.String())
			if r.ExitCode != code && code != exitcode.Usage {
				t.Errorf("the report says exit %d, the command %d", r.ExitCode, code)
			}
			if tt.finding == "" && len(r.Findings) > 0 {
				t.Errorf("findings %v from a clean stand-in", r.ids())
			}
			if tt.finding != "" && !slices.Contains(r.ids(), tt.finding) {
				t.Errorf("findings %v lack %s", r.ids(), tt.finding)
			}
		})
	}
}

// TestLiveRecordsAndRechecks: a recording made by live --probe-errors
// --record re-checks with tokens-contract check to the same findings (the
// error probes' included), and a clean one passes; under a probe scenario
// the refuted probe fails both runs, by name.
func TestLiveRecordsAndRechecks(t *testing.T) {
	t.Parallel()
	for _, sc := range append([]fake.Scenario{fake.ScenarioNone}, fake.Scenarios()...) {
		t.Run(sc.String(), func(t *testing.T) {
			t.Parallel() // each scenario has its own fake and directory
			token := "auth-" + synthetic.RandomHex(16)
			base := serveFakeHTTP(t, token, 260, sc)
			dir := filepath.Join(t.TempDir(), "recordings")
			env, stdout, stderr := testEnv(map[string]string{envAuthToken: token})
			liveCode := run(context.Background(), env, []string{"live", "--base-url", base, "--probe-errors", "--format", "json", "--record", dir})
			liveReport := parseReport(t, stdout.String())
			if !strings.Contains(stderr.String(), "tokens-contract live: recorded ") || !strings.Contains(stderr.String(), " to "+dir) {
				t.Errorf("stderr does not name the recording: %s", scrub(stderr.String(), map[string]string{"token": token}))
			}
			files, _ := filepath.Glob(filepath.Join(dir, "live-*.yaml"))
			if len(files) != 1 {
				t.Fatalf("%d recordings in %s, want 1", len(files), dir)
			}
			data, _ := os.ReadFile(files[0])
			if bytes.Contains(data, []byte(token)) || len(leakscan.Scan(data)) > 0 {
				t.Error("the recording holds the token or a JWT that is not synthetic")
			}
			env, stdout, _ = testEnv(nil)
			checkCode := run(context.Background(), env, []string{"check", "--format", "json", dir})
			checkReport := parseReport(t, stdout.String())
			if checkCode != liveCode || !slices.Equal(checkReport.ids(), liveReport.ids()) {
				t.Errorf("live: exit %d %v; check of its recording: exit %d %v", liveCode, liveReport.ids(), checkCode, checkReport.ids())
			}
			if sc == fake.ScenarioNone && (checkCode != exitcode.OK || len(checkReport.Findings) > 0) {
				t.Errorf("a clean recording re-checks with exit %d and %v", checkCode, checkReport.ids())
			}
			probeFinding := map[fake.Scenario]string{
				fake.ScenarioLimitOver422:     contract.IDProbeStatusDiffers + "/additive",
				fake.ScenarioBadTokenAccepted: contract.IDProbeRefuted + "/breaking",
			}
			if want, ok := probeFinding[sc]; ok && (liveCode != exitcode.Findings || !slices.Equal(liveReport.ids(), []string{want})) {
				t.Errorf("probe scenario %s: live exit %d %v, want exit 1 and only %s", sc, liveCode, liveReport.ids(), want)
			}
		})
	}
}

func TestLiveReadsB2BBaseURL(t *testing.T) {
	t.Parallel()
	token := "auth-" + synthetic.RandomHex(16)
	base := serveFakeHTTP(t, token, 3, fake.ScenarioNone)
	env, stdout, _ := testEnv(map[string]string{envAuthToken: token, envBaseURL: base})
	if code := run(context.Background(), env, []string{"live"}); code != exitcode.OK {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stdout.String(), "3 exchanges checked") {
		t.Errorf("stdout: %s", stdout.String())
	}
	// The flag wins over the environment.
	env, _, stderr := testEnv(map[string]string{envAuthToken: token, envBaseURL: "http://10.0.0.1"})
	if code := run(context.Background(), env, []string{"live", "--base-url", base}); code != exitcode.OK {
		t.Errorf("exit %d: %s", code, scrub(stderr.String(), map[string]string{"token": token}))
	}
}

func TestLiveRejectedTokenIsAnError(t *testing.T) {
	t.Parallel()
	base := serveFakeHTTP(t, "auth-"+synthetic.RandomHex(16), 3, fake.ScenarioNone)
	wrong := "wrong-" + synthetic.RandomHex(16)
	env, stdout, stderr := testEnv(map[string]string{envAuthToken: wrong})
	code := run(context.Background(), env, []string{"live", "--base-url", base, "--format", "json"})
	if code != exitcode.Usage {
		t.Errorf("exit %d, want %d: a rejected token checks nothing", code, exitcode.Usage)
	}
	r := parseReport(t, stdout.String())
	if len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, "rejected the token with 401") || r.Errors[0].Kind != "run-error" {
		t.Errorf("report errors %+v", r.Errors)
	}
	if !strings.Contains(stderr.String(), "tokens-contract live: the token was rejected, so nothing could be checked") {
		t.Errorf("stderr does not say the token was rejected: %s", stderr.String())
	}
	if strings.Contains(stdout.String()+stderr.String(), wrong) {
		t.Error("the output repeats the token")
	}
	// The text report names a run error, never an unreadable input.
	env, stdout, _ = testEnv(map[string]string{envAuthToken: wrong})
	run(context.Background(), env, []string{"live", "--base-url", base})
	if out := stdout.String(); strings.Contains(out, "UNREADABLE") || !strings.Contains(out, "RUN ERRORS (1)") || !strings.Contains(out, "ERROR: a run could not complete") {
		t.Errorf("text report:\n%s", out)
	}
}

// A run whose first request cannot connect checked nothing: exit 2, a
// message that says so, and a report that does not call it clean.
func TestLiveNoResponseIsNotClean(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	env, stdout, stderr := testEnv(map[string]string{envAuthToken: "t-" + synthetic.RandomHex(16)})
	code := run(context.Background(), env, []string{"live", "--base-url", base})
	if code != exitcode.Usage {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), "the first request got no response, so nothing was checked (is "+base+" right") {
		t.Errorf("stderr: %s", stderr.String())
	}
	out := stdout.String()
	if strings.Contains(out, "clean") || !strings.Contains(out, "0 exchanges, did not complete (1 run error)") || !strings.Contains(out, "no response:") {
		t.Errorf("text report:\n%s", out)
	}
}

// canaryServer answers live's probes with canary secrets in every place a
// misbehaving endpoint could put them, and checks the canary auth value.
type canaryServer struct {
	auth, hash string
	emails     []string
	tokens     []string
	unauth     atomic.Int32
}

func newCanaryServer() *canaryServer {
	c := &canaryServer{auth: "auth-" + synthetic.RandomHex(20), hash: "h" + synthetic.RandomHex(5)}
	for range 4 {
		e := "c" + synthetic.RandomHex(4) + "@corp-" + synthetic.RandomHex(3) + ".com"
		c.emails = append(c.emails, e)
		c.tokens = append(c.tokens, synthetic.CanaryJWT(e, c.hash))
	}
	return c
}

// secrets lists every canary and each JWT's segments.
func (c *canaryServer) secrets() map[string]string {
	m := map[string]string{"auth": c.auth, "hash": c.hash}
	for i, e := range c.emails {
		m["email"+strconv.Itoa(i)] = e
	}
	for i, tok := range c.tokens {
		m["token"+strconv.Itoa(i)] = tok
		for j, part := range strings.Split(tok, ".") {
			m[fmt.Sprintf("token%d.%d", i, j)] = part
		}
	}
	return m
}

func (c *canaryServer) item(id int, email, token string) string {
	return fmt.Sprintf(`{"id":%d,"name":"token %d of %s","email":%q,"storeHash":%q,"token":%q,"eventChannel":"app"}`,
		id, id, email, email, c.hash, token)
}

func (c *canaryServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Requests-Remaining", "140 times")
	h.Set("Set-Cookie", "session="+c.auth+"; HttpOnly")
	h.Set("X-Debug-Auth", "got "+r.Header.Get("authToken"))
	h.Set("X-Owner", c.emails[0])
	if r.Header.Get("authToken") != c.auth {
		c.unauth.Add(1)
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"code":401,"data":{"errMsg":"bad token %s"},"meta":{"message":"Unauthorized"}}`, r.Header.Get("authToken"))
		return
	}
	q := r.URL.Query()
	var body string
	status, ctype := http.StatusOK, "application/json"
	switch {
	case !q.Has("limit"):
		body = fmt.Sprintf(`{"code":200,"data":[%s,%s],"meta":{"message":"SUCCESS","pagination":{"totalCount":900,"offset":0,"limit":10}}}`,
			c.item(1, c.emails[0], c.tokens[0]), c.item(2, c.emails[1], c.tokens[1]))
	case q.Get("offset") == "":
		escaped := strings.Replace(c.emails[2], "@", `\u0040`, 1)
		body = fmt.Sprintf(`{"code":200,"data":[%s,%s,%s,{"id":4,"name":"n","email":"%s","storeHash":%q,"token":"%s","eventChannel":"app","%s":1}],`+
			`"meta":{"message":%q,"pagination":{"totalCount":900,"offset":0,"limit":250}},"debug":{"authToken":%q,"headers":"authToken: %s"}}`,
			c.item(1, c.emails[0], "********"), c.item(2, c.emails[1], "****"+c.tokens[1][len(c.tokens[1])-6:]),
			c.item(3, c.emails[3], "opaque_"+c.auth), escaped, c.hash, c.tokens[3], c.emails[1], c.tokens[2], c.auth, c.auth)
	case q.Get("offset") == "250":
		ctype = "text/html; charset=utf-8"
		body = fmt.Sprintf("<html><body><p>Debug: authToken=%s user=%s token=%s store=%s</p></body></html>",
			c.auth, c.emails[0], c.tokens[0], c.hash)
	case q.Get("offset") == "500":
		full := fmt.Sprintf(`{"code":200,"data":[%s],"meta":{"message":"SUCCESS","pagination":{"totalCount":900,"offset":500,"limit":250}}}`,
			c.item(501, c.emails[2], c.tokens[2]))
		cut := strings.Index(full, c.tokens[2]) + len(c.tokens[2])/2 // in the middle of the token
		h.Set("Content-Type", ctype)
		h.Set("Content-Length", strconv.Itoa(len(full)))
		w.WriteHeader(status)
		w.Write([]byte(full[:cut])) // then the handler returns and the connection is cut
		return
	default:
		status = http.StatusGone
		body = fmt.Sprintf(`{"code":410,"data":{"errMsg":"gone; your token %s belongs to %s"},"meta":{"message":"Gone"}}`, c.auth, c.emails[3])
	}
	h.Set("Content-Type", ctype)
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(body))
		zw.Close()
		h.Set("Content-Encoding", "gzip")
		w.WriteHeader(status)
		w.Write(buf.Bytes())
		return
	}
	w.WriteHeader(status)
	w.Write([]byte(body))
}

// assertNoCanary fails if text holds a canary or a JWT that is not
// synthetic; it never prints the canary.
func assertNoCanary(t *testing.T, what string, text []byte, secrets map[string]string) {
	t.Helper()
	for name, s := range secrets {
		if bytes.Contains(text, []byte(s)) {
			t.Errorf("%s holds the canary %s", what, name)
		}
	}
	if hits := leakscan.Scan(text); len(hits) > 0 {
		t.Errorf("%s holds a JWT that is not synthetic: %v", what, hits)
	}
}

// TestLiveLeaksNoSecret runs the whole live --record path against a server
// that returns canary tokens, emails and the canary auth value everywhere it
// can (JSON fields, unexpected fields, escapes, an HTML page, a body cut in
// the middle of a token, an error body, headers, cookies, gzip), in every
// output format and with every report file, and checks that no canary
// reaches the recording, stdout, stderr or any report. The recording is then
// re-checked, and that output is checked too.
// badToken matches the authToken live's credentials-invalid probe makes.
var badToken = regexp.MustCompile(`invalid-[0-9a-f]{48}`)

func TestLiveLeaksNoSecret(t *testing.T) {
	t.Parallel()
	c := newCanaryServer()
	srv := httptest.NewServer(c)
	defer srv.Close()
	secrets := c.secrets()
	for _, format := range report.Formats {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			rec := filepath.Join(dir, "rec")
			args := []string{"live", "--base-url", srv.URL, "--format", format, "--record", rec, "--coverage", "--probe-errors"}
			for _, f := range report.Formats {
				args = append(args, "--report", f+"="+filepath.Join(dir, "report."+f))
			}
			env, stdout, stderr := testEnv(map[string]string{envAuthToken: c.auth})
			code := run(context.Background(), env, args)
			if code != exitcode.Findings {
				t.Errorf("exit %d, want %d (the canary server drifts)", code, exitcode.Findings)
			}
			assertNoCanary(t, "stdout", []byte(stdout.String()), secrets)
			assertNoCanary(t, "stderr", []byte(stderr.String()), secrets)
			files, _ := filepath.Glob(filepath.Join(dir, "report.*"))
			recs, _ := filepath.Glob(filepath.Join(rec, "*.yaml"))
			if len(files) != len(report.Formats) || len(recs) != 1 {
				t.Fatalf("%d report files and %d recordings, want %d and 1; stderr: %s", len(files), len(recs), len(report.Formats), scrub(stderr.String(), secrets))
			}
			for _, f := range append(files, recs...) {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				assertNoCanary(t, filepath.Base(f), data, secrets)
				// The invalid authToken of the credentials-invalid probe is
				// made at run time; it is an authToken value all the same.
				if badToken.Match(data) {
					t.Errorf("%s holds the error probe's authToken", filepath.Base(f))
				}
			}
			if badToken.MatchString(stdout.String()) || badToken.MatchString(stderr.String()) {
				t.Error("stdout or stderr holds the error probe's authToken")
			}
			liveOut := stdout.String()
			env, stdout, stderr = testEnv(nil)
			checkCode := run(context.Background(), env, []string{"check", "--format", format, "--coverage", "--max-age", "1h", rec})
			assertNoCanary(t, "check's stdout", []byte(stdout.String()), secrets)
			assertNoCanary(t, "check's stderr", []byte(stderr.String()), secrets)
			// Even with this much redacted, the recording gives the checker the
			// same findings as the live run.
			if format == "json" {
				a, b := parseReport(t, liveOut).ids(), parseReport(t, stdout.String()).ids()
				if checkCode != code || !slices.Equal(a, b) {
					t.Errorf("live: exit %d %v; check of the recording: exit %d %v", code, a, checkCode, b)
				}
			}
		})
	}
	// Each run's credentials-invalid probe, and nothing else, goes without
	// the canary auth value.
	if n := c.unauth.Load(); int(n) != len(report.Formats) {
		t.Errorf("%d requests reached the server without the canary auth value, want %d (one error probe per run)", n, len(report.Formats))
	}
}

// TestLiveLeaksNoSecretOnFailure covers the error paths: a rejected token
// echoed by the server, a connection cut before any response, and a redirect
// to another host (which must never see the token).
func TestLiveLeaksNoSecretOnFailure(t *testing.T) {
	t.Parallel()
	c := newCanaryServer()
	secrets := c.secrets()

	t.Run("rejected and echoed", func(t *testing.T) {
		srv := httptest.NewServer(c)
		defer srv.Close()
		wrong := synthetic.CanaryJWT(c.emails[0], c.hash) // a real-looking token the server rejects and echoes
		secrets := c.secrets()
		secrets["wrong"] = wrong
		for j, part := range strings.Split(wrong, ".") {
			secrets["wrong."+strconv.Itoa(j)] = part
		}
		dir := t.TempDir()
		env, stdout, stderr := testEnv(map[string]string{envAuthToken: wrong})
		code := run(context.Background(), env, []string{"live", "--base-url", srv.URL, "--record", dir, "--report", "junit=" + filepath.Join(dir, "j.xml")})
		if code != exitcode.Usage {
			t.Errorf("exit %d, want %d", code, exitcode.Usage)
		}
		assertNoCanary(t, "stdout", []byte(stdout.String()), secrets)
		assertNoCanary(t, "stderr", []byte(stderr.String()), secrets)
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, f := range files {
			data, _ := os.ReadFile(f)
			assertNoCanary(t, filepath.Base(f), data, secrets)
		}
	})

	t.Run("connection cut", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				conn.Close()
			}
		}()
		defer ln.Close()
		env, stdout, stderr := testEnv(map[string]string{envAuthToken: c.auth})
		code := run(context.Background(), env, []string{"live", "--base-url", "http://" + ln.Addr().String(), "--format", "json"})
		if code != exitcode.Usage {
			t.Errorf("exit %d, want %d", code, exitcode.Usage)
		}
		r := parseReport(t, stdout.String())
		if len(r.Errors) != 1 || !strings.HasPrefix(r.Errors[0].Message, "live GET /backend/tokens: ") {
			t.Errorf("errors %+v", r.Errors)
		}
		assertNoCanary(t, "stdout", []byte(stdout.String()), secrets)
		assertNoCanary(t, "stderr", []byte(stderr.String()), secrets)
	})

	t.Run("redirect to another host", func(t *testing.T) {
		var reached atomic.Int32
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Add(1) }))
		defer other.Close()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/steal?t="+c.emails[0], http.StatusFound)
		}))
		defer srv.Close()
		dir := t.TempDir()
		env, stdout, stderr := testEnv(map[string]string{envAuthToken: c.auth})
		code := run(context.Background(), env, []string{"live", "--base-url", srv.URL, "--format", "json", "--record", dir})
		if code != exitcode.Findings {
			t.Errorf("exit %d, want %d", code, exitcode.Findings)
		}
		if !slices.Contains(parseReport(t, stdout.String()).ids(), "undocumented-status/breaking") {
			t.Errorf("the 302 should be an undocumented status")
		}
		if reached.Load() != 0 {
			t.Errorf("the other host got %d requests", reached.Load())
		}
		assertNoCanary(t, "stderr", []byte(stderr.String()), secrets)
		recs, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, f := range recs {
			data, _ := os.ReadFile(f)
			assertNoCanary(t, filepath.Base(f), data, secrets)
		}
	})
}

func TestLiveHelp(t *testing.T) {
	t.Parallel()
	env, stdout, stderr := testEnv(nil)
	if code := run(context.Background(), env, []string{"live", "-h"}); code != exitcode.OK {
		t.Errorf("live -h: exit %d", code)
	}
	if out := stdout.String(); out != "" {
		t.Errorf("live -h printed %d bytes to stdout; help goes to stderr", len(out))
	}
	for _, want := range []string{envAuthToken, envBaseURL, "https://api-b2b.bigcommerce.com/api/io", "--record", "-budget"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("live -h does not mention %s", want)
		}
	}
	env, stdout, _ = testEnv(nil)
	run(context.Background(), env, []string{"help"})
	if !strings.Contains(stdout.String(), "  live ") {
		t.Errorf("help does not list live:\n%s", stdout.String())
	}
}

func TestLiveFlagsReachTheRun(t *testing.T) {
	t.Parallel()
	token := "auth-" + synthetic.RandomHex(16)
	base := serveFakeHTTP(t, token, 600, fake.ScenarioNone)
	env, stdout, _ := testEnv(map[string]string{envAuthToken: token})
	if code := run(context.Background(), env, []string{"live", "--base-url", base, "--budget", "2"}); code != exitcode.OK {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stdout.String(), "2 exchanges checked") {
		t.Errorf("--budget 2 did not limit the run: %s", stdout.String())
	}
}

// TestLiveRecordFailureIsAnError: a recording that cannot be written makes
// the run exit 2, and the report is still printed.
func TestLiveRecordFailureIsAnError(t *testing.T) {
	t.Parallel()
	token := "auth-" + synthetic.RandomHex(16)
	base := serveFakeHTTP(t, token, 3, fake.ScenarioNone)
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	env, stdout, stderr := testEnv(map[string]string{envAuthToken: token})
	code := run(context.Background(), env, []string{"live", "--base-url", base, "--record", file})
	if code != exitcode.Usage {
		t.Errorf("exit %d, want %d", code, exitcode.Usage)
	}
	if !strings.Contains(stderr.String(), "--record "+file) || !strings.Contains(stdout.String(), "PASS") {
		t.Errorf("stderr %q; stdout %q", scrub(stderr.String(), map[string]string{"token": token}), stdout.String())
	}
}

// TestProbeErrorsFeedTheOverlay: the evidence loop of the error probes. A
// live --probe-errors --record run against a fake that answers a limit over
// the maximum with 422 is replayed by check --coverage --suggest-overlay:
// the overlay marks the confirmed assumed responses observed and removes the
// refuted 413; applied with spec --overlay, the recording re-checks clean
// against the patched spec. Against a fake that answers as the spec says,
// the overlay only confirms.
func TestProbeErrorsFeedTheOverlay(t *testing.T) {
	t.Parallel()
	for _, sc := range []fake.Scenario{fake.ScenarioNone, fake.ScenarioLimitOver422} {
		t.Run(sc.String(), func(t *testing.T) {
			t.Parallel()
			token := "auth-" + synthetic.RandomHex(16)
			base := serveFakeHTTP(t, token, 30, sc)
			dir := t.TempDir()
			recs := filepath.Join(dir, "recordings")
			env, _, stderr := testEnv(map[string]string{envAuthToken: token})
			run(context.Background(), env, []string{"live", "--base-url", base, "--probe-errors", "--format", "json", "--record", recs})
			files, _ := filepath.Glob(filepath.Join(recs, "live-*.yaml"))
			if len(files) != 1 {
				t.Fatalf("%d recordings: %s", len(files), scrub(stderr.String(), map[string]string{"token": token}))
			}
			ov := filepath.Join(dir, "suggested.yaml")
			code, _, errOut := runCLI(t, "check", "--coverage", "--suggest-overlay", ov, files[0])
			wantCode := 0
			if sc != fake.ScenarioNone {
				wantCode = 1
			}
			if code != wantCode {
				t.Fatalf("check --suggest-overlay: exit %d, want %d: %s", code, wantCode, errOut)
			}
			data, err := os.ReadFile(ov)
			if err != nil {
				t.Fatal(err)
			}
			doc := string(data)
			for _, comp := range []string{"Unauthorized", "UnprocessableEntity"} {
				if !strings.Contains(doc, "$.components.responses."+comp) {
					t.Errorf("the overlay does not mark %s observed:\n%s", comp, doc)
				}
			}
			refuted := strings.Contains(doc, "remove: true") && strings.Contains(doc, "Error probe limit-over-maximum") &&
				strings.Contains(doc, "answered 422, not the 413")
			confirmed413 := strings.Contains(doc, "$.components.responses.LimitTooLarge")
			if sc == fake.ScenarioNone && (refuted || !confirmed413) {
				t.Errorf("against the spec's answers the overlay removes or misses the 413:\n%s", doc)
			}
			if sc != fake.ScenarioNone && (!refuted || confirmed413) {
				t.Errorf("the overlay does not propose removing the refuted 413 (or confirms it):\n%s", doc)
			}
			patched := filepath.Join(dir, "patched.yaml")
			if code, _, errOut := runCLI(t, "spec", "--overlay", ov, "-o", patched); code != 0 {
				t.Fatalf("spec --overlay: exit %d: %s", code, errOut)
			}
			if code, stdout, errOut := runCLI(t, "check", "--spec", patched, files[0]); code != 0 {
				t.Errorf("the recording against the patched spec: exit %d\n%s\n%s", code, stdout, errOut)
			}
		})
	}
}

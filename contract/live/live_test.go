package live_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/live"
	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// checker is built once for every test: construction compiles the schemas.
var checker = sync.OnceValues(func() (*contract.Checker, error) { return contract.New() })

func newChecker(t *testing.T) *contract.Checker {
	t.Helper()
	c, err := checker()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// clock is a fake clock whose sleeps advance it and are recorded, so no test
// ever waits for real.
type clock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

// serveFake starts the fake with n tokens and the given scenario.
func serveFake(t *testing.T, token string, n int, sc fake.Scenario) *httptest.Server {
	t.Helper()
	s, err := fake.New(fake.Options{AuthToken: token, SeedTokens: n, Scenario: sc, RateLimit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

func runLive(t *testing.T, cfg live.Config) (*live.Outcome, *clock) {
	t.Helper()
	clk := newClock()
	if cfg.Now == nil {
		cfg.Now, cfg.Sleep = clk.Now, clk.Sleep
	}
	out, err := live.Probe(context.Background(), cfg, newChecker(t))
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	return out, clk
}

// queries lists the request queries of a run, in order.
func queries(out *live.Outcome) []string {
	var qs []string
	for _, ex := range out.Exchanges {
		_, q, _ := strings.Cut(ex.Request.URL, "?")
		qs = append(qs, q)
	}
	return qs
}

// ids lists "id/severity" of every finding of a run.
func ids(out *live.Outcome) []string {
	var s []string
	for _, r := range out.Results {
		for _, f := range r.Findings {
			s = append(s, f.ID+"/"+f.Severity.String())
		}
	}
	return s
}

func TestRunProbePlan(t *testing.T) {
	tests := []struct {
		name    string
		tokens  int
		budget  int
		want    []string
		stopped bool
	}{
		{"empty store", 0, 0, []string{"", "limit=250", "limit=250&offset=250"}, false},
		{"vendor example size", 25, 0, []string{"", "limit=250", "limit=250&offset=25"}, false},
		{"exactly one page", 250, 0, []string{"", "limit=250", "limit=250&offset=250"}, false},
		{"three pages", 600, 0, []string{"", "limit=250", "limit=250&offset=250", "limit=250&offset=500", "limit=250&offset=600"}, false},
		{"more pages than the budget", 5000, 0, []string{"", "limit=250", "limit=250&offset=250", "limit=250&offset=500",
			"limit=250&offset=750", "limit=250&offset=1000", "limit=250&offset=1250", "limit=250&offset=1500",
			"limit=250&offset=1750", "limit=250&offset=5000"}, true},
		{"budget 1", 600, 1, []string{""}, true},
		{"budget 2", 600, 2, []string{"", "limit=250"}, true},
		{"budget 3 keeps the last probe", 600, 3, []string{"", "limit=250", "limit=250&offset=600"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := synthetic.RandomHex(16)
			srv := serveFake(t, token, tt.tokens, fake.ScenarioNone)
			out, clk := runLive(t, live.Config{BaseURL: srv.URL, Token: token, Budget: tt.budget})
			if got := queries(out); !slices.Equal(got, tt.want) {
				t.Errorf("queries %q, want %q", got, tt.want)
			}
			if (out.Stopped != "") != tt.stopped {
				t.Errorf("Stopped = %q, want stopped=%v", out.Stopped, tt.stopped)
			}
			if len(out.Errors) > 0 {
				t.Errorf("errors: %v", out.Errors)
			}
			if f := ids(out); len(f) > 0 {
				t.Errorf("a clean fake gave findings %v", f)
			}
			if len(out.Results) != len(out.Exchanges) {
				t.Errorf("%d results for %d exchanges", len(out.Results), len(out.Exchanges))
			}
			if s := clk.Sleeps(); len(s) > 0 {
				t.Errorf("slept %v with 1000 requests left", s)
			}
		})
	}
}

// TestRunRequests checks exactly what a live run sends.
func TestRunRequests(t *testing.T) {
	token := synthetic.RandomHex(16)
	var mu sync.Mutex
	var seen []*http.Request
	s, err := fake.New(fake.Options{AuthToken: token, SeedTokens: 3})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Clone(context.Background()))
		mu.Unlock()
		s.ServeHTTP(w, r)
	}))
	defer srv.Close()
	out, _ := runLive(t, live.Config{BaseURL: srv.URL + "/api/io/", Token: token})
	if len(seen) != 3 || len(out.Exchanges) != 3 {
		t.Fatalf("%d requests seen, %d exchanges; want 3", len(seen), len(out.Exchanges))
	}
	for i, r := range seen {
		if r.Method != http.MethodGet || r.URL.Path != "/api/io/backend/tokens" {
			t.Errorf("request %d: %s %s", i, r.Method, r.URL.Path)
		}
		if r.Header.Get("authToken") != token {
			t.Errorf("request %d: authToken header not sent", i)
		}
		if r.Header.Get("Accept") != "application/json" || !strings.HasPrefix(r.Header.Get("User-Agent"), "tokens-contract/") {
			t.Errorf("request %d: Accept %q, User-Agent %q", i, r.Header.Get("Accept"), r.Header.Get("User-Agent"))
		}
		for _, h := range []string{"X-Store-Hash", "X-Auth-Token", "Authorization", "Cookie"} {
			if r.Header.Get(h) != "" {
				t.Errorf("request %d sent %s", i, h)
			}
		}
		// No Accept-Encoding of ours: Go's transport asks for gzip and
		// decompresses before anything reads the body.
		if ae := r.Header.Get("Accept-Encoding"); ae != "" && ae != "gzip" {
			t.Errorf("request %d: Accept-Encoding %q", i, ae)
		}
	}
	want := []string{"live GET /api/io/backend/tokens", "live GET /api/io/backend/tokens?limit=250", "live GET /api/io/backend/tokens?limit=250&offset=3"}
	for i, ex := range out.Exchanges {
		if ex.Source != want[i] {
			t.Errorf("exchange %d source %q, want %q", i, ex.Source, want[i])
		}
	}
}

// TestRunFindsDrift runs live against the fake's drift scenarios: each gives
// its finding, and a retired endpoint ends the walk at once.
func TestRunFindsDrift(t *testing.T) {
	tests := []struct {
		sc       fake.Scenario
		id       string
		severity contract.Severity
		requests int
	}{
		{fake.ScenarioMaskedToken, contract.IDTokenNotJWT, contract.Breaking, 3},
		{fake.ScenarioFieldRemoved, contract.IDMissingField, contract.Breaking, 3},
		{fake.ScenarioTypeChanged, contract.IDTypeMismatch, contract.Breaking, 3},
		{fake.ScenarioEnumAdded, contract.IDEnumMismatch, contract.Breaking, 3},
		{fake.ScenarioNullField, contract.IDUnexpectedNull, contract.Breaking, 3},
		{fake.ScenarioUnknownField, contract.IDUnknownField, contract.Additive, 3},
		{fake.ScenarioSunset, contract.IDSunsetAnnounced, contract.Deprecation, 3},
		{fake.ScenarioEndpointGone, contract.IDEndpointGone, contract.Breaking, 1},
	}
	for _, tt := range tests {
		t.Run(tt.sc.String(), func(t *testing.T) {
			token := synthetic.RandomHex(16)
			srv := serveFake(t, token, 25, tt.sc)
			out, _ := runLive(t, live.Config{BaseURL: srv.URL, Token: token})
			if len(out.Exchanges) != tt.requests {
				t.Errorf("%d requests, want %d", len(out.Exchanges), tt.requests)
			}
			if want := tt.id + "/" + tt.severity.String(); !slices.Contains(ids(out), want) {
				t.Errorf("findings %v lack %s", ids(out), want)
			}
			if len(out.Errors) > 0 {
				t.Errorf("errors: %v", out.Errors)
			}
		})
	}
}

// stub is a test server answering from a list of canned responses, one per
// request, and recording what it got.
type stub struct {
	t         *testing.T
	responses []func(w http.ResponseWriter, r *http.Request)
	mu        sync.Mutex
	requests  int
}

func (s *stub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	i := s.requests
	s.requests++
	s.mu.Unlock()
	if i >= len(s.responses) {
		s.t.Errorf("request %d beyond the %d planned", i+1, len(s.responses))
		http.Error(w, "unplanned", http.StatusTeapot)
		return
	}
	s.responses[i](w, r)
}

func serveStub(t *testing.T, responses ...func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, *stub) {
	t.Helper()
	s := &stub{t: t, responses: responses}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, s
}

// listPage answers a conforming page of n synthetic tokens for the request's
// limit and offset, with the given extra headers.
func listPage(total int, hdr ...string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		limit, offset := 10, 0
		fmt.Sscan(r.URL.Query().Get("limit"), &limit)
		fmt.Sscan(r.URL.Query().Get("offset"), &offset)
		var items []string
		for i := offset; i < min(total, offset+limit); i++ {
			email := fmt.Sprintf("user-%d@example.com", i+1)
			items = append(items, fmt.Sprintf(`{"id":%d,"name":"t","email":%q,"storeHash":"abc123","token":%q,"eventChannel":"app"}`,
				i+1, email, synthetic.NewJWT(synthetic.Claims{Email: email, StoreHash: "abc123"})))
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"code":200,"data":[%s],"meta":{"message":"SUCCESS","pagination":{"totalCount":%d,"offset":%d,"limit":%d}}}`,
			strings.Join(items, ","), total, offset, limit)
	}
}

func tooMany(hdr ...string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"code":429,"data":{"errMsg":"Too many requests."},"meta":{"message":"Too Many Requests"}}`)
	}
}

func TestRunRateLimit(t *testing.T) {
	s := time.Second
	tests := []struct {
		name      string
		responses []func(w http.ResponseWriter, r *http.Request)
		cfg       live.Config
		sleeps    []time.Duration
		queries   int
		limited   bool
	}{
		{"429 then success: waits Retry-After and repeats the probe",
			[]func(http.ResponseWriter, *http.Request){listPage(5), tooMany("Retry-After", "7"), listPage(5), listPage(5)},
			live.Config{}, []time.Duration{7 * s}, 4, false},
		{"a huge Retry-After is clamped to MaxWait",
			[]func(http.ResponseWriter, *http.Request){tooMany("Retry-After", "86400"), listPage(5), listPage(5), listPage(5)},
			live.Config{MaxWait: 20 * s}, []time.Duration{20 * s}, 4, false},
		{"Retry-After 0 is raised to MinRetryWait",
			[]func(http.ResponseWriter, *http.Request){tooMany("Retry-After", "0"), listPage(5), listPage(5), listPage(5)},
			live.Config{}, []time.Duration{s}, 4, false},
		{"no header: backs off 1s, 2s; the third 429 stops the run",
			[]func(http.ResponseWriter, *http.Request){tooMany(), tooMany(), tooMany()},
			live.Config{}, []time.Duration{s, 2 * s}, 3, true},
		{"platform headers: X-Rate-Limit-Time-Reset-Ms",
			[]func(http.ResponseWriter, *http.Request){listPage(5), tooMany("X-Rate-Limit-Time-Reset-Ms", "4500"), listPage(5), listPage(5)},
			live.Config{}, []time.Duration{4500 * time.Millisecond}, 4, false},
		{"Max429 1 stops at the first",
			[]func(http.ResponseWriter, *http.Request){listPage(5), tooMany("Retry-After", "1")},
			live.Config{Max429: 1}, nil, 2, true},
		{"few requests left: waits for the window to reset, not after the last request",
			[]func(http.ResponseWriter, *http.Request){
				listPage(5, "X-Requests-Remaining", "2 times", "X-Request-Window-Resets-After", "7.5 s"),
				listPage(5, "X-Requests-Remaining", "140 times"),
				listPage(5, "X-Requests-Remaining", "0 times", "X-Request-Window-Resets-After", "30 s")},
			live.Config{}, []time.Duration{7500 * time.Millisecond}, 3, false},
		{"few left, platform headers, reset clamped",
			[]func(http.ResponseWriter, *http.Request){
				listPage(5, "X-Rate-Limit-Requests-Left", "1", "X-Rate-Limit-Time-Reset-Ms", "300000"),
				listPage(5), listPage(5)},
			live.Config{MaxWait: 45 * s}, []time.Duration{45 * s}, 3, false},
		{"retries count against the budget",
			[]func(http.ResponseWriter, *http.Request){listPage(5), tooMany("Retry-After", "2"), tooMany("Retry-After", "2")},
			live.Config{Budget: 3, Max429: 5}, []time.Duration{2 * s}, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, st := serveStub(t, tt.responses...)
			cfg := tt.cfg
			cfg.BaseURL, cfg.Token = srv.URL, synthetic.RandomHex(16)
			out, clk := runLive(t, cfg)
			if got := clk.Sleeps(); !slices.Equal(got, tt.sleeps) {
				t.Errorf("slept %v, want %v", got, tt.sleeps)
			}
			if st.requests != tt.queries || len(out.Exchanges) != tt.queries {
				t.Errorf("%d requests (%d exchanges), want %d", st.requests, len(out.Exchanges), tt.queries)
			}
			limited := slices.Contains(ids(out), contract.IDRateLimited+"/breaking")
			if limited != tt.limited {
				t.Errorf("rate-limited finding: %v, want %v (findings %v)", limited, tt.limited, ids(out))
			}
			if limited {
				last := out.Results[len(out.Results)-1]
				if last.Findings[0].ID != contract.IDRateLimited || last.Findings[0].Path != "status" || last.Findings[0].Source != last.Source {
					t.Errorf("the rate-limited finding is not the last 429's first finding: %+v", last.Findings)
				}
				if out.Stopped == "" {
					t.Error("rate limited but Stopped is empty")
				}
			}
		})
	}
}

func TestRunInterruptedWhileWaiting(t *testing.T) {
	srv, _ := serveStub(t, tooMany("Retry-After", "30"))
	ctx, cancel := context.WithCancel(context.Background())
	cfg := live.Config{BaseURL: srv.URL, Token: synthetic.RandomHex(16),
		Sleep: func(context.Context, time.Duration) error { cancel(); return context.Canceled }}
	out, err := live.Probe(ctx, cfg, newChecker(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) != 1 || !strings.Contains(out.Errors[0].Error(), "interrupted") || !errors.Is(out.Errors[0], live.ErrInterrupted) {
		t.Errorf("errors %v, want one saying interrupted (ErrInterrupted)", out.Errors)
	}
}

// TestRunNeverFollowsRedirects: a redirect to another host would carry the
// authToken header there; the live client returns the 3xx instead.
func TestRunNeverFollowsRedirects(t *testing.T) {
	var other int
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other++ }))
	defer elsewhere.Close()
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		srv, _ := serveStub(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL+"/backend/tokens", status)
		})
		out, _ := runLive(t, live.Config{BaseURL: srv.URL, Token: synthetic.RandomHex(16)})
		if len(out.Exchanges) != 1 || out.Exchanges[0].Response.Status != status {
			t.Fatalf("%d: want one exchange with the redirect itself", status)
		}
		if !slices.Contains(ids(out), contract.IDUndocumentedStatus+"/breaking") {
			t.Errorf("%d: findings %v lack undocumented-status", status, ids(out))
		}
	}
	if other != 0 {
		t.Errorf("the other host got %d requests", other)
	}
}

func TestRunRejectedToken(t *testing.T) {
	token := synthetic.RandomHex(16)
	srv := serveFake(t, token, 5, fake.ScenarioNone)
	wrong := "wrong-" + synthetic.RandomHex(16)
	out, _ := runLive(t, live.Config{BaseURL: srv.URL, Token: wrong})
	if len(out.Exchanges) != 1 || len(out.Errors) != 1 {
		t.Fatalf("%d exchanges, errors %v; want 1 and 1", len(out.Exchanges), out.Errors)
	}
	msg := out.Errors[0].Error()
	if !strings.Contains(msg, "401") || strings.Contains(msg, wrong) {
		t.Errorf("the error should name the status and not the token")
	}
	if !errors.Is(out.Errors[0], live.ErrTokenRejected) || errors.Is(out.Errors[0], live.ErrNoResponse) {
		t.Errorf("a rejected token is not named as one: %v", out.Errors[0])
	}
	if !slices.Contains(ids(out), contract.IDCredentialsRejected+"/info") {
		t.Errorf("findings %v lack credentials-rejected", ids(out))
	}
}

func TestRunTransportError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // nothing listens there now
	token := synthetic.RandomHex(16)
	out, _ := runLive(t, live.Config{BaseURL: base, Token: token})
	if len(out.Exchanges) != 0 || len(out.Errors) != 1 {
		t.Fatalf("%d exchanges, %d errors; want 0 and 1", len(out.Exchanges), len(out.Errors))
	}
	if msg := out.Errors[0].Error(); !strings.HasPrefix(msg, "live GET /backend/tokens: no response: ") || strings.Contains(msg, token) {
		t.Errorf("error %q: want the source first, what happened, and no token", msg)
	}
	if !errors.Is(out.Errors[0], live.ErrNoResponse) || errors.Is(out.Errors[0], live.ErrTokenRejected) {
		t.Errorf("a request that could not connect is not ErrNoResponse: %v", out.Errors[0])
	}
}

func TestRunForbiddenIsARejectedToken(t *testing.T) {
	srv, _ := serveStub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"code":403,"data":{},"meta":{"message":"Forbidden"}}`))
	})
	out, _ := runLive(t, live.Config{BaseURL: srv.URL, Token: synthetic.RandomHex(16)})
	if len(out.Errors) != 1 || !errors.Is(out.Errors[0], live.ErrTokenRejected) || !strings.Contains(out.Errors[0].Error(), "403") {
		t.Errorf("errors %v, want one ErrTokenRejected naming 403", out.Errors)
	}
}

func TestRunServerErrorStopsTheWalk(t *testing.T) {
	srv, _ := serveStub(t, listPage(600), func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"code":503,"data":{"errMsg":"maintenance"},"meta":{"message":"Service Unavailable"}}`)
	})
	out, _ := runLive(t, live.Config{BaseURL: srv.URL, Token: synthetic.RandomHex(16)})
	if len(out.Exchanges) != 2 || !strings.Contains(out.Stopped, "503") || len(out.Errors) != 0 {
		t.Errorf("%d exchanges, stopped %q, errors %v; want 2, a 503 stop and no error", len(out.Exchanges), out.Stopped, out.Errors)
	}
}

// TestRunDecodesBodies: with Go's transparent gzip, and with a body the
// server compressed unasked (the transport then leaves it), the checker
// sees JSON.
func TestRunDecodesBodies(t *testing.T) {
	gzipped := func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		listPage(5)(rec, r)
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(rec.Body.Bytes())
		zw.Close()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(buf.Bytes())
	}
	for _, disable := range []bool{false, true} {
		srv, _ := serveStub(t, gzipped, gzipped, gzipped)
		client := &http.Client{Transport: &http.Transport{DisableCompression: disable}}
		out, _ := runLive(t, live.Config{BaseURL: srv.URL, Token: synthetic.RandomHex(16), HTTPClient: client})
		if f := ids(out); len(f) > 0 || len(out.Exchanges) != 3 {
			t.Errorf("DisableCompression=%v: %d exchanges, findings %v", disable, len(out.Exchanges), f)
		}
		for _, ex := range out.Exchanges {
			if ex.Response.Header.Get("Content-Encoding") != "" || !bytes.HasPrefix(ex.Response.Body, []byte(`{"code":200`)) {
				t.Errorf("DisableCompression=%v: the body was not decoded", disable)
			}
		}
	}
}

func TestRunTruncatedBody(t *testing.T) {
	short := func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		listPage(5)(rec, r)
		body := rec.Body.Bytes()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body[:len(body)/2]) // the handler returns; the server cuts the connection
	}
	srv, _ := serveStub(t, short)
	out, _ := runLive(t, live.Config{BaseURL: srv.URL, Token: synthetic.RandomHex(16), Budget: 1})
	if len(out.Exchanges) != 1 || !out.Exchanges[0].Response.Truncated {
		t.Fatalf("want one truncated exchange")
	}
	if !slices.Contains(ids(out), contract.IDBodyTruncated+"/breaking") {
		t.Errorf("findings %v lack body-truncated", ids(out))
	}

	huge := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(bytes.Repeat([]byte(" "), 5000))
	}
	srv, _ = serveStub(t, huge)
	c, err := contract.New(contract.WithMaxBody(1000))
	if err != nil {
		t.Fatal(err)
	}
	o2, err := live.Probe(context.Background(), live.Config{BaseURL: srv.URL, Token: synthetic.RandomHex(16), Budget: 1, MaxBody: 1000}, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(o2.Exchanges[0].Response.Body) != 1001 || !slices.Contains(ids(o2), contract.IDBodyTooLarge+"/breaking") {
		t.Errorf("read %d bytes, findings %v; want 1001 and body-too-large", len(o2.Exchanges[0].Response.Body), ids(o2))
	}
}

func TestRunConfigErrors(t *testing.T) {
	c := newChecker(t)
	tok := synthetic.RandomHex(8)
	for _, tt := range []struct {
		name string
		cfg  live.Config
		want string
	}{
		{"no token", live.Config{BaseURL: "https://example.com"}, "Token"},
		{"bad base URL", live.Config{BaseURL: "http://example.com", Token: tok}, "plain http"},
		{"budget too big", live.Config{BaseURL: "https://example.com", Token: tok, Budget: 101}, "budget"},
		{"negative budget", live.Config{BaseURL: "https://example.com", Token: tok, Budget: -1}, "budget"},
		{"negative timeout", live.Config{BaseURL: "https://example.com", Token: tok, Timeout: -time.Second}, "Timeout"},
		{"min over max wait", live.Config{BaseURL: "https://example.com", Token: tok, MinRetryWait: time.Hour}, "MinRetryWait"},
		{"negative Max429", live.Config{BaseURL: "https://example.com", Token: tok, Max429: -1}, "Max429"},
	} {
		_, err := live.Probe(context.Background(), tt.cfg, c)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tt.name, err, tt.want)
		}
	}
	if _, err := live.Probe(context.Background(), live.Config{BaseURL: "https://example.com", Token: tok}, nil); err == nil {
		t.Error("a nil checker was accepted")
	}
}

func TestParseBaseURL(t *testing.T) {
	secret := synthetic.RandomHex(8)
	tests := []struct {
		in, want, err string
	}{
		{"https://api-b2b.bigcommerce.com/api/io", "https://api-b2b.bigcommerce.com/api/io", ""},
		{"https://api-b2b.bigcommerce.com/api/io/", "https://api-b2b.bigcommerce.com/api/io", ""},
		{"HTTPS://example.com", "https://example.com", ""},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080", ""},
		{"http://127.1.2.3:8080/", "http://127.1.2.3:8080", ""},
		{"http://[::1]:9000", "http://[::1]:9000", ""},
		{"http://localhost:9000/api/io", "http://localhost:9000/api/io", ""},
		{"http://example.com", "", "plain http"},
		{"http://10.0.0.1:8080", "", "plain http"},
		{"http://localhost.evil.example", "", "plain http"},
		{"https://user:" + secret + "@example.com", "", "user information"},
		{"https://example.com/?limit=1", "", "query"},
		{"https://example.com/?", "", "query"},
		{"https://example.com/#x", "", "fragment"},
		{"ftp://example.com", "", "scheme"},
		{"example.com/api", "", "not absolute"},
		{"https://", "", "not absolute"},
		{"://bad", "", "not a valid URL"},
	}
	for _, tt := range tests {
		u, err := live.ParseBaseURL(tt.in)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseBaseURL(%q): error %v, want one mentioning %q", tt.in, err, tt.err)
			} else if strings.Contains(err.Error(), secret) {
				t.Errorf("ParseBaseURL: the error repeats the URL's password")
			}
		case err != nil:
			t.Errorf("ParseBaseURL(%q): %v", tt.in, err)
		case u.String() != tt.want:
			t.Errorf("ParseBaseURL(%q) = %q, want %q", tt.in, u, tt.want)
		}
	}
}

func TestDefaultBaseURL(t *testing.T) {
	u, err := live.DefaultBaseURL()
	if err != nil || u != "https://api-b2b.bigcommerce.com/api/io" {
		t.Errorf("DefaultBaseURL() = %q, %v", u, err)
	}
	if _, err := live.ParseBaseURL(u); err != nil {
		t.Errorf("the spec's server URL is refused: %v", err)
	}
}

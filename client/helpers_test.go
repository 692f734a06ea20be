package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// fakeClock replaces the client's clock and sleep, so that no test waits for
// real: a sleep records the wait and moves the clock on.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now()} }

func (f *fakeClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sleeps = append(f.sleeps, d)
	f.t = f.t.Add(d)
	return nil
}

func (f *fakeClock) waits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

// withClock is a test-only option: it installs a fake clock.
func withClock(f *fakeClock) Option {
	return func(c *Client) error {
		c.now, c.sleep = f.now, f.sleep
		return nil
	}
}

// logBuffer is a goroutine-safe buffer for a test logger.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// harness is a client wired to an httptest server, with a synthetic auth
// token, a fake clock and a captured log.
type harness struct {
	srv       *httptest.Server
	client    *Client
	clock     *fakeClock
	log       *logBuffer
	authToken string
	requests  atomic.Int64
}

func newHarness(t testing.TB, h http.HandlerFunc, opts ...Option) *harness {
	t.Helper()
	hs := &harness{clock: newFakeClock(), log: &logBuffer{}, authToken: synthetic.Token(synthetic.Email(), "store"+synthetic.RandomHex(3))}
	hs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hs.requests.Add(1)
		h(w, r)
	}))
	t.Cleanup(hs.srv.Close)
	base := []Option{
		WithBaseURL(hs.srv.URL),
		WithAuthToken(hs.authToken),
		WithHTTPClient(hs.srv.Client()),
		WithLogger(slog.New(slog.NewJSONHandler(hs.log, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		withClock(hs.clock),
	}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	hs.client = c
	return hs
}

// assertClean fails if text contains any of the secrets. It never prints
// the text or the secret.
func assertClean(t testing.TB, where, text string, secrets ...string) {
	t.Helper()
	for i, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s contains secret #%d", where, i)
		}
	}
	if strings.Contains(text, "eyJ") {
		t.Errorf("%s contains a JWT-shaped string", where)
	}
}

// scrub makes a value safe for a failure message, for the tests whose
// responses carry secrets: it removes the given secrets, JWT-shaped strings
// and emails, with patterns independent of the client's own redaction.
func scrub(v any, secrets ...string) string {
	s := fmt.Sprint(v)
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "<secret>")
		}
	}
	s = scrubJWT.ReplaceAllString(s, "<jwt>")
	return scrubEmail.ReplaceAllString(s, "<email>")
}

var (
	scrubJWT   = regexp.MustCompile(`eyJ[\w.\-]*`)
	scrubEmail = regexp.MustCompile(`[\w.+\-]+@[\w.\-]+`)
)

// testStore is a fake list endpoint over n synthetic tokens with ids 1..n.
type testStore struct {
	mu     sync.Mutex
	tokens []tokensapi.Token
	// mutate, if set, runs before each list request is answered (with the
	// store locked), to simulate tokens added or deleted between pages.
	mutate func(call int, s *testStore)
	calls  int
	// noTotal drops meta.pagination.totalCount; zeroTotal reports 0.
	noTotal, zeroTotal bool
	// pageCap caps the page size the server returns, whatever the limit.
	pageCap int
	// ignoreOffset serves every request from offset 0.
	ignoreOffset bool
	// latency is slept before answering.
	latency time.Duration
}

func newTestStore(n int) *testStore {
	s := &testStore{}
	for i := 1; i <= n; i++ {
		s.tokens = append(s.tokens, fakeToken(i))
	}
	return s
}

func fakeToken(id int) tokensapi.Token {
	email := synthetic.Email()
	return tokensapi.Token{
		ID: id, Name: "token " + strconv.Itoa(id), Email: email, StoreHash: "abc123",
		Token: synthetic.Token(email, "abc123"), EventChannel: tokensapi.EventChannelAPI,
	}
}

func (s *testStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.latency > 0 {
		time.Sleep(s.latency)
	}
	if r.Method != http.MethodGet || r.URL.Path != "/backend/tokens" {
		writeJSON(w, http.StatusNotFound, `{"code":404,"data":{},"meta":{"message":"Not Found"}}`)
		return
	}
	q := r.URL.Query()
	limit, offset := 10, 0
	if v := q.Get("limit"); v != "" {
		limit, _ = strconv.Atoi(v)
	}
	if v := q.Get("offset"); v != "" {
		offset, _ = strconv.Atoi(v)
	}
	s.mu.Lock()
	s.calls++
	if s.mutate != nil {
		s.mutate(s.calls, s)
	}
	size := limit
	if s.pageCap > 0 && size > s.pageCap {
		size = s.pageCap
	}
	if s.ignoreOffset {
		offset = 0
	}
	lo, hi := min(offset, len(s.tokens)), min(offset+size, len(s.tokens))
	page := tokensapi.TokenList{Code: 200, Data: append([]tokensapi.Token{}, s.tokens[lo:hi]...)}
	page.Meta.Message = "SUCCESS"
	page.Meta.Pagination = tokensapi.Pagination{TotalCount: len(s.tokens), Offset: offset, Limit: size}
	if s.zeroTotal {
		page.Meta.Pagination.TotalCount = 0
	}
	s.mu.Unlock()

	body, _ := json.Marshal(page)
	if s.noTotal {
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		delete(m["meta"].(map[string]any)["pagination"].(map[string]any), "totalCount")
		body, _ = json.Marshal(m)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req-"+strconv.Itoa(offset))
	w.Header().Set("X-Requests-Remaining", "147 times")
	_, _ = w.Write(body)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// dropConn hijacks the request's connection, optionally writes raw bytes,
// and closes it: with an RST (SO_LINGER 0) if rst, else with a FIN.
func dropConn(t testing.TB, w http.ResponseWriter, raw string, rst bool) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if raw != "" {
		_, _ = buf.WriteString(raw)
		_ = buf.Flush()
	}
	if tc, ok := conn.(*net.TCPConn); ok && rst {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func ids(ts []Token) []int {
	out := make([]int, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

func seq(lo, hi int) []int {
	var out []int
	for i := lo; i <= hi; i++ {
		out = append(out, i)
	}
	return out
}

// countRequests counts the requests that reach h.
func countRequests(n *atomic.Int64, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h.ServeHTTP(w, r)
	})
}

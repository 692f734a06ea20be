package watch

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/racedetect"
)

// ids lists the finding ids of results, sorted, one entry per finding.
func ids(rs []contract.Result) []string {
	var out []string
	for _, r := range rs {
		for _, f := range r.Findings {
			out = append(out, f.ID)
		}
	}
	slices.Sort(out)
	return out
}

// TestSameFindingsAsCheckOnTheFakesScenarios is the proof that the
// Transport and `tokens-contract check` agree: for every drift scenario of
// the fake, the exchanges a service makes through the Transport (sample rate
// 1, page window on) yield the same finding ids as the Checker gives a
// recording of the same exchanges, cross-page invariants included.
func TestSameFindingsAsCheckOnTheFakesScenarios(t *testing.T) {
	scenarios := append([]fake.Scenario{fake.ScenarioNone}, fake.Scenarios()...)
	for _, sc := range scenarios {
		name := string(sc)
		if name == "" {
			name = "none"
		}
		t.Run(name, func(t *testing.T) {
			base, auth := fakeServer(t, sc, 30)
			rec := &recorder{base: http.DefaultTransport}
			w, _, got := newWatch(t, rec, WithSampleRate(1), WithPageWindow(time.Hour))
			for _, q := range []string{"?limit=10", "?limit=10&offset=10", "?limit=10&offset=20", "?limit=250", ""} {
				get(t, w, base+"/backend/tokens"+q, auth)
			}
			// Delete of an id that does not exist: a documented 404.
			req, _ := http.NewRequest(http.MethodDelete, base+"/auth/backend", strings.NewReader(`{"id": 999999}`))
			req.Header.Set("authToken", auth)
			req.Header.Set("Content-Type", "application/json")
			resp, err := w.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			w.Close()

			want := checker(t).CheckSequence(context.Background(), rec.exs)
			if len(got.get()) != len(want) {
				t.Fatalf("the transport checked %d exchanges; the recording holds %d", len(got.get()), len(want))
			}
			if g, w := ids(got.get()), ids(want); !slices.Equal(g, w) {
				t.Errorf("finding ids differ\ntransport: %v\ncheck:     %v", g, w)
			}
			// A service's traffic sends no error probe, so the probe
			// scenarios (package live's tests) show nothing here.
			probeOnly := sc == fake.ScenarioLimitOver422 || sc == fake.ScenarioBadTokenAccepted
			if sc != fake.ScenarioNone && !probeOnly && len(ids(want)) == 0 {
				t.Errorf("scenario %s produced no findings at all; the comparison proves nothing", sc)
			}
			if sc == fake.ScenarioNone && len(ids(want)) != 0 {
				t.Errorf("the fake without drift produced findings: %v", ids(want))
			}
		})
	}
}

// TestSampling pins which exchanges are checked at sample rate 0: the first of
// each kind, a new key shape, every retirement signal and every non-2xx
// status, and no repeat.
func TestSampling(t *testing.T) {
	page := func(extra string) string {
		return `{"code":200,"data":[{"id":1,"name":"a"` + extra + `}],"meta":{"pagination":{"limit":10,"offset":0,"totalCount":1},"message":"SUCCESS"}}`
	}
	type resp struct {
		status int
		header http.Header
		body   string
	}
	json := http.Header{"Content-Type": {"application/json"}}
	with := func(k, v string) http.Header { h := json.Clone(); h.Set(k, v); return h }
	steps := []struct {
		name    string
		resp    resp
		checked bool
		reason  reason
	}{
		{"first of its kind", resp{200, json, page("")}, true, reasonKind},
		{"same shape again", resp{200, json, page("")}, false, ""},
		{"same shape, other values", resp{200, json, strings.Replace(page(""), `"a"`, `"b"`, 1)}, false, ""},
		{"a new member", resp{200, json, page(`,"lastUsedAt":"x"`)}, true, reasonKind},
		{"a member changes type", resp{200, json, strings.Replace(page(""), `"id":1`, `"id":"1"`, 1)}, true, reasonKind},
		{"a member turns null", resp{200, json, strings.Replace(page(""), `"a"`, `null`, 1)}, true, reasonKind},
		{"Deprecation header", resp{200, with("Deprecation", "@1767225600"), page("")}, true, reasonSignal},
		{"Sunset header", resp{200, with("Sunset", "Wed, 01 Jul 2026 00:00:00 GMT"), page("")}, true, reasonSignal},
		{"Link deprecation", resp{200, with("Link", `<https://example.com/d>; rel="deprecation"`), page("")}, true, reasonSignal},
		{"410 Gone", resp{410, http.Header{"Content-Type": {"text/html"}}, "<html>gone</html>"}, true, reasonSignal},
		{"410 Gone again", resp{410, http.Header{"Content-Type": {"text/html"}}, "<html>gone</html>"}, true, reasonSignal},
	}
	var cur resp
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: cur.status, Header: cur.header.Clone(), Body: io.NopCloser(strings.NewReader(cur.body)), Request: r}, nil
	})
	w, reader, got := newWatch(t, base, WithSampleRate(0))
	before := 0
	for i, s := range steps {
		cur = s.resp
		req, _ := http.NewRequest(http.MethodGet, "https://api.test/api/io/backend/tokens", nil)
		resp, err := w.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		waitFor(t, func() bool { return w.processed.Load() == int64(i+1) })
		n := len(got.get())
		if checked := n > before; checked != s.checked {
			t.Errorf("%s: checked=%v, want %v", s.name, checked, s.checked)
		}
		before = n
	}
	w.Close()
	for _, r := range []reason{reasonKind, reasonSignal} {
		want := 0
		for _, s := range steps {
			if s.reason == r {
				want++
			}
		}
		if n := counter(t, reader, "tokens_contract.exchanges.sampled", map[string]string{"reason": string(r)}); n != int64(want) {
			t.Errorf("sampled{reason=%s} = %d, want %d", r, n, want)
		}
	}
	if n := counter(t, reader, "tokens_contract.exchanges.seen", nil); n != int64(len(steps)) {
		t.Errorf("seen = %d, want %d", n, len(steps))
	}
	if n := counter(t, reader, "tokens_contract.findings", map[string]string{"id": contract.IDEndpointGone, "severity": "breaking", "operation": "get-backend-tokens"}); n != 2 {
		t.Errorf("findings{id=endpoint-gone} = %d, want 2", n)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestUnreadBodyIsCheckedWithoutIt: a caller that closes the body early gets
// the status and headers checked, and nothing said about the body.
func TestUnreadBodyIsCheckedWithoutIt(t *testing.T) {
	base, auth := fakeServer(t, fake.ScenarioUnknownField, 30)
	w, _, got := newWatch(t, http.DefaultTransport, WithSampleRate(1))
	req, _ := http.NewRequest(http.MethodGet, base+"/backend/tokens?limit=250", nil)
	req.Header.Set("authToken", auth)
	resp, err := w.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	w.Close()
	rs := got.get()
	if len(rs) != 1 || rs[0].Skipped {
		t.Fatalf("got %d results (%+v), want one checked exchange", len(rs), rs)
	}
	if len(rs[0].Findings) != 0 {
		t.Errorf("an unread body got findings %v; want none (unknown-field is in the body the caller did not read)", ids(rs))
	}
}

// TestBodyOverCapIsCheckedWithoutIt: a body over WithMaxBody is not kept.
func TestBodyOverCapIsCheckedWithoutIt(t *testing.T) {
	base, auth := fakeServer(t, fake.ScenarioUnknownField, 30)
	w, _, got := newWatch(t, http.DefaultTransport, WithSampleRate(1), WithMaxBody(64))
	_, body := get(t, w, base+"/backend/tokens?limit=250", auth)
	w.Close()
	if len(body) <= 64 {
		t.Fatalf("the body is %d bytes; the test needs one over the cap", len(body))
	}
	rs := got.get()
	if len(rs) != 1 || len(rs[0].Findings) != 0 {
		t.Fatalf("got %+v, want one result without findings", rs)
	}
}

// TestPanicInCheckIsRecoveredAndCounted: the caller never sees a panic.
func TestPanicInCheckIsRecoveredAndCounted(t *testing.T) {
	base, auth := fakeServer(t, fake.ScenarioNone, 5)
	w, reader, _ := newWatch(t, http.DefaultTransport, WithSampleRate(1))
	w.check = func(*contract.Exchange) contract.Result { panic("boom") }
	for range 3 {
		resp, body := get(t, w, base+"/backend/tokens", auth)
		if resp.StatusCode != 200 || len(body) == 0 {
			t.Fatalf("status %d, %d bytes", resp.StatusCode, len(body))
		}
	}
	w.Close()
	if n := counter(t, reader, "tokens_contract.check.panics", nil); n != 3 {
		t.Errorf("panics = %d, want 3", n)
	}
}

// TestFullQueueDropsAndCounts: with the worker busy and the queue full,
// exchanges are dropped, counted, and the caller does not wait.
func TestFullQueueDropsAndCounts(t *testing.T) {
	base, auth := fakeServer(t, fake.ScenarioNone, 5)
	w, reader, _ := newWatch(t, http.DefaultTransport, WithSampleRate(1), WithQueueSize(1), WithWorkers(1))
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	w.check = func(ex *contract.Exchange) contract.Result {
		started <- struct{}{}
		<-release
		return contract.Result{Source: ex.Source, Operation: "get-backend-tokens"}
	}
	get(t, w, base+"/backend/tokens", auth)
	<-started // the worker holds the first
	for range 5 {
		get(t, w, base+"/backend/tokens", auth) // one fits the queue, four drop
	}
	if n := counter(t, reader, "tokens_contract.exchanges.dropped", map[string]string{"reason": "queue-full"}); n != 4 {
		t.Errorf("dropped{queue-full} = %d, want 4", n)
	}
	close(release)
	w.Close()
	if n := counter(t, reader, "tokens_contract.exchanges.checked", nil); n != 2 {
		t.Errorf("checked = %d, want 2", n)
	}
	// After Close, exchanges are dropped as closed.
	get(t, w, base+"/backend/tokens", auth)
	if n := counter(t, reader, "tokens_contract.exchanges.dropped", map[string]string{"reason": "closed"}); n != 1 {
		t.Errorf("dropped{closed} = %d, want 1", n)
	}
}

// TestConcurrentUse runs many callers through one Transport under -race, and
// Close with bodies still open.
func TestConcurrentUse(t *testing.T) {
	base, auth := fakeServer(t, fake.ScenarioTypeChanged, 60)
	w, reader, _ := newWatch(t, http.DefaultTransport, WithSampleRate(0.5), WithWorkers(2), WithQueueSize(4), WithPageWindow(time.Second))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				get(t, w, fmt.Sprintf("%s/backend/tokens?limit=%d&offset=%d", base, 5+g, i*3), auth)
			}
		}()
	}
	wg.Wait()
	w.Close()
	seen := counter(t, reader, "tokens_contract.exchanges.seen", nil)
	checked := counter(t, reader, "tokens_contract.exchanges.checked", nil)
	dropped := counter(t, reader, "tokens_contract.exchanges.dropped", nil)
	if seen != 80 || checked == 0 || checked+dropped > seen {
		t.Errorf("seen %d, checked %d, dropped %d: want 80 seen, some checked, checked+dropped <= seen", seen, checked, dropped)
	}
	if n := counter(t, reader, "tokens_contract.findings", map[string]string{"id": contract.IDTypeMismatch}); n == 0 {
		t.Error("no type-mismatch finding under the type-changed scenario")
	}
}

func TestOptionsRejectBadValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  Option
		want string
	}{
		{"rate over 1", WithSampleRate(1.5), "WithSampleRate"},
		{"rate NaN", WithSampleRate(nan()), "WithSampleRate"},
		{"no workers", WithWorkers(0), "WithWorkers"},
		{"no queue", WithQueueSize(0), "WithQueueSize"},
		{"no body", WithMaxBody(0), "WithMaxBody"},
		{"zero interval", WithLogInterval(0), "WithLogInterval"},
		{"negative window", WithPageWindow(-time.Second), "WithPageWindow"},
		{"nil sink", WithSink(nil), "WithSink"},
		{"nil checker", WithChecker(nil), "WithChecker"},
		{"nil provider", WithMeterProvider(nil), "WithMeterProvider"},
		{"nil baseline", WithBaseline(nil), "WithBaseline"},
		{"nil exchange sink", WithExchangeSink(nil), "WithExchangeSink"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := New(nil, tc.opt)
			if err == nil {
				w.Close()
				t.Fatal("New accepted it")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %s", err, tc.want)
			}
		})
	}
}

func nan() float64 { var z float64; return z / z }

func TestShapeOf(t *testing.T) {
	var sc shapeScratch
	shape := func(s string) uint64 { return shapeOf([]byte(s), bodyComplete, &sc) }
	same := [][2]string{
		{`{"a":1,"b":"x"}`, `{"b":"y", "a" : 2}`},
		{`{"data":[{"id":1},{"id":2},{"id":3}]}`, `{"data":[{"id":9}]}`},
		{`{"a":"q\"uote:"}`, `{"a":"plain"}`},
	}
	for _, p := range same {
		if shape(p[0]) != shape(p[1]) {
			t.Errorf("%s and %s should have the same shape", p[0], p[1])
		}
	}
	differ := [][2]string{
		{`{"a":1}`, `{"a":"1"}`},
		{`{"a":1}`, `{"a":null}`},
		{`{"a":{"b":1}}`, `{"b":{"a":1}}`},
		{`{"data":[{"id":1}]}`, `{"data":[{"id":1,"x":true}]}`},
		{`{"a":{"id":1},"b":{}}`, `{"a":{},"b":{"id":1}}`},
	}
	for _, p := range differ {
		if shape(p[0]) == shape(p[1]) {
			t.Errorf("%s and %s should differ in shape", p[0], p[1])
		}
	}
	for _, bad := range []string{`"unterminated`, `{{{{`, `}}]]`, `{"a`} {
		shape(bad) // must not panic
	}
	if shapeOf([]byte(`{"a":1}`), bodyUnread, &sc) != 0 {
		t.Error("an unread body has a shape")
	}
}

// TestHeaderCopy: the flat copy taken on the caller's path gives the worker
// the same header (less an omitted key), answers Get as http.Header does,
// and keeps no value once cleared.
func TestHeaderCopy(t *testing.T) {
	h := http.Header{
		"Content-Type":     {"application/json"},
		"Content-Length":   {"12"},
		"Link":             {"<a>; rel=next", "<b>; rel=deprecation"},
		"X-Empty":          {},
		"Content-Encoding": {""},
	}
	var c headerCopy
	c.copyFrom(h)
	if got := c.header(nil, ""); !reflect.DeepEqual(got, h) {
		t.Errorf("header() = %v, want %v", got, h)
	}
	want := h.Clone()
	want.Del("Content-Length")
	reused := http.Header{"Stale": {"x"}}
	if got := c.header(reused, "Content-Length"); !reflect.DeepEqual(got, want) {
		t.Errorf("header(reused, Content-Length) = %v, want %v", got, want)
	}
	for _, k := range []string{"Content-Type", "Link", "X-Empty", "Content-Encoding", "Missing"} {
		if got := c.get(k); got != h.Get(k) {
			t.Errorf("get(%q) = %q, want %q", k, got, h.Get(k))
		}
	}
	// A later copy reuses the slices and forgets the earlier keys.
	c.copyFrom(http.Header{"A": {"1"}})
	if got := c.header(nil, ""); !reflect.DeepEqual(got, http.Header{"A": {"1"}}) {
		t.Errorf("after a second copy, header() = %v", got)
	}
	vals := c.vals[:cap(c.vals)]
	c.clear()
	for i, v := range vals {
		if v != "" {
			t.Errorf("after clear, value %d is still set", i)
		}
	}
	if len(c.keys) != 0 || c.get("A") != "" {
		t.Errorf("after clear, keys %d, get(A) %q; want none", len(c.keys), c.get("A"))
	}
}

// TestExchangesOutliveCollections: garbage collections, which empty a
// sync.Pool, do not make the caller's path allocate an exchange, its header
// copies and a body buffer again: a request through the Transport allocates
// no more than through its base, plus the body wrapper.
func TestExchangesOutliveCollections(t *testing.T) {
	if racedetect.Enabled {
		t.Skip("allocation counts are not kept under the race detector")
	}
	body := []byte(`{"code":200,"data":[{"id":1,"name":"a"},{"id":2,"name":"b"}],"meta":{"pagination":{"limit":2,"offset":0,"totalCount":2}}}`)
	header := http.Header{"Content-Type": {"application/json"}, "Date": {"Mon, 01 Jan 2026 00:00:00 GMT"}}
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		// Read alone, as an HTTP body has: io.Copy reads it the same way
		// through the Transport and without it.
		rc := struct{ io.ReadCloser }{io.NopCloser(bytes.NewReader(body))}
		return &http.Response{StatusCode: 200, Header: header, Body: rc, ContentLength: int64(len(body)), Request: r}, nil
	})
	w, _, _ := newWatch(t, base, WithSampleRate(0))
	req, _ := http.NewRequest(http.MethodGet, "http://example.test/api/io/backend/tokens?limit=2", nil)
	req.Header.Set("authToken", "not-a-secret")
	var n int64
	once := func(rt http.RoundTripper) func() {
		return func() {
			runtime.GC()
			runtime.GC()
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if rt == w {
				n++
				for w.processed.Load() < n {
					runtime.Gosched()
				}
			}
		}
	}
	once(w)() // the first of its kind is checked; the rest are not
	bare := testing.AllocsPerRun(20, once(base))
	through := testing.AllocsPerRun(20, once(w))
	if through > bare+1 {
		t.Errorf("a request allocates %.0f times through the Transport, %.0f through its base; want at most one more (the body wrapper)", through, bare)
	}
}

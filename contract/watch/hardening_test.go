package watch

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
)

// lastChunkBody returns its data in one Read together with io.EOF, as many
// readers do with the last chunk.
type lastChunkBody struct {
	data []byte
	done bool
}

func (b *lastChunkBody) Read(p []byte) (int, error) {
	if b.done {
		return 0, io.EOF
	}
	b.done = true
	return copy(p, b.data), io.EOF
}

func (b *lastChunkBody) Close() error { return nil }

// TestCloseDuringLastReadHandsOverOnce: a Close from another goroutine while
// Read returns the last chunk (how net/http callers abort a read) neither
// dereferences a handed-over exchange nor finishes one exchange twice: every
// exchange is checked exactly once.
func TestCloseDuringLastReadHandsOverOnce(t *testing.T) {
	const rounds = 2000
	w, _, _ := newWatch(t, roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: &lastChunkBody{data: []byte(`{"code":200}`)}, Request: r}, nil
	}), WithSampleRate(1), WithQueueSize(rounds))
	var checks atomic.Int64
	w.check = func(ex *contract.Exchange) contract.Result {
		checks.Add(1)
		return contract.Result{Source: ex.Source}
	}
	for range rounds {
		req, _ := http.NewRequest(http.MethodGet, "https://api.test/api/io/backend/tokens", nil)
		resp, err := w.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			io.Copy(io.Discard, resp.Body)
		}()
		go func() {
			defer wg.Done()
			<-start
			resp.Body.Close()
		}()
		close(start)
		wg.Wait()
		resp.Body.Close() // a second Close hands nothing over
	}
	w.Close()
	if n := checks.Load(); n != rounds {
		t.Errorf("%d exchanges were checked %d times; want each once", rounds, n)
	}
	if n := w.inFlight.Load(); n != 0 {
		t.Errorf("%d teed bytes still counted in flight after Close; want 0", n)
	}
}

// stalledBody sends its first bytes, then has nothing more until closed.
type stalledBody struct {
	first []byte
	gone  chan struct{}
	once  sync.Once
}

func (b *stalledBody) Read(p []byte) (int, error) {
	if len(b.first) > 0 {
		n := copy(p, b.first)
		b.first = b.first[n:]
		return n, nil
	}
	<-b.gone
	return 0, io.ErrClosedPipe
}

func (b *stalledBody) Close() error { b.once.Do(func() { close(b.gone) }); return nil }

// TestStalledResponsesHoldOnlyWhatArrived: a response that announces a large
// Content-Length and stalls holds the bytes it sent, not the announced size,
// and the bytes of all responses in flight stay under WithMaxInFlight: a body
// that would pass it is checked without its body.
func TestStalledResponsesHoldOnlyWhatArrived(t *testing.T) {
	const (
		responses = 50
		sent      = 100
		bound     = 30 * sent // 30 of the 50 fit
	)
	w, _, got := newWatch(t, roundTripFunc(func(r *http.Request) (*http.Response, error) {
		h := http.Header{"Content-Length": {strconv.Itoa(DefaultMaxBody)}}
		return &http.Response{StatusCode: 200, Header: h, ContentLength: DefaultMaxBody, Request: r,
			Body: &stalledBody{first: bytes.Repeat([]byte{' '}, sent), gone: make(chan struct{})}}, nil
	}), WithSampleRate(1), WithQueueSize(responses), WithMaxInFlight(bound))
	var bodies []io.ReadCloser
	for range responses {
		req, _ := http.NewRequest(http.MethodGet, "https://api.test/api/io/backend/tokens", nil)
		resp, err := w.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(resp.Body, make([]byte, sent)); err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, resp.Body)
	}
	if n := w.inFlight.Load(); n != bound {
		t.Errorf("%d bytes in flight; want the bound, %d", n, bound)
	}
	for _, b := range bodies {
		tb := b.(*teeBody)
		tb.mu.Lock()
		if c := tb.x.body.Cap(); c > 64<<10 {
			t.Errorf("a stalled response's buffer has %d bytes of room after %d arrived; want it to grow with what arrives", c, sent)
		}
		tb.mu.Unlock()
	}
	for _, b := range bodies {
		b.Close()
	}
	w.Close()
	if n := w.inFlight.Load(); n != 0 {
		t.Errorf("%d bytes in flight after every check; want 0", n)
	}
	if n := len(got.get()); n != responses {
		t.Errorf("%d results; want %d (over the bound is checked without its body, not dropped)", n, responses)
	}
}

// TestInFlightBoundChecksWithoutBody: a body whose bytes would pass the
// bound while another is in flight is checked without its body, and once the
// first is checked its bytes count no more.
func TestInFlightBoundChecksWithoutBody(t *testing.T) {
	body := []byte(`{"code":200,"message":"SUCCESS","data":[],"meta":{"pagination":{"totalCount":0,"limit":10,"offset":0}}}`)
	var bodies []*contract.Exchange
	var mu sync.Mutex
	w, _, _ := newWatch(t, roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Request: r,
			Body: io.NopCloser(bytes.NewReader(body))}, nil
	}), WithSampleRate(1), WithMaxInFlight(int64(len(body)+len(body)/2)))
	w.check = func(ex *contract.Exchange) contract.Result {
		mu.Lock()
		bodies = append(bodies, ex)
		mu.Unlock()
		return contract.Result{Source: ex.Source}
	}
	open := func() *http.Response {
		req, _ := http.NewRequest(http.MethodGet, "https://api.test/api/io/backend/tokens", nil)
		resp, err := w.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	a, b := open(), open()
	if _, err := io.ReadFull(a.Body, make([]byte, len(body)-1)); err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, b.Body) // passes the bound while a is in flight
	io.Copy(io.Discard, a.Body)
	waitFor(t, func() bool { return w.processed.Load() == 2 })
	c := open()
	io.Copy(io.Discard, c.Body) // a and b are done: c fits again
	w.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 3 {
		t.Fatalf("%d checks; want 3", len(bodies))
	}
	for i, want := range []bool{false, true, true} { // b reached EOF first
		ex := bodies[i]
		if has := !ex.Response.BodyMissing && bytes.Equal(ex.Response.Body, body); has != want {
			t.Errorf("check %d had its body: %v; want %v", i, has, want)
		}
	}
}

// TestRetirementSignalNotDroppedBehindShapes: while the worker is busy and
// the queue is full of exchanges taken only for their shape or by the sample
// rate, an exchange with a Deprecation or Sunset header is still checked.
func TestRetirementSignalNotDroppedBehindShapes(t *testing.T) {
	w, _, got := newWatch(t, roundTripFunc(func(r *http.Request) (*http.Response, error) {
		h := http.Header{"Content-Type": {"application/json"}}
		if v := r.Header.Get("X-Signal"); v != "" {
			h.Set(v, "@1735689600")
		}
		body := fmt.Sprintf(`{"code":200,"%s":1}`, r.URL.Query().Get("name"))
		return &http.Response{StatusCode: 200, Header: h, Request: r, Body: io.NopCloser(strings.NewReader(body))}, nil
	}), WithSampleRate(0), WithQueueSize(2), WithWorkers(1))
	release := make(chan struct{})
	started := make(chan struct{}, 100)
	w.check = func(ex *contract.Exchange) contract.Result {
		started <- struct{}{}
		if !strings.Contains(ex.Request.URL, "signal") {
			<-release
		}
		return contract.Result{Source: ex.Source, Operation: ex.Request.URL}
	}
	call := func(name, signal string) {
		req, _ := http.NewRequest(http.MethodGet, "https://api.test/api/io/backend/tokens?name="+name, nil)
		if signal != "" {
			req.Header.Set("X-Signal", signal)
		}
		resp, err := w.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	call("first", "")
	<-started // the worker holds the first new shape
	for i := range 10 {
		call("shape"+strconv.Itoa(i), "") // fill the queue with shapes to fingerprint
	}
	call("signal-deprecation", "Deprecation")
	call("signal-sunset", "Sunset")
	close(release)
	w.Close()
	var signals int
	for _, r := range got.get() {
		if strings.Contains(r.Operation, "signal") {
			signals++
		}
	}
	if signals != 2 {
		t.Errorf("%d of 2 exchanges with a retirement signal were checked; want both", signals)
	}
}

// TestShapeOfBoundedInDistinctNames: the fingerprint's memory does not grow
// with the number of distinct member names or the depth of a body: past the
// bounds every body has one shape, and below them shapes stay exact.
func TestShapeOfBoundedInDistinctNames(t *testing.T) {
	var sc shapeScratch
	names := func(n int, extra string) []byte {
		var b bytes.Buffer
		b.WriteString(`{"data":[{`)
		for i := range n {
			fmt.Fprintf(&b, `"n%d":%d,`, i, i)
		}
		b.WriteString(`"` + extra + `":1}]}`)
		return b.Bytes()
	}
	huge := shapeOf(names(100_000, "a"), bodyComplete, &sc)
	if huge != shapeTooBig {
		t.Errorf("a body of 100000 distinct names has shape %x; want shapeTooBig", huge)
	}
	if c := cap(sc.seen); c > maxShapeNames {
		t.Errorf("the scratch holds room for %d names after a body of 100000; want at most %d", c, maxShapeNames)
	}
	if shapeOf(names(100_000, "b"), bodyComplete, &sc) != huge {
		t.Error("two bodies past the bound have different shapes")
	}
	a, b := shapeOf(names(maxShapeNames-10, "a"), bodyComplete, &sc), shapeOf(names(maxShapeNames-10, "b"), bodyComplete, &sc)
	if a == b || a == shapeTooBig {
		t.Errorf("bodies under the bound differing in one name: shapes %x and %x; want two exact shapes", a, b)
	}
	if again := shapeOf(names(maxShapeNames-10, "a"), bodyComplete, &sc); again != a {
		t.Errorf("the same body fingerprinted twice: %x then %x (the scratch was not emptied)", a, again)
	}
	deep := []byte(strings.Repeat(`{"a":`, 100_000) + "1" + strings.Repeat("}", 100_000))
	if s := shapeOf(deep, bodyComplete, &sc); s != shapeTooBig {
		t.Errorf("a body nested 100000 deep has shape %x; want shapeTooBig", s)
	}
	if c := cap(sc.path); c > 2*maxShapeDepth {
		t.Errorf("the scratch holds room for %d levels after a deep body; want at most %d", c, 2*maxShapeDepth)
	}
}

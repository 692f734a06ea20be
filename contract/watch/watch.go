package watch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/baseline"
)

// Defaults of the options.
const (
	DefaultSampleRate  = 0.01
	DefaultQueueSize   = 64
	DefaultLogInterval = time.Minute
	// DefaultMaxBody is the most bytes teed from one body; a larger body is
	// checked without it.
	DefaultMaxBody = contract.DefaultMaxBody
	// DefaultMaxInFlight is the most body bytes teed by all responses at
	// once, from the first byte read to the end of their check; a body
	// whose next bytes would pass it is checked without its body.
	DefaultMaxInFlight = 4 * DefaultMaxBody
	// MaxKinds bounds how many kinds of exchange (method, path, status, key
	// shape) the Transport remembers for first-of-kind sampling; beyond it,
	// new kinds are left to the sample rate.
	MaxKinds = 1024
)

// Source is the Source of every exchange the Transport checks, and so of
// every finding it reports.
const Source = "watch"

// Sink receives the result of every check. It is called from a worker
// goroutine, one result at a time per worker, so it must be safe for
// concurrent use when WithWorkers is more than 1. A panic in a sink is
// recovered and counted like a panic in a check.
type Sink func(ctx context.Context, res contract.Result)

// ExchangeSink receives every checked exchange with its result, as Sink
// does. ex and what it holds are the Transport's and are reused once the
// call returns: copy what you keep. ex holds the exchange's values (the
// caller's credential headers included): an ExchangeSink must keep them out
// of logs, metrics and files (package contract/capture redacts them).
type ExchangeSink func(ctx context.Context, ex *contract.Exchange, res contract.Result)

// Option configures a Transport.
type Option func(*settings) error

type settings struct {
	checker     *contract.Checker
	rate        float64
	workers     int
	queue       int
	maxBody     int64
	maxInFlight int64
	logger      *slog.Logger
	logInterval time.Duration
	mp          metric.MeterProvider
	pageWindow  time.Duration
	sinks       []Sink
	exSinks     []ExchangeSink
	coverage    bool
	baseline    *baseline.Baseline
	random      func() float64
	now         func() time.Time
}

// WithChecker sets the Checker (default: contract.New() with its defaults).
func WithChecker(c *contract.Checker) Option {
	return func(s *settings) error {
		if c == nil {
			return errors.New("watch: WithChecker: the checker is nil")
		}
		s.checker = c
		return nil
	}
}

// WithSampleRate sets the share of exchanges checked beyond those always
// checked (see the package doc): 0 checks only those, 1 checks every one.
func WithSampleRate(rate float64) Option {
	return func(s *settings) error {
		if !(rate >= 0 && rate <= 1) {
			return fmt.Errorf("watch: WithSampleRate: the rate is %v; want a number from 0 to 1", rate)
		}
		s.rate = rate
		return nil
	}
}

// WithWorkers sets how many checks run at once (default 1: a check of a
// 250-token page takes a few milliseconds of one core).
func WithWorkers(n int) Option {
	return func(s *settings) error {
		if n < 1 {
			return fmt.Errorf("watch: WithWorkers: %d workers; want 1 or more", n)
		}
		s.workers = n
		return nil
	}
}

// WithQueueSize sets how many exchanges may wait for a worker (default
// DefaultQueueSize); when the queue is full, exchanges are dropped and
// counted.
func WithQueueSize(n int) Option {
	return func(s *settings) error {
		if n < 1 {
			return fmt.Errorf("watch: WithQueueSize: %d; want 1 or more", n)
		}
		s.queue = n
		return nil
	}
}

// WithMaxBody sets the most bytes teed from one response body (default
// DefaultMaxBody). A larger body is checked without its body.
func WithMaxBody(n int64) Option {
	return func(s *settings) error {
		if n < 1 {
			return fmt.Errorf("watch: WithMaxBody: %d bytes; want 1 or more", n)
		}
		s.maxBody = n
		return nil
	}
}

// WithMaxInFlight sets the most body bytes teed by all responses at once
// (default DefaultMaxInFlight), from the first byte read until the check of
// the exchange is done. A body whose next bytes would pass it is checked
// without its body, as one over WithMaxBody is.
func WithMaxInFlight(n int64) Option {
	return func(s *settings) error {
		if n < 1 {
			return fmt.Errorf("watch: WithMaxInFlight: %d bytes; want 1 or more", n)
		}
		s.maxInFlight = n
		return nil
	}
}

// WithLogger sets the logger of the slog sink (default slog.Default()); nil
// turns the slog sink off.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error { s.logger = l; return nil }
}

// WithLogInterval sets how often, at most, the slog sink logs counts of
// repeated findings (default DefaultLogInterval).
func WithLogInterval(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("watch: WithLogInterval: %v; want a positive duration", d)
		}
		s.logInterval = d
		return nil
	}
}

// WithMeterProvider sets the MeterProvider of the metrics (default
// otel.GetMeterProvider(), which does nothing until the application sets one).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(s *settings) error {
		if mp == nil {
			return errors.New("watch: WithMeterProvider: the provider is nil")
		}
		s.mp = mp
		return nil
	}
}

// WithPageWindow turns on the cross-page invariants over bursts of list pages
// separated by at least d without a checked page (see the package doc).
// Zero, the default, leaves them off.
func WithPageWindow(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return fmt.Errorf("watch: WithPageWindow: %v; want zero (off) or a positive duration", d)
		}
		s.pageWindow = d
		return nil
	}
}

// WithCoverage makes the Transport keep a contract.Coverage of the
// exchanges it checks (the sampled ones, not every one that passes through),
// which Coverage returns. Each checked body is decoded once more for it.
func WithCoverage() Option {
	return func(s *settings) error {
		s.coverage = true
		return nil
	}
}

// WithBaseline applies an accepted-drift ledger (package contract/baseline,
// the file tokens-contract check --baseline reads) to every checked
// exchange: a finding that an unexpired entry accepts is marked (its
// Accepted field, for sinks) and counted in tokens_contract.findings.accepted
// instead of tokens_contract.findings, and it is not logged as drift. A
// finding matched by an expired entry counts as drift, and the exchange gets
// a baseline-expired finding naming the entry, as in check. Entries that
// match nothing are not reported: one exchange cannot tell.
func WithBaseline(b *baseline.Baseline) Option {
	return func(s *settings) error {
		if b == nil {
			return errors.New("watch: WithBaseline: the baseline is nil")
		}
		s.baseline = b
		return nil
	}
}

// WithSink adds a sink that receives every result, findings or not.
func WithSink(sink Sink) Option {
	return func(s *settings) error {
		if sink == nil {
			return errors.New("watch: WithSink: the sink is nil")
		}
		s.sinks = append(s.sinks, sink)
		return nil
	}
}

// WithExchangeSink adds a sink that receives every checked exchange with its
// result (see ExchangeSink); contract/capture's Capture.Observe is one.
func WithExchangeSink(sink ExchangeSink) Option {
	return func(s *settings) error {
		if sink == nil {
			return errors.New("watch: WithExchangeSink: the sink is nil")
		}
		s.exSinks = append(s.exSinks, sink)
		return nil
	}
}

// Transport is an http.RoundTripper that checks a sample of the exchanges
// passing through it; see the package doc. It is safe for concurrent use.
type Transport struct {
	base  http.RoundTripper
	s     settings
	check func(*contract.Exchange) contract.Result

	queue   chan *exchange
	signals chan *exchange // exchanges with a retirement signal, taken first
	mu      sync.RWMutex   // guards closed against sends on queue and signals
	closed  bool
	workers sync.WaitGroup
	once    sync.Once

	kindsMu   sync.Mutex
	kinds     map[kindKey]struct{}
	kindsFull atomic.Bool // len(kinds) has reached MaxKinds

	pagesMu  sync.Mutex
	pages    *contract.PageTracker
	lastPage time.Time
	// mismatches are the near-miss patterns (contract.IsPathMismatch)
	// already reported: each is one base-path-mismatch finding for the
	// Transport's life.
	mismatchMu sync.Mutex
	mismatches map[string]bool
	inst       *instruments
	coverage   *contract.Coverage // nil unless WithCoverage
	logs       *logSink
	// Exchanges are reused: first from free, a few that survive garbage
	// collections (a sync.Pool is emptied by two of them, and the checks
	// at a high sample rate make the collections frequent, so the caller
	// would allocate a body buffer again), then from xs.
	free      chan *exchange
	xs        sync.Pool    // *exchange
	processed atomic.Int64 // exchanges taken off the queue, for tests
	inFlight  atomic.Int64 // body bytes teed and not yet released
}

// New wraps base (http.DefaultTransport if nil) in a checking Transport and
// starts its workers. Close it when done.
func New(base http.RoundTripper, opts ...Option) (*Transport, error) {
	s := settings{
		rate:        DefaultSampleRate,
		workers:     1,
		queue:       DefaultQueueSize,
		maxBody:     DefaultMaxBody,
		maxInFlight: DefaultMaxInFlight,
		logger:      slog.Default(),
		logInterval: DefaultLogInterval,
		random:      rand.Float64,
		now:         time.Now,
	}
	for _, o := range opts {
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	if s.checker == nil {
		c, err := contract.New()
		if err != nil {
			return nil, fmt.Errorf("watch: building the checker: %w", err)
		}
		s.checker = c
	}
	if s.mp == nil {
		s.mp = otel.GetMeterProvider()
	}
	if base == nil {
		base = http.DefaultTransport
	}
	inst, err := newInstruments(s.mp)
	if err != nil {
		return nil, err
	}
	t := &Transport{
		base:    base,
		s:       s,
		check:   s.checker.Check,
		queue:   make(chan *exchange, s.queue),
		signals: make(chan *exchange, s.queue),
		kinds:   map[kindKey]struct{}{},
		inst:    inst,
	}
	if s.coverage {
		if t.coverage, err = contract.NewCoverage(s.checker); err != nil {
			return nil, fmt.Errorf("watch: %w", err)
		}
	}
	if s.logger != nil {
		t.logs = newLogSink(s.logger, s.logInterval, s.now)
	}
	t.free = make(chan *exchange, s.workers+1) // one being filled, one per worker
	t.xs.New = func() any { return &exchange{t: t} }
	t.workers.Add(s.workers)
	for range s.workers {
		go t.work()
	}
	return t, nil
}

// reason says why an exchange is checked.
type reason string

const (
	reasonNone   reason = ""
	reasonSignal reason = "signal"    // a retirement header or a non-2xx status
	reasonRate   reason = "rate"      // picked by the sample rate
	reasonKind   reason = "new-shape" // the first of its kind
	reasonWrite  reason = "write"     // a successful write, which ends a paging sequence (WithPageWindow)
)

// exchange is one response on its way through the Transport. Exchanges are
// pooled: the caller's path fills one without allocating (flat copies of the
// headers and a body buffer kept from earlier use), and the worker returns it
// to the pool when the check is done.
type exchange struct {
	t      *Transport
	ctx    context.Context // the request's; the worker detaches it from cancellation
	span   trace.Span      // set by the worker
	method string
	reason reason

	// Filled when the body is done, on the caller's goroutine.
	url       url.URL // a shallow copy: String() runs on the worker
	req, resp headerCopy
	status    int
	body      *bytes.Buffer // kept with the exchange when pooled
	teed      bool          // the response had a body, teed into body
	held      int64         // bytes of body counted in the Transport's inFlight
	bodyState bodyState

	// Built by the worker from req and resp for a check; kept for reuse.
	reqHeader, respHeader http.Header
}

// headerCopy is a flat copy of an http.Header, taken on the caller's path
// without hashing a key; the worker builds a map from it only for an
// exchange it checks.
type headerCopy struct {
	keys []string
	ends []int // keys[i]'s values are vals[ends[i-1]:ends[i]]
	vals []string
}

func (c *headerCopy) copyFrom(h http.Header) {
	c.keys, c.ends, c.vals = c.keys[:0], c.ends[:0], c.vals[:0]
	for k, vs := range h {
		c.keys = append(c.keys, k)
		c.vals = append(c.vals, vs...)
		c.ends = append(c.ends, len(c.vals))
	}
}

// get returns the first value of key, which must be in canonical form, as
// http.Header.Get does.
func (c *headerCopy) get(key string) string {
	start := 0
	for i, k := range c.keys {
		if k == key && c.ends[i] > start {
			return c.vals[start]
		}
		start = c.ends[i]
	}
	return ""
}

// header fills dst (a map kept from an earlier exchange, or nil) with the
// copy, leaving out the key omit, and returns it.
func (c *headerCopy) header(dst http.Header, omit string) http.Header {
	if dst == nil {
		dst = make(http.Header, len(c.keys))
	} else {
		clear(dst)
	}
	start := 0
	for i, k := range c.keys {
		end := c.ends[i]
		if k != omit {
			dst[k] = c.vals[start:end:end]
		}
		start = end
	}
	return dst
}

// clear drops the copy's strings, so that a pooled exchange keeps no header
// value.
func (c *headerCopy) clear() {
	clear(c.keys[:cap(c.keys)])
	clear(c.vals[:cap(c.vals)])
	c.keys, c.ends, c.vals = c.keys[:0], c.ends[:0], c.vals[:0]
}

type bodyState uint8

const (
	bodyComplete bodyState = iota // read to EOF within the cap
	bodyUnread                    // closed before EOF: not checked
	bodyOverCap                   // longer than the cap: not checked
)

// RoundTrip sends the request through the wrapped transport and returns its
// response unchanged, except that the body is teed for a later check.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	return t.roundTrip(t.base, req)
}

// Wrap returns a RoundTripper that sends requests through base and checks
// them with t's workers, sinks and sampling state, so one Transport can watch
// several clients (client.WithTransportWrapper(w.Wrap)). Close t when done
// with all of them.
func (t *Transport) Wrap(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return wrapped{t, base}
}

type wrapped struct {
	t    *Transport
	base http.RoundTripper
}

func (w wrapped) RoundTrip(req *http.Request) (*http.Response, error) {
	return w.t.roundTrip(w.base, req)
}

// roundTrip is the caller's path. It decides from the headers alone whether
// the exchange can be checked at all; when it can, it tees the body into a
// pooled buffer, and finish queues it without blocking.
func (t *Transport) roundTrip(base http.RoundTripper, req *http.Request) (*http.Response, error) {
	resp, err := base.RoundTrip(req)
	if err != nil || resp == nil {
		return resp, err
	}
	ctx := req.Context()
	t.inst.seen.Add(1)
	why := reasonNone
	if sig := signal(resp); sig != "" {
		why = reasonSignal
		if span := trace.SpanFromContext(ctx); span.IsRecording() {
			span.AddEvent("tokens_contract.signal", trace.WithAttributes(attrSignal.String(sig), attrStatus.Int(resp.StatusCode)))
		}
	} else if t.s.rate >= 1 || t.s.rate > 0 && t.s.random() < t.s.rate {
		why = reasonRate
	} else if t.s.pageWindow > 0 && resp.StatusCode/100 == 2 && contract.IsWriteMethod(req.Method) {
		why = reasonWrite
	}
	if why == reasonNone && t.kindsFull.Load() {
		return resp, nil // not sampled, and no new kind can be remembered: nothing to check
	}
	if q := t.queueFor(why); len(q) == cap(q) {
		// No worker could take it now: drop it before teeing anything.
		t.inst.dropped.Add(ctx, 1, metric.WithAttributeSet(dropQueueFull))
		return resp, nil
	}
	x := t.getExchange()
	x.ctx, x.method, x.reason = ctx, req.Method, why
	if resp.Body == nil || resp.Body == http.NoBody {
		x.finish(req, resp, bodyComplete)
		return resp, nil
	}
	x.teed = true
	if x.body == nil {
		x.body = new(bytes.Buffer)
	}
	// The buffer grows with what arrives, never to an announced
	// Content-Length up front: a stalled response holds only what it sent.
	resp.Body = &teeBody{rc: resp.Body, x: x, req: req, resp: resp, max: t.s.maxBody}
	return resp, nil
}

// queueFor returns the queue an exchange checked for why goes to: one of its
// own for retirement signals, so that exchanges sampled or fingerprinted for
// their shape never crowd one out.
func (t *Transport) queueFor(why reason) chan *exchange {
	if why == reasonSignal {
		return t.signals
	}
	return t.queue
}

// signal returns which retirement signal resp carries, or "".
// The keys are looked up as they are, in canonical form, which is what
// http.Header.Get does after canonicalizing its argument.
func signal(resp *http.Response) string {
	h := resp.Header
	switch {
	case first(h["Deprecation"]) != "":
		return "deprecation"
	case first(h["Sunset"]) != "":
		return "sunset"
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return "status"
	}
	for _, v := range h["Link"] {
		if containsFold(v, "deprecation") || containsFold(v, "sunset") {
			return "link"
		}
	}
	return ""
}

// first returns vs[0], or "" if vs is empty.
func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// containsFold reports whether s contains the lower-case ASCII word sub in
// any case, without allocating.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// teeBody copies what the caller reads into the exchange's buffer. It is
// not pooled: the caller may call it after the exchange is gone.
//
// Read and Close may run on different goroutines at once (net/http callers
// abort a read by closing the body from another one, as
// context.AfterFunc(ctx, func() { resp.Body.Close() }) does), so mu guards
// the exchange, and whichever of them takes it hands it over, exactly once.
type teeBody struct {
	rc   io.ReadCloser
	mu   sync.Mutex
	x    *exchange // nil once handed over
	req  *http.Request
	resp *http.Response
	max  int64
	n    int64
	over bool
}

func (b *teeBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.mu.Lock()
	x := b.x
	if x == nil {
		b.mu.Unlock()
		return n, err
	}
	if n > 0 {
		b.n += int64(n)
		if !b.over {
			if b.n > b.max || !x.hold(int64(n)) {
				b.over = true
				x.drop()
			} else {
				x.body.Write(p[:n])
			}
		}
	}
	if err != io.EOF {
		b.mu.Unlock()
		return n, err
	}
	state := bodyComplete
	if b.over {
		state = bodyOverCap
	}
	req, resp := b.take()
	b.mu.Unlock()
	x.finish(req, resp, state)
	return n, err
}

func (b *teeBody) Close() error {
	err := b.rc.Close()
	b.mu.Lock()
	x := b.x
	var req *http.Request
	var resp *http.Response
	if x != nil {
		req, resp = b.take()
	}
	b.mu.Unlock()
	if x != nil {
		x.finish(req, resp, bodyUnread)
	}
	return err
}

// take forgets the exchange and what finish needs, and returns the latter;
// mu must be held, and b.x not nil.
func (b *teeBody) take() (*http.Request, *http.Response) {
	req, resp := b.req, b.resp
	b.x, b.req, b.resp = nil, nil, nil
	return req, resp
}

// hold counts n more teed bytes against the Transport's bound on bytes in
// flight, and reports false, counting nothing, when they would pass it.
func (x *exchange) hold(n int64) bool {
	t := x.t
	if t.inFlight.Add(n) > t.s.maxInFlight {
		t.inFlight.Add(-n)
		return false
	}
	x.held += n
	return true
}

// drop empties the body buffer and gives its bytes back to the bound.
func (x *exchange) drop() {
	x.body.Reset()
	x.t.inFlight.Add(-x.held)
	x.held = 0
}

// finish copies what the check needs off the caller's objects and queues the
// exchange without blocking. It runs on the caller's goroutine, once.
func (x *exchange) finish(req *http.Request, resp *http.Response, state bodyState) {
	t := x.t
	x.bodyState = state
	x.status = resp.StatusCode
	x.url = *req.URL
	x.req.copyFrom(req.Header)
	x.resp.copyFrom(resp.Header)
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.closed {
		t.inst.dropped.Add(x.ctx, 1, metric.WithAttributeSet(dropClosed))
		t.release(x)
		return
	}
	select {
	case t.queueFor(x.reason) <- x:
	default:
		t.inst.dropped.Add(x.ctx, 1, metric.WithAttributeSet(dropQueueFull))
		t.release(x)
	}
}

// getExchange takes an exchange from the free list, or else from the pool.
func (t *Transport) getExchange() *exchange {
	select {
	case x := <-t.free:
		return x
	default:
		return t.xs.Get().(*exchange)
	}
}

// release returns the exchange, with its buffer, to the free list or the
// pool, without a header value or anything of the request.
func (t *Transport) release(x *exchange) {
	t.inFlight.Add(-x.held)
	x.held = 0
	if x.body != nil {
		if int64(x.body.Cap()) <= min(t.s.maxBody, 1<<20) { // keep the pool from pinning huge buffers
			x.body.Reset()
		} else {
			x.body = nil
		}
	}
	if len(x.req.vals)+len(x.resp.vals) > 256 { // nor huge headers
		return
	}
	x.req.clear()
	x.resp.clear()
	clear(x.reqHeader)
	clear(x.respHeader)
	x.ctx, x.span, x.url, x.teed = nil, nil, url.URL{}, false
	select {
	case t.free <- x:
	default:
		t.xs.Put(x)
	}
}

// Close stops accepting exchanges, waits for the workers to check what is
// queued, flushes the slog sink's counts, and returns when every goroutine of
// the Transport has stopped. Exchanges whose bodies finish after Close are
// dropped (reason "closed"). Close is safe to call more than once; it does not
// close the wrapped transport.
func (t *Transport) Close() error {
	t.once.Do(func() {
		t.mu.Lock()
		t.closed = true
		close(t.queue)
		close(t.signals)
		t.mu.Unlock()
		t.workers.Wait()
		if t.logs != nil {
			t.logs.flush(context.Background())
		}
	})
	return nil
}

// Coverage returns what the exchanges checked so far showed of the spec
// (see contract.Coverage), and false when the Transport was built without
// WithCoverage.
func (t *Transport) Coverage() (contract.CoverageReport, bool) {
	if t.coverage == nil {
		return contract.CoverageReport{}, false
	}
	return t.coverage.Report(), true
}

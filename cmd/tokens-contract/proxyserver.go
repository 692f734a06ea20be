package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/b2b-contract/s2s-tokens/contract"
)

// The classes of a request the proxy could not complete, the class
// attribute of tokens_contract.proxy.failures and the Tokens-Contract-Error
// header. All but failCallerGone are upstream failures, which /readyz
// counts.
const (
	failDial       = "dial"        // the upstream could not be reached
	failTimeout    = "timeout"     // no response headers, or no whole exchange, in time
	failStatus     = "5xx"         // the upstream answered 5xx (forwarded as it is)
	failBroken     = "broken"      // the connection broke before or during the response body
	failCallerGone = "caller-gone" // the caller hung up: not the upstream's fault
)

// Readiness: /readyz fails after readyFailures upstream failures in a row,
// until a success or until readyWindow passes without a failure (so that a
// proxy taken out of rotation gets traffic again to find out).
const (
	readyFailures = 3
	readyWindow   = 30 * time.Second
)

// errRequestTimeout is the cause of a request's context when
// --request-timeout ends it.
var errRequestTimeout = errors.New("the exchange took longer than --request-timeout")

// proxyServer forwards requests under the upstream's path and serves
// /metrics, /healthz and /readyz.
type proxyServer struct {
	up       *url.URL
	prefix   string // up's path, escaped, without a trailing slash
	rp       *httputil.ReverseProxy
	metrics  http.Handler
	logger   *slog.Logger
	timeout  time.Duration
	failures metric.Int64Counter
	health   upstreamHealth
	now      func() time.Time
}

func newProxyServer(up *url.URL, rt http.RoundTripper, metrics http.Handler, logger *slog.Logger, m metric.Meter, timeout time.Duration) (*proxyServer, error) {
	failures, err := m.Int64Counter("tokens_contract.proxy.failures", metric.WithUnit("{request}"),
		metric.WithDescription("Requests the proxy could not complete, by class: dial, timeout, 5xx, broken (upstream failures) and caller-gone."))
	if err != nil {
		return nil, err
	}
	p := &proxyServer{up: up, prefix: up.EscapedPath(), metrics: metrics, logger: logger, timeout: timeout, failures: failures, now: time.Now}
	p.rp = &httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      rt,
		ModifyResponse: p.modifyResponse,
		ErrorHandler:   p.errorHandler,
		ErrorLog:       log.New(io.Discard, "", 0),
	}
	return p, nil
}

// ServeHTTP serves the proxy's own paths and forwards the rest.
func (p *proxyServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		switch r.URL.EscapedPath() {
		case "/metrics":
			p.metrics.ServeHTTP(w, r)
			return
		case "/healthz":
			io.WriteString(w, "ok\n")
			return
		case "/readyz":
			p.readyz(w)
			return
		}
	}
	p.forward(w, r)
}

func (p *proxyServer) readyz(w http.ResponseWriter) {
	if n, class := p.health.failing(p.now()); n > 0 {
		writeProxyError(w, http.StatusServiceUnavailable, class,
			fmt.Sprintf("the upstream failed %d times in a row, last: %s", n, class))
		return
	}
	io.WriteString(w, "ready\n")
}

// under returns the escaped path of u below the upstream's path, and false
// when u is not under it or a segment would leave it once decoded: an
// encoded dot segment (%2e%2e), an encoded slash or backslash.
func (p *proxyServer) under(u *url.URL) (string, bool) {
	esc := u.EscapedPath()
	rest := esc
	if p.prefix != "" {
		if esc != p.prefix && !strings.HasPrefix(esc, p.prefix+"/") {
			return "", false
		}
		rest = esc[len(p.prefix):]
	}
	for _, seg := range strings.Split(rest, "/") {
		dec, err := url.PathUnescape(seg)
		if err != nil || dec == "." || dec == ".." || strings.ContainsAny(dec, "/\\") {
			return "", false
		}
	}
	return rest, true
}

// exchangeState is what the proxy learns about one forwarded request.
type exchangeState struct {
	caller  context.Context // the caller's request context
	mu      sync.Mutex
	class   string // a failure class, or "" while none
	err     error
	bodyErr error
	got     bool // the upstream's response headers arrived
	conn    net.Conn
}

type stateKey struct{}

func stateOf(ctx context.Context) *exchangeState {
	st, _ := ctx.Value(stateKey{}).(*exchangeState)
	return st
}

func (p *proxyServer) forward(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.under(r.URL); !ok {
		writeProxyError(w, http.StatusNotFound, "not-under-upstream",
			fmt.Sprintf("the path is not under the upstream's path %s", p.prefix))
		return
	}
	st := &exchangeState{caller: r.Context()}
	ctx, cancel := context.WithTimeoutCause(r.Context(), p.timeout, errRequestTimeout)
	defer cancel()
	ctx = context.WithValue(ctx, stateKey{}, st)
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) {
		st.mu.Lock()
		st.conn = ci.Conn
		st.mu.Unlock()
	}})
	// Deferred so that it runs when ReverseProxy aborts the handler (a body
	// that broke while it was copied).
	defer p.settle(ctx, r, st)
	p.rp.ServeHTTP(w, r.WithContext(ctx))
}

// rewrite sends the request to the upstream with the path below the
// proxy's prefix, encoded as the caller sent it.
func (p *proxyServer) rewrite(pr *httputil.ProxyRequest) {
	rest, _ := p.under(pr.In.URL) // forward checked it
	pr.Out.URL.Path, _ = url.PathUnescape(rest)
	pr.Out.URL.RawPath = rest
	pr.SetURL(p.up)
}

func (p *proxyServer) modifyResponse(resp *http.Response) error {
	st := stateOf(resp.Request.Context())
	if st == nil {
		return nil
	}
	st.mu.Lock()
	st.got = true
	if resp.StatusCode >= 500 {
		st.class = failStatus
	}
	conn := st.conn
	st.mu.Unlock()
	if hc, ok := conn.(*headConn); ok {
		for _, name := range hc.connectionNamed() {
			resp.Header.Del(name)
		}
	}
	if resp.Body != nil && resp.Body != http.NoBody {
		resp.Body = &stateBody{ReadCloser: resp.Body, st: st}
	}
	return nil
}

// stateBody notes an error reading the upstream's body.
type stateBody struct {
	io.ReadCloser
	st *exchangeState
}

func (b *stateBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		b.st.mu.Lock()
		if b.st.bodyErr == nil {
			b.st.bodyErr = err
		}
		b.st.mu.Unlock()
	}
	return n, err
}

// errorHandler answers when no response came from the upstream.
func (p *proxyServer) errorHandler(w http.ResponseWriter, r *http.Request, err error) {
	st := stateOf(r.Context())
	class := classify(r.Context(), st.caller, err)
	st.mu.Lock()
	st.class, st.err = class, err
	st.mu.Unlock()
	switch class {
	case failCallerGone:
		// Nobody reads an answer.
	case failTimeout:
		writeProxyError(w, http.StatusGatewayTimeout, class, "the upstream did not answer in time")
	case failDial:
		writeProxyError(w, http.StatusBadGateway, class, "the upstream could not be reached")
	default:
		writeProxyError(w, http.StatusBadGateway, class, "the upstream broke the connection before answering")
	}
}

// classify says why an exchange failed: ctx is the exchange's (ended by
// --request-timeout), caller the caller's request context.
func classify(ctx, caller context.Context, err error) string {
	if errors.Is(context.Cause(ctx), errRequestTimeout) {
		return failTimeout
	}
	if caller.Err() != nil {
		return failCallerGone
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return failTimeout
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return failDial
	}
	return failBroken
}

// settle counts and logs the outcome of one forwarded request and tells
// the readiness state.
func (p *proxyServer) settle(ctx context.Context, r *http.Request, st *exchangeState) {
	st.mu.Lock()
	class, err := st.class, st.err
	if class == "" && st.bodyErr != nil {
		class, err = classify(ctx, st.caller, st.bodyErr), st.bodyErr
	}
	if class == "" && st.got && st.caller.Err() != nil {
		class = failCallerGone // hung up while the body was copied to it
	}
	got := st.got
	st.mu.Unlock()
	if class == "" {
		if got {
			p.health.succeeded()
		}
		return
	}
	p.failures.Add(context.WithoutCancel(ctx), 1, metric.WithAttributes(attribute.String("class", class)))
	if class == failCallerGone {
		p.logger.Debug("tokens-contract proxy: the caller hung up", slog.String("method", r.Method))
		return
	}
	p.health.failed(class, p.now())
	attrs := []any{slog.String("method", r.Method), slog.String("class", class)}
	if err != nil {
		// The error may quote the request; Scrub removes the caller's
		// credentials and anything shaped like one.
		attrs = append(attrs, slog.String("error", contract.Scrub(err.Error(), r.Header.Values("authToken"))))
	}
	p.logger.Warn("tokens-contract proxy: the upstream request failed", attrs...)
}

// upstreamHealth is what /readyz answers from.
type upstreamHealth struct {
	mu        sync.Mutex
	inARow    int
	last      time.Time
	lastClass string
}

func (h *upstreamHealth) failed(class string, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.inARow++
	h.last, h.lastClass = now, class
}

func (h *upstreamHealth) succeeded() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.inARow = 0
}

// failing returns the failures in a row and the last class while they make
// the proxy unready, and 0 otherwise.
func (h *upstreamHealth) failing(now time.Time) (int, string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.inARow < readyFailures || now.Sub(h.last) > readyWindow {
		return 0, ""
	}
	return h.inARow, h.lastClass
}

// Package live probes the real List Server to Server Tokens endpoint, read
// only and within a small request budget, checks every exchange with the
// contract's Checker, and turns the exchanges into recordings that hold no
// secret.
//
// # Probes
//
// Probe sends the spec's list operation (GET /backend/tokens) only, with the headers authToken (the
// caller's token), Accept: application/json and a User-Agent naming the tool,
// never X-Store-Hash. Within Config.Budget requests (default 10) it asks for:
//
//  1. the first page with the documented defaults (no query);
//  2. limit=M, M being the largest limit the spec allows
//     (openapi.ListPaging), which overlaps the first page (both start at
//     offset 0);
//  3. limit=M&offset=M, 2M, … while the offset is below totalCount,
//     keeping one request for the last probe;
//  4. limit=M at an offset past the end (totalCount), which should answer
//     an empty page;
//  5. with Config.ProbeErrors, after the walk, the spec's error probes
//     (contract.ErrorProbes: limit at the maximum + 1 and the minimum − 1,
//     offset at the minimum − 1, a limit of the wrong type, and a request
//     whose authToken is made at run time and belongs to no store). The
//     walk leaves room for them in the budget; each is sent once (a 429 is
//     retried as below), its User-Agent names the probe, and the Checker
//     judges its answer against what the spec expects (probe-refuted,
//     probe-status-differs). A probe's error answer, 401 included, does not
//     end the run.
//
// Every exchange goes through the Checker and, in request order, through one
// contract.PageTracker, which checks that no id appears at two positions and that
// totalCount does not change. A probe that answers anything but 2xx (a 404 or
// 410 from a retired endpoint, a 5xx, an undocumented redirect) is checked and
// ends the walk; a 401 or 403 also makes the run an error, since nothing could
// be checked.
//
// # Politeness
//
// The store's limit, 150 requests a minute, is shared by every integration of
// the store. After each response Probe reads the B2B X-Requests-* and platform
// X-Rate-Limit-* headers (client/headers); when few requests are left in the
// window (Config.LowRemaining, default 5) it waits for the window to reset
// before its next request. On 429 it waits as Retry-After (or X-Retry-After,
// or the reset headers) asks, clamped to [Config.MinRetryWait,
// Config.MaxWait], and repeats the probe; retries count against the budget.
// After Config.Max429 429s in a row (default 3) it stops with a rate-limited
// finding.
//
// # Safety
//
// Redirects are never followed, so the token never reaches another host: a
// 3xx is checked like any other response (the contract documents none). The
// client sets no Accept-Encoding of its own, so Go's transport decompresses
// gzip before anything reads the body; a body still encoded is decoded here
// or withheld from recordings. Bodies are read up to the checker's limit.
// Exchanges returned by Probe hold the real token and data: pass them through
// a recording.Redactor before they go anywhere (NewRecording does).
package live

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/b2b-contract/s2s-tokens/client/headers"
	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/ctxsleep"
	"github.com/b2b-contract/s2s-tokens/internal/httpbody"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// Defaults of Config.
const (
	DefaultBudget       = 10
	MaxBudget           = 100
	DefaultTimeout      = 30 * time.Second
	DefaultMaxWait      = 60 * time.Second
	DefaultMinRetryWait = time.Second
	DefaultMax429       = 3
	DefaultLowRemaining = 5
)

// Config configures a live run. BaseURL and Token are required.
type Config struct {
	// BaseURL replaces the spec's server URL; see ParseBaseURL.
	BaseURL string
	// Token is the authToken sent with every request. It is never logged.
	Token string
	// Budget is the most requests the run sends, retries included
	// (default DefaultBudget, at most MaxBudget).
	Budget int
	// HTTPClient sends the requests (default: a client over
	// http.DefaultTransport). Probe uses a copy that follows no redirect and
	// keeps no cookies.
	HTTPClient *http.Client
	// Timeout bounds each request, body included (default DefaultTimeout).
	Timeout time.Duration
	// MaxWait is the longest Probe waits before one request, for a 429 or a
	// nearly used-up window (default DefaultMaxWait).
	MaxWait time.Duration
	// MinRetryWait is the shortest wait after a 429 (default
	// DefaultMinRetryWait).
	MinRetryWait time.Duration
	// Max429 is how many 429s in a row stop the run (default DefaultMax429).
	Max429 int
	// LowRemaining: when a response says this many requests or fewer are
	// left in the window, Probe waits for the window to reset before its next
	// request (default DefaultLowRemaining; negative never waits).
	LowRemaining int
	// MaxBody is the most body bytes read per response (default
	// contract.DefaultMaxBody); a longer body is marked truncated.
	MaxBody int
	// UserAgent is sent with every request (default "tokens-contract/<version>
	// (live probe)").
	UserAgent string
	// Now and Sleep replace the clock and the wait, for tests. Sleep must
	// return early with ctx's error when ctx ends.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Logf, if set, is told about waits and early stops. Its arguments never
	// hold the token.
	Logf func(format string, args ...any)
	// ProbeErrors adds the spec's error probes after the paging walk (see
	// Probes); they are read only, like the walk.
	ProbeErrors bool
}

// plural is "1 request", "3 requests".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// Errors of a run, in Outcome.Errors; match them with errors.Is.
var (
	// ErrTokenRejected: the endpoint answered 401 or 403, so nothing else
	// could be checked. It is not drift: the token is wrong or deleted.
	ErrTokenRejected = errors.New("the endpoint rejected the token")
	// ErrNoResponse: a request got no response (it could not connect, the
	// name did not resolve, TLS failed, it timed out).
	ErrNoResponse = errors.New("no response")
	// ErrInterrupted: the run was cancelled (Ctrl-C, a deadline).
	ErrInterrupted = errors.New("interrupted")
)

// Outcome is what a live run saw.
type Outcome struct {
	// BaseURL is the checked base URL (no user information, no query).
	BaseURL *url.URL
	// StartedAt is when the run started.
	StartedAt time.Time
	// Exchanges are every request sent and its response, in order. They
	// hold the real token and data: redact them before writing them.
	Exchanges []*contract.Exchange
	// Results are the checker's results, one per exchange, with the
	// cross-page findings and the rate-limited finding added.
	Results []contract.Result
	// Stopped says why the probe plan ended early, if it did.
	Stopped string
	// Errors are why the run could not check what it meant to: a request
	// that got no response (ErrNoResponse), credentials that were rejected
	// (ErrTokenRejected), cancellation (ErrInterrupted). Their messages hold
	// no secret.
	Errors []error
}

// Probe probes the endpoint as the package documentation describes and checks
// every exchange with checker. It returns an error only for a bad Config;
// what goes wrong during the run is in Outcome.Errors.
func Probe(ctx context.Context, cfg Config, checker *contract.Checker) (*Outcome, error) {
	p, err := newProber(cfg, checker)
	if err != nil {
		return nil, err
	}
	p.plan(ctx)
	return p.out, nil
}

type prober struct {
	cfg      Config
	base     *url.URL
	listPath string // the spec's list operation's path, below base
	pageSize int    // the spec's maximum limit: every probe but the first
	client   *http.Client
	checker  *contract.Checker
	run      *contract.PageTracker
	out      *Outcome
	sent     int
	wait     time.Duration // before the next request
	waitWhy  string
	probes   []contract.ErrorProbe // with Config.ProbeErrors
	reserve  int                   // requests the walk leaves for the probes
	badToken string                // the credentials-invalid probe's authToken
}

func newProber(cfg Config, checker *contract.Checker) (*prober, error) {
	if checker == nil {
		return nil, errors.New("live: a Checker is required")
	}
	if cfg.Token == "" {
		return nil, errors.New("live: Config.Token is empty")
	}
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("live: %w", err)
	}
	// What to probe comes from the spec: the list operation's path, and its
	// largest page.
	listOp, err := openapi.ListOperation()
	if err != nil {
		return nil, fmt.Errorf("live: %w", err)
	}
	paging, err := openapi.ListPaging()
	if err != nil {
		return nil, fmt.Errorf("live: %w", err)
	}
	switch {
	case cfg.Budget == 0:
		cfg.Budget = DefaultBudget
	case cfg.Budget < 1 || cfg.Budget > MaxBudget:
		return nil, fmt.Errorf("live: the request budget is %d; want 1 to %d", cfg.Budget, MaxBudget)
	}
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
		nam string
	}{{&cfg.Timeout, DefaultTimeout, "Timeout"}, {&cfg.MaxWait, DefaultMaxWait, "MaxWait"}, {&cfg.MinRetryWait, DefaultMinRetryWait, "MinRetryWait"}} {
		switch {
		case *d.v == 0:
			*d.v = d.def
		case *d.v < 0:
			return nil, fmt.Errorf("live: Config.%s is %v; want a positive duration", d.nam, *d.v)
		}
	}
	if cfg.MinRetryWait > cfg.MaxWait {
		return nil, fmt.Errorf("live: Config.MinRetryWait (%v) is longer than MaxWait (%v)", cfg.MinRetryWait, cfg.MaxWait)
	}
	switch {
	case cfg.Max429 == 0:
		cfg.Max429 = DefaultMax429
	case cfg.Max429 < 0:
		return nil, fmt.Errorf("live: Config.Max429 is %d; want 1 or more", cfg.Max429)
	}
	if cfg.LowRemaining == 0 {
		cfg.LowRemaining = DefaultLowRemaining
	}
	switch {
	case cfg.MaxBody == 0:
		cfg.MaxBody = contract.DefaultMaxBody
	case cfg.MaxBody < 0:
		return nil, fmt.Errorf("live: Config.MaxBody is %d; want a positive size", cfg.MaxBody)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "tokens-contract/" + ToolVersion() + " (live probe)"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = ctxsleep.Sleep
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	var c http.Client
	if cfg.HTTPClient != nil {
		c = *cfg.HTTPClient
	}
	// Never follow a redirect: Go would send the authToken header to the new
	// host. The 3xx is returned and checked instead.
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.Jar = nil
	p := &prober{
		cfg: cfg, base: base, listPath: listOp.Path, pageSize: paging.MaxLimit,
		client: &c, checker: checker, run: contract.NewPageTracker(),
		out: &Outcome{BaseURL: base, StartedAt: cfg.Now()},
	}
	if cfg.ProbeErrors {
		if p.probes, err = contract.ErrorProbes(); err != nil {
			return nil, fmt.Errorf("live: %w", err)
		}
		// The walk needs its first page, the page at the maximum and the
		// probe past the end.
		if cfg.Budget < len(p.probes)+3 {
			return nil, fmt.Errorf("live: the request budget is %d; the walk's 3 requests and %d error probes need at least %d", cfg.Budget, len(p.probes), len(p.probes)+3)
		}
		p.reserve = len(p.probes)
		var b [24]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, fmt.Errorf("live: making the invalid authToken: %w", err)
		}
		p.badToken = "invalid-" + hex.EncodeToString(b[:])
	}
	return p, nil
}

// page is what the plan needs from a list response.
type page struct {
	total    int
	hasTotal bool
}

// plan runs the probes in order, within the budget.
func (p *prober) plan(ctx context.Context) {
	pg, ok := p.probe(ctx, "")
	if !ok {
		return
	}
	total := pg
	if pg, ok = p.probe(ctx, "limit="+strconv.Itoa(p.pageSize)); !ok {
		return
	}
	if pg.hasTotal {
		total = pg
	}
	offset := p.pageSize
	for total.hasTotal && offset < total.total {
		if p.left() <= 1 {
			p.stop("the request budget of %d left no room to walk past offset %d of %d tokens", p.cfg.Budget, offset, total.total)
			break
		}
		if pg, ok = p.probe(ctx, fmt.Sprintf("limit=%d&offset=%d", p.pageSize, offset)); !ok {
			return
		}
		if pg.hasTotal {
			total = pg
		}
		offset += p.pageSize
	}
	past := p.pageSize
	if total.hasTotal && total.total > 0 {
		past = total.total
	}
	if p.left() < 1 {
		p.stop("the request budget of %d left no room for the probe past the end", p.cfg.Budget)
		return
	}
	if _, ok := p.probe(ctx, fmt.Sprintf("limit=%d&offset=%d", p.pageSize, past)); !ok && len(p.out.Errors) > 0 {
		return
	}
	p.errorProbes(ctx)
}

// errorProbes sends the spec's error probes, in the room the walk left.
func (p *prober) errorProbes(ctx context.Context) {
	p.reserve = 0
	for _, pr := range p.probes {
		if p.left() < 1 {
			p.stop("the request budget of %d left no room for error probe %s", p.cfg.Budget, pr.Name)
			return
		}
		if !p.send1(ctx, request{query: pr.Query, probe: pr}) {
			return
		}
	}
}

func (p *prober) left() int { return p.cfg.Budget - p.sent - p.reserve }

func (p *prober) stop(format string, args ...any) {
	if p.out.Stopped == "" {
		p.out.Stopped = fmt.Sprintf(format, args...)
		p.cfg.Logf("stopping early: %s", p.out.Stopped)
	}
}

func (p *prober) fail(err error) {
	p.out.Errors = append(p.out.Errors, err)
}

// request is one request of the plan: a query, and the error probe it is,
// if any.
type request struct {
	query string
	probe contract.ErrorProbe
}

// send1 sends an error probe, retrying it after 429s, and reports whether
// the plan should go on: an error answer (a 401 to the invalid token
// included) is what the probe asked for.
func (p *prober) send1(ctx context.Context, r request) bool {
	_, ok, answered := p.do(ctx, r)
	return ok || answered
}

// probe sends one probe of the walk, retrying it after 429s, and reports
// whether the plan should go on.
func (p *prober) probe(ctx context.Context, query string) (page, bool) {
	pg, ok, _ := p.do(ctx, request{query: query})
	return pg, ok
}

// do sends r, retrying it after 429s. ok says the answer was a 2xx page;
// answered that an answer other than 429 came back for an error probe
// (which the checker has judged).
func (p *prober) do(ctx context.Context, r request) (pg page, ok, answered bool) {
	isProbe := r.probe.Name != ""
	for attempt, in429 := 1, 0; ; attempt++ {
		if p.left() < 1 {
			p.stop("the request budget of %d is used up", p.cfg.Budget)
			return page{}, false, false
		}
		if p.wait > 0 {
			p.cfg.Logf("waiting %v before the next request: %s", p.wait.Round(time.Millisecond), p.waitWhy)
			if err := p.cfg.Sleep(ctx, p.wait); err != nil {
				p.fail(fmt.Errorf("live run %w while waiting: %v", ErrInterrupted, err))
				return page{}, false, false
			}
			p.wait = 0
		}
		ex, err := p.send(ctx, r, attempt)
		if err != nil {
			p.fail(err)
			return page{}, false, false
		}
		res := p.check(ex)
		status := ex.Response.Status
		p.politeness(ex.Response.Header)
		switch {
		case status == http.StatusTooManyRequests:
			in429++
			if in429 >= p.cfg.Max429 {
				p.rateLimited(res, in429)
				return page{}, false, false
			}
			p.retryAfter(ex.Response.Header, in429)
			continue
		case isProbe:
			return readPage(ex.Response.Body), status >= 200 && status <= 299, true
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			p.fail(fmt.Errorf("%s: %w with %d; check B2B_AUTH_TOKEN (nothing else could be checked)", ex.Source, ErrTokenRejected, status))
			return page{}, false, false
		case status < 200 || status > 299:
			p.stop("%s answered %d", ex.Source, status)
			return page{}, false, false
		}
		return readPage(ex.Response.Body), true, false
	}
}

// send makes one request and reads its response.
func (p *prober) send(ctx context.Context, r request, attempt int) (*contract.Exchange, error) {
	u := *p.base
	u.Path = p.base.Path + p.listPath
	u.RawQuery = r.query
	source := "live GET " + u.RequestURI()
	if r.probe.Name != "" {
		source = "live error probe " + r.probe.Name + ": GET " + u.RequestURI()
	}
	if attempt > 1 {
		source += fmt.Sprintf(" (attempt %d)", attempt)
	}
	rctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", source, err)
	}
	token, ua := p.cfg.Token, p.cfg.UserAgent
	if r.probe.Name != "" {
		ua = contract.ProbeUserAgent(ua, r.probe.Name)
		if r.probe.BadToken {
			token = p.badToken
		}
	}
	req.Header.Set("authToken", token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", ua)
	p.sent++
	resp, err := p.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w: %v", source, ErrInterrupted, ctx.Err())
		}
		return nil, fmt.Errorf("%s: %w: %s", source, ErrNoResponse, p.describe(ctx, err))
	}
	defer resp.Body.Close()
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, int64(p.cfg.MaxBody)+1))
	ex := &contract.Exchange{
		Source:   source,
		BasePath: cmp.Or(p.base.Path, "/"),
		Request:  contract.Request{Method: http.MethodGet, URL: u.String(), Header: req.Header.Clone()},
		Response: contract.Response{
			Status: resp.StatusCode,
			Header: resp.Header.Clone(),
			Body:   body,
		},
	}
	switch {
	case len(body) > p.cfg.MaxBody:
		ex.Response.Truncated = true
		p.cfg.Logf("%s: the body is over %d bytes; only that much was read", source, p.cfg.MaxBody)
	case readErr != nil:
		ex.Response.Truncated = true
		p.cfg.Logf("%s: the body was cut short after %d bytes: %s", source, len(body), p.describe(ctx, readErr))
	}
	if !ex.Response.Truncated {
		p.decodeBody(ex)
	}
	return ex, nil
}

// describe renders a transport error without anything secret: Go's errors
// name the method and URL, which hold no credential, but the scrub runs
// anyway.
func (p *prober) describe(ctx context.Context, err error) string {
	if ctx.Err() != nil {
		return "interrupted: " + ctx.Err().Error()
	}
	return contract.Scrub(err.Error(), []string{p.cfg.Token, p.badToken})
}

// decodeBody decodes a body that is still content-encoded (the server sent
// an encoding nobody asked for, or HTTPClient's transport does not
// decompress), so that the checker and the Redactor see the real bytes. An
// encoding it cannot decode stays, and the Redactor withholds that body.
func (p *prober) decodeBody(ex *contract.Exchange) {
	h := ex.Response.Header
	enc := httpbody.Normalize(h.Get("Content-Encoding"))
	if enc == "" {
		return
	}
	out, err := httpbody.Decode(enc, ex.Response.Body, p.cfg.MaxBody)
	switch {
	case errors.Is(err, httpbody.ErrUnsupported):
		p.cfg.Logf("%s: the body has Content-Encoding %q, which cannot be decoded; it will be withheld from any recording", ex.Source, enc)
		return
	case err != nil:
		p.cfg.Logf("%s: the body claims Content-Encoding %q but does not decode; it will be withheld from any recording", ex.Source, enc)
		return
	}
	if len(out) > p.cfg.MaxBody {
		out = out[:p.cfg.MaxBody+1]
		ex.Response.Truncated = true
	}
	ex.Response.Body = out
	h.Del("Content-Encoding")
	h.Del("Content-Length")
}

// check runs the checker and the run's cross-page invariants, and keeps the
// exchange and its result.
func (p *prober) check(ex *contract.Exchange) *contract.Result {
	p.out.Exchanges = append(p.out.Exchanges, ex)
	p.out.Results = append(p.out.Results, p.checker.Check(ex))
	res := &p.out.Results[len(p.out.Results)-1]
	p.run.Observe(res)
	return res
}

// politeness plans a wait before the next request when the window is
// nearly used up.
func (p *prober) politeness(h http.Header) {
	if p.cfg.LowRemaining < 0 {
		return
	}
	rl, _ := headers.ParseRateLimit(h)
	if !rl.HasRemaining || rl.Remaining > p.cfg.LowRemaining {
		return
	}
	wait, why := p.cfg.MaxWait, "the window's reset time is not given"
	switch {
	case rl.HasReset:
		wait, why = rl.ResetsAfter, "until the window resets"
	case rl.Window > 0:
		wait, why = rl.Window, "one window length"
	}
	p.wait = min(wait, p.cfg.MaxWait)
	p.waitWhy = fmt.Sprintf("only %s left in the store's shared rate-limit window (%s)", plural(rl.Remaining, "request"), why)
}

// retryAfter plans the wait before repeating a probe that got a 429.
func (p *prober) retryAfter(h http.Header, in429 int) {
	w, ok, _ := headers.RetryWait(h, p.cfg.Now())
	wait, why := w.Duration, "as "+w.Header+" asks"
	if !ok {
		wait, why = p.cfg.MinRetryWait<<(in429-1), "no header says how long; backing off"
	}
	wait = min(max(wait, p.cfg.MinRetryWait), p.cfg.MaxWait)
	if wait > p.wait {
		p.wait = wait
		p.waitWhy = fmt.Sprintf("the endpoint answered 429 (%d in a row), %s", in429, why)
	}
}

// rateLimited ends the run with the rate-limited finding on the last 429.
func (p *prober) rateLimited(res *contract.Result, n int) {
	rule, _ := contract.RuleFor(contract.IDRateLimited)
	f := contract.Finding{
		ID:       contract.IDRateLimited,
		Severity: rule.Severity,
		Path:     "status",
		Message: fmt.Sprintf("the endpoint answered 429 %d times in a row; the run stopped after %d of its %d requests",
			n, p.sent, p.cfg.Budget),
		Source: res.Source,
	}
	res.Findings = append([]contract.Finding{f}, res.Findings...)
	p.stop("the endpoint answered 429 %d times in a row", n)
}

// readPage reads totalCount from a list body, leniently: the checker judges
// the body; the plan only needs the number.
func readPage(body []byte) page {
	var v struct {
		Meta struct {
			Pagination struct {
				TotalCount *json.Number `json:"totalCount"`
			} `json:"pagination"`
		} `json:"meta"`
	}
	if json.Unmarshal(body, &v) != nil || v.Meta.Pagination.TotalCount == nil {
		return page{}
	}
	n, err := v.Meta.Pagination.TotalCount.Int64()
	if err != nil || n < 0 || n > 1<<31 {
		return page{}
	}
	return page{total: int(n), hasTotal: true}
}

// ToolVersion is the module version of the running binary, "(devel)" for a
// build from a checkout.
func ToolVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

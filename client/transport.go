package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/b2b-contract/s2s-tokens/client/headers"
	"github.com/b2b-contract/s2s-tokens/openapi"

	"github.com/b2b-contract/s2s-tokens/internal/secrets"
)

// operation is one of the spec's operations, as package openapi's table
// gives it (method, path, documented statuses, whether it needs the
// authToken), with what the client derives from it.
type operation struct {
	openapi.Operation
	index int  // the operation's place in operations, for per-operation state
	read  bool // a GET: safe to retry
	list  bool // the list operation: 404 means the endpoint is gone
}

// operations is the spec's table of operations, read once from the embedded
// spec. Each hand-written method names the operation it wraps in a
// //meta:operation comment, and the package's tests check those comments,
// the requests the methods send and their status handling against it.
var operations = mustOperations()

// The operations the client's methods wrap, looked up in the spec's table.
var (
	opList   = operations.find(http.MethodGet, "/backend/tokens")
	opDelete = operations.find(http.MethodDelete, "/auth/backend")
	opCreate = operations.find(http.MethodPost, "/auth/backend")
)

type operationTable []*operation

// mustOperations reads the table from the embedded spec. The spec is part
// of the binary and the package's tests read it, so a failure here is a
// broken build, not bad input.
func mustOperations() operationTable {
	ops, err := openapi.Operations()
	if err != nil {
		panic("client: " + err.Error())
	}
	list, err := openapi.ListOperation()
	if err != nil {
		panic("client: " + err.Error())
	}
	t := make(operationTable, len(ops))
	for i, o := range ops {
		t[i] = &operation{
			Operation: o,
			index:     i,
			read:      o.Method == http.MethodGet,
			list:      o.ID == list.ID,
		}
	}
	return t
}

// find returns the operation at method and path; it panics when the spec
// has none, which the package's tests rule out.
func (t operationTable) find(method, path string) *operation {
	for _, o := range t {
		if o.Method == method && o.Path == path {
			return o
		}
	}
	panic("client: the embedded spec has no operation " + method + " " + path)
}

// exchange is one response, its body read in full (up to the cap).
type exchange struct {
	resp     *http.Response
	body     []byte
	attempts int       // requests sent by the call so far
	at       time.Time // when the response arrived, for HTTP-date waits
	known    []string  // secret values to redact from anything derived from the body
	sc       *secrets.Scrubber
}

// known returns the secret values that must be redacted from what the
// client keeps of a response: its own auth token.
func (c *Client) known(extra ...string) []string {
	k := make([]string, 0, 1+len(extra))
	if !c.auth.IsZero() {
		k = append(k, c.auth.Reveal())
	}
	return append(k, extra...)
}

// send sends a request built by build, retrying reads as the RetryPolicy
// says, and returns the last response with its body read. An error status is
// not an error here: the caller decides. send returns an error for a failed
// round trip, an unreadable, oversized or still-compressed body, and a
// context that ended.
func (c *Client) send(ctx context.Context, op *operation, build func() (*http.Request, error), known []string) (*exchange, error) {
	if op.Auth && c.auth.IsZero() {
		return nil, fmt.Errorf("client: %s: %w: pass WithAuthToken to New", op, ErrNoAuthToken)
	}
	maxAttempts := 1
	if op.read {
		maxAttempts = c.retry.MaxAttempts
	}
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("client: %s: %w", op, err)
		}
		req, err := build()
		if err != nil {
			return nil, fmt.Errorf("client: %s: building the request: %w", op, err)
		}
		req = req.WithContext(ctx)
		c.prepare(req, op)

		ex, err := c.attempt(op, req, known, n)
		var wait time.Duration
		var why string
		switch {
		case err != nil:
			var apiErr *APIError
			if errors.As(err, &apiErr) || ctx.Err() != nil || !op.read || n >= maxAttempts || !retryableTransport(err) {
				return nil, transportError(op, err, n)
			}
			wait, why = c.retry.clamp(c.retry.Backoff(n, c.retry.MinWait, c.retry.MaxWait)), "connection reset"
		case op.read && n < maxAttempts && retryableStatus(ex.resp.StatusCode):
			why = fmt.Sprintf("HTTP %d", ex.resp.StatusCode)
			if w, ok, _ := headers.RetryWait(ex.resp.Header, ex.at); ok {
				wait = c.retry.clamp(w.Duration)
			} else {
				wait = c.retry.clamp(c.retry.Backoff(n, c.retry.MinWait, c.retry.MaxWait))
			}
		default:
			return ex, nil
		}

		// Never wait past the deadline: if the wait would end after it,
		// return what we have now.
		if deadline, ok := ctx.Deadline(); ok && !c.now().Add(wait).Before(deadline) {
			if ex != nil {
				return ex, nil
			}
			return nil, transportError(op, err, n)
		}
		c.logger.LogAttrs(ctx, slog.LevelDebug, "client: retrying",
			slog.String("operation", op.ID), slog.Int("attempt", n), slog.String("reason", why), slog.Duration("wait", wait))
		if serr := c.sleep(ctx, wait); serr != nil {
			// Cancelled during the wait: report both the cancellation and
			// what we were waiting to retry.
			var last error
			if ex != nil {
				last = c.newAPIError(op, ex, "", nil)
			} else {
				last = transportError(op, err, n)
			}
			return nil, fmt.Errorf("%w (gave up waiting to retry: %w)", last, serr)
		}
	}
}

// transportError wraps an error from a round trip or a body read.
func transportError(op *operation, err error, attempts int) error {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return err
	}
	if attempts > 1 {
		return fmt.Errorf("client: %s: %w (after %d attempts)", op, err, attempts)
	}
	return fmt.Errorf("client: %s: %w", op, err)
}

// prepare sets the headers every request carries.
func (c *Client) prepare(req *http.Request, op *operation) {
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if op.Auth {
		// The vendor documents the header as authToken; set it with that
		// spelling rather than Go's canonical "Authtoken". X-Store-Hash is
		// never sent: with authToken the vendor says it gives unexpected
		// results.
		req.Header[authHeader] = []string{c.auth.Reveal()}
	}
}

// attempt sends one request and reads the response's body, up to the cap.
func (c *Client) attempt(op *operation, req *http.Request, known []string, n int) (*exchange, error) {
	resp, err := c.hc.Do(req)
	if err != nil {
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		// url.Error repeats the URL, and after a refused redirect that is a
		// URL the server chose; the operation already says where we went.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, err
	}
	body := resp.Body
	defer body.Close()
	resp.Body = http.NoBody
	scrubRequest(resp)
	c.noteDeprecation(op, resp.Header)
	ex := &exchange{resp: resp, attempts: n, at: c.now(), known: known}

	if ce := strings.TrimSpace(resp.Header.Get("Content-Encoding")); ce != "" && !strings.EqualFold(ce, "identity") {
		// net/http removes Content-Encoding when it decompresses. Still
		// here, it means a transport that does not, and the cap would
		// apply to compressed bytes.
		return nil, c.newAPIError(op, ex, fmt.Sprintf("the body has Content-Encoding %q, which the transport did not decode", secrets.Cut(ex.scrubber(), ce, 32)), nil)
	}
	if resp.ContentLength > c.maxBody {
		e := c.newAPIError(op, ex, fmt.Sprintf("Content-Length %d is over the %d-byte cap", resp.ContentLength, c.maxBody), nil)
		e.addKind(ErrResponseTooLarge)
		return nil, e
	}
	ex.body, err = io.ReadAll(io.LimitReader(body, c.maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading the body of HTTP %d: %w", resp.StatusCode, err)
	}
	if int64(len(ex.body)) > c.maxBody {
		e := c.newAPIError(op, ex, fmt.Sprintf("the body is over the %d-byte cap", c.maxBody), nil)
		e.addKind(ErrResponseTooLarge)
		return nil, e
	}
	return ex, nil
}

// scrubRequest replaces the response's request with a copy whose headers
// lack the credentials, since APIError hands the response to callers.
func scrubRequest(resp *http.Response) {
	if resp.Request == nil {
		return
	}
	r := resp.Request.WithContext(resp.Request.Context())
	r.Header = r.Header.Clone()
	delete(r.Header, authHeader)
	r.Header.Del(authHeader)
	r.Header.Del("X-Auth-Token")
	r.Header.Del("Authorization")
	r.Body, r.GetBody = nil, nil
	resp.Request = r
}

// isJSON reports whether the response says its body is JSON.
func isJSON(h http.Header) bool {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// contentType names a response's content type for an error message,
// scrubbed with sc before it is cut to 64 bytes.
func contentType(h http.Header, sc *secrets.Scrubber) string {
	ct := h.Get("Content-Type")
	if ct == "" {
		return "no Content-Type"
	}
	return fmt.Sprintf("Content-Type %q", secrets.Cut(sc, ct, 64))
}

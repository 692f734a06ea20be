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
	"slices"
	"strings"
	"time"

	"github.com/b2b-contract/s2s-tokens/client/headers"
)

// operation describes one of the spec's operations.
type operation struct {
	index      int
	id         string // the spec's operationId
	method     string
	path       string
	documented []int // the statuses the spec documents
	auth       bool  // sends authToken
	read       bool  // safe to retry
	list       bool  // the list path: 404 means the endpoint is gone
}

const numOperations = 3

var (
	opList = &operation{
		index: 0, id: "get-backend-tokens", method: http.MethodGet, path: "/backend/tokens",
		documented: []int{200, 400, 401, 403, 413, 422, 429, 500, 503},
		auth:       true, read: true, list: true,
	}
	opDelete = &operation{
		index: 1, id: "delete-auth-backend", method: http.MethodDelete, path: "/auth/backend",
		documented: []int{200, 400, 401, 403, 404, 422, 429, 500, 503},
		auth:       true,
	}
	opCreate = &operation{
		index: 2, id: "post-auth-backend", method: http.MethodPost, path: "/auth/backend",
		documented: []int{200, 400, 401, 403, 413, 422, 429, 500, 503},
	}
)

// String names the operation as "GET /backend/tokens (get-backend-tokens)".
func (op *operation) String() string { return op.method + " " + op.path + " (" + op.id + ")" }

func (op *operation) documents(status int) bool { return slices.Contains(op.documented, status) }

// exchange is one response, its body read in full (up to the cap).
type exchange struct {
	resp     *http.Response
	body     []byte
	attempts int       // requests sent by the call so far
	at       time.Time // when the response arrived, for HTTP-date waits
	known    []string  // secret values to redact from anything derived from the body
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
	if op.auth && c.auth.IsZero() {
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
			slog.String("operation", op.id), slog.Int("attempt", n), slog.String("reason", why), slog.Duration("wait", wait))
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
	if op.auth {
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
		return nil, c.newAPIError(op, ex, fmt.Sprintf("the body has Content-Encoding %q, which the transport did not decode", truncate(ce, 32)), nil)
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

// contentType names a response's content type for an error message.
func contentType(h http.Header) string {
	ct := h.Get("Content-Type")
	if ct == "" {
		return "no Content-Type"
	}
	return fmt.Sprintf("Content-Type %q", truncate(ct, 64))
}

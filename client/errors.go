package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/b2b-contract/s2s-tokens/client/headers"
	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
	"github.com/b2b-contract/s2s-tokens/internal/secrets"
)

// Sentinel errors. A call's error matches them with errors.Is; most come
// wrapped in an *APIError, which errors.As extracts.
var (
	// ErrUnauthorized: 401, the authToken is missing, wrong or deleted.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: 403, the credentials lack permission.
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound: 404. From Delete, no token has that id.
	ErrNotFound = errors.New("not found")
	// ErrRateLimited: 429, the store's shared request allowance is used up.
	// APIError.RetryAfter holds the wait the response asked for.
	ErrRateLimited = errors.New("rate limited")
	// ErrEndpointGone: the list path answered 404 or 410, or any operation
	// answered 410. This is how the endpoint's retirement will most likely
	// look.
	ErrEndpointGone = errors.New("endpoint gone")
	// ErrUnexpectedResponse: a status the operation does not document, a
	// success whose body is not the JSON the contract describes, or a body
	// the transport left compressed.
	ErrUnexpectedResponse = errors.New("unexpected response")
	// ErrResponseTooLarge: the body was larger than the client's cap (see
	// WithMaxBodyBytes). Nothing past the cap is read.
	ErrResponseTooLarge = errors.New("response body too large")
	// ErrRedirectRefused: the server redirected to another origin (scheme,
	// host or port), or a write to another method. The client never follows
	// such a redirect, because net/http would forward the authToken header.
	ErrRedirectRefused = errors.New("redirect refused")
	// ErrInvalidArgument: an argument or option was rejected before
	// anything was sent.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrNoAuthToken: the operation needs an authToken and the client has
	// none (see WithAuthToken). Nothing was sent.
	ErrNoAuthToken = errors.New("no auth token configured")
)

// APIError describes a response the client did not turn into a result: an
// error status, or a success it could not use. Every field is safe to log:
// messages and the body excerpt have token values, emails, passwords and the
// client's authToken removed.
type APIError struct {
	// Operation names the call, as in "GET /backend/tokens (get-backend-tokens)".
	Operation string
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the error envelope's code (0 when the body is not the envelope).
	Code int
	// Message is the envelope's meta.message.
	Message string
	// ErrMsg is the envelope's data.errMsg when it is a string, or the field
	// errors joined as "field: message; ...".
	ErrMsg string
	// FieldErrors are data.errMsg's (or data's) per-field messages, when the
	// body has them.
	FieldErrors map[string][]string
	// RequestID is the response's X-Request-Id.
	RequestID string
	// RetryAfter is the wait a 429, or a 503 with Retry-After, asked for
	// (Retry-After, X-Retry-After, X-Rate-Limit-Time-Reset-Ms or
	// X-Request-Window-Resets-After), and RetryAfterHeader the header that
	// said so. Both are zero for any other response: the rate-limit headers
	// ride on every response, and only these two statuses ask for a wait.
	RetryAfter       time.Duration
	RetryAfterHeader string
	// Attempts is how many requests the call sent.
	Attempts int
	// Body is a redacted excerpt of the body, at most ExcerptLimit bytes.
	Body string
	// Response is a copy of the last response, its body consumed and closed:
	// its Header and Trailer are redacted clones (credential headers such as
	// Set-Cookie dropped, every other value scrubbed of the client's secrets,
	// JWTs and emails) and its request's credential headers are removed.
	Response *http.Response

	reason       string  // why a 2xx was rejected
	undocumented bool    // the operation does not document the status
	kinds        []error // sentinels this error matches
	cause        error   // an underlying decode error, if any
}

// Error says which operation failed, with which status and why, without
// the body.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("client: ")
	b.WriteString(e.Operation)
	fmt.Fprintf(&b, ": HTTP %d", e.StatusCode)
	statusText := http.StatusText(e.StatusCode)
	if statusText != "" {
		b.WriteString(" " + statusText)
	}
	// The status already says unauthorized, forbidden, not found or rate
	// limited; name only the kinds it does not say.
	for _, k := range []error{ErrEndpointGone, ErrUnexpectedResponse, ErrResponseTooLarge} {
		if e.is(k) {
			b.WriteString(": " + k.Error())
		}
	}
	if e.undocumented {
		b.WriteString(": the operation does not document this status")
	}
	if e.reason != "" {
		b.WriteString(": " + e.reason)
	}
	if e.cause != nil {
		b.WriteString(": " + e.cause.Error())
	}
	message := e.Message
	if strings.EqualFold(message, statusText) || message == e.ErrMsg {
		message = ""
	}
	for _, m := range []string{message, e.ErrMsg} {
		if m != "" {
			b.WriteString(": " + m)
		}
	}
	var notes []string
	if e.RetryAfterHeader != "" {
		notes = append(notes, fmt.Sprintf("asked to wait %s by %s", e.RetryAfter, e.RetryAfterHeader))
	}
	if e.RequestID != "" {
		notes = append(notes, "request id "+e.RequestID)
	}
	if e.Attempts > 1 {
		notes = append(notes, fmt.Sprintf("after %d attempts", e.Attempts))
	}
	if len(notes) > 0 {
		b.WriteString(" (" + strings.Join(notes, "; ") + ")")
	}
	return b.String()
}

// GoString keeps %#v to the same safe summary as Error.
func (e *APIError) GoString() string { return "&client.APIError{" + e.Error() + "}" }

// Unwrap returns the sentinels the error matches (for errors.Is) and the
// underlying decode error, if any.
func (e *APIError) Unwrap() []error {
	errs := slices.Clone(e.kinds)
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

func (e *APIError) is(target error) bool { return slices.Contains(e.kinds, target) }

func (e *APIError) addKind(k error) {
	if !e.is(k) {
		e.kinds = append(e.kinds, k)
	}
}

// newAPIError builds the error for a response the operation does not turn
// into a result. reason and cause say why a 2xx was rejected; they are empty
// for an error status.
func (c *Client) newAPIError(op *operation, ex *exchange, reason string, cause error) *APIError {
	e := &APIError{
		Operation:  op.String(),
		StatusCode: ex.resp.StatusCode,
		RequestID:  cleanMessage(ex.resp.Header.Get(headers.RequestID), ex.known...),
		Attempts:   ex.attempts,
		Body:       excerpt(ex.body, ex.known...),
		Response:   safeResponse(ex.resp, ex.scrubber()),
		reason:     reason,
		cause:      cause,
	}
	status := ex.resp.StatusCode
	switch {
	case status == http.StatusUnauthorized:
		e.addKind(ErrUnauthorized)
	case status == http.StatusForbidden:
		e.addKind(ErrForbidden)
	case status == http.StatusNotFound:
		e.addKind(ErrNotFound)
		if op.list {
			e.addKind(ErrEndpointGone)
		}
	case status == http.StatusGone:
		e.addKind(ErrEndpointGone)
	case status == http.StatusTooManyRequests:
		e.addKind(ErrRateLimited)
	}
	e.undocumented = !op.Documents(status) && !e.is(ErrEndpointGone)
	if e.undocumented || reason != "" || cause != nil {
		e.addKind(ErrUnexpectedResponse)
	}
	if asksToWait(ex.resp) {
		if w, ok, _ := headers.RetryWait(ex.resp.Header, ex.at); ok {
			e.RetryAfter, e.RetryAfterHeader = w.Duration, w.Header
		}
	}
	if reason == "" && cause == nil && isJSON(ex.resp.Header) {
		e.readEnvelope(ex.body, ex.known)
	}
	return e
}

// safeResponse returns a shallow copy of resp whose Header and Trailer are
// safe to log (safeHeader).
func safeResponse(resp *http.Response, sc *secrets.Scrubber) *http.Response {
	if resp == nil {
		return nil
	}
	cp := *resp
	cp.Header = safeHeader(resp.Header, sc)
	cp.Trailer = safeHeader(resp.Trailer, sc)
	return &cp
}

// readEnvelope fills Code, Message, ErrMsg and FieldErrors from a B2B error
// envelope. A body that is not the envelope leaves them empty.
func (e *APIError) readEnvelope(body []byte, known []string) {
	var env tokensapi.ErrorEnvelope
	if json.Unmarshal(body, &env) != nil {
		return
	}
	e.Code = env.Code
	e.Message = cleanMessage(env.Meta.Message, known...)
	var fields tokensapi.FieldErrors
	if m := env.Data.ErrMsg; m != nil {
		if s, err := m.AsErrorMessage0(); err == nil {
			e.ErrMsg = cleanMessage(s, known...)
		} else if f, err := m.AsFieldErrors(); err == nil {
			fields = f
		}
	} else {
		// A variant seen elsewhere in the vendor's API: 422 field errors
		// directly under data.
		var raw struct {
			Data tokensapi.FieldErrors `json:"data"`
		}
		if json.Unmarshal(body, &raw) == nil {
			fields = raw.Data
		}
	}
	if len(fields) > 0 {
		e.FieldErrors = make(map[string][]string, len(fields))
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			name := cleanMessage(k, known...)
			for _, msg := range fields[k] {
				msg = cleanMessage(msg, known...)
				e.FieldErrors[name] = append(e.FieldErrors[name], msg)
				parts = append(parts, name+": "+msg)
			}
		}
		e.ErrMsg = cleanMessage(strings.Join(parts, "; "), known...)
	}
}

// asksToWait reports whether a response asks the caller to wait before the
// next request: a 429, or a 503 with Retry-After. The B2B rate-limit headers
// ride on every response, so on any other status they describe the window,
// not a request to wait.
func asksToWait(resp *http.Response) bool {
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true
	case http.StatusServiceUnavailable:
		return resp.Header.Get(headers.RetryAfter) != ""
	}
	return false
}

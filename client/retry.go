package client

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"syscall"
	"time"
)

// Default retry policy values.
const (
	DefaultMaxAttempts = 4
	DefaultMinWait     = time.Second
	DefaultMaxWait     = time.Minute
)

// RetryPolicy says how a read (List, All, FetchAll) is retried. Writes
// (Delete, Create) are never retried: the client cannot tell whether a
// failed write took effect.
//
// A read is retried when the response is 429, 502, 503 or 504, or when the
// connection was reset (before the response, or in the middle of its body).
// Nothing else is retried: not 500 (the vendor advises waits of minutes,
// which belong to the caller), not 501, not timeouts (the caller's deadline
// decides), and not a body over the cap.
//
// Before each retry the client waits. The wait is the one the response asked
// for (Retry-After as seconds or an HTTP-date, X-Retry-After,
// X-Rate-Limit-Time-Reset-Ms, or X-Request-Window-Resets-After, read by
// package headers), or, when it asked for none or sent garbage, Backoff's.
// Either is clamped to [0, MaxWait]. If the context's deadline would pass
// before the wait ends, the client does not wait: it returns the last error
// at once. If the context is cancelled during a wait, the call returns at
// once with an error that matches both the context's error and the last
// response's.
//
// The zero value of a field means its default (DefaultMaxAttempts,
// DefaultMinWait, DefaultMaxWait, ExponentialJitter). Negative values are
// rejected by New.
type RetryPolicy struct {
	// MaxAttempts bounds the requests one read sends, the first included.
	// 1 turns retries off.
	MaxAttempts int
	// MinWait is the backoff's first wait.
	MinWait time.Duration
	// MaxWait bounds every wait, including one a response asked for.
	MaxWait time.Duration
	// Backoff computes the wait when the response did not ask for one.
	Backoff Backoff
}

// Backoff returns the wait before the next attempt. attempt is how many
// requests have been sent so far (1 after the first failed). The client
// clamps the result to [0, max], so a Backoff may return anything; it must
// be safe to call from several goroutines at once.
type Backoff func(attempt int, min, max time.Duration) time.Duration

// ExponentialJitter is the default Backoff: min doubled for each attempt
// after the first, capped at max, with "equal jitter" (a uniformly random
// wait between half the value and the value), so that clients that failed
// together do not retry together.
func ExponentialJitter(attempt int, min, max time.Duration) time.Duration {
	if min <= 0 || attempt < 1 {
		return 0
	}
	d := max
	if shift := attempt - 1; shift < 62 && min <= max>>shift {
		d = min << shift
	}
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// NoRetry is a policy that sends each read once.
var NoRetry = RetryPolicy{MaxAttempts: 1}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.MaxWait == 0 {
		p.MaxWait = max(DefaultMaxWait, p.MinWait)
	}
	if p.MinWait == 0 {
		p.MinWait = min(DefaultMinWait, p.MaxWait)
	}
	if p.Backoff == nil {
		p.Backoff = ExponentialJitter
	}
	return p
}

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxAttempts < 0:
		return fmt.Errorf("RetryPolicy.MaxAttempts is %d; it must be 1 or more (0 means %d)", p.MaxAttempts, DefaultMaxAttempts)
	case p.MinWait < 0:
		return fmt.Errorf("RetryPolicy.MinWait is %s; it must not be negative", p.MinWait)
	case p.MaxWait < 0:
		return fmt.Errorf("RetryPolicy.MaxWait is %s; it must not be negative", p.MaxWait)
	case p.MinWait > p.MaxWait:
		return fmt.Errorf("RetryPolicy.MinWait (%s) is larger than MaxWait (%s)", p.MinWait, p.MaxWait)
	}
	return nil
}

// clamp bounds a wait to [0, MaxWait].
func (p RetryPolicy) clamp(d time.Duration) time.Duration {
	return min(max(d, 0), p.MaxWait)
}

// retryableStatus reports whether a read answered with status is retried.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableTransport reports whether a transport error is a connection
// reset: the peer dropped the connection before or during the response.
func retryableTransport(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

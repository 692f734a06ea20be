package client

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/internal/ctxsleep"
)

// failThen answers the first n requests with status and hdr, then serves
// the store.
func failThen(n int64, status int, hdr map[string]string, store http.Handler) (http.HandlerFunc, *atomic.Int64) {
	var count atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) <= n {
			for k, v := range hdr {
				w.Header().Set(k, v)
			}
			writeJSON(w, status, `{"code":`+strconv.Itoa(status)+`,"data":{"errMsg":"try later"},"meta":{"message":"Try later"}}`)
			return
		}
		store.ServeHTTP(w, r)
	}, &count
}

func TestRetryWaits(t *testing.T) {
	policy := RetryPolicy{MaxAttempts: 3, MinWait: 100 * time.Millisecond, MaxWait: 2 * time.Minute}
	clockStart := time.Now()
	tests := []struct {
		name   string
		status int
		hdr    map[string]string
		lo, hi time.Duration // bounds of each recorded wait
		// firstOnly checks only the first wait: an HTTP-date is in the past
		// once the fake clock has moved on by the first wait.
		firstOnly bool
	}{
		{name: "Retry-After seconds", status: 429, hdr: map[string]string{"Retry-After": "7"}, lo: 7 * time.Second, hi: 7 * time.Second},
		{name: "Retry-After zero", status: 503, hdr: map[string]string{"Retry-After": "0"}, lo: 0, hi: 0},
		{name: "Retry-After HTTP-date", status: 429, hdr: map[string]string{"Retry-After": clockStart.Add(90 * time.Second).UTC().Format(http.TimeFormat)}, lo: 85 * time.Second, hi: 90 * time.Second, firstOnly: true},
		{name: "Retry-After HTTP-date in the past", status: 429, hdr: map[string]string{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, lo: 0, hi: 0},
		{name: "Retry-After garbage falls back to backoff", status: 429, hdr: map[string]string{"Retry-After": "soon"}, lo: 50 * time.Millisecond, hi: 200 * time.Millisecond},
		{name: "Retry-After negative falls back to backoff", status: 429, hdr: map[string]string{"Retry-After": "-5"}, lo: 50 * time.Millisecond, hi: 200 * time.Millisecond},
		{name: "Retry-After huge is clamped", status: 429, hdr: map[string]string{"Retry-After": "999999999999999999999"}, lo: 2 * time.Minute, hi: 2 * time.Minute},
		{name: "Retry-After an hour is clamped", status: 503, hdr: map[string]string{"Retry-After": "3600"}, lo: 2 * time.Minute, hi: 2 * time.Minute},
		{name: "X-Retry-After", status: 429, hdr: map[string]string{"X-Retry-After": "3"}, lo: 3 * time.Second, hi: 3 * time.Second},
		{name: "X-Rate-Limit-Time-Reset-Ms", status: 429, hdr: map[string]string{"X-Rate-Limit-Time-Reset-Ms": "1500"}, lo: 1500 * time.Millisecond, hi: 1500 * time.Millisecond},
		{name: "X-Request-Window-Resets-After", status: 429, hdr: map[string]string{"X-Request-Window-Resets-After": "0.397 s"}, lo: 397 * time.Millisecond, hi: 397 * time.Millisecond},
		{name: "no header: backoff", status: 502, lo: 50 * time.Millisecond, hi: 200 * time.Millisecond},
		{name: "504", status: 504, lo: 50 * time.Millisecond, hi: 200 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			handler, count := failThen(2, tt.status, tt.hdr, newTestStore(3))
			h := newHarness(t, handler, WithRetryPolicy(policy))
			h.clock.t = clockStart
			page, err := h.client.List(context.Background(), ListOptions{Limit: 10})
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if len(page.Tokens) != 3 || count.Load() != 3 {
				t.Errorf("%d tokens after %d requests, want 3 after 3", len(page.Tokens), count.Load())
			}
			waits := h.clock.waits()
			if len(waits) != 2 {
				t.Fatalf("waited %d times, want 2", len(waits))
			}
			if tt.firstOnly {
				waits = waits[:1]
			}
			for i, w := range waits {
				// The backoff doubles: the second wait may be up to twice the first's bound.
				hi := tt.hi
				if tt.hi != tt.lo && i == 1 {
					hi *= 2
				}
				if w < tt.lo || w > hi {
					t.Errorf("wait %d = %v, want within [%v, %v]", i, w, tt.lo, hi)
				}
			}
		})
	}
}

func TestRateLimitStormGivesUpWithTheWaitItWasTold(t *testing.T) {
	var count atomic.Int64
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		count.Add(1)
		w.Header().Set("Retry-After", "2")
		w.Header().Set("X-Request-Id", "storm")
		writeJSON(w, 429, `{"code":429,"data":{"errMsg":"Too many requests."},"meta":{"message":"Too Many Requests"}}`)
	}, WithRetryPolicy(RetryPolicy{MaxAttempts: 5}))
	page, err := h.client.List(context.Background(), ListOptions{})
	if page != nil || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("List = %v, %v; want ErrRateLimited", page != nil, err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatal("not an *APIError")
	}
	if apiErr.RetryAfter != 2*time.Second || apiErr.RetryAfterHeader != "Retry-After" || apiErr.Attempts != 5 || count.Load() != 5 {
		t.Errorf("RetryAfter %v from %q, attempts %d, requests %d; want 2s from Retry-After, 5, 5",
			apiErr.RetryAfter, apiErr.RetryAfterHeader, apiErr.Attempts, count.Load())
	}
	if w := h.clock.waits(); len(w) != 4 {
		t.Errorf("waited %d times, want 4", len(w))
	}
}

func TestNotRetried(t *testing.T) {
	tests := []struct {
		name   string
		status int
		call   func(*Client) error
	}{
		{"501 on a read", 501, func(c *Client) error { _, err := c.List(context.Background(), ListOptions{}); return err }},
		{"500 on a read", 500, func(c *Client) error { _, err := c.List(context.Background(), ListOptions{}); return err }},
		{"400 on a read", 400, func(c *Client) error { _, err := c.List(context.Background(), ListOptions{}); return err }},
		{"503 on delete", 503, func(c *Client) error { return c.Delete(context.Background(), 1) }},
		{"429 on create", 429, func(c *Client) error {
			_, err := c.Create(context.Background(), CreateRequest{StoreHash: "s", Email: "e@example.com", Password: NewSecret("pw-123456"), Name: "n"})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "1")
				writeJSON(w, tt.status, `{}`)
			})
			err := tt.call(h.client)
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.status {
				t.Fatalf("want an *APIError with status %d, got %v", tt.status, err)
			}
			if h.requests.Load() != 1 || len(h.clock.waits()) != 0 {
				t.Errorf("%d requests, %d waits; want 1 and 0", h.requests.Load(), len(h.clock.waits()))
			}
		})
	}
}

// If the deadline comes before the wait would end, the client returns the
// rate-limit error at once instead of sleeping past the deadline.
func TestDeadlineSoonerThanTheWait(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		writeJSON(w, 429, `{"code":429,"data":{},"meta":{"message":"Too Many Requests"}}`)
	})
	ctx, cancel := context.WithDeadline(context.Background(), h.clock.now().Add(10*time.Second))
	defer cancel()
	_, err := h.client.List(ctx, ListOptions{})
	if !errors.Is(err, ErrRateLimited) || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the rate-limit error, got %v", err)
	}
	if h.requests.Load() != 1 || len(h.clock.waits()) != 0 {
		t.Errorf("%d requests, %d waits; want 1 and 0", h.requests.Load(), len(h.clock.waits()))
	}
}

// A context cancelled during a wait ends the call at once. This test uses
// the real sleep with a one-hour wait: if the wait were not interrupted, the
// test would hang.
func TestCancelDuringWaitReturnsAtOnce(t *testing.T) {
	arrived := make(chan struct{}, 10)
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		writeJSON(w, 503, `{"code":503,"data":{"errMsg":"maintenance"},"meta":{"message":"Service Unavailable"}}`)
		arrived <- struct{}{}
	}, WithRetryPolicy(RetryPolicy{MaxWait: 2 * time.Hour}))
	waiting := make(chan struct{}, 10)
	h.client.sleep = func(ctx context.Context, d time.Duration) error {
		waiting <- struct{}{}
		return ctxsleep.Sleep(ctx, d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := h.client.List(ctx, ListOptions{})
		done <- err
	}()
	<-arrived
	<-waiting
	cancel()
	select {
	case err := <-done:
		var apiErr *APIError
		if !errors.Is(err, context.Canceled) || !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
			t.Errorf("want an error matching context.Canceled and the 503, got %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("List did not return after its context was cancelled")
	}
	if h.requests.Load() != 1 {
		t.Errorf("%d requests, want 1", h.requests.Load())
	}
}

func TestConnectionResetIsRetriedOnReads(t *testing.T) {
	store := newTestStore(2)
	partial := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"code\":200,\"data\":[{\"id\":1,"
	tests := []struct {
		name  string
		raw   string // what the server writes before the reset
		clean bool   // close with a FIN instead of an RST
	}{
		{name: "reset before the response"},
		{name: "reset mid-body", raw: partial},
		{name: "closed mid-body: truncated", raw: partial, clean: true},
		{name: "closed before the response", clean: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var count atomic.Int64
			h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
				if count.Add(1) <= 2 {
					dropConn(t, w, tt.raw, !tt.clean)
					return
				}
				store.ServeHTTP(w, r)
			})
			page, err := h.client.List(context.Background(), ListOptions{Limit: 10})
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if len(page.Tokens) != 2 || count.Load() != 3 || len(h.clock.waits()) != 2 {
				t.Errorf("%d tokens, %d requests, %d waits; want 2, 3, 2", len(page.Tokens), count.Load(), len(h.clock.waits()))
			}
		})
		t.Run(tt.name+" on delete is not retried", func(t *testing.T) {
			h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { dropConn(t, w, tt.raw, !tt.clean) })
			err := h.client.Delete(context.Background(), 1)
			if err == nil || h.requests.Load() != 1 {
				t.Errorf("Delete = %v after %d requests; want an error after 1", err, h.requests.Load())
			}
		})
	}
	t.Run("resets until the attempts run out", func(t *testing.T) {
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { dropConn(t, w, "", true) },
			WithRetryPolicy(RetryPolicy{MaxAttempts: 3}))
		page, err := h.client.List(context.Background(), ListOptions{})
		if page != nil || err == nil || h.requests.Load() != 3 {
			t.Fatalf("List = %v, %v after %d requests; want an error after 3", page != nil, err, h.requests.Load())
		}
		if !retryableTransport(err) {
			t.Errorf("error %v does not keep the reset", err)
		}
	})
}

func TestExponentialJitter(t *testing.T) {
	min, max := 100*time.Millisecond, 5*time.Second
	for attempt := 1; attempt <= 100; attempt++ {
		for range 20 {
			d := ExponentialJitter(attempt, min, max)
			ceil := max
			if attempt < 20 {
				ceil = time.Duration(float64(min) * float64(uint64(1)<<(attempt-1)))
				ceil = time.Duration(minDur(int64(ceil), int64(max)))
			}
			if d < ceil/2 || d > ceil {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, d, ceil/2, ceil)
			}
		}
	}
	if ExponentialJitter(1, 0, max) != 0 || ExponentialJitter(0, min, max) != 0 || ExponentialJitter(3, min, -time.Second) != 0 {
		t.Error("degenerate inputs must give 0")
	}
}

func minDur(a, b int64) int64 {
	if a < b {
		return a
	}
	return b
}

func TestRetryPolicyValidation(t *testing.T) {
	for _, p := range []RetryPolicy{
		{MaxAttempts: -1},
		{MinWait: -time.Second},
		{MaxWait: -time.Second},
		{MinWait: time.Minute, MaxWait: time.Second},
	} {
		if _, err := New(WithRetryPolicy(p)); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("New(WithRetryPolicy(%+v)) = %v, want ErrInvalidArgument", p, err)
		}
	}
	c, err := New(WithRetryPolicy(RetryPolicy{MaxWait: 100 * time.Millisecond}))
	if err != nil {
		t.Fatalf("a small MaxWait alone must be accepted: %v", err)
	}
	if c.retry.MinWait != 100*time.Millisecond || c.retry.MaxAttempts != DefaultMaxAttempts || c.retry.Backoff == nil {
		t.Errorf("defaults not filled in: %+v", c.retry)
	}
}

package fake

import (
	"net/http"
	"time"
)

// Timeouts are the connection timeouts of an *http.Server that serves a
// fake (NewHTTPServer); each bounds how long one client can hold a
// connection, so that a slow or idle client cannot keep it open forever.
type Timeouts struct {
	// ReadHeader bounds reading a request's headers.
	ReadHeader time.Duration
	// Read bounds reading a whole request, body included: a client that
	// sends its body slowly is cut off.
	Read time.Duration
	// Write bounds the time from the end of reading the request headers to
	// the end of writing the response; it must exceed the fake's Latency.
	Write time.Duration
	// Idle bounds how long a keep-alive connection waits for its next
	// request before it is closed.
	Idle time.Duration
}

// DefaultTimeouts are the timeouts `tokens-contract fake` serves with:
// 10 s for headers, 30 s for a whole request, 30 s plus the latency for a
// response, 60 s for an idle keep-alive connection. They are the one place
// these values are set.
var DefaultTimeouts = Timeouts{
	ReadHeader: 10 * time.Second,
	Read:       30 * time.Second,
	Write:      30 * time.Second,
	Idle:       60 * time.Second,
}

// WithLatency returns t with Write extended by latency, so a fake that
// delays every response by latency still gets to write it.
func (t Timeouts) WithLatency(latency time.Duration) Timeouts {
	t.Write += latency
	return t
}

// NewHTTPServer returns an *http.Server that serves h with the timeouts t.
// The caller sets Addr or calls Serve, and may set ErrorLog.
func NewHTTPServer(h http.Handler, t Timeouts) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
	}
}

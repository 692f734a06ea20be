// Package replay serves recorded exchanges back over HTTP, so that tests can
// drive a recording through what a service runs in production (the watching
// transport, the proxy) and compare what those report with what "check"
// reports on the file.
//
// A Handler answers each request with the response of the first exchange not
// yet served whose method, path and query are the request's: the recorded
// status, headers and body (the body as recorded, so any Content-Encoding and
// Content-Length header is dropped and net/http sets the length). A request no
// exchange matches gets 599 and is counted in Unmatched, so a test can fail on
// it. Exchanges without a response (status below 100) are never served.
package replay

import (
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/b2b-contract/s2s-tokens/contract"
)

// StatusUnmatched is the status of a request no exchange matches.
const StatusUnmatched = 599

// Handler serves a recording's responses. It is safe for concurrent use.
type Handler struct {
	mu        sync.Mutex
	exs       []*contract.Exchange
	served    []bool
	unmatched []string
}

// New returns a Handler for exs.
func New(exs []*contract.Exchange) *Handler {
	return &Handler{exs: exs, served: make([]bool, len(exs))}
}

// Target is the path and query of an exchange's request URL, as a client
// sends it to the Handler ("/api/io/backend/tokens?limit=10").
func Target(ex *contract.Exchange) (string, error) {
	u, err := url.Parse(ex.Request.URL)
	if err != nil {
		return "", err
	}
	return u.RequestURI(), nil
}

// ServeHTTP answers r with the first unserved exchange that matches it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ex := h.take(r.Method, r.URL.RequestURI())
	if ex == nil {
		http.Error(w, "replay: no recorded exchange matches", StatusUnmatched)
		return
	}
	for k, vs := range ex.Response.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length", "Content-Encoding", "Transfer-Encoding", "Connection":
			continue
		}
		w.Header()[k] = append([]string(nil), vs...)
	}
	w.WriteHeader(ex.Response.Status)
	w.Write(ex.Response.Body)
}

func (h *Handler) take(method, target string) *contract.Exchange {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, ex := range h.exs {
		if h.served[i] || ex.Response.Status < 100 || !strings.EqualFold(ex.Request.Method, method) {
			continue
		}
		if t, err := Target(ex); err == nil && t == target {
			h.served[i] = true
			return ex
		}
	}
	h.unmatched = append(h.unmatched, method+" "+target)
	return nil
}

// Unmatched returns the requests no exchange matched, as "METHOD target".
func (h *Handler) Unmatched() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.unmatched...)
}

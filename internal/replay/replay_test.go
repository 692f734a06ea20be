package replay_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/replay"
)

func exchange(method, url string, status int, body string, header http.Header) *contract.Exchange {
	return &contract.Exchange{
		Request:  contract.Request{Method: method, URL: url},
		Response: contract.Response{Status: status, Header: header, Body: []byte(body)},
	}
}

// TestHandlerServesInOrderAndCountsTheRest: each request gets the first
// unserved exchange with its method, path and query, with the recorded
// status, headers and body (Content-Length and Content-Encoding dropped); a
// request no exchange matches gets StatusUnmatched and is listed; an
// exchange without a response is never served.
func TestHandlerServesInOrderAndCountsTheRest(t *testing.T) {
	h := replay.New([]*contract.Exchange{
		exchange("GET", "https://api.example.test/api/io/backend/tokens?limit=1", 502, "<html>bad gateway</html>",
			http.Header{"Content-Type": {"text/html"}, "Content-Length": {"999"}, "Content-Encoding": {"gzip"}}),
		exchange("GET", "https://api.example.test/api/io/backend/tokens?limit=1", 200, `{"a":1}`, http.Header{"Content-Type": {"application/json"}}),
		exchange("DELETE", "/api/io/auth/backend", 0, "", nil),
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	do := func(method, target string) (int, http.Header, string) {
		req, _ := http.NewRequest(method, srv.URL+target, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	if st, hd, body := do("GET", "/api/io/backend/tokens?limit=1"); st != 502 || body != "<html>bad gateway</html>" ||
		hd.Get("Content-Type") != "text/html" || hd.Get("Content-Encoding") != "" || hd.Get("Content-Length") != "24" {
		t.Errorf("first: %d %v %q", st, hd, body)
	}
	if st, _, body := do("GET", "/api/io/backend/tokens?limit=1"); st != 200 || body != `{"a":1}` {
		t.Errorf("second: %d %q", st, body)
	}
	for _, r := range [][2]string{{"GET", "/api/io/backend/tokens?limit=1"}, {"DELETE", "/api/io/auth/backend"}, {"GET", "/api/io/backend/tokens?limit=2"}} {
		if st, _, _ := do(r[0], r[1]); st != replay.StatusUnmatched {
			t.Errorf("%s %s: %d, want %d", r[0], r[1], st, replay.StatusUnmatched)
		}
	}
	want := []string{"GET /api/io/backend/tokens?limit=1", "DELETE /api/io/auth/backend", "GET /api/io/backend/tokens?limit=2"}
	if got := h.Unmatched(); !slices.Equal(got, want) {
		t.Errorf("Unmatched() = %v, want %v", got, want)
	}
	if _, err := replay.Target(exchange("GET", "http://[::1", 200, "", nil)); err == nil {
		t.Error("Target accepted a malformed URL")
	}
}

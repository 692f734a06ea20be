package client

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

func TestTimeouts(t *testing.T) {
	t.Run("server never answers, context deadline", func(t *testing.T) {
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		page, err := h.client.List(ctx, ListOptions{})
		if page != nil || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("List = %v, %v; want context.DeadlineExceeded", page != nil, err)
		}
		if h.requests.Load() > 1 {
			t.Errorf("%d requests; a timeout is not retried", h.requests.Load())
		}
	})
	t.Run("server never answers, http.Client timeout", func(t *testing.T) {
		var srvURL string
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		srvURL = h.srv.URL
		c, err := New(WithBaseURL(srvURL), WithAuthToken(h.authToken), withClock(h.clock),
			WithHTTPClient(&http.Client{Timeout: 100 * time.Millisecond}))
		if err != nil {
			t.Fatal(err)
		}
		page, err := c.List(context.Background(), ListOptions{})
		if page != nil || err == nil || !strings.Contains(err.Error(), "Client.Timeout") {
			t.Fatalf("List = %v, %v; want the client timeout", page != nil, err)
		}
		assertClean(t, "error", err.Error(), h.authToken)
	})
	t.Run("body trickles in past the deadline", func(t *testing.T) {
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			rc := http.NewResponseController(w)
			_, _ = w.Write([]byte(`{"code":200,"data":[`))
			for {
				select {
				case <-r.Context().Done():
					return
				case <-time.After(10 * time.Millisecond):
				}
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
				_ = rc.Flush()
			}
		})
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		defer cancel()
		page, err := h.client.List(ctx, ListOptions{})
		if page != nil || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("List = %v, %v; want context.DeadlineExceeded", page != nil, err)
		}
	})
	t.Run("body trickles in past the cap", func(t *testing.T) {
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			rc := http.NewResponseController(w)
			for i := 0; i < 1000; i++ {
				if _, err := w.Write([]byte("          ")); err != nil {
					return
				}
				_ = rc.Flush()
			}
		}, WithMaxBodyBytes(64))
		page, err := h.client.List(context.Background(), ListOptions{})
		if page != nil || !errors.Is(err, ErrResponseTooLarge) {
			t.Fatalf("List = %v, %v; want ErrResponseTooLarge", page != nil, err)
		}
	})
}

func TestBodyCap(t *testing.T) {
	store := newTestStore(250)
	t.Run("a full page fits the default cap", func(t *testing.T) {
		h := newHarness(t, store.ServeHTTP)
		page, err := h.client.List(context.Background(), ListOptions{Limit: 250})
		if err != nil || len(page.Tokens) != 250 {
			t.Fatalf("List: %v", err)
		}
	})
	t.Run("over the cap", func(t *testing.T) {
		h := newHarness(t, store.ServeHTTP, WithMaxBodyBytes(1024))
		page, err := h.client.List(context.Background(), ListOptions{Limit: 250})
		var apiErr *APIError
		if page != nil || !errors.Is(err, ErrResponseTooLarge) || !errors.As(err, &apiErr) {
			t.Fatalf("List = %v, %v; want ErrResponseTooLarge", page != nil, err)
		}
		if h.requests.Load() != 1 {
			t.Errorf("%d requests; an oversized body is not retried", h.requests.Load())
		}
		assertClean(t, "excerpt", apiErr.Body)
	})
	t.Run("declared length over the cap", func(t *testing.T) {
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "100000")
			_, _ = w.Write(bytes.Repeat([]byte(" "), 100000))
		}, WithMaxBodyBytes(1000))
		if _, err := h.client.List(context.Background(), ListOptions{}); !errors.Is(err, ErrResponseTooLarge) || !strings.Contains(err.Error(), "Content-Length 100000") {
			t.Fatalf("want ErrResponseTooLarge naming Content-Length, got %v", err)
		}
	})
	t.Run("cap option must be positive", func(t *testing.T) {
		if _, err := New(WithMaxBodyBytes(0)); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("WithMaxBodyBytes(0) = %v", err)
		}
	})
}

// A small gzip body that decompresses to far more than the cap: the cap
// applies to the decompressed bytes.
func TestGzipBomb(t *testing.T) {
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestSpeed)
	_, _ = zw.Write([]byte(`{"code":200,"data":[`))
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range 8 { // 8 MiB of white space
		_, _ = zw.Write(chunk)
	}
	_ = zw.Close()
	if bomb.Len() > 64<<10 {
		t.Fatalf("the bomb is %d bytes compressed; want a small one", bomb.Len())
	}
	serve := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(bomb.Bytes())
	}
	t.Run("transport decompresses", func(t *testing.T) {
		h := newHarness(t, serve, WithMaxBodyBytes(256<<10))
		page, err := h.client.List(context.Background(), ListOptions{})
		if page != nil || !errors.Is(err, ErrResponseTooLarge) {
			t.Fatalf("List = %v, %v; want ErrResponseTooLarge", page != nil, err)
		}
	})
	t.Run("transport leaves it compressed", func(t *testing.T) {
		h := newHarness(t, serve)
		tr := h.srv.Client().Transport.(*http.Transport).Clone()
		tr.DisableCompression = true
		c, err := New(WithBaseURL(h.srv.URL), WithAuthToken(h.authToken), WithHTTPClient(&http.Client{Transport: tr}))
		if err != nil {
			t.Fatal(err)
		}
		page, err := c.List(context.Background(), ListOptions{})
		if page != nil || !errors.Is(err, ErrUnexpectedResponse) || !strings.Contains(err.Error(), "Content-Encoding") {
			t.Fatalf("List = %v, %v; want ErrUnexpectedResponse about Content-Encoding", page != nil, err)
		}
	})
}

func TestRedirects(t *testing.T) {
	var otherHits atomic.Int64
	var leaked atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		if r.Header.Get("authToken") != "" {
			leaked.Store(true)
		}
		newTestStore(1).ServeHTTP(w, r)
	}))
	defer other.Close()

	t.Run("to another host is refused", func(t *testing.T) {
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusFound)
		})
		userClient := h.srv.Client()
		page, err := h.client.List(context.Background(), ListOptions{})
		if page != nil || !errors.Is(err, ErrRedirectRefused) {
			t.Fatalf("List = %v, %v; want ErrRedirectRefused", page != nil, err)
		}
		if otherHits.Load() != 0 || leaked.Load() {
			t.Fatal("the request reached the other host")
		}
		if h.requests.Load() != 1 {
			t.Errorf("%d requests; a refused redirect is not retried", h.requests.Load())
		}
		if userClient.CheckRedirect != nil {
			t.Error("the caller's *http.Client was changed")
		}
		assertClean(t, "error", err.Error(), h.authToken)
	})
	t.Run("to another port of the same host is refused", func(t *testing.T) {
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+r.URL.RequestURI(), http.StatusTemporaryRedirect)
		})
		if err := h.client.Delete(context.Background(), 1); !errors.Is(err, ErrRedirectRefused) {
			t.Fatalf("Delete = %v; want ErrRedirectRefused", err)
		}
		if otherHits.Load() != 0 {
			t.Fatal("the request reached the other host")
		}
	})
	t.Run("within the same origin is followed with the token", func(t *testing.T) {
		store := newTestStore(3)
		var gotToken atomic.Value
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/old/") {
				http.Redirect(w, r, strings.TrimPrefix(r.URL.Path, "/old")+"?"+r.URL.RawQuery, http.StatusMovedPermanently)
				return
			}
			gotToken.Store(r.Header.Get("authToken"))
			store.ServeHTTP(w, r)
		})
		c, err := New(WithBaseURL(h.srv.URL+"/old"), WithAuthToken(h.authToken), WithHTTPClient(h.srv.Client()))
		if err != nil {
			t.Fatal(err)
		}
		page, err := c.List(context.Background(), ListOptions{Limit: 10})
		if err != nil || len(page.Tokens) != 3 {
			t.Fatalf("List: %v", err)
		}
		if gotToken.Load() != h.authToken {
			t.Error("the same-origin redirect lost the auth token")
		}
	})
	t.Run("a write redirected to another method is refused", func(t *testing.T) {
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodDelete {
				http.Redirect(w, r, "/elsewhere", http.StatusFound) // 302 turns DELETE into GET
				return
			}
			t.Error("the redirect was followed")
		})
		if err := h.client.Delete(context.Background(), 1); !errors.Is(err, ErrRedirectRefused) {
			t.Fatalf("Delete = %v; want ErrRedirectRefused", err)
		}
	})
	t.Run("the caller's CheckRedirect still runs", func(t *testing.T) {
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/x/backend/tokens" {
				http.Redirect(w, r, "/x/backend/tokens", http.StatusFound)
				return
			}
			newTestStore(1).ServeHTTP(w, r)
		})
		mine := errors.New("mine")
		hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return mine }}
		c, err := New(WithBaseURL(h.srv.URL), WithAuthToken(h.authToken), WithHTTPClient(hc))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.List(context.Background(), ListOptions{}); !errors.Is(err, mine) {
			t.Fatalf("List = %v; want the caller's CheckRedirect error", err)
		}
	})
}

func TestNewChecksTheBaseURL(t *testing.T) {
	password := "pw-" + synthetic.RandomHex(6)
	for _, tt := range []struct {
		url string
		ok  bool
	}{
		{"https://api-b2b.bigcommerce.com/api/io", true},
		{"https://api-b2b.bigcommerce.com/api/io/", true},
		{"http://127.0.0.1:8080", true},
		{"http://127.1.2.3", true},
		{"http://[::1]:9000/base", true},
		{"http://localhost:9000", true},
		{"http://LOCALHOST", true},
		{"http://api-b2b.bigcommerce.com/api/io", false},
		{"http://10.0.0.1", false},
		{"http://localhost.example.com", false},
		{"http://127.0.0.1.example.com", false},
		{"ftp://127.0.0.1", false},
		{"api-b2b.bigcommerce.com", false},
		{"https://", false},
		{"https://user:" + password + "@api.example.com", false},
		{"https://api.example.com/?token=" + password, false},
		{"https://api.example.com/#frag", false},
		{"https://api.example.com/%zz" + password, false},
		{"", false},
	} {
		c, err := New(WithBaseURL(tt.url))
		if tt.ok != (err == nil) || tt.ok != (c != nil) {
			t.Errorf("New(WithBaseURL(%q)) = %v; want ok %v", strings.ReplaceAll(tt.url, password, "…"), err, tt.ok)
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("error %v does not match ErrInvalidArgument", err)
			}
			assertClean(t, "New error", err.Error(), password)
		}
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for name, opt := range map[string]Option{
		"empty token":          WithAuthToken(""),
		"token with newline":   WithAuthToken("abc\r\nX-Evil: 1"),
		"token with space":     WithAuthToken(" abc"),
		"nil http client":      WithHTTPClient(nil),
		"nil logger":           WithLogger(nil),
		"empty user agent":     WithUserAgent(""),
		"user agent with CRLF": WithUserAgent("a\r\nb"),
		"nil option":           nil,
	} {
		if c, err := New(opt); err == nil || c != nil || !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: New = %v, %v; want ErrInvalidArgument", name, c != nil, err)
		}
	}
	if _, err := New(WithAuthToken("abc\ndef")); err != nil && strings.Contains(err.Error(), "abc") {
		t.Error("the error repeats the token")
	}
}

func TestRequestHeaders(t *testing.T) {
	type seen struct {
		method, path, query, auth, storeHash, ua, accept, ct, body string
		rawAuthKey                                                 bool
	}
	var got []seen
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		buf := new(bytes.Buffer)
		_, _ = buf.ReadFrom(r.Body)
		got = append(got, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("authToken"), r.Header.Get("X-Store-Hash"),
			r.Header.Get("User-Agent"), r.Header.Get("Accept"), r.Header.Get("Content-Type"), buf.String(), false})
		switch r.Method {
		case http.MethodGet:
			newTestStore(0).ServeHTTP(w, r)
		case http.MethodDelete:
			writeJSON(w, 200, `{"code":200,"data":[],"meta":{"message":"SUCCESS"}}`)
		case http.MethodPost:
			writeJSON(w, 200, `{"code":200,"data":[{"name":"n","token":"`+synthetic.NewJWT(synthetic.Claims{Email: "x@example.com"})+`"}],"meta":{"message":"SUCCESS"}}`)
		}
	}, WithUserAgent("audit-bot/1.0"))
	ctx := context.Background()
	if _, err := h.client.List(ctx, ListOptions{Limit: 25, Offset: 50}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.List(ctx, ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := h.client.Delete(ctx, 42); err != nil {
		t.Fatal(err)
	}
	password := "pw-" + synthetic.RandomHex(6)
	ct, err := h.client.Create(ctx, CreateRequest{StoreHash: "abc123", Email: "owner@example.com", Password: NewSecret(password), Name: "nightly", ChannelID: new(7), EndAt: "2026-12-31"})
	if err != nil || ct.Name != "n" || ct.Token.IsZero() {
		t.Fatalf("Create = %+v, %v", ct, err)
	}
	if len(got) != 4 {
		t.Fatalf("%d requests, want 4", len(got))
	}
	wantQuery := []string{"limit=25&offset=50", "offset=0", "", ""}
	for i, g := range got {
		if g.storeHash != "" {
			t.Errorf("request %d sent X-Store-Hash", i)
		}
		if g.ua != "audit-bot/1.0" || g.accept != "application/json" {
			t.Errorf("request %d: User-Agent %q, Accept %q", i, g.ua, g.accept)
		}
		if g.query != wantQuery[i] {
			t.Errorf("request %d query %q, want %q", i, g.query, wantQuery[i])
		}
	}
	for i := range 3 {
		if got[i].auth != h.authToken {
			t.Errorf("request %d did not carry the auth token", i)
		}
	}
	if got[2].method != "DELETE" || got[2].path != "/auth/backend" || got[2].body != `{"id":42}` || got[2].ct != "application/json" {
		t.Errorf("delete sent %s %s %s", got[2].method, got[2].path, got[2].body)
	}
	if got[3].auth != "" {
		t.Error("Create sent the auth token; it needs none")
	}
	if got[3].method != "POST" || !strings.Contains(got[3].body, `"password":"`+password+`"`) || !strings.Contains(got[3].body, `"channelId":7`) ||
		!strings.Contains(got[3].body, `"endAt":"2026-12-31"`) || strings.Contains(got[3].body, "beginAt") {
		t.Error("create sent the wrong body")
	}
}

func TestValidationBeforeSending(t *testing.T) {
	h := newHarness(t, newTestStore(1).ServeHTTP)
	ctx := context.Background()
	for _, o := range []ListOptions{{Limit: -1}, {Limit: 251}, {Limit: 1000}, {Offset: -1}, {Limit: 10, Offset: -5}} {
		page, err := h.client.List(ctx, o)
		if page != nil || !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("List(%+v) = %v, %v; want ErrInvalidArgument", o, page != nil, err)
		}
		if err != nil && !strings.Contains(err.Error(), strconv.Itoa(min(o.Limit, o.Offset))) {
			t.Errorf("error %q does not name the bad value", err)
		}
	}
	for _, o := range []FetchOptions{{Concurrency: -1}, {Concurrency: MaxConcurrency + 1}, {Limit: 251}, {Limit: -1}} {
		if ts, err := h.client.FetchAll(ctx, o); ts != nil || !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("FetchAll(%+v) = %v; want ErrInvalidArgument", o, err)
		}
	}
	if err := h.client.Delete(ctx, 0); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("Delete(0) = %v", err)
	}
	_, err := h.client.Create(ctx, CreateRequest{StoreHash: "s", Name: "n"})
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "Email, Password") {
		t.Errorf("Create with missing fields = %v", err)
	}
	for _, limit := range []int{1, 250} {
		if _, err := h.client.List(ctx, ListOptions{Limit: limit}); err != nil {
			t.Errorf("List(limit %d): %v", limit, err)
		}
	}
	if n := h.requests.Load(); n != 2 {
		t.Errorf("%d requests reached the server; only the 2 valid ones should", n)
	}

	noAuth, err := New(WithBaseURL(h.srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := noAuth.List(ctx, ListOptions{}); !errors.Is(err, ErrNoAuthToken) {
		t.Errorf("List without a token = %v; want ErrNoAuthToken", err)
	}
	if err := noAuth.Delete(ctx, 1); !errors.Is(err, ErrNoAuthToken) {
		t.Errorf("Delete without a token = %v; want ErrNoAuthToken", err)
	}
	for _, err := range noAuth.All(ctx) {
		if !errors.Is(err, ErrNoAuthToken) {
			t.Errorf("All without a token = %v; want ErrNoAuthToken", err)
		}
	}
	if n := h.requests.Load(); n != 2 {
		t.Errorf("%d requests; nothing should be sent without a token", n)
	}
}

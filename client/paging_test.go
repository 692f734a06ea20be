package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/client/headers"
	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

func TestListDecodesAPage(t *testing.T) {
	store := newTestStore(30)
	h := newHarness(t, store.ServeHTTP)
	page, err := h.client.List(context.Background(), ListOptions{Limit: 10, Offset: 20})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(page.Tokens), seq(21, 30)) {
		t.Errorf("ids %v", ids(page.Tokens))
	}
	want := Pagination{TotalCount: 30, HasTotalCount: true, Offset: 20, Limit: 10}
	if page.Pagination != want || page.RequestID != "req-20" {
		t.Errorf("pagination %+v, request id %q", page.Pagination, page.RequestID)
	}
	if page.RateLimit != (headers.RateLimit{Remaining: 147, HasRemaining: true}) {
		t.Errorf("rate limit %+v", page.RateLimit)
	}
	src := store.tokens[20]
	got := page.Tokens[0]
	if got.Name != src.Name || got.Email != src.Email || got.StoreHash != src.StoreHash || got.Token.Reveal() != src.Token || got.EventChannel != EventChannelAPI {
		t.Error("the token's fields were not all decoded")
	}

	empty, err := h.client.List(context.Background(), ListOptions{Limit: 10, Offset: 100})
	if err != nil || empty.Tokens == nil || len(empty.Tokens) != 0 {
		t.Errorf("a page past the end should be empty and non-nil: %v", err)
	}
}

func TestAll(t *testing.T) {
	store := newTestStore(1003)
	h := newHarness(t, store.ServeHTTP)
	var got []int
	for tok, err := range h.client.All(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, tok.ID)
	}
	if !slices.Equal(got, seq(1, 1003)) {
		t.Errorf("All gave %d tokens, want 1..1003 in order", len(got))
	}
	if n := h.requests.Load(); n != 5 {
		t.Errorf("%d requests, want 5 (pages of 250, the last one short)", n)
	}

	t.Run("break stops fetching", func(t *testing.T) {
		h := newHarness(t, store.ServeHTTP)
		n := 0
		for _, err := range h.client.All(context.Background()) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 300 {
				break
			}
		}
		if r := h.requests.Load(); r != 2 {
			t.Errorf("%d requests after breaking at 300 tokens, want 2", r)
		}
	})
	t.Run("an error ends the walk", func(t *testing.T) {
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("offset") == "250" {
				writeJSON(w, 401, `{"code":401,"data":{"errMsg":"expired"},"meta":{"message":"Unauthorized"}}`)
				return
			}
			store.ServeHTTP(w, r)
		})
		n, errs := 0, 0
		for tok, err := range h.client.All(context.Background()) {
			if err != nil {
				errs++
				if !errors.Is(err, ErrUnauthorized) || tok.ID != 0 {
					t.Errorf("yielded %d, %v", tok.ID, err)
				}
				continue
			}
			n++
		}
		if n != 250 || errs != 1 {
			t.Errorf("%d tokens and %d errors, want 250 and 1", n, errs)
		}
	})
	t.Run("breaking at the error is safe", func(t *testing.T) {
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 403, `{}`) })
		for _, err := range h.client.All(context.Background()) {
			if err == nil {
				t.Fatal("want an error")
			}
			break
		}
	})
}

func TestFetchAll(t *testing.T) {
	tests := []struct {
		name     string
		n        int
		opts     FetchOptions
		setup    func(*testStore)
		want     []int
		requests int64 // 0: not checked
	}{
		{name: "empty store", n: 0, want: []int{}, requests: 1},
		{name: "one short page", n: 7, want: seq(1, 7), requests: 1},
		{name: "exactly one page", n: 250, want: seq(1, 250), requests: 1},
		{name: "many pages, concurrent", n: 1003, want: seq(1, 1003), requests: 5},
		{name: "many pages, sequential", n: 1003, opts: FetchOptions{Concurrency: 1}, want: seq(1, 1003), requests: 5},
		{name: "exact multiple of the limit", n: 1000, opts: FetchOptions{Limit: 100, Concurrency: 8}, want: seq(1, 1000), requests: 10},
		{
			name: "no totalCount: sequential until a short page", n: 620,
			setup: func(s *testStore) { s.noTotal = true }, want: seq(1, 620), requests: 3,
		},
		{
			name: "no totalCount, exact multiple: ends at an empty page", n: 500,
			setup: func(s *testStore) { s.noTotal = true }, want: seq(1, 500), requests: 3,
		},
		{
			name: "totalCount 0 contradicted by the data", n: 620,
			setup: func(s *testStore) { s.zeroTotal = true }, want: seq(1, 620), requests: 3,
		},
		{
			name: "server caps the page size", n: 430,
			setup: func(s *testStore) { s.pageCap = 100 }, want: seq(1, 430), requests: 5,
		},
		{
			name: "server caps the page size without totalCount", n: 430,
			setup: func(s *testStore) { s.pageCap = 100; s.noTotal = true }, want: seq(1, 430), requests: 5,
		},
		{
			// Two tokens are added at the front after the first page: later
			// pages repeat the last two ids of the page before them and
			// report a new totalCount. The duplicates are dropped, and the
			// fall-back walk picks up the end of the list.
			name: "tokens added between pages", n: 700, opts: FetchOptions{Concurrency: 1},
			setup: func(s *testStore) {
				s.mutate = func(call int, s *testStore) {
					if call == 2 {
						s.tokens = append([]tokensapi.Token{fakeToken(9001), fakeToken(9002)}, s.tokens...)
					}
				}
			},
			want: seq(1, 700),
		},
		{
			// A token on the first page is deleted after it was fetched:
			// later pages shift by one and report totalCount 599. The token
			// that shifted onto the first page's range is missed (a
			// documented limit of offset paging); nothing is duplicated.
			name: "token deleted between pages", n: 600, opts: FetchOptions{Concurrency: 1},
			setup: func(s *testStore) {
				s.mutate = func(call int, s *testStore) {
					if call == 2 {
						s.tokens = slices.Delete(s.tokens, 0, 1)
					}
				}
			},
			want: append(seq(1, 250), seq(252, 600)...),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newTestStore(tt.n)
			if tt.setup != nil {
				tt.setup(store)
			}
			h := newHarness(t, store.ServeHTTP)
			got, err := h.client.FetchAll(context.Background(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Fatal("FetchAll returned a nil slice with a nil error")
			}
			gotIDs := ids(got)
			if !slices.Equal(gotIDs, tt.want) {
				t.Errorf("got %d tokens (first %v), want %d", len(gotIDs), gotIDs[:min(5, len(gotIDs))], len(tt.want))
			}
			if tt.requests != 0 && h.requests.Load() != tt.requests {
				t.Errorf("%d requests, want %d", h.requests.Load(), tt.requests)
			}
			seen := map[int]bool{}
			for _, id := range gotIDs {
				if seen[id] {
					t.Fatalf("id %d returned twice", id)
				}
				seen[id] = true
			}
		})
	}
}

// Pages that arrive out of order still come back in the server's order.
func TestFetchAllKeepsOrderWhenPagesArriveOutOfOrder(t *testing.T) {
	store := newTestStore(2000)
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		// Later offsets answer first.
		switch r.URL.Query().Get("offset") {
		case "250":
			time.Sleep(30 * time.Millisecond)
		case "500":
			time.Sleep(15 * time.Millisecond)
		}
		store.ServeHTTP(w, r)
	})
	got, err := h.client.FetchAll(context.Background(), FetchOptions{Concurrency: 8})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(got), seq(1, 2000)) {
		t.Error("tokens are not in the server's order")
	}
}

func TestFetchAllFailures(t *testing.T) {
	t.Run("one page fails", func(t *testing.T) {
		store := newTestStore(2000)
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("offset") == "750" {
				writeJSON(w, 403, `{"code":403,"data":{"errMsg":"no"},"meta":{"message":"Forbidden"}}`)
				return
			}
			store.ServeHTTP(w, r)
		})
		got, err := h.client.FetchAll(context.Background(), FetchOptions{})
		if got != nil || !errors.Is(err, ErrForbidden) {
			t.Fatalf("FetchAll = %d tokens, %v; want nil and ErrForbidden", len(got), err)
		}
	})
	t.Run("first page fails", func(t *testing.T) {
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 410, `{}`) })
		got, err := h.client.FetchAll(context.Background(), FetchOptions{})
		if got != nil || !errors.Is(err, ErrEndpointGone) {
			t.Fatalf("FetchAll = %v; want ErrEndpointGone", err)
		}
	})
	t.Run("a huge totalCount costs a few requests, not millions", func(t *testing.T) {
		store := newTestStore(600)
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
			// Report a totalCount of a billion on every page.
			rec := httptest.NewRecorder()
			store.ServeHTTP(rec, r)
			body := strings.Replace(rec.Body.String(), `"totalCount":600`, `"totalCount":1000000000`, 1)
			writeJSON(w, 200, body)
		})
		got, err := h.client.FetchAll(context.Background(), FetchOptions{Concurrency: 4})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), seq(1, 600)) {
			t.Errorf("got %d tokens, want 1..600", len(got))
		}
		// The first page, at most 4+4 planned pages (those running and those
		// already queued when the first short one came back), and the walk
		// over offsets 250, 500 and 600.
		if n := h.requests.Load(); n > 12 {
			t.Errorf("%d requests", n)
		}
	})
	t.Run("server ignores offset", func(t *testing.T) {
		store := newTestStore(600)
		store.ignoreOffset, store.noTotal = true, true
		h := newHarness(t, store.ServeHTTP)
		got, err := h.client.FetchAll(context.Background(), FetchOptions{})
		if got != nil || !errors.Is(err, ErrUnexpectedResponse) {
			t.Fatalf("FetchAll = %d tokens, %v; want ErrUnexpectedResponse", len(got), err)
		}
		if h.requests.Load() != 2 {
			t.Errorf("%d requests; the repeat should be caught on the second page", h.requests.Load())
		}
		for _, err := range h.client.All(context.Background()) {
			if err != nil && !errors.Is(err, ErrUnexpectedResponse) {
				t.Errorf("All: %v", err)
			}
		}
	})
	t.Run("context cancelled", func(t *testing.T) {
		store := newTestStore(2000)
		ctx, cancel := context.WithCancel(context.Background())
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("offset") == "500" {
				cancel()
			}
			store.ServeHTTP(w, r)
		})
		got, err := h.client.FetchAll(ctx, FetchOptions{Concurrency: 1})
		if got != nil || !errors.Is(err, context.Canceled) {
			t.Fatalf("FetchAll = %d tokens, %v; want context.Canceled", len(got), err)
		}
	})
}

// TestFetchAllSizesFromWhatArrived pins an audit finding: FetchAll
// pre-allocated from the server's totalCount, so one 200-byte page claiming
// 2^31 tokens cost 116 MiB. Memory must follow what has arrived.
func TestFetchAllSizesFromWhatArrived(t *testing.T) {
	page := fmt.Sprintf(`{"code":200,"data":[{"id":1,"name":"n","email":%q,"storeHash":"s","token":%q,"eventChannel":"app"}],`+
		`"meta":{"message":"SUCCESS","pagination":{"totalCount":%d,"offset":0,"limit":250}}}`,
		synthetic.Email(), synthetic.Token(synthetic.Email(), "s"), 1<<31)
	empty := fmt.Sprintf(`{"code":200,"data":[],"meta":{"message":"SUCCESS","pagination":{"totalCount":%d,"offset":1,"limit":250}}}`, 1<<31)
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("offset") > "0" {
			writeJSON(w, 200, empty)
			return
		}
		writeJSON(w, 200, page)
	})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got, err := h.client.FetchAll(context.Background(), FetchOptions{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatalf("FetchAll: %v", err)
	}
	if len(got) != 1 {
		t.Fatalf("FetchAll returned %d tokens, want 1", len(got))
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("FetchAll of one small page claiming 2^31 tokens allocated %d MiB, want under 16", grew>>20)
	}
}

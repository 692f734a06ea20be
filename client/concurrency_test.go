package client

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// 50 goroutines share one client (run with -race): lists, iterators,
// concurrent FetchAlls, deletes, rate-limit retries and deprecation notices
// all at once. Each goroutine must get complete, correct results, and the
// deprecation handler must run once per operation.
func TestFiftyGoroutinesShareOneClient(t *testing.T) {
	store := newTestStore(800)
	var calls, limited atomic.Int64
	handler := deprecatedStore(store, map[string]string{"Deprecation": "@1759190400"})
	rec := &noticeRecorder{}
	const budget = 20 // 429s in all; a read gets more attempts than that, so every read ends well
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		// Every seventh request is rate limited, up to the budget.
		if calls.Add(1)%7 == 0 && limited.Add(1) <= budget {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, `{"code":429,"data":{},"meta":{"message":"Too Many Requests"}}`)
			return
		}
		handler(w, r)
	}, WithDeprecationHandler(rec.handle), WithRetryPolicy(RetryPolicy{MaxAttempts: budget + 1}))

	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for g := range 50 {
		wg.Go(func() {
			switch g % 4 {
			case 0:
				got, err := h.client.FetchAll(ctx, FetchOptions{Concurrency: 4})
				if err == nil && !slices.Equal(ids(got), seq(1, 800)) {
					err = errors.New("FetchAll gave the wrong tokens")
				}
				errs <- err
			case 1:
				n := 0
				for _, err := range h.client.All(ctx) {
					if err != nil {
						errs <- err
						return
					}
					n++
				}
				if n != 800 {
					errs <- errors.New("All gave the wrong number of tokens")
					return
				}
				errs <- nil
			case 2:
				page, err := h.client.List(ctx, ListOptions{Limit: 50, Offset: g})
				if err == nil && (len(page.Tokens) != 50 || page.Tokens[0].ID != g+1) {
					err = errors.New("List gave the wrong page")
				}
				errs <- err
			case 3:
				err := h.client.Delete(ctx, g)
				if errors.Is(err, ErrRateLimited) { // writes are not retried
					err = nil
				}
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	if limited.Load() == 0 {
		t.Error("no request was rate limited; the test lost its 429s")
	}
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	got := rec.byOperation()
	if got["get-backend-tokens"] != 1 || got["delete-auth-backend"] != 1 {
		t.Errorf("notices per operation: %v; want one each", got)
	}
}

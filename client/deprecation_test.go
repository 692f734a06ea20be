package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/client/headers"
)

// deprecatedStore answers like the store, with retirement headers.
func deprecatedStore(store *testStore, hdr map[string]string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range hdr {
			w.Header().Set(k, v)
		}
		switch r.Method {
		case http.MethodGet:
			store.ServeHTTP(w, r)
		case http.MethodDelete:
			writeJSON(w, 200, `{"code":200,"data":[],"meta":{"message":"SUCCESS"}}`)
		default:
			writeJSON(w, 400, `{"code":400,"data":{"errMsg":"role forbidden"},"meta":{"message":"API logic error"}}`)
		}
	}
}

type noticeRecorder struct {
	mu      sync.Mutex
	notices []DeprecationNotice
}

func (r *noticeRecorder) handle(n DeprecationNotice) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notices = append(r.notices, n)
}

func (r *noticeRecorder) byOperation() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := map[string]int{}
	for _, n := range r.notices {
		m[n.OperationID]++
	}
	return m
}

func TestDeprecationHandlerOncePerOperation(t *testing.T) {
	dep := time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC)
	sun := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	rec := &noticeRecorder{}
	h := newHarness(t, deprecatedStore(newTestStore(600), map[string]string{
		"Deprecation": "@1759190400",
		"Sunset":      sun.Format(http.TimeFormat),
		"Link":        `<https://developer.bigcommerce.com/b2b-edition>; rel="deprecation"`,
	}), WithDeprecationHandler(rec.handle))
	ctx := context.Background()
	for range 3 {
		if _, err := h.client.List(ctx, ListOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.client.FetchAll(ctx, FetchOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := h.client.Delete(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if err := h.client.Delete(ctx, 4); err != nil {
		t.Fatal(err)
	}
	// A failing call still reports the notice, and fails for its own reason.
	_, err := h.client.Create(ctx, CreateRequest{StoreHash: "s", Email: "e@example.com", Password: NewSecret("pw-1234567"), Name: "n"})
	if err == nil {
		t.Fatal("Create should fail with the 400")
	}
	got := rec.byOperation()
	if len(got) != 3 || got["get-backend-tokens"] != 1 || got["delete-auth-backend"] != 1 || got["post-auth-backend"] != 1 {
		t.Fatalf("notices per operation: %v; want one each", got)
	}
	n := rec.notices[0]
	if n.Operation != "GET /backend/tokens (get-backend-tokens)" || !n.Deprecated || !n.DeprecatedAt.Equal(dep) || !n.Sunset.Equal(sun) ||
		len(n.Links) != 1 || n.Links[0].Rel != "deprecation" || len(n.Errors) != 0 {
		t.Errorf("notice = %+v", n)
	}
	// With a Sunset date announced, the advice says so and no longer says
	// that none is announced.
	if strings.Contains(strings.ToLower(n.Advice), "no sunset date") || !strings.Contains(n.Advice, sun.UTC().Format(time.RFC3339)) ||
		!strings.HasPrefix(n.Advice, strings.SplitAfter(MigrationAdvice, ". ")[0]) {
		t.Errorf("advice with a sunset date = %q", n.Advice)
	}
}

func TestDefaultDeprecationHandlerLogsAWarning(t *testing.T) {
	h := newHarness(t, deprecatedStore(newTestStore(3), map[string]string{
		"Deprecation": "true", // the old draft form: malformed, but still a signal
		"Sunset":      "next year",
	}))
	for range 2 {
		if _, err := h.client.List(context.Background(), ListOptions{}); err != nil {
			t.Fatalf("malformed deprecation headers must not fail the call: %v", err)
		}
	}
	var warnings []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(h.log.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %v", err)
		}
		if m["level"] == "WARN" {
			warnings = append(warnings, m)
		}
	}
	if len(warnings) != 1 {
		t.Fatalf("%d warnings, want 1", len(warnings))
	}
	w := warnings[0]
	if w["operation"] != "GET /backend/tokens (get-backend-tokens)" || w["deprecated"] != true || w["advice"] != MigrationAdvice ||
		!strings.Contains(w["malformed"].(string), "Deprecation") || !strings.Contains(w["malformed"].(string), "Sunset") {
		t.Errorf("warning = %v", w)
	}
	assertClean(t, "log", h.log.String(), h.authToken)
}

func TestDeprecationEdgeCases(t *testing.T) {
	t.Run("no headers, no notice", func(t *testing.T) {
		rec := &noticeRecorder{}
		h := newHarness(t, newTestStore(3).ServeHTTP, WithDeprecationHandler(rec.handle))
		if _, err := h.client.List(context.Background(), ListOptions{}); err != nil {
			t.Fatal(err)
		}
		if len(rec.byOperation()) != 0 {
			t.Error("a notice without any signal")
		}
	})
	t.Run("a malformed unrelated Link header alone is no notice", func(t *testing.T) {
		rec := &noticeRecorder{}
		h := newHarness(t, deprecatedStore(newTestStore(3), map[string]string{"Link": "garbage"}), WithDeprecationHandler(rec.handle))
		if _, err := h.client.List(context.Background(), ListOptions{}); err != nil {
			t.Fatal(err)
		}
		if len(rec.byOperation()) != 0 {
			t.Error("a malformed Link header alone should not be a notice")
		}
	})
	t.Run("malformed values are passed along", func(t *testing.T) {
		rec := &noticeRecorder{}
		h := newHarness(t, deprecatedStore(newTestStore(3), map[string]string{"Deprecation": "@@", "Link": `<https://x.example/s>; rel="sunset", broken`}),
			WithDeprecationHandler(rec.handle))
		if _, err := h.client.List(context.Background(), ListOptions{}); err != nil {
			t.Fatal(err)
		}
		if len(rec.notices) != 1 || !rec.notices[0].Deprecated || len(rec.notices[0].Errors) != 2 || !rec.notices[0].HasSunsetSignal() {
			t.Fatalf("notices = %+v", rec.notices)
		}
		var ve *headers.ValueError
		if !errors.As(rec.notices[0].Errors[0], &ve) {
			t.Error("errors are not *headers.ValueError")
		}
	})
	t.Run("the endpoint is gone and says so", func(t *testing.T) {
		rec := &noticeRecorder{}
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Sunset", "Thu, 01 Jan 2026 00:00:00 GMT")
			writeJSON(w, 410, `{"code":410,"data":{},"meta":{"message":"Gone"}}`)
		}, WithDeprecationHandler(rec.handle))
		_, err := h.client.List(context.Background(), ListOptions{})
		if !errors.Is(err, ErrEndpointGone) || len(rec.notices) != 1 {
			t.Fatalf("List = %v, %d notices", err, len(rec.notices))
		}
	})
	t.Run("a panicking handler does not fail the call", func(t *testing.T) {
		h := newHarness(t, deprecatedStore(newTestStore(3), map[string]string{"Deprecation": "@1759190400"}),
			WithDeprecationHandler(func(DeprecationNotice) { panic("handler bug") }))
		if _, err := h.client.List(context.Background(), ListOptions{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(h.log.String(), "handler bug") {
			t.Error("the panic was not logged")
		}
	})
	t.Run("nil handler turns notices off", func(t *testing.T) {
		h := newHarness(t, deprecatedStore(newTestStore(3), map[string]string{"Deprecation": "@1759190400"}), WithDeprecationHandler(nil))
		if _, err := h.client.List(context.Background(), ListOptions{}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(h.log.String(), "WARN") {
			t.Error("a warning was logged")
		}
	})
}

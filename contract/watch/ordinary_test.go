package watch

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/replay"
)

// TestOrdinaryDayMovesNoDriftCounter drives every recording of the
// ordinary-day corpus (contract/testdata/ordinary: gateway pages, mistyped
// paths, writes between reads, one-item pages, the announced deprecation, a
// 429) through a Transport that checks every exchange and compares pages, and
// reads its metrics: no finding above info is counted, the transient and
// base-path findings are, and each near-miss pattern only once.
func TestOrdinaryDayMovesNoDriftCounter(t *testing.T) {
	dir := filepath.Join("..", "testdata", "ordinary")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	// One meter provider for the day; one Transport per recording, as a
	// service has one per store (the recordings are of different stores).
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	got := &results{}
	sent := 0
	for _, e := range entries {
		w, err := New(http.DefaultTransport, WithChecker(checker(t)), WithMeterProvider(mp), WithSink(got.sink),
			WithLogger(slog.New(slog.DiscardHandler)), WithSampleRate(1), WithPageWindow(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		rec, err := recording.LoadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		h := replay.New(rec.Exchanges)
		srv := httptest.NewServer(h)
		for _, ex := range rec.Exchanges {
			if ex.Response.Status < 100 {
				continue // an aborted request has no response to replay
			}
			target, err := replay.Target(ex)
			if err != nil {
				t.Fatal(err)
			}
			req, err := http.NewRequest(ex.Request.Method, srv.URL+target, bytes.NewReader(ex.Request.Body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := w.RoundTrip(req)
			if err != nil {
				t.Fatalf("%s: %v", ex.Source, err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			sent++
		}
		srv.Close()
		w.Close() // lets the workers finish what is queued
		if un := h.Unmatched(); len(un) > 0 {
			t.Errorf("%s: requests the recording does not hold: %v", e.Name(), un)
		}
	}
	if sent < 20 {
		t.Fatalf("only %d exchanges sent", sent)
	}
	for _, sev := range []contract.Severity{contract.Breaking, contract.Additive, contract.Deprecation} {
		if n := counter(t, reader, "tokens_contract.findings", map[string]string{"severity": sev.String()}); n != 0 {
			t.Errorf("%d %s findings counted on an ordinary day", n, sev)
			for _, r := range got.get() {
				for _, f := range r.Findings {
					if f.Severity == sev {
						t.Logf("%s %s: %s %s at %s: %s", r.Method, r.Path, f.Severity, f.ID, f.Path, f.Message)
					}
				}
			}
		}
	}
	if n := counter(t, reader, "tokens_contract.findings", map[string]string{"id": contract.IDUpstreamTransient, "severity": "info"}); n != 4 {
		t.Errorf("%d upstream-transient findings, want 4 (a 502 page, a 504 of a load balancer, a maintenance 503, an empty 500)", n)
	}
	if n := counter(t, reader, "tokens_contract.findings", map[string]string{"id": contract.IDBasePathMismatch}); n != 3 {
		t.Errorf("%d base-path-mismatch findings, want 3 (one per pattern: another prefix, a doubled base path, a trailing slash)", n)
	}
}

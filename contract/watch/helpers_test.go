package watch

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.uber.org/goleak"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

func TestMain(m *testing.M) {
	// No goroutine of a Transport may outlive Close; the tests close every
	// Transport they make. httptest servers' keep-alive goroutines end with
	// the servers.
	goleak.VerifyTestMain(m)
}

var sharedChecker = sync.OnceValues(func() (*contract.Checker, error) { return contract.New() })

func checker(t testing.TB) *contract.Checker {
	t.Helper()
	c, err := sharedChecker()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// results collects what a Transport's sink receives.
type results struct {
	mu  sync.Mutex
	all []contract.Result
}

func (r *results) sink(_ context.Context, res contract.Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, res)
}

func (r *results) get() []contract.Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]contract.Result(nil), r.all...)
}

// newWatch makes a Transport over base with a manual metric reader and a
// result collector, closed at the end of the test.
func newWatch(t testing.TB, base http.RoundTripper, opts ...Option) (*Transport, *sdkmetric.ManualReader, *results) {
	t.Helper()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { mp.Shutdown(context.Background()) })
	res := &results{}
	all := append([]Option{
		WithChecker(checker(t)), WithMeterProvider(mp), WithSink(res.sink),
		WithLogger(slog.New(slog.DiscardHandler)),
	}, opts...)
	w, err := New(base, all...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, reader, res
}

// counter sums the data points of the Int64 sum name whose attributes include
// every key=value of match.
func counter(t testing.TB, reader *sdkmetric.ManualReader, name string, match map[string]string) int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			sum, ok := m.Data.(metricdata.Sum[int64])
			if !ok {
				t.Fatalf("%s is %T, want a Sum[int64]", name, m.Data)
			}
		points:
			for _, dp := range sum.DataPoints {
				for k, v := range match {
					if got, ok := dp.Attributes.Value(attributeKey(k)); !ok || got.AsString() != v {
						continue points
					}
				}
				n += dp.Value
			}
		}
	}
	return n
}

// fakeServer serves the fake with scenario; it returns its base URL (with
// /api/io) and the auth token it accepts.
func fakeServer(t testing.TB, scenario fake.Scenario, seed int) (string, string) {
	t.Helper()
	auth := synthetic.RandomHex(16)
	s, err := fake.New(fake.Options{AuthToken: auth, SeedTokens: seed, Scenario: scenario, RateLimit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv.URL + "/api/io", auth
}

// get sends GET url with the auth header through rt and reads the body.
func get(t testing.TB, rt http.RoundTripper, url, auth string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("authToken", auth)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// recorder is a RoundTripper that keeps a copy of every exchange, as a
// recording would, and passes the response on unchanged.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	exs  []*contract.Exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.exs = append(r.exs, &contract.Exchange{
		Source:   Source,
		Request:  contract.Request{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone()},
		Response: contract.Response{Status: resp.StatusCode, Header: resp.Header.Clone(), Body: body},
	})
	r.mu.Unlock()
	return resp, nil
}

func attributeKey(k string) attribute.Key { return attribute.Key(k) }

package watch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// TestNoExchangeValueLeaves plants canaries made at run time (a JWT, a
// masked token, an email, an auth header value, a header value) in exchanges
// that produce findings, and looks for them in everything the Transport
// emits: log lines at every level, metrics read back with the SDK's manual
// reader, and span events.
func TestNoExchangeValueLeaves(t *testing.T) {
	jwt := synthetic.Token(synthetic.Email(), "store"+synthetic.RandomHex(4))
	email := synthetic.Email()
	masked := "tok_" + synthetic.RandomHex(12)
	auth := synthetic.RandomHex(20)
	ctCanary := "x-" + synthetic.RandomHex(8)
	canaries := []string{jwt, email, masked, auth, ctCanary}

	bodies := []struct {
		status int
		ct     string
		body   string
	}{
		// masked token (token-not-jwt), undeclared field holding an email and a JWT
		{200, "application/json", fmt.Sprintf(`{"code":200,"data":[{"id":1,"name":%q,"token":%q,"email":%q,"storeHash":"s","eventChannel":"app","leak":%q}],"meta":{"pagination":{"limit":10,"offset":0,"totalCount":1},"message":"SUCCESS"}}`, email, masked, email, jwt)},
		// type mismatches carrying the values
		{200, "application/json", fmt.Sprintf(`{"code":200,"data":[{"id":%q,"name":1,"token":1,"email":%q}],"meta":{"pagination":{"limit":%q}}}`, jwt, email, auth)},
		// a content type that quotes a canary
		{200, "application/" + ctCanary, `{}`},
		// an error body echoing the auth value
		{401, "application/json", fmt.Sprintf(`{"code":401,"data":{},"meta":{"errMsg":%q,"message":%q}}`, auth, jwt)},
		// not JSON
		{200, "application/json", "not json " + email + " " + jwt},
	}
	i := 0
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		b := bodies[i%len(bodies)]
		i++
		h := http.Header{"Content-Type": {b.ct}, "Deprecation": {"@1767225600"}, "X-Echo": {auth}}
		return &http.Response{StatusCode: b.status, Header: h, Body: io.NopCloser(strings.NewReader(b.body)), Request: r}, nil
	})

	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	defer tp.Shutdown(context.Background())

	w, err := New(base, WithChecker(checker(t)), WithMeterProvider(mp), WithLogger(logger), WithSampleRate(1), WithLogInterval(1))
	if err != nil {
		t.Fatal(err)
	}
	ctx, span := tp.Tracer("test").Start(context.Background(), "call")
	for range 2 * len(bodies) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://api.test/api/io/backend/tokens?limit=10", nil)
		req.Header.Set("authToken", auth)
		resp, err := w.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	w.Close() // the checks complete while the span records
	span.End()

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	metricsText, err := json.Marshal(rm)
	if err != nil {
		t.Fatal(err)
	}
	var events strings.Builder
	nEvents := 0
	for _, s := range spans.Ended() {
		for _, e := range s.Events() {
			nEvents++
			fmt.Fprintf(&events, "%s %v\n", e.Name, e.Attributes)
		}
	}
	outputs := map[string]string{"logs": logs.String(), "metrics": string(metricsText), "span events": events.String()}
	// The test proves something only if each output holds findings.
	for name, out := range outputs {
		if !strings.Contains(out, "token-not-jwt") && !strings.Contains(out, "type-mismatch") {
			t.Errorf("%s hold no findings; the leak test would pass vacuously:\n%.500s", name, out)
		}
	}
	if nEvents == 0 {
		t.Error("no span events")
	}
	for name, out := range outputs {
		for _, c := range canaries {
			if strings.Contains(out, c) {
				t.Errorf("%s contain a canary value planted in an exchange", name)
			}
		}
	}
}

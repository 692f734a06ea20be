// Command service is the production example: a small service that lists a
// store's tokens on a schedule with the project's client, watches its own
// traffic with package contract/watch, and exports the findings with the
// OpenTelemetry SDK and its Prometheus exporter on /metrics, for a collector
// or Prometheus to scrape.
//
// Usage:
//
//	B2B_AUTH_TOKEN=... service [--base-url URL] [--metrics-addr HOST:PORT] [--interval DURATION] [--sample-rate R]
//
// See examples/production/README.md for the whole picture.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/b2b-contract/s2s-tokens/client"
	"github.com/b2b-contract/s2s-tokens/contract/watch"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stderr, nil)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "service:", err)
		os.Exit(2)
	}
}

// run serves until ctx ends. ready, if not nil, receives the metrics
// address once it listens.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready chan<- string) error {
	fs := flag.NewFlagSet("service", flag.ContinueOnError)
	fs.SetOutput(stderr)
	baseURL := fs.String("base-url", client.DefaultBaseURL, "the endpoint's base `URL`")
	metricsAddr := fs.String("metrics-addr", "127.0.0.1:9464", "serve /metrics on `HOST:PORT`")
	interval := fs.Duration("interval", time.Minute, "list the tokens every `DURATION`")
	rate := fs.Float64("sample-rate", watch.DefaultSampleRate, "check this share `R` of exchanges besides those always checked")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *interval <= 0 {
		return fmt.Errorf("--interval is %v; want a positive duration", *interval)
	}
	token := getenv("B2B_AUTH_TOKEN")
	if token == "" {
		return errors.New("B2B_AUTH_TOKEN is not set")
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))

	// The application's own metrics pipeline: the OpenTelemetry SDK with a
	// Prometheus exporter. A service that pushes OTLP instead would add an
	// OTLP reader here; the transport does not care.
	reg := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return err
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	defer mp.Shutdown(context.Background())

	// The watching transport, wrapped around the default one.
	w, err := watch.New(nil, watch.WithMeterProvider(mp), watch.WithLogger(logger), watch.WithSampleRate(*rate))
	if err != nil {
		return err
	}
	defer w.Close()
	c, err := client.New(client.WithBaseURL(*baseURL), client.WithAuthToken(token),
		client.WithTransportWrapper(w.Wrap), client.WithLogger(logger))
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *metricsAddr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	if ready != nil {
		ready <- ln.Addr().String()
	}

	tick := time.NewTicker(*interval)
	defer tick.Stop()
	for {
		// The service's real work: here, count the store's tokens.
		//lint:ignore SA1019 the service exists to call the deprecated endpoint; its retirement is what the transport watches for
		tokens, err := c.FetchAll(ctx, client.FetchOptions{})
		if err != nil {
			logger.Warn("listing the tokens failed", slog.Any("error", err))
		} else {
			logger.Info("listed the tokens", slog.Int("count", len(tokens)))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

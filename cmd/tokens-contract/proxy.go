package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/baseline"
	"github.com/b2b-contract/s2s-tokens/contract/capture"
	"github.com/b2b-contract/s2s-tokens/contract/live"
	"github.com/b2b-contract/s2s-tokens/contract/watch"
	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/baseurl"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/fileutil"
)

func proxyCommand() command {
	return command{
		name:    "proxy",
		summary: "forward to the endpoint, check the traffic, serve /metrics",
		run:     runProxy,
	}
}

// The proxy's defaults.
const (
	// defaultUpstreamTimeout bounds the wait for the upstream's response
	// headers: the endpoint answers a 250-token page in well under a second.
	defaultUpstreamTimeout = 30 * time.Second
	// defaultRequestTimeout bounds a whole exchange, body included.
	defaultRequestTimeout = 60 * time.Second
	// defaultDrainTimeout bounds the graceful drain on SIGTERM or SIGINT.
	defaultDrainTimeout = 15 * time.Second
	// proxyServiceName is the OpenTelemetry service.name unless
	// OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES set another.
	proxyServiceName = "tokens-contract-proxy"
)

const proxyDescription = `Forwards requests to the upstream (default: the spec's server URL) and checks a
sample of the exchanges against the contract with the same transport a Go
service uses (package contract/watch; see "go doc .../contract/watch").

The proxy serves under the upstream's path: with the default upstream
https://api-b2b.bigcommerce.com/api/io, a service changes only the origin of
its base URL to http://HOST:PORT/api/io, and a request for
/api/io/backend/tokens reaches <upstream>/backend/tokens, its path encoded as
received. A path that would leave the upstream's path once decoded (an
encoded dot segment or slash, such as %2e%2e or %2f) is refused with 404.
Other paths answer 404, except:
  /metrics   the findings, exchange counts, upstream failures, the Sunset and
             Deprecation dates last seen per operation (Unix seconds) and
             tokens_contract_proxy_info (spec and module version, baseline),
             in the Prometheus format
  /healthz   200 while the process serves
  /readyz    200 while the upstream answers; 503 after 3 upstream failures in
             a row (dial, timeout, broken connection, 5xx) until it answers
             again or 30 s pass without a failure

The caller's request and its Accept-Encoding go upstream as they are (over
HTTP/1.1), and the caller gets the upstream's status, headers and bytes, less
the hop-by-hop headers, those the upstream names in Connection included. The proxy's own errors
(a path outside the upstream's, an upstream that cannot be reached, does not
answer in time or breaks the connection) are answered in the B2B error
envelope, code 404, 502 or 504, with a Tokens-Contract-Error header naming
the class. A caller that hangs up is counted as "caller-gone", not as an
upstream failure.

Timeouts: --upstream-timeout bounds the wait for the upstream's response
headers, --request-timeout the whole exchange, body included. The listener
bounds reading a request's headers (10 s), a whole request (30 s), writing a
response (30 s plus --request-timeout) and an idle keep-alive connection
(60 s), as the fake does. On SIGINT or SIGTERM the proxy stops accepting
and requests in flight get --drain-timeout to finish; then it cuts them off.

The caller's authToken header is forwarded and never logged. The upstream must
be https, or http to a loopback address (the rule of "live --base-url");
--allow-plain-upstream accepts plain http to any host (a fake in another
container) and logs a warning at start. Listening on an address that is not
loopback needs --allow-non-loopback: the proxy would then carry callers'
credentials across the network.
The contract checked is the embedded spec, or the document --spec names.
--baseline FILE applies the accepted-drift ledger of "check --baseline":
accepted findings are counted in tokens_contract_findings_accepted_total,
not as drift; a finding of an expired entry counts as drift, with a
baseline-expired finding. A ledger that does not load stops the proxy before
it listens, naming the line.
--record DIR keeps the exchanges worth keeping (the first of each shape,
every one with a finding, every retirement signal; at most --record-per-hour
an hour and --record-max-bytes on disk, the oldest removed) as cassettes in
DIR, redacted as "live --record" redacts; a cassette that would hold a
secret is not written. "check DIR" replays them (package contract/capture).
OpenTelemetry resource: service.name tokens-contract-proxy and
service.version the module version, overridden by OTEL_SERVICE_NAME and
OTEL_RESOURCE_ATTRIBUTES.
Exit codes: 0 stopped by SIGINT or SIGTERM; 2 usage error or cannot listen.`

func runProxy(ctx context.Context, env *environment, args []string) int {
	fs := newFlagSet(env, "proxy",
		"proxy --listen HOST:PORT [--upstream URL] [--allow-plain-upstream] [--sample-rate R] [--workers N] [--queue N] "+
			"[--spec FILE] [--baseline FILE] [--record DIR [--record-per-hour N] [--record-max-bytes BYTES]] [--upstream-timeout DUR] [--request-timeout DUR] [--drain-timeout DUR] "+
			"[--log-format text|json] [--allow-non-loopback] [--ready-file FILE]", proxyDescription)
	var sf specFlag
	sf.register(fs.FlagSet)
	listen := fs.String("listen", "", "listen on `HOST:PORT` (required), for example 127.0.0.1:8081")
	upstream := fs.String("upstream", "", "forward to `URL` (default: the spec's server URL)")
	allowPlain := fs.Bool("allow-plain-upstream", false, "accept a plain http --upstream to a host that is not loopback (logged as a warning)")
	rate := fs.Float64("sample-rate", 1, "check this share `R` of exchanges (0 to 1) besides the first of each kind, retirement signals and errors")
	workers := fs.Int("workers", 1, "run `N` checks at once")
	queue := fs.Int("queue", watch.DefaultQueueSize, "let `N` exchanges wait for a check; beyond that they are dropped and counted")
	baselinePath := fs.String("baseline", "", "the accepted-drift ledger (YAML, as check --baseline): accepted findings are counted apart, not as drift")
	upstreamTimeout := fs.Duration("upstream-timeout", defaultUpstreamTimeout, "wait at most `DUR` for the upstream's response headers")
	requestTimeout := fs.Duration("request-timeout", defaultRequestTimeout, "give up on an exchange, body included, after `DUR`")
	drainTimeout := fs.Duration("drain-timeout", defaultDrainTimeout, "on SIGINT or SIGTERM, let requests in flight finish for at most `DUR`")
	recordDir := fs.String("record", "", "keep the exchanges worth keeping as redacted cassettes in `DIR` (see above)")
	recordPerHour := fs.Int("record-per-hour", capture.DefaultPerHour, "with --record, write at most `N` exchanges per hour")
	recordMaxBytes := fs.Int64("record-max-bytes", capture.DefaultMaxBytes, "with --record, keep at most `BYTES` of cassettes on disk, removing the oldest")
	logFormat := fs.String("log-format", "text", "log lines as `text` or json")
	allowRemote := fs.Bool("allow-non-loopback", false, "allow a --listen address that is not loopback")
	readyFile := fs.String("ready-file", "", "once listening, write the proxy's base URL to `FILE` (removed on exit)")
	args, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	usageError := func(format string, a ...any) int {
		fmt.Fprintf(env.stderr, "tokens-contract proxy: "+format+"\n", a...)
		return exitcode.Usage
	}
	switch {
	case len(args) > 0:
		return usageError("unexpected argument %q; proxy takes flags only", args[0])
	case *listen == "":
		return usageError("--listen is required, for example --listen 127.0.0.1:8081")
	case !*allowRemote && !loopbackAddr(*listen):
		return usageError("--listen %s is not a loopback address; callers' authToken headers would cross the network: "+
			"listen on 127.0.0.1, ::1 or localhost, or pass --allow-non-loopback", *listen)
	case *upstreamTimeout <= 0 || *requestTimeout <= 0 || *drainTimeout <= 0:
		return usageError("--upstream-timeout, --request-timeout and --drain-timeout must be positive durations, for example 30s")
	case *logFormat != "text" && *logFormat != "json":
		return usageError("--log-format %q: want text or json", *logFormat)
	}
	raw := *upstream
	if raw == "" {
		def, err := live.DefaultBaseURL()
		if err != nil {
			return usageError("%v", err)
		}
		raw = def
	}
	up, err := baseurl.ParsePrefix(raw, baseurl.AllowPlainHTTP(*allowPlain))
	if err != nil {
		if _, plainOnly := baseurl.ParsePrefix(raw, baseurl.AllowPlainHTTP(true)); plainOnly == nil {
			return usageError("--upstream: %v; pass --allow-plain-upstream to accept it", err)
		}
		return usageError("--upstream: %v", err)
	}

	var handler slog.Handler = slog.NewTextHandler(env.stderr, nil)
	if *logFormat == "json" {
		handler = slog.NewJSONHandler(env.stderr, nil)
	}
	logger := slog.New(handler)
	// The watched requests go to the upstream's path: that is the base path
	// an exchange must be under to be an operation's.
	checker, err := sf.newChecker(contract.WithBasePath(cmp.Or(up.Path, "/")))
	if err != nil {
		return usageError("%v", err)
	}
	var ledger *baseline.Baseline
	if *baselinePath != "" {
		if ledger, err = baseline.Load(*baselinePath, checker.Operations()); err != nil {
			return usageError("--baseline: %v", err)
		}
	}
	info := proxyInfo{spec: checker.SpecVersion(), module: env.versions().Module, baseline: ledger != nil}

	reg := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return usageError("setting up the metrics: %v", err)
	}
	res, err := proxyResource(ctx, info.module)
	if err != nil {
		return usageError("OpenTelemetry resource: %v", err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter), sdkmetric.WithResource(res))
	defer mp.Shutdown(context.Background())
	upstreamTransport := http.DefaultTransport.(*http.Transport).Clone()
	upstreamTransport.ResponseHeaderTimeout = *upstreamTimeout
	// The caller's Accept-Encoding goes upstream as it is, and the answer
	// comes back undecoded: the transport must not ask for gzip itself.
	upstreamTransport.DisableCompression = true
	noteHeads(upstreamTransport)
	opts := []watch.Option{watch.WithChecker(checker),
		watch.WithSampleRate(*rate), watch.WithWorkers(*workers), watch.WithQueueSize(*queue),
		watch.WithMeterProvider(mp), watch.WithLogger(logger)}
	if ledger != nil {
		opts = append(opts, watch.WithBaseline(ledger))
	}
	var cp *capture.Capture
	if *recordDir != "" {
		cp, err = capture.New(*recordDir, checker, "tokens-contract proxy "+info.module,
			capture.Limits{PerHour: *recordPerHour, MaxBytes: *recordMaxBytes})
		if err != nil {
			return usageError("--record: %v", err)
		}
		opts = append(opts, watch.WithExchangeSink(cp.Observe))
	}
	w, err := watch.New(upstreamTransport, opts...)
	if err != nil {
		return usageError("%v", err)
	}
	defer w.Close()
	p, err := newProxyServer(up, w, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), logger, mp.Meter(proxyScope), *requestTimeout)
	if err != nil {
		return usageError("setting up the metrics: %v", err)
	}
	if err := info.register(mp.Meter(proxyScope)); err != nil {
		return usageError("setting up the metrics: %v", err)
	}

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *listen)
	if err != nil {
		return usageError("cannot listen on %s: %v", *listen, err)
	}
	base := listenURL(ln.Addr()) + up.Path
	if *readyFile != "" {
		if err := fileutil.WriteFile(*readyFile, []byte(base+"\n"), 0o644); err != nil {
			ln.Close()
			return usageError("--ready-file: %v", err)
		}
		defer os.Remove(*readyFile)
	}
	srv := fake.NewHTTPServer(p, fake.DefaultTimeouts.WithLatency(*requestTimeout))
	srv.ErrorLog = log.New(env.stderr, "tokens-contract proxy: ", 0)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if baseurl.Plain(up) {
		logger.Warn("tokens-contract proxy: --allow-plain-upstream: the upstream is plain http to a host that is not loopback; "+
			"callers' authToken headers cross that network unencrypted", slog.String("host", up.Hostname()))
	}
	baselineState := "none"
	if ledger != nil {
		baselineState = fmt.Sprintf("%s (%d entries)", ledger.File, len(ledger.Entries))
	}
	if *logFormat == "json" {
		logger.Info("tokens-contract proxy: serving", slog.String("base", base), slog.String("upstream", up.Redacted()),
			slog.String("spec_version", info.spec), slog.String("module_version", info.module), slog.String("baseline", baselineState),
			slog.Float64("sample_rate", *rate), slog.Duration("upstream_timeout", *upstreamTimeout), slog.Duration("request_timeout", *requestTimeout))
	} else {
		fmt.Fprintf(env.stderr, "tokens-contract proxy: serving %s -> %s (spec %s, module %s, baseline %s, sample rate %v, "+
			"upstream timeout %v, request timeout %v); /metrics, /healthz and /readyz; stop with Ctrl-C\n",
			base, up.Redacted(), info.spec, info.module, baselineState, *rate, *upstreamTimeout, *requestTimeout)
	}

	select {
	case err := <-served:
		return usageError("serving on %s: %v", base, err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), *drainTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		logger.Warn("tokens-contract proxy: requests still in flight after --drain-timeout were cut off", slog.Duration("drain_timeout", *drainTimeout))
		srv.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return usageError("serving on %s: %v", base, err)
	}
	if cp != nil {
		w.Close() // the last checks may still write
		st := cp.Stats()
		logger.Info("tokens-contract proxy: --record", slog.String("dir", *recordDir), slog.Int("written", st.Written),
			slog.Int("over_rate", st.OverRate), slog.Int("rotated", st.Rotated),
			slog.Int("not_written_would_hold_a_secret", st.Leaks), slog.Int("failed", st.Failed))
	}
	fmt.Fprintln(env.stderr, "tokens-contract proxy: stopped")
	return exitcode.OK
}

// proxyScope is the instrumentation scope of the proxy's own metrics.
const proxyScope = "github.com/b2b-contract/s2s-tokens/cmd/tokens-contract/proxy"

// proxyInfo is what tokens_contract_proxy_info and the start-up line say.
type proxyInfo struct {
	spec, module string
	baseline     bool
}

// register adds the info series: a gauge of 1 whose attributes are the
// spec version enforced, the module version ("tokens-contract version")
// and whether a baseline is loaded.
func (i proxyInfo) register(m metric.Meter) error {
	g, err := m.Int64ObservableGauge("tokens_contract.proxy.info",
		metric.WithDescription("Always 1: the spec version the proxy enforces, its module version and whether a baseline is loaded."))
	if err != nil {
		return err
	}
	attrs := metric.WithAttributes(attribute.String("spec_version", i.spec), attribute.String("module_version", i.module),
		attribute.Bool("baseline", i.baseline))
	_, err = m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		o.ObserveInt64(g, 1, attrs)
		return nil
	}, g)
	return err
}

// proxyResource is the OpenTelemetry resource of the proxy's metrics: a
// service name and version of its own, the SDK's, and what the standard
// environment variables (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) say,
// which win.
func proxyResource(ctx context.Context, module string) (*resource.Resource, error) {
	return resource.New(ctx,
		resource.WithAttributes(semconv.ServiceName(proxyServiceName), semconv.ServiceVersion(module)),
		resource.WithTelemetrySDK(),
		resource.WithFromEnv(),
	)
}

// loopbackAddr reports whether a listen address is loopback, by the same rule
// that admits plain http base URLs in package live.
func loopbackAddr(addr string) bool {
	_, err := live.ParseBaseURL("http://" + addr)
	return err == nil
}

// writeProxyError answers one of the proxy's own errors in the B2B error
// envelope, with the class in the Tokens-Contract-Error header.
func writeProxyError(w http.ResponseWriter, status int, class, message string) {
	w.Header().Set("Tokens-Contract-Error", class)
	fake.WriteError(w, status, "tokens-contract proxy: "+message)
}

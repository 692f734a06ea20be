package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/fileutil"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/live"
	"github.com/b2b-contract/s2s-tokens/contract/watch"
)

func proxyCommand() command {
	return command{
		name:    "proxy",
		summary: "forward to the endpoint, check the traffic, serve /metrics",
		run:     runProxy,
	}
}

const proxyDescription = `Forwards requests to the upstream (default: the spec's server URL) and checks a
sample of the exchanges against the contract with the same transport a Go
service uses (package contract/watch; see "go doc .../contract/watch").

The proxy serves under the upstream's path: with the default upstream
https://api-b2b.bigcommerce.com/api/io, a service changes only the origin of
its base URL to http://HOST:PORT/api/io, and a request for
/api/io/backend/tokens reaches <upstream>/backend/tokens. Other paths answer
404, except:
  /metrics   the findings and exchange counts in the Prometheus format
  /healthz   200 "ok" while the proxy runs

The caller's authToken header is forwarded and never logged. The upstream must
be https, or http to a loopback address (the rule of "live --base-url").
Listening on an address that is not loopback needs --allow-non-loopback: the
proxy would then carry callers' credentials across the network.
The contract checked is the embedded spec, or the document --spec names.
Exit codes: 0 stopped by SIGINT or SIGTERM; 2 usage error or cannot listen.`

func runProxy(ctx context.Context, env *environment, args []string) int {
	fs := newFlagSet(env, "proxy",
		"proxy --listen HOST:PORT [--upstream URL] [--sample-rate R] [--workers N] [--queue N] "+
			"[--spec FILE] [--allow-non-loopback] [--ready-file FILE]", proxyDescription)
	var sf specFlag
	sf.register(fs)
	listen := fs.String("listen", "", "listen on `HOST:PORT` (required), for example 127.0.0.1:8081")
	upstream := fs.String("upstream", "", "forward to `URL` (default: the spec's server URL)")
	rate := fs.Float64("sample-rate", 1, "check this share `R` of exchanges (0 to 1) besides the first of each kind, retirement signals and errors")
	workers := fs.Int("workers", 1, "run `N` checks at once")
	queue := fs.Int("queue", watch.DefaultQueueSize, "let `N` exchanges wait for a check; beyond that they are dropped and counted")
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
	}
	raw := *upstream
	if raw == "" {
		def, err := live.DefaultBaseURL()
		if err != nil {
			return usageError("%v", err)
		}
		raw = def
	}
	up, err := live.ParseBaseURL(raw)
	if err != nil {
		return usageError("--upstream: %v", err)
	}

	logger := slog.New(slog.NewTextHandler(env.stderr, nil))
	reg := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return usageError("setting up the metrics: %v", err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	defer mp.Shutdown(context.Background())
	// The watched requests go to the upstream's path: that is the base path
	// an exchange must be under to be an operation's.
	checker, err := sf.newChecker(contract.WithBasePath(cmp.Or(up.Path, "/")))
	if err != nil {
		return usageError("%v", err)
	}
	w, err := watch.New(http.DefaultTransport.(*http.Transport).Clone(), watch.WithChecker(checker),
		watch.WithSampleRate(*rate), watch.WithWorkers(*workers), watch.WithQueueSize(*queue),
		watch.WithMeterProvider(mp), watch.WithLogger(logger))
	if err != nil {
		return usageError("%v", err)
	}
	defer w.Close()

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
	srv := &http.Server{
		Handler:           proxyHandler(up, w, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), logger),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(env.stderr, "tokens-contract proxy: ", 0),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(env.stderr, "tokens-contract proxy: serving %s -> %s (sample rate %v); /metrics and /healthz; stop with Ctrl-C\n",
		base, up.Redacted(), *rate)

	select {
	case err := <-served:
		return usageError("serving on %s: %v", base, err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return usageError("serving on %s: %v", base, err)
	}
	fmt.Fprintln(env.stderr, "tokens-contract proxy: stopped")
	return exitcode.OK
}

// loopbackAddr reports whether a listen address is loopback, by the same rule
// that admits plain http base URLs in package live.
func loopbackAddr(addr string) bool {
	_, err := live.ParseBaseURL("http://" + addr)
	return err == nil
}

// proxyHandler forwards requests under up's path to up through rt, and
// serves /metrics and /healthz.
func proxyHandler(up *url.URL, rt http.RoundTripper, metrics http.Handler, logger *slog.Logger) http.Handler {
	prefix := up.Path
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Path = strings.TrimPrefix(r.In.URL.Path, prefix)
			r.Out.URL.RawPath = ""
			r.SetURL(up)
		},
		Transport: rt,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			// The error may quote the request; Scrub removes the caller's
			// credentials and anything shaped like one.
			logger.Warn("tokens-contract proxy: the upstream request failed",
				slog.String("method", r.Method), slog.String("error", contract.Scrub(err.Error(), r.Header.Values("authToken"))))
			http.Error(w, "tokens-contract proxy: the upstream request failed", http.StatusBadGateway)
		},
		ErrorLog: log.New(io.Discard, "", 0),
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if prefix != "" && r.URL.Path != prefix && !strings.HasPrefix(r.URL.Path, prefix+"/") {
			http.Error(w, fmt.Sprintf("tokens-contract proxy: %s is not under the upstream's path %s", r.URL.Path, prefix), http.StatusNotFound)
			return
		}
		rp.ServeHTTP(w, r)
	})
	return mux
}

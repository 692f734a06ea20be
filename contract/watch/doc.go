// Package watch checks a service's own traffic to the B2B Edition token
// endpoints against the contract, at no extra request: a Transport is an
// http.RoundTripper that wraps another one and hands a sample of the
// exchanges that pass through it to a contract.Checker, off the caller's path.
//
// # Use
//
// Wrap the transport of whatever calls the endpoint:
//
//	w, err := watch.New(http.DefaultTransport, watch.WithMeterProvider(mp))
//	...
//	defer w.Close()
//	c, err := client.New(client.WithTransportWrapper(w.Wrap), ...)
//
// client.WithTransportWrapper keeps the client's own tuned transport under
// the Transport; Wrap lets one Transport (one set of workers and metrics)
// watch several clients. The generated client takes
// tokensapi.WithHTTPClient(&http.Client{Transport: w}), and any code that
// uses net/http can do the same. Use one Transport per store: the cross-page
// invariants (see WithPageWindow) assume the pages they see belong together.
//
// # What the caller sees
//
// Nothing changes: the same status, headers, body bytes, errors and streaming.
// The body is teed as the caller reads it (up to WithMaxBody bytes); when the
// caller reaches EOF or closes the body, the exchange is queued, and a worker
// checks it. A check never runs on the caller's goroutine, and a panic inside
// one is recovered and counted (tokens_contract.check.panics). A body the
// caller closes before reading it to the end, or one larger than WithMaxBody,
// is checked without its body: status and headers only.
//
// # What it costs the caller
//
// On the caller's goroutine the Transport reads a few headers, copies the
// headers flat into a pooled exchange, and copies the body as the caller
// reads it into the exchange's pooled buffer; at EOF it queues the exchange
// without blocking. It allocates one object (the body wrapper) per response
// whose body it tees. The body copy is made at sample rate 0 too, because
// the worker needs the body to find the first exchange of a new shape.
//
// That copy is most of what a caller can measure. When requests are a
// rate-limit apart, the buffer has left the CPU's caches, and copying a
// 250-token page (about 85 KB) into it took 8 to 13 µs on the machine this
// was measured on, where the same copy into a warm buffer took 3
// (BenchmarkBodyCopy). Against a loopback request of 400 to 500 µs that is
// 2 to 3%; against a request that crosses a network (a millisecond or
// more), under 1%. Fingerprinting the body on the caller's goroutine
// instead would cost more than copying it (BenchmarkShapeOf).
//
// BenchmarkRoundTrip measures the whole caller's path against a loopback
// server, for a caller that discards the body and for the project's client,
// which decodes it. In runs of 900 requests per variant, a request at sample
// rate 0 cost up to 5% more than a bare one for a page of the default size
// (the tee adds 4 to 5 µs to reading it; the rest varied from run to run
// by as much), and 2 to 6% more for a 250-token page. At rate 1 the
// caller's path is the same, and so was its cost for the caller that
// discards the body. For
// the client, the check (3 to 4 ms of CPU for a 250-token page, on a
// worker) runs while the client decodes the page, sharing the machine's
// cores, caches and garbage collector with it, and the client's call for a
// 250-token page cost 2 to 9% more. `make bench-transport` prints these
// figures for the machine it runs on.
//
// # Which exchanges are checked
//
// Every response gets cheap header checks on the caller's goroutine. An
// exchange is checked when any of these holds:
//
//   - the response carries Deprecation, Sunset or a Link with a deprecation or
//     sunset relation, or its status is not 2xx (a retirement status such as
//     404 or 410 is among these);
//   - it is the first exchange of its kind: its method, path, status and key
//     shape (the member names of the body with the kind of each value, and
//     their depth) have not been seen before, so a new shape is never missed;
//   - the sample rate picks it (WithSampleRate, default 0.01);
//   - with WithPageWindow, it is a successful write (a 2xx to POST or
//     DELETE), which ends a paging sequence.
//
// An exchange is an operation's only at the operation's path under the
// spec's base path (see contract.WithBasePath, which WithChecker's Checker
// may set). The operation's path under another prefix or with a trailing
// slash is skipped, and each such pattern is reported once in the
// Transport's life as a base-path-mismatch finding (info): the caller's base
// URL is wrong, and a 404 there is not the endpoint's retirement. A 5xx
// whose body is not the B2B error envelope is upstream-transient (info).
//
// Checks run on a bounded pool of workers (WithWorkers) fed by a bounded queue
// (WithQueueSize). When the queue is full the exchange is dropped and counted,
// never queued without bound. Exchanges with a retirement signal have a
// queue of their own, which the workers empty first, so that exchanges
// sampled or fingerprinted for their shape never crowd one out. The key
// shape is computed in time linear in the body; a body with more than 4096
// distinct member names, or nested more than 128 deep, has one shape of its
// own.
//
// A body's copy grows with what arrives, never to an announced
// Content-Length up front, and all copies in flight (from the first byte
// read until their check is done) hold at most WithMaxInFlight bytes
// (default DefaultMaxInFlight); a body whose next bytes would pass that is
// checked without its body. The exchange is handed to the queue exactly
// once, by whichever of Read (at EOF) and Close comes first, even when the
// caller closes the body from another goroutine while a Read returns. Close stops accepting exchanges, lets the
// workers finish what is queued, and returns when they have stopped; no
// goroutine of the Transport outlives it.
//
// # The caller's request
//
// A checked exchange's request is checked too (contract.Checker.CheckRequest):
// an undeclared query parameter, an integer parameter out of the spec's
// bounds, a missing credential header are info findings of their own
// (request-unknown-parameter, request-parameter-out-of-range,
// request-missing-auth), so a team sees its own callers' mistakes apart
// from the vendor's drift.
//
// # Where findings go
//
//   - log/slog (WithLogger, default slog.Default()): the first occurrence of
//     each finding id, path and operation as one line; later occurrences as
//     counts, at most once per WithLogInterval (default one minute), and on
//     Close.
//   - OpenTelemetry metrics through the application's MeterProvider
//     (WithMeterProvider, default the global one): tokens_contract.findings by
//     id, severity and operation; tokens_contract.exchanges.seen, .sampled (by
//     reason), .checked (by operation) and .dropped (by reason);
//     tokens_contract.check.panics; the tokens_contract.check.duration
//     histogram in seconds; the gauges tokens_contract.sunset.timestamp and
//     tokens_contract.deprecation.timestamp, the dates of the last Sunset and
//     Deprecation headers seen per operation in Unix seconds (a dashboard or
//     an alert computes the days left from them); and, with WithBaseline,
//     tokens_contract.findings.accepted for accepted drift, which
//     tokens_contract.findings leaves out. The Prometheus exporter names them
//     tokens_contract_findings_total,
//     tokens_contract_sunset_timestamp_seconds and so on.
//   - the span in the request's context, while it is recording: an event
//     tokens_contract.signal at once for a retirement signal (which header, or
//     the status), and an event tokens_contract.finding per finding when the
//     check completes, if the span is still recording then (a span that ends
//     when the body is closed, as otelhttp's client span does, has ended by
//     then; wrap the outer, application span's transport instead).
//   - WithSink, for anything else; WithExchangeSink with the exchange too
//     (contract/capture keeps redacted cassettes of the ones worth keeping).
//   - WithCoverage: the Transport's Coverage method then says what the
//     checked exchanges showed of the spec (statuses, properties, enum
//     values, paging cases, headers; see contract.Coverage), so a team can
//     see what its own traffic covers.
//
// No attribute, log line or event carries a value from the exchange: only
// finding ids, severities, operation ids, JSON paths, the rule summary and
// counts. Finding messages, which may quote a header value, go to WithSink
// sinks only.
//
// # Cross-page invariants
//
// total-count-changed and duplicate-id-across-pages compare list pages of one
// walk. In production, tokens are created and deleted between walks, so the
// Transport applies them only when asked (WithPageWindow), over the pages of a
// burst: a contract.PageTracker that starts afresh when no page has been
// checked for the window's length, or after a successful create or delete. Because only sampled pages reach it, they
// are reliable at sample rate 1; otherwise they belong to recordings and live
// runs (tokens-contract check and live).
package watch

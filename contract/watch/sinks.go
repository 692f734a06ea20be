package watch

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/b2b-contract/s2s-tokens/client/headers"
	"github.com/b2b-contract/s2s-tokens/contract"
)

// ScopeName is the instrumentation scope of the Transport's meter.
const ScopeName = "github.com/b2b-contract/s2s-tokens/contract/watch"

// Attribute keys. Their values are finding ids, severities, operation ids,
// JSON paths, reasons and statuses: never a value from an exchange.
var (
	attrID        = attribute.Key("id")
	attrSeverity  = attribute.Key("severity")
	attrOperation = attribute.Key("operation")
	attrPath      = attribute.Key("path")
	attrReason    = attribute.Key("reason")
	attrSignal    = attribute.Key("signal")
	attrStatus    = attribute.Key("status")
)

var (
	dropQueueFull = attribute.NewSet(attrReason.String("queue-full"))
	dropClosed    = attribute.NewSet(attrReason.String("closed"))
	sampledSets   = map[reason]attribute.Set{
		reasonSignal: attribute.NewSet(attrReason.String(string(reasonSignal))),
		reasonRate:   attribute.NewSet(attrReason.String(string(reasonRate))),
		reasonKind:   attribute.NewSet(attrReason.String(string(reasonKind))),
		reasonWrite:  attribute.NewSet(attrReason.String(string(reasonWrite))),
	}
)

func sampledSet(r reason) attribute.Set { return sampledSets[r] }

const levelError = slog.LevelError

// instruments are the Transport's metrics.
type instruments struct {
	findings, accepted, sampled, checked, dropped, panics metric.Int64Counter
	duration                                              metric.Float64Histogram
	dates                                                 *dateGauges
	// seen counts every response on the caller's path with one atomic add,
	// which the SDK reads when it collects (an observable counter): a
	// synchronous Add costs the caller some hundreds of nanoseconds.
	seen atomic.Int64
}

func newInstruments(mp metric.MeterProvider) (*instruments, error) {
	m := mp.Meter(ScopeName)
	in := &instruments{}
	var err error
	counter := func(dst *metric.Int64Counter, name, unit, desc string) {
		if err != nil {
			return
		}
		*dst, err = m.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
	}
	counter(&in.findings, "tokens_contract.findings", "{finding}", "Contract findings in checked exchanges, by id, severity and operation (accepted drift apart: tokens_contract.findings.accepted).")
	counter(&in.accepted, "tokens_contract.findings.accepted", "{finding}", "Findings that an unexpired entry of the accepted-drift baseline accepts (WithBaseline), by id, severity and operation; they are not counted in tokens_contract.findings.")
	counter(&in.sampled, "tokens_contract.exchanges.sampled", "{exchange}", "Exchanges chosen for a check, by reason (signal, rate, new-shape).")
	counter(&in.checked, "tokens_contract.exchanges.checked", "{exchange}", "Exchanges checked against the contract, by operation.")
	counter(&in.dropped, "tokens_contract.exchanges.dropped", "{exchange}", "Exchanges not checked because the queue was full or the transport closed, by reason.")
	counter(&in.panics, "tokens_contract.check.panics", "{panic}", "Checks that panicked; the panic was recovered.")
	if err == nil {
		in.duration, err = m.Float64Histogram("tokens_contract.check.duration", metric.WithUnit("s"),
			metric.WithDescription("Time to check one exchange."),
			metric.WithExplicitBucketBoundaries(0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1))
	}
	if err == nil {
		var seen metric.Int64ObservableCounter
		seen, err = m.Int64ObservableCounter("tokens_contract.exchanges.seen", metric.WithUnit("{exchange}"),
			metric.WithDescription("Responses that passed through the transport."))
		if err == nil {
			// Never unregistered: like a synchronous counter's, the count
			// stays exported after Close. The callback holds the counter
			// alone, not the Transport.
			n := &in.seen
			_, err = m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
				o.ObserveInt64(seen, n.Load())
				return nil
			}, seen)
		}
	}
	if err == nil {
		in.dates, err = newDateGauges(m)
	}
	if err != nil {
		return nil, fmt.Errorf("watch: creating the metrics: %w", err)
	}
	return in, nil
}

// report sends one result to every sink. Accepted findings (WithBaseline)
// are counted apart, and reach neither the span nor the log: they are not
// drift. Sinks get every finding, accepted ones marked.
func (t *Transport) report(x *exchange, res contract.Result) {
	drift := 0
	for _, f := range res.Findings {
		c := t.inst.findings
		if f.Accepted != nil {
			c = t.inst.accepted
		} else {
			drift++
		}
		c.Add(x.ctx, 1, metric.WithAttributes(
			attrID.String(f.ID), attrSeverity.String(f.Severity.String()), attrOperation.String(res.Operation)))
	}
	if drift > 0 && x.span.IsRecording() {
		for _, f := range res.Findings {
			if f.Accepted != nil {
				continue
			}
			x.span.AddEvent("tokens_contract.finding", trace.WithAttributes(
				attrID.String(f.ID), attrSeverity.String(f.Severity.String()),
				attrOperation.String(res.Operation), attrPath.String(f.Path)))
		}
	}
	if t.logs != nil {
		for _, f := range res.Findings {
			if f.Accepted != nil {
				continue
			}
			t.logs.observe(x.ctx, f, res.Operation)
		}
	}
	for _, s := range t.s.sinks {
		s(x.ctx, res)
	}
}

// logKey is what the slog sink deduplicates on.
type logKey struct{ id, path, operation string }

// logSink logs the first occurrence of each finding id, path and operation,
// and counts of repeats at most once per interval.
type logSink struct {
	l        *slog.Logger
	interval time.Duration
	now      func() time.Time

	mu      sync.Mutex
	first   map[logKey]bool
	repeats map[logKey]int
	last    time.Time
}

func newLogSink(l *slog.Logger, interval time.Duration, now func() time.Time) *logSink {
	return &logSink{l: l, interval: interval, now: now, first: map[logKey]bool{}, repeats: map[logKey]int{}, last: now()}
}

func level(s contract.Severity) slog.Level {
	switch s {
	case contract.Breaking:
		return slog.LevelError
	case contract.Additive, contract.Deprecation:
		return slog.LevelWarn
	default:
		return slog.LevelInfo
	}
}

func (s *logSink) observe(ctx context.Context, f contract.Finding, op string) {
	k := logKey{f.ID, f.Path, op}
	s.mu.Lock()
	first := !s.first[k] && len(s.first) < MaxKinds
	if first {
		s.first[k] = true
	} else if _, ok := s.repeats[k]; ok || len(s.repeats) < MaxKinds {
		s.repeats[k]++
	}
	due := s.now().Sub(s.last) >= s.interval
	s.mu.Unlock()
	if first {
		summary := ""
		if r, ok := contract.RuleFor(f.ID); ok {
			summary = r.Summary
		}
		s.l.LogAttrs(ctx, level(f.Severity), "tokens-contract: the endpoint drifted from the contract",
			slog.String("id", f.ID), slog.String("severity", f.Severity.String()),
			slog.String("operation", op), slog.String("path", f.Path), slog.String("rule", summary))
	}
	if due {
		s.flush(ctx)
	}
}

// flush logs the counts of repeated findings since the last flush.
func (s *logSink) flush(ctx context.Context) {
	s.mu.Lock()
	repeats := s.repeats
	s.repeats = map[logKey]int{}
	since := s.last
	s.last = s.now()
	s.mu.Unlock()
	for k, n := range repeats {
		s.l.LogAttrs(ctx, slog.LevelInfo, "tokens-contract: findings repeated",
			slog.String("id", k.id), slog.String("operation", k.operation), slog.String("path", k.path),
			slog.Int("count", n), slog.Duration("since", s.now().Sub(since).Round(time.Second)))
	}
}

// dateGauges are the retirement dates last seen per operation, as Unix
// seconds: tokens_contract.sunset.timestamp and
// tokens_contract.deprecation.timestamp (tokens_contract_sunset_timestamp_seconds
// and so on in Prometheus). A date is not a secret; the operation ids are the
// spec's, so the series are bounded.
type dateGauges struct {
	mu                  sync.Mutex
	sunset, deprecation map[string]int64
}

func newDateGauges(m metric.Meter) (*dateGauges, error) {
	d := &dateGauges{sunset: map[string]int64{}, deprecation: map[string]int64{}}
	sunset, err := m.Int64ObservableGauge("tokens_contract.sunset.timestamp", metric.WithUnit("s"),
		metric.WithDescription("The date of the last Sunset header seen, by operation, in Unix seconds."))
	if err != nil {
		return nil, err
	}
	deprecation, err := m.Int64ObservableGauge("tokens_contract.deprecation.timestamp", metric.WithUnit("s"),
		metric.WithDescription("The date of the last Deprecation header seen, by operation, in Unix seconds."))
	if err != nil {
		return nil, err
	}
	_, err = m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		d.mu.Lock()
		defer d.mu.Unlock()
		for op, v := range d.sunset {
			o.ObserveInt64(sunset, v, metric.WithAttributes(attrOperation.String(op)))
		}
		for op, v := range d.deprecation {
			o.ObserveInt64(deprecation, v, metric.WithAttributes(attrOperation.String(op)))
		}
		return nil
	}, sunset, deprecation)
	return d, err
}

// observe keeps the dates of a checked response of operation op; a
// malformed or absent header leaves the last date seen.
func (d *dateGauges) observe(op string, h http.Header) {
	if op == "" || (len(h["Sunset"]) == 0 && len(h["Deprecation"]) == 0) {
		return
	}
	n, _ := headers.ParseNotice(h)
	d.mu.Lock()
	defer d.mu.Unlock()
	if !n.Sunset.IsZero() {
		d.sunset[op] = n.Sunset.Unix()
	}
	if !n.DeprecatedAt.IsZero() {
		d.deprecation[op] = n.DeprecatedAt.Unix()
	}
}

package watch

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"io"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/b2b-contract/s2s-tokens/contract"
)

// work checks queued exchanges until both queues are closed and empty,
// taking one with a retirement signal first whenever one waits.
func (t *Transport) work() {
	defer t.workers.Done()
	var sc shapeScratch
	signals, queue := t.signals, t.queue
	for signals != nil || queue != nil {
		var x *exchange
		var ok bool
		select {
		case x, ok = <-signals:
			if !ok {
				signals = nil
				continue
			}
		default:
			select {
			case x, ok = <-signals:
				if !ok {
					signals = nil
					continue
				}
			case x, ok = <-queue:
				if !ok {
					queue = nil
					continue
				}
			}
		}
		t.process(x, &sc)
	}
}

// process checks one exchange, recovering from a panic in the check or a sink.
func (t *Transport) process(x *exchange, sc *shapeScratch) {
	defer t.processed.Add(1)
	defer t.release(x)
	defer func() {
		if r := recover(); r != nil {
			t.inst.panics.Add(x.ctx, 1)
			if t.s.logger != nil {
				// The panic value may quote the exchange: log only that it happened.
				t.s.logger.LogAttrs(x.ctx, levelError, "tokens-contract watch: a check panicked; the exchange was skipped")
			}
		}
	}()
	var body []byte
	if x.teed {
		body = x.body.Bytes()
	}
	if enc := x.resp.get("Content-Encoding"); x.bodyState == bodyComplete && enc != "" {
		body = decode(enc, body, t.s.maxBody)
		if body == nil {
			x.bodyState = bodyOverCap // an encoding the check cannot read
		}
	}
	if x.reason == reasonNone {
		if !t.firstOfKind(kindKey{x.method, x.url.EscapedPath(), x.status, shapeOf(body, x.bodyState, sc)}) {
			return
		}
		x.reason = reasonKind
	}
	// Only an exchange that is checked pays for these: the request may be
	// cancelled by now, and the metrics and sinks still want its values.
	x.ctx = context.WithoutCancel(x.ctx)
	x.span = trace.SpanFromContext(x.ctx)
	t.inst.sampled.Add(x.ctx, 1, metric.WithAttributeSet(sampledSet(x.reason)))

	x.reqHeader = x.req.header(x.reqHeader, "")
	omit := ""
	if x.bodyState != bodyComplete {
		omit = "Content-Length" // the body is not checked: see below
	}
	x.respHeader = x.resp.header(x.respHeader, omit)
	ex := &contract.Exchange{
		Source:   Source,
		Request:  contract.Request{Method: x.method, URL: x.url.String(), Header: x.reqHeader},
		Response: contract.Response{Status: x.status, Header: x.respHeader, Body: body},
	}
	if x.bodyState != bodyComplete {
		// Check status and headers only; say nothing about a body the caller
		// chose not to read.
		ex.Response.Body, ex.Response.BodyMissing = nil, true
	}
	start := time.Now()
	res := t.check(ex)
	t.inst.duration.Record(x.ctx, time.Since(start).Seconds())
	if x.bodyState != bodyComplete {
		res.Findings = slices.DeleteFunc(res.Findings, func(f contract.Finding) bool { return f.ID == contract.IDBodyNotRecorded })
	}
	if !res.Skipped {
		// The caller's own request, apart from the vendor's drift.
		res.Findings = append(res.Findings, t.s.checker.CheckRequest(ex)...)
	}
	if t.s.pageWindow > 0 && !res.Skipped {
		t.observePage(&res)
	}
	if res.Skipped && t.firstMismatch(res.SkipReason) {
		res.Findings = []contract.Finding{contract.PathMismatchFinding(Source, res.SkipReason, 1)}
	}
	t.coverage.Observe(ex, res)
	if !res.Skipped {
		t.inst.checked.Add(x.ctx, 1, metric.WithAttributes(attrOperation.String(res.Operation)))
		t.inst.dates.observe(res.Operation, x.respHeader)
		if t.s.baseline != nil {
			t.applyBaseline(&res)
		}
	}
	t.report(x, res)
	for _, sink := range t.s.exSinks {
		sink(x.ctx, ex, res)
	}
}

// applyBaseline marks the findings the baseline accepts and adds a
// baseline-expired finding for each expired entry that matched; see
// WithBaseline.
func (t *Transport) applyBaseline(res *contract.Result) {
	runs := [][]contract.Result{{*res}}
	out := t.s.baseline.Apply(runs, t.s.now())
	*res = runs[0][0]
	for _, f := range out.Findings {
		if f.ID == contract.IDBaselineExpired {
			res.Findings = append(res.Findings, f)
		}
	}
}

// observePage applies the cross-page invariants within the page window.
func (t *Transport) observePage(res *contract.Result) {
	t.pagesMu.Lock()
	defer t.pagesMu.Unlock()
	now := t.s.now()
	if t.pages == nil || now.Sub(t.lastPage) > t.s.pageWindow {
		t.pages = contract.NewPageTracker()
	}
	t.lastPage = now
	t.pages.Observe(res)
}

// firstMismatch reports whether reason is a near miss (an operation's path
// under another base path) that the Transport has not reported before.
func (t *Transport) firstMismatch(reason string) bool {
	if !contract.IsPathMismatch(reason) {
		return false
	}
	t.mismatchMu.Lock()
	defer t.mismatchMu.Unlock()
	if t.mismatches[reason] {
		return false
	}
	if t.mismatches == nil {
		t.mismatches = map[string]bool{}
	}
	t.mismatches[reason] = true
	return true
}

// kindKey is one kind of exchange, for first-of-kind sampling.
type kindKey struct {
	method string
	path   string
	status int
	shape  uint64
}

// firstOfKind records k and reports whether it is new.
func (t *Transport) firstOfKind(k kindKey) bool {
	t.kindsMu.Lock()
	defer t.kindsMu.Unlock()
	if _, ok := t.kinds[k]; ok || len(t.kinds) >= MaxKinds {
		return false
	}
	t.kinds[k] = struct{}{}
	if len(t.kinds) >= MaxKinds {
		t.kindsFull.Store(true)
	}
	return true
}

// decode undoes a gzip Content-Encoding (net/http undoes it itself unless the
// caller asked for an encoding); it returns nil for any other encoding, a
// broken stream or a result over max.
func decode(encoding string, body []byte, max int64) []byte {
	if !strings.EqualFold(strings.TrimSpace(encoding), "gzip") {
		return nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil
	}
	out, err := io.ReadAll(io.LimitReader(zr, max+1))
	if err != nil || int64(len(out)) > max {
		return nil
	}
	return out
}

// Bounds of the shape fingerprint: a body with more distinct member names
// (name, parent, depth and kind), or nested deeper, than these has the one
// shape shapeTooBig, so fingerprinting costs time linear in the body and
// memory bounded whatever it holds.
const (
	maxShapeNames = 4096
	maxShapeDepth = 128
)

// shapeTooBig is the shape of every body past the bounds above.
const shapeTooBig = uint64(0x5348415045544f4f) | 1

// shapeScratch is a worker's reusable memory for shapeOf: an open-addressing
// set of name hashes (0 marks a free slot) and the list of those in it.
type shapeScratch struct {
	table []uint64
	seen  []uint64
	path  []uint64
}

// add puts v in the set; it reports false when the set is full.
func (sc *shapeScratch) add(v uint64) bool {
	if v == 0 {
		v = 1
	}
	mask := uint64(len(sc.table) - 1)
	for i := v & mask; ; i = (i + 1) & mask {
		switch sc.table[i] {
		case v:
			return true
		case 0:
			if len(sc.seen) == maxShapeNames {
				return false
			}
			sc.table[i] = v
			sc.seen = append(sc.seen, v)
			return true
		}
	}
}

// reset empties the set in time proportional to what it holds.
func (sc *shapeScratch) reset() {
	if sc.table == nil {
		sc.table = make([]uint64, 2*maxShapeNames) // a power of two, at most half full
		sc.seen = make([]uint64, 0, maxShapeNames)
		sc.path = make([]uint64, 0, maxShapeDepth)
	}
	mask := uint64(len(sc.table) - 1)
	for _, v := range sc.seen {
		for i := v & mask; sc.table[i] != 0; i = (i + 1) & mask {
			sc.table[i] = 0
		}
	}
	sc.seen = sc.seen[:0]
	sc.path = sc.path[:0]
}

// shapeOf fingerprints the key shape of a JSON body: the set of member names,
// each with its depth, its parent's name and the kind of its value (string,
// number, boolean, null, object, array). Array items share their parent, so
// a page of 250 tokens has the shape of one token. It reads the bytes once,
// in time linear in their length, without allocating, and never keeps a
// value. A body it cannot fingerprint (not read, not JSON) has shape 0; one
// past maxShapeNames or maxShapeDepth has shape shapeTooBig.
func shapeOf(body []byte, state bodyState, sc *shapeScratch) uint64 {
	if state != bodyComplete || len(body) == 0 {
		return 0
	}
	sc.reset()
	defer sc.reset()
	// Each container on the stack carries the hash of the member it is the
	// value of (0 at the root and for array items, which inherit).
	parent := uint64(0)
	var lastName uint64
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '{', '[':
			if len(sc.path) == maxShapeDepth {
				return shapeTooBig
			}
			sc.path = append(sc.path, parent)
			parent = lastName
		case '}', ']':
			if n := len(sc.path); n > 0 {
				parent = sc.path[n-1]
				sc.path = sc.path[:n-1]
			}
			lastName = parent
		case '"':
			start := i + 1
			i = stringEnd(body, start)
			name := body[start:min(i, len(body))]
			j := i + 1
			for j < len(body) && isSpace(body[j]) {
				j++
			}
			if j >= len(body) || body[j] != ':' {
				continue // a value, not a name
			}
			j++
			for j < len(body) && isSpace(body[j]) {
				j++
			}
			kind := byte(0)
			if j < len(body) {
				kind = kindOf(body[j])
			}
			lastName = mix(nameHash(name) + mix(parent^uint64(len(sc.path))<<8^uint64(kind)))
			if !sc.add(lastName) {
				return shapeTooBig
			}
			i = j - 1
		}
	}
	slices.Sort(sc.seen)
	h := uint64(len(sc.seen))
	for _, v := range sc.seen {
		h = mix(h + v)
	}
	return h | 1
}

// nameHash hashes a member name eight bytes at a time (names are short).
func nameHash(name []byte) uint64 {
	h := uint64(len(name)) * 0x9e3779b97f4a7c15
	for len(name) >= 8 {
		h = (h ^ binary.LittleEndian.Uint64(name)) * 0xff51afd7ed558ccd
		h ^= h >> 32
		name = name[8:]
	}
	var tail uint64
	for i, c := range name {
		tail |= uint64(c) << (8 * i)
	}
	return mix(h ^ tail)
}

// mix is SplitMix64's finalizer: every bit of x affects every bit of the
// result, at the cost of two multiplications.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// stringEnd returns the index of the quote that closes the JSON string whose
// text starts at start (len(body) if none does). It jumps from quote to
// quote with bytes.IndexByte, and a quote preceded by an odd number of
// backslashes is escaped.
func stringEnd(body []byte, start int) int {
	for i := start; i < len(body); {
		q := bytes.IndexByte(body[i:], '"')
		if q < 0 {
			return len(body)
		}
		i += q
		k := i
		for k > start && body[k-1] == '\\' {
			k--
		}
		if (i-k)%2 == 0 {
			return i
		}
		i++
	}
	return len(body)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// kindOf classifies a JSON value by its first byte.
func kindOf(c byte) byte {
	switch c {
	case '"', '{', '[', 't', 'n':
		return c
	case 'f':
		return 't'
	default:
		return '0'
	}
}

// Package capture keeps the production exchanges worth keeping as
// redacted cassettes, so that a finding seen in production can be replayed
// with tokens-contract check, turned into an overlay (--suggest-overlay) or a
// baseline entry (--update-baseline), or added to the drift corpus, without
// reproducing it by hand.
//
// A Capture receives checked exchanges (from contract/watch's
// WithExchangeSink; tokens-contract proxy --record DIR wires it) and keeps:
//
//   - the first exchange of each shape (contract.Checker.Shapes: operation,
//     status, member names and kinds, never a value);
//   - every exchange with a finding that is not accepted by a baseline;
//   - every exchange with a retirement signal (a Deprecation or Sunset
//     header, or a Link with a deprecation or sunset relation), even one the
//     spec already knows.
//
// At most Limits.PerHour exchanges are written per clock hour, and the
// cassettes it wrote are kept under Limits.MaxBytes on disk: the oldest are
// removed first. Files it did not write are never touched.
//
// Each kept exchange is one cassette, written with the redactor of
// tokens-contract live --record (recording.Redact, then
// recording.WriteToDir): tokens become synthetic JWTs, emails example.com
// addresses, credential headers are dropped, and a cassette whose encoded
// bytes would still hold a secret is not written (counted in Stats.Leaks).
package capture

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
)

// Defaults of Limits.
const (
	DefaultPerHour  = 60
	DefaultMaxBytes = 64 << 20
)

// Limits bound what a Capture writes.
type Limits struct {
	// PerHour is the most exchanges written per clock hour (UTC).
	PerHour int
	// MaxBytes is the most bytes the Capture's own cassettes take on disk;
	// beyond it the oldest are removed.
	MaxBytes int64
}

// Stats counts what a Capture did.
type Stats struct {
	// Written counts the cassettes written; Rotated those removed for
	// Limits.MaxBytes.
	Written, Rotated int
	// OverRate counts exchanges worth keeping that Limits.PerHour turned
	// away.
	OverRate int
	// Leaks counts cassettes not written because their encoded bytes still
	// held a secret (recording.ErrLeak); Failed those not written for
	// another error (the disk).
	Leaks, Failed int
}

// Capture writes kept exchanges into a directory; see the package doc. It
// is safe for concurrent use.
type Capture struct {
	dir     string
	limits  Limits
	checker *contract.Checker
	source  string
	now     func() time.Time

	mu      sync.Mutex
	shapes  map[string]bool
	hour    time.Time
	inHour  int
	written []kept // oldest first
	total   int64
	stats   Stats
}

type kept struct {
	path string
	size int64
}

// maxShapes bounds the shapes remembered for first-of-shape keeping.
const maxShapes = 4096

// New returns a Capture writing into dir (created if needed). checker
// gives the shapes; source names the recorder in the cassettes' provenance
// ("tokens-contract proxy 1.2.3").
func New(dir string, checker *contract.Checker, source string, l Limits) (*Capture, error) {
	switch {
	case dir == "":
		return nil, errors.New("capture: no directory")
	case checker == nil:
		return nil, errors.New("capture: no checker")
	case l.PerHour < 1:
		return nil, fmt.Errorf("capture: %d exchanges per hour; want 1 or more", l.PerHour)
	case l.MaxBytes < 1:
		return nil, fmt.Errorf("capture: %d bytes on disk; want 1 or more", l.MaxBytes)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("capture: %s is not a directory", dir)
	}
	return &Capture{dir: dir, limits: l, checker: checker, source: source, now: time.Now, shapes: map[string]bool{}}, nil
}

// Stats returns the counts so far.
func (c *Capture) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Observe keeps ex if it is worth keeping and the limits allow. ex and res
// are read during the call only.
func (c *Capture) Observe(_ context.Context, ex *contract.Exchange, res contract.Result) {
	if res.Skipped || !c.worthKeeping(ex, res) {
		return
	}
	c.mu.Lock()
	now := c.now().UTC()
	if h := now.Truncate(time.Hour); !h.Equal(c.hour) {
		c.hour, c.inHour = h, 0
	}
	if c.inHour >= c.limits.PerHour {
		c.stats.OverRate++
		c.mu.Unlock()
		return
	}
	c.inHour++
	c.mu.Unlock()

	rec := &recording.Recording{
		Format: recording.FormatCassette,
		Provenance: &recording.Provenance{
			RecordedAt:  now.Truncate(time.Second),
			Host:        hostOf(ex.Request.URL),
			SpecVersion: c.checker.SpecVersion(),
			ToolVersion: c.source,
			Note:        "captured: " + strings.Join(reasons(ex, res, false), ", "),
			// The base path the exchange was judged under, so that check
			// judges the recording the same way.
			BasePath: cmp.Or(c.checker.BasePath(), "/"),
		},
		Exchanges: []*contract.Exchange{clone(ex)},
	}
	rec.Exchanges[0].RecordedAt = now
	red, secrets := recording.Redact(rec, ex.Request.Header.Get("authToken"))
	path, err := recording.WriteToDir(c.dir, red, secrets)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case errors.Is(err, recording.ErrLeak):
		c.stats.Leaks++
		return
	case err != nil:
		c.stats.Failed++
		return
	}
	size := int64(0)
	if st, err := os.Stat(path); err == nil {
		size = st.Size()
	}
	c.stats.Written++
	c.written = append(c.written, kept{path, size})
	c.total += size
	for c.total > c.limits.MaxBytes && len(c.written) > 0 {
		old := c.written[0]
		c.written = c.written[1:]
		c.total -= old.size
		if os.Remove(old.path) == nil {
			c.stats.Rotated++
		}
	}
}

// worthKeeping says whether ex is kept, and notes a new shape.
func (c *Capture) worthKeeping(ex *contract.Exchange, res contract.Result) bool {
	if len(reasons(ex, res, true)) > 0 {
		return true
	}
	shapes := c.checker.Shapes([]*contract.Exchange{ex})
	slices.Sort(shapes)
	key := strings.Join(shapes, "\n")
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.shapes[key] || len(c.shapes) >= maxShapes {
		return false
	}
	c.shapes[key] = true
	return true
}

// reasons lists why ex is kept besides its shape; quick stops at the first.
func reasons(ex *contract.Exchange, res contract.Result, quick bool) []string {
	var out []string
	for _, f := range res.Findings {
		if f.Accepted == nil {
			out = append(out, "finding "+f.ID)
			if quick {
				return out
			}
		}
	}
	h := ex.Response.Header
	if h.Get("Deprecation") != "" || h.Get("Sunset") != "" || linksRetirement(h) {
		out = append(out, "retirement signal")
	}
	if len(out) == 0 && !quick {
		out = append(out, "first of its shape")
	}
	return out
}

func linksRetirement(h http.Header) bool {
	for _, v := range h.Values("Link") {
		l := strings.ToLower(v)
		if strings.Contains(l, "deprecation") || strings.Contains(l, "sunset") {
			return true
		}
	}
	return false
}

func hostOf(raw string) string {
	rest, ok := strings.CutPrefix(raw, "http://")
	if !ok {
		rest, _ = strings.CutPrefix(raw, "https://")
	}
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// clone copies what the Capture keeps of ex: the caller's copy is reused.
func clone(ex *contract.Exchange) *contract.Exchange {
	cp := *ex
	cp.Request.Header = ex.Request.Header.Clone()
	cp.Response.Header = ex.Response.Header.Clone()
	if cp.Response.Header.Get("Content-Encoding") != "" {
		// The body is decoded (see contract.Response.Body): say so.
		cp.Response.Header.Del("Content-Encoding")
		cp.Response.Header.Del("Content-Length")
	}
	cp.Request.Body = slices.Clone(ex.Request.Body)
	cp.Response.Body = slices.Clone(ex.Response.Body)
	return &cp
}

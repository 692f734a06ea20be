package contract

import (
	"slices"
	"strings"
)

// Why the checker skips an exchange instead of judging it: a Result's
// SkipReason.
const (
	// SkipNotOperation is an exchange that is not an operation of the
	// contract (another endpoint in a HAR file, say). Recording loaders
	// give this reason to the entries a Checker's Handles rejects.
	SkipNotOperation = "not an operation of the contract"
	// SkipNoResponse is an exchange without a response (status 0).
	SkipNoResponse = "no response was recorded (status 0: the request failed or was blocked)"
	// SkipBadURL is an exchange whose request URL cannot be parsed.
	SkipBadURL = "the request URL cannot be parsed"
	// SkipCancelled is an exchange CheckSequences did not check because
	// its context was cancelled.
	SkipCancelled = "cancelled"

	// The near misses: an exchange whose path is an operation's path, but
	// not under the contract's base path. The caller's base URL is wrong
	// (a 404 there says nothing about the endpoint), so the exchange is
	// skipped, and PathMismatchFindings reports each pattern once per run.

	// SkipPathTrailingSlash is the operation's path with a trailing slash.
	SkipPathTrailingSlash = "the path is an operation's path with a trailing slash"
	// SkipPathDoubledBase is the operation's path under the base path twice
	// (/api/io/api/io/backend/tokens).
	SkipPathDoubledBase = "the path is an operation's path under the base path twice"
	// SkipPathOtherPrefix is the operation's path under another prefix than
	// the base path (/api/v3/io, a gateway's prefix, none).
	SkipPathOtherPrefix = "the path is an operation's path under another prefix than the contract's base path"
)

// pathMismatches are the near-miss skip reasons, in report order.
var pathMismatches = []string{SkipPathOtherPrefix, SkipPathDoubledBase, SkipPathTrailingSlash}

// IsPathMismatch reports whether reason is one of the near misses: the
// operation's path under another prefix, a doubled base path, or a trailing
// slash.
func IsPathMismatch(reason string) bool { return slices.Contains(pathMismatches, reason) }

// PathMismatchFindings returns one base-path-mismatch finding (info) for
// each near-miss pattern among the skips of one run, with source as its
// source: how many exchanges had it, and what to check. It quotes nothing
// from the exchanges, whose paths may carry a store's identifiers.
func PathMismatchFindings(source string, s Skips) []Finding {
	var out []Finding
	for _, reason := range pathMismatches {
		i := s.index(reason)
		if i < 0 || s.reasons[i].Count == 0 {
			continue
		}
		out = append(out, PathMismatchFinding(source, reason, s.reasons[i].Count))
	}
	return out
}

// PathMismatchFinding is the base-path-mismatch finding for n exchanges
// skipped for reason, one of the near misses.
func PathMismatchFinding(source, reason string, n int) Finding {
	noun := "exchanges"
	if n == 1 {
		noun = "exchange"
	}
	return newFinding(IDBasePathMismatch, "request path", source,
		"%d %s went to %s: skipped, not judged (a 404 there is not the endpoint's retirement); check the caller's base URL",
		n, noun, strings.TrimPrefix(reason, "the path is "))
}

// MaxSkipExamples is how many sources Skips keeps as examples for each
// reason.
const MaxSkipExamples = 3

// Skips summarises the skipped exchanges of one run in memory that does not
// grow with their number: how many were skipped for each reason, and the
// sources of the first MaxSkipExamples of them as examples. A HAR exported
// from a proxy can hold a million entries for other endpoints; a run keeps
// one SkipCount per reason for them, not one Result each. The zero value is
// empty and ready to use; a Skips is not safe for concurrent use.
type Skips struct {
	reasons []SkipCount // in order of first occurrence
}

// SkipCount is how many exchanges of a run were skipped for one reason.
type SkipCount struct {
	Reason string
	Count  int
	// Examples are the sources ("file#N") of the first exchanges skipped
	// for Reason, in order, at most MaxSkipExamples.
	Examples []string
}

// Add counts one exchange, from source, skipped for reason.
func (s *Skips) Add(source, reason string) {
	c := s.count(reason)
	c.Count++
	if len(c.Examples) < MaxSkipExamples {
		c.Examples = append(c.Examples, source)
	}
}

// AddResults counts the skipped results of res (those with Skipped set), by
// their SkipReason.
func (s *Skips) AddResults(res []Result) {
	for i := range res {
		if res[i].Skipped {
			s.Add(res[i].Source, res[i].SkipReason)
		}
	}
}

// Merge adds the counts and examples of o to s; o is unchanged.
func (s *Skips) Merge(o Skips) {
	for _, o := range o.reasons {
		if o.Count <= 0 {
			continue
		}
		c := s.count(o.Reason)
		c.Count += o.Count
		if room := MaxSkipExamples - len(c.Examples); room > 0 {
			c.Examples = append(c.Examples, o.Examples[:min(room, len(o.Examples))]...)
		}
	}
}

// count is the SkipCount of reason, added when it is new.
func (s *Skips) count(reason string) *SkipCount {
	i := s.index(reason)
	if i < 0 {
		i = len(s.reasons)
		s.reasons = append(s.reasons, SkipCount{Reason: reason})
	}
	return &s.reasons[i]
}

// index is the position of reason in s.reasons, or -1. Runs have a handful
// of reasons, so a scan beats a map.
func (s *Skips) index(reason string) int {
	for i := range s.reasons {
		if s.reasons[i].Reason == reason {
			return i
		}
	}
	return -1
}

// Total is the number of exchanges skipped, whatever the reason.
func (s Skips) Total() int {
	n := 0
	for _, c := range s.reasons {
		n += c.Count
	}
	return n
}

// Reasons returns the counts, one per reason, in the order each reason was
// first seen. The result is a copy: changing it does not change s.
func (s Skips) Reasons() []SkipCount {
	out := make([]SkipCount, len(s.reasons))
	for i, c := range s.reasons {
		out[i] = SkipCount{Reason: c.Reason, Count: c.Count, Examples: append([]string(nil), c.Examples...)}
	}
	return out
}

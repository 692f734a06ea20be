package headers

import (
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Rate-limit and retry header names. B2B Edition documents the X-Requests-*
// family; the wider BigCommerce platform uses X-Rate-Limit-* and
// X-Retry-After. Which of them api-b2b really sends is unconfirmed, so both
// are read.
const (
	RetryAfter               = "Retry-After"
	XRetryAfter              = "X-Retry-After"
	RateLimitResetMs         = "X-Rate-Limit-Time-Reset-Ms"
	RateLimitWindowMs        = "X-Rate-Limit-Time-Window-Ms"
	RateLimitQuota           = "X-Rate-Limit-Requests-Quota"
	RateLimitLeft            = "X-Rate-Limit-Requests-Left"
	RequestsAllocated        = "X-Requests-Allocated"
	RequestsRemaining        = "X-Requests-Remaining"
	RequestsWindowLength     = "X-Requests-Window-Length"
	RequestWindowResetsAfter = "X-Request-Window-Resets-After"
	RequestID                = "X-Request-Id"
)

// MaxParsedWait is the largest wait a parser returns; larger values saturate
// here instead of overflowing time.Duration. Callers clamp to their own,
// much smaller, maximum.
const MaxParsedWait = 1_000_000 * time.Second

// Wait is how long a response asks the caller to wait before the next
// request, and which header asked.
type Wait struct {
	Duration time.Duration
	Header   string
}

// RetryWait returns the wait asked for by the first usable header, in this
// order: Retry-After (delta-seconds, or an HTTP-date taken relative to now),
// X-Retry-After (seconds), X-Rate-Limit-Time-Reset-Ms (milliseconds), and
// X-Request-Window-Resets-After (for example "0.397 s"). A malformed value is
// reported as a *ValueError and the next header is tried. ok is false when no
// header gives a usable wait.
//
// The wait is never negative (an HTTP-date in the past gives 0), and it
// saturates at MaxParsedWait. Clamping it to a policy's bounds is the
// caller's job.
func RetryWait(h http.Header, now time.Time) (w Wait, ok bool, errs []error) {
	if v := h.Get(RetryAfter); v != "" {
		if d, err := parseRetryAfter(v, now); err == nil {
			return Wait{d, RetryAfter}, true, errs
		} else {
			errs = append(errs, valueError(RetryAfter, v, err.Error()))
		}
	}
	for _, c := range []struct {
		name string
		unit time.Duration
	}{{XRetryAfter, time.Second}, {RateLimitResetMs, time.Millisecond}} {
		if v := h.Get(c.name); v != "" {
			if d, err := parseCount(v, c.unit); err == nil {
				return Wait{d, c.name}, true, errs
			} else {
				errs = append(errs, valueError(c.name, v, err.Error()))
			}
		}
	}
	if v := h.Get(RequestWindowResetsAfter); v != "" {
		if d, err := parseSeconds(v); err == nil {
			return Wait{d, RequestWindowResetsAfter}, true, errs
		} else {
			errs = append(errs, valueError(RequestWindowResetsAfter, v, err.Error()))
		}
	}
	return Wait{}, false, errs
}

type parseError string

func (e parseError) Error() string { return string(e) }

// parseRetryAfter parses Retry-After = HTTP-date / delta-seconds (RFC 9110,
// section 10.2.3). delta-seconds is a non-negative decimal integer.
func parseRetryAfter(v string, now time.Time) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v != "" && v[0] >= '0' && v[0] <= '9' {
		return parseCount(v, time.Second)
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, parseError("neither delta-seconds nor an HTTP-date")
	}
	return saturate(t.Sub(now).Seconds(), time.Second), nil
}

// parseCount parses a non-negative decimal integer count of unit.
func parseCount(v string, unit time.Duration) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "" || strings.TrimLeft(v, "0123456789") != "" {
		return 0, parseError("not a non-negative whole number")
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil { // only overflow is left: saturate
		return MaxParsedWait, nil
	}
	if n > uint64(MaxParsedWait/unit) {
		return MaxParsedWait, nil
	}
	return time.Duration(n) * unit, nil
}

var secondsRE = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)\s*(s|sec|secs|seconds|ms)?$`)

// parseSeconds parses a B2B duration such as "0.397 s", "60 s", "60" or
// "250 ms".
func parseSeconds(v string) (time.Duration, error) {
	m := secondsRE.FindStringSubmatch(strings.TrimSpace(strings.ToLower(v)))
	if m == nil {
		return 0, parseError(`not a duration like "0.397 s"`)
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, parseError("not a number")
	}
	unit := time.Second
	if m[2] == "ms" {
		unit = time.Millisecond
	}
	return saturate(f, unit), nil
}

// saturate converts f units to a Duration in [0, MaxParsedWait].
func saturate(f float64, unit time.Duration) time.Duration {
	switch {
	case math.IsNaN(f) || f <= 0:
		return 0
	case f >= float64(MaxParsedWait/unit):
		return MaxParsedWait
	}
	return time.Duration(f * float64(unit))
}

// RateLimit is the state of the store's request allowance, as a response's
// headers describe it. Fields the headers did not give are left zero and
// their Has flag false.
type RateLimit struct {
	// Quota is how many requests the window allows (150 for B2B Edition).
	Quota    int
	HasQuota bool
	// Remaining is how many requests are left in the current window.
	Remaining    int
	HasRemaining bool
	// Window is the length of the window.
	Window time.Duration
	// ResetsAfter is the time until the window resets.
	ResetsAfter time.Duration
	HasReset    bool
}

var (
	allocatedRE = regexp.MustCompile(`^([0-9]+)\s*times?\s*(?:/\s*([0-9]+(?:\.[0-9]+)?)\s*(s|ms)?)?$`)
	timesRE     = regexp.MustCompile(`^([0-9]+)\s*(?:times?)?$`)
)

// ParseRateLimit reads the B2B X-Requests-* headers, falling back to the
// platform's X-Rate-Limit-* headers for anything the B2B ones do not give.
// Malformed values are reported as *ValueError and otherwise ignored.
func ParseRateLimit(h http.Header) (RateLimit, []error) {
	var rl RateLimit
	var errs []error
	bad := func(name, v, reason string) { errs = append(errs, valueError(name, v, reason)) }

	if v := h.Get(RequestsAllocated); v != "" {
		m := allocatedRE.FindStringSubmatch(strings.TrimSpace(strings.ToLower(v)))
		if m == nil {
			bad(RequestsAllocated, v, `not an allowance like "150 times/60 s"`)
		} else {
			rl.Quota, rl.HasQuota = atoiSat(m[1]), true
			if m[2] != "" {
				rl.Window, _ = parseSeconds(m[2] + " " + m[3])
			}
		}
	}
	if v := h.Get(RequestsRemaining); v != "" {
		if m := timesRE.FindStringSubmatch(strings.TrimSpace(strings.ToLower(v))); m == nil {
			bad(RequestsRemaining, v, `not a count like "147 times"`)
		} else {
			rl.Remaining, rl.HasRemaining = atoiSat(m[1]), true
		}
	}
	if v := h.Get(RequestsWindowLength); v != "" && rl.Window == 0 {
		if d, err := parseSeconds(v); err != nil {
			bad(RequestsWindowLength, v, err.Error())
		} else {
			rl.Window = d
		}
	}
	if v := h.Get(RequestWindowResetsAfter); v != "" {
		if d, err := parseSeconds(v); err != nil {
			bad(RequestWindowResetsAfter, v, err.Error())
		} else {
			rl.ResetsAfter, rl.HasReset = d, true
		}
	}

	if v := h.Get(RateLimitQuota); v != "" && !rl.HasQuota {
		if n, err := parseCount(v, 1); err != nil {
			bad(RateLimitQuota, v, err.Error())
		} else {
			rl.Quota, rl.HasQuota = countSat(n), true
		}
	}
	if v := h.Get(RateLimitLeft); v != "" && !rl.HasRemaining {
		if n, err := parseCount(v, 1); err != nil {
			bad(RateLimitLeft, v, err.Error())
		} else {
			rl.Remaining, rl.HasRemaining = countSat(n), true
		}
	}
	if v := h.Get(RateLimitWindowMs); v != "" && rl.Window == 0 {
		if d, err := parseCount(v, time.Millisecond); err != nil {
			bad(RateLimitWindowMs, v, err.Error())
		} else {
			rl.Window = d
		}
	}
	if v := h.Get(RateLimitResetMs); v != "" && !rl.HasReset {
		if d, err := parseCount(v, time.Millisecond); err != nil {
			bad(RateLimitResetMs, v, err.Error())
		} else {
			rl.ResetsAfter, rl.HasReset = d, true
		}
	}
	return rl, errs
}

// countSat converts a count parsed by parseCount (unit 1) to an int,
// saturating at math.MaxInt32 like atoiSat, so that a huge platform count
// neither differs from a huge B2B one nor overflows a 32-bit int.
func countSat(n time.Duration) int {
	return int(min(n, math.MaxInt32))
}

// atoiSat parses a string of digits, saturating at math.MaxInt32.
func atoiSat(s string) int {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return math.MaxInt32
	}
	return int(n)
}

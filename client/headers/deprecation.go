// Package headers parses the HTTP response headers that tell a caller of the
// B2B Edition token endpoints to slow down or to move away:
//
//   - retirement signals: RFC 9745 Deprecation (a structured-field date,
//     "@1767225600"), RFC 8594 Sunset (an HTTP-date), and RFC 8288 Link headers
//     with rel="deprecation" or rel="sunset";
//   - rate-limit and retry signals: Retry-After, the platform's
//     X-Retry-After and X-Rate-Limit-* headers, and B2B Edition's
//     X-Requests-* headers.
//
// It is a leaf package with no knowledge of the API, shared by the client
// (retries, deprecation warnings) and the contract suite (deprecation
// findings, polite live runs). Parsers never panic: a malformed value is
// reported as a *ValueError and the rest of the headers are still read.
package headers

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/dunglas/httpsfv"

	"github.com/b2b-contract/s2s-tokens/internal/secrets"
)

// Header names this package reads.
const (
	Deprecation = "Deprecation"
	Sunset      = "Sunset"
	Link        = "Link"
)

// maxQuoted bounds how much of a malformed value an error repeats.
const maxQuoted = 64

// maxKept bounds the raw value a ValueError keeps for Redacted.
const maxKept = 4096

// ValueError reports a header whose value could not be parsed.
type ValueError struct {
	// Header is the header's canonical name.
	Header string
	// Value is the offending value with JWTs, emails and secret parameters
	// removed (the module's secrets policy), then cut to a short prefix.
	Value string
	// Reason says what is wrong and, where it helps, what was expected,
	// scrubbed the same way.
	Reason string

	raw, rawReason string // as received (bounded), for Redacted
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("%s header %q: %s", e.Header, e.Value, e.Reason)
}

// Redacted is Error with the value and the reason also scrubbed by scrub
// (a caller's removal of the secrets it knows, such as its auth token)
// before the value is cut: a known secret straddling the cut cannot leave
// its prefix behind. A nil scrub makes it Error.
func (e *ValueError) Redacted(scrub func(string) string) string {
	if scrub == nil {
		return e.Error()
	}
	return fmt.Sprintf("%s header %q: %s", e.Header, secrets.Cut(secrets.NewScrubber(), scrub(e.raw), maxQuoted), scrub(e.rawReason))
}

func valueError(header, value, reason string) *ValueError {
	if len(value) > maxKept {
		value = value[:maxKept]
	}
	sc := secrets.NewScrubber()
	return &ValueError{
		Header: header, Value: secrets.Cut(sc, value, maxQuoted), Reason: sc.String(reason),
		raw: value, rawReason: reason,
	}
}

// DeprecationLink is a Link header target with a deprecation or sunset
// relation.
type DeprecationLink struct {
	// Rel is "deprecation" or "sunset".
	Rel string
	// URL is the link target as sent.
	URL string
}

// Notice is what a response says about the retirement of the resource.
type Notice struct {
	// Deprecated is true when a Deprecation header is present, even if its
	// value could not be parsed.
	Deprecated bool
	// DeprecatedAt is the parsed Deprecation date; zero when absent or
	// malformed. RFC 9745 allows a date in the future.
	DeprecatedAt time.Time
	// Sunset is the parsed Sunset date; zero when absent or malformed.
	Sunset time.Time
	// Links are the Link targets with rel="deprecation" or rel="sunset".
	Links []DeprecationLink
}

// Empty reports whether the response carried no retirement signal at all.
func (n Notice) Empty() bool {
	return !n.Deprecated && n.Sunset.IsZero() && len(n.Links) == 0
}

// HasSunsetSignal reports whether a Sunset header or a sunset link is present.
func (n Notice) HasSunsetSignal() bool {
	if !n.Sunset.IsZero() {
		return true
	}
	for _, l := range n.Links {
		if l.Rel == "sunset" {
			return true
		}
	}
	return false
}

// ParseNotice reads the Deprecation, Sunset and Link headers of h. It returns
// what it could parse and one *ValueError per malformed value; a malformed
// value never hides the others.
//
// Deprecation must be an RFC 9745 structured-field date ("@1767225600"); the
// draft-era value "true" is reported as malformed but still sets Deprecated.
// Sunset must be an HTTP-date (RFC 9110, section 5.6.7), and per RFC 8594 it
// should not be earlier than the deprecation date; a Sunset before the
// Deprecation date is reported too.
func ParseNotice(h http.Header) (Notice, []error) {
	var n Notice
	var errs []error

	if values := h.Values(Deprecation); len(values) > 0 {
		n.Deprecated = true
		raw := strings.Join(values, ", ")
		if t, err := parseSFDate(values); err != nil {
			errs = append(errs, valueError(Deprecation, raw, err.Error()))
		} else {
			n.DeprecatedAt = t
		}
	}

	if values := h.Values(Sunset); len(values) > 0 {
		raw := strings.TrimSpace(values[0])
		switch t, err := http.ParseTime(raw); {
		case len(values) > 1:
			errs = append(errs, valueError(Sunset, strings.Join(values, ", "), "sent more than once; RFC 8594 allows one HTTP-date"))
		case err != nil:
			errs = append(errs, valueError(Sunset, raw, `not an HTTP-date (want a value like "Sat, 01 Aug 2026 00:00:00 GMT")`))
		default:
			n.Sunset = t.UTC()
		}
	}

	if !n.Sunset.IsZero() && !n.DeprecatedAt.IsZero() && n.Sunset.Before(n.DeprecatedAt) {
		errs = append(errs, valueError(Sunset, n.Sunset.Format(http.TimeFormat),
			"is earlier than the Deprecation date "+n.DeprecatedAt.Format(time.RFC3339)+", which RFC 8594 forbids"))
	}

	for _, v := range h.Values(Link) {
		links, err := ParseLinks(v)
		if err != nil {
			errs = append(errs, valueError(Link, v, err.Error()))
		}
		for _, l := range links {
			for _, rel := range l.Rels() {
				if rel == "deprecation" || rel == "sunset" {
					n.Links = append(n.Links, DeprecationLink{Rel: rel, URL: l.URL})
				}
			}
		}
	}
	return n, errs
}

// parseSFDate parses an RFC 9745 Deprecation value: one structured-field Item
// whose bare item is a Date.
func parseSFDate(values []string) (time.Time, error) {
	item, err := httpsfv.UnmarshalItem(values)
	if err != nil {
		return time.Time{}, fmt.Errorf(`not an RFC 9745 structured-field date (want "@<epoch seconds>")`)
	}
	t, ok := item.Value.(time.Time)
	if !ok {
		return time.Time{}, fmt.Errorf(`not a date (want "@<epoch seconds>"; the value "true" is from an old draft)`)
	}
	return t.UTC(), nil
}

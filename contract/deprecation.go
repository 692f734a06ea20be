package contract

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/b2b-contract/s2s-tokens/client/headers"
)

// SunsetWarningWindow is how close a Sunset date must be for the finding to
// say that it is near.
const SunsetWarningWindow = 90 * 24 * time.Hour

// deprecation runs layer 5 on the response headers. It runs for every
// exchange, whatever the other layers found: a 410 with a Sunset header says
// more than a 410 alone. The header parsers are shared with the client
// (client/headers); malformed values are findings, never failures.
func (s *check) deprecation() {
	n, errs := headers.ParseNotice(s.ex.Response.Header)
	// The deprecation the spec records (x-deprecation on the operation) is
	// known, as a recorded Sunset is: its date, and a deprecation link to
	// its page, are no news. Another date or page is.
	if !n.DeprecatedAt.IsZero() && !s.op.announced.Repeats(n.DeprecatedAt) {
		verb := "has been deprecated since"
		if n.DeprecatedAt.After(s.c.now()) {
			verb = "will be deprecated on"
		}
		s.add(IDDeprecationAnnounced, "header Deprecation", "the endpoint %s %s (Deprecation header)", verb, n.DeprecatedAt.Format(time.DateOnly))
	}
	// A Sunset date the spec already records (x-sunset on the operation) is
	// known: the spec-diff gate enforces it, so it is no finding. Another
	// date is.
	if !n.Sunset.IsZero() && !n.Sunset.Equal(s.op.sunset) {
		s.add(IDSunsetAnnounced, "header Sunset", "the endpoint announces its sunset on %s: %s",
			n.Sunset.Format(time.DateOnly), sunsetDistance(n.Sunset, s.c.now()))
	}
	for _, l := range n.Links {
		if l.Rel == "deprecation" && s.op.announced.Links(l.URL) {
			continue
		}
		s.add(IDDeprecationLink, "header Link", "the response links to a %s notice: %s", l.Rel, s.cut(l.URL, 200))
	}
	for _, err := range errs {
		var ve *headers.ValueError
		if errors.As(err, &ve) {
			s.add(IDMalformedDeprecation, "header "+ve.Header, "%s", ve.Redacted(s.scrubber().String))
		}
	}
}

// sunsetDistance says how far away a sunset is, and whether it is near.
func sunsetDistance(sunset, now time.Time) string {
	d := sunset.Sub(now)
	days := int(math.Ceil(d.Hours() / 24))
	switch {
	case d <= 0:
		return fmt.Sprintf("that date has passed (%d days ago); the endpoint may stop answering at any time", int(-d.Hours()/24))
	case d < SunsetWarningWindow:
		return fmt.Sprintf("in %d days, less than 90 days away: migrate now", days)
	default:
		return fmt.Sprintf("in %d days", days)
	}
}

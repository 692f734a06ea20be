package contract

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/semver"
)

// Age is how old one recording's evidence is, and the spec version it was
// recorded under.
type Age struct {
	// Name names the recording (its path).
	Name string `json:"name"`
	// Oldest and Newest bound when its exchanges were made; both are zero
	// when the recording does not say (a HAR file without startedDateTime, a
	// cassette without provenance).
	Oldest time.Time `json:"oldest,omitzero"`
	Newest time.Time `json:"newest,omitzero"`
	// SpecVersion is the contract version the recorder ran with, or
	// "unknown" (a HAR file records none).
	SpecVersion string `json:"specVersion"`
	// OlderMajor is true when SpecVersion is of an older major version than
	// the spec the evidence is checked against.
	OlderMajor bool `json:"olderMajor,omitempty"`
}

// UnknownSpecVersion is the SpecVersion of a recording that records none.
const UnknownSpecVersion = "unknown"

// NewAge dates a recording from its exchanges' RecordedAt (the loaders date
// a HAR entry by its startedDateTime and a cassette's exchanges by its
// provenance.recordedAt); it is undated when none has one. recordedUnder is
// the spec version it was recorded under (empty for unknown), compared by
// major version with checkedAgainst.
func NewAge(name string, exs []*Exchange, recordedUnder, checkedAgainst string) Age {
	a := Age{Name: name, SpecVersion: recordedUnder}
	for _, ex := range exs {
		if ex == nil || ex.RecordedAt.IsZero() {
			continue
		}
		if a.Oldest.IsZero() || ex.RecordedAt.Before(a.Oldest) {
			a.Oldest = ex.RecordedAt
		}
		if ex.RecordedAt.After(a.Newest) {
			a.Newest = ex.RecordedAt
		}
	}
	if a.SpecVersion == "" {
		a.SpecVersion = UnknownSpecVersion
	}
	a.OlderMajor = olderMajor(a.SpecVersion, checkedAgainst)
	return a
}

// olderMajor reports whether semantic version v has a lower major version
// than ref; false when either is not a semantic version.
func olderMajor(v, ref string) bool {
	v, ref = "v"+strings.TrimPrefix(v, "v"), "v"+strings.TrimPrefix(ref, "v")
	if !semver.IsValid(v) || !semver.IsValid(ref) {
		return false
	}
	return semver.Compare(semver.Major(v), semver.Major(ref)) < 0
}

// Undated reports whether the recording says nothing of when it was made.
func (a Age) Undated() bool { return a.Oldest.IsZero() }

// StaleFindings returns a recording-stale finding for every recording whose
// newest evidence is older than maxAge at now, and for every undated one
// (its age cannot be shown to be within maxAge). maxAge must be positive.
func StaleFindings(ages []Age, now time.Time, maxAge time.Duration) []Finding {
	var out []Finding
	for _, a := range ages {
		switch {
		case a.Undated():
			out = append(out, newFinding(IDRecordingStale, "recordedAt", a.Name,
				"the recording does not say when it was made, so it cannot be shown to be within --max-age %s", maxAge))
		case now.Sub(a.Newest) > maxAge:
			out = append(out, newFinding(IDRecordingStale, "recordedAt", a.Name,
				"the newest evidence was recorded %s (%s ago), older than --max-age %s",
				a.Newest.UTC().Format(time.RFC3339), now.Sub(a.Newest).Round(time.Hour), maxAge))
		}
	}
	return out
}

// Span returns the oldest and newest evidence over ages (zero when none is
// dated).
func Span(ages []Age) (oldest, newest time.Time) {
	for _, a := range ages {
		if a.Undated() {
			continue
		}
		if oldest.IsZero() || a.Oldest.Before(oldest) {
			oldest = a.Oldest
		}
		if a.Newest.After(newest) {
			newest = a.Newest
		}
	}
	return oldest, newest
}

// Describe says in one line when a recording was made and under which spec
// version.
func (a Age) Describe() string {
	var when string
	switch {
	case a.Undated():
		when = "undated"
	case a.Oldest.Equal(a.Newest):
		when = "recorded " + a.Oldest.UTC().Format(time.RFC3339)
	default:
		when = fmt.Sprintf("recorded %s to %s", a.Oldest.UTC().Format(time.RFC3339), a.Newest.UTC().Format(time.RFC3339))
	}
	s := when + ", under spec " + a.SpecVersion
	if a.OlderMajor {
		s += " (an older major version)"
	}
	return s
}

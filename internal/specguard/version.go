package specguard

import (
	"fmt"
	"regexp"

	"golang.org/x/mod/semver"
)

// Rule ids of the version policy, as Finding.ID.
const (
	// RuleVersionInvalid: info.version is not a semantic version X.Y.Z.
	RuleVersionInvalid = "version-invalid"
	// RuleVersionDecreased: info.version is lower than the last release's.
	RuleVersionDecreased = "version-decreased"
	// RuleVersionNotBumped: the spec's content changed but info.version did
	// not, so two different specs would share one version.
	RuleVersionNotBumped = "version-not-bumped"
	// RuleMajorVersionNotBumped: a breaking change without a new major
	// version.
	RuleMajorVersionNotBumped = "major-version-not-bumped"
)

// semverPattern is the regular expression semver.org recommends for
// Semantic Versioning 2.0.0, without a leading "v".
var semverPattern = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

// ValidVersion reports whether v is a semantic version such as "1.2.3" or
// "2.0.0-rc.1" (no leading "v").
func ValidVersion(v string) bool { return semverPattern.MatchString(v) }

// CompareVersions compares two valid versions by semver precedence and
// returns -1, 0 or +1.
func CompareVersions(a, b string) int { return semver.Compare("v"+a, "v"+b) }

// MajorBumped reports whether rev carries a new major version over base:
// a higher major number or, below 1.0.0, where semver gives the minor number
// the major's role, a higher minor number.
func MajorBumped(base, rev string) bool {
	b, r := "v"+base, "v"+rev
	if semver.Compare(r, b) <= 0 {
		return false
	}
	if semver.Major(b) == "v0" {
		return semver.MajorMinor(r) != semver.MajorMinor(b)
	}
	return semver.Major(r) != semver.Major(b)
}

// NextMajor names the version a breaking change needs after base.
func NextMajor(base string) string {
	var major, minor int
	fmt.Sscanf(base, "%d.%d", &major, &minor)
	if major == 0 {
		return fmt.Sprintf("0.%d.0", minor+1)
	}
	return fmt.Sprintf("%d.0.0", major+1)
}

// VersionRules applies the version policy to a change from base to rev.
// changed says whether the content differs; breaking counts breaking
// changes. at locates info.version in the revision for annotations.
func VersionRules(base, rev string, changed bool, breaking int, at Finding) []Finding {
	violation := func(id, format string, args ...any) Finding {
		f := at
		f.ID, f.Level, f.Where, f.Message = id, Breaking, "info.version", fmt.Sprintf(format, args...)
		return f
	}
	if !ValidVersion(rev) {
		return []Finding{violation(RuleVersionInvalid, "info.version %q is not a semantic version MAJOR.MINOR.PATCH", rev)}
	}
	if !ValidVersion(base) {
		return []Finding{violation(RuleVersionInvalid, "the released version %q is not a semantic version MAJOR.MINOR.PATCH", base)}
	}
	var out []Finding
	cmp := CompareVersions(rev, base)
	switch {
	case cmp < 0:
		out = append(out, violation(RuleVersionDecreased, "info.version %s is lower than the released %s", rev, base))
	case cmp == 0 && changed:
		out = append(out, violation(RuleVersionNotBumped, "the spec differs from the released %s but info.version is still %s: give it a new version and record the change in openapi/CHANGELOG.md", base, rev))
	}
	if breaking > 0 && !MajorBumped(base, rev) {
		out = append(out, violation(RuleMajorVersionNotBumped, "%d breaking change(s) since the released %s, but info.version %s is not a new major version: bump it to %s (and record the change in openapi/CHANGELOG.md), or undo the breaking change", breaking, base, rev, NextMajor(base)))
	}
	return out
}

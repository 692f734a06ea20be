package specguard

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"time"
)

// Rule ids of the changelog checks, as Finding.ID.
const (
	// RuleChangelogMalformed: CHANGELOG.md does not follow Keep a Changelog.
	RuleChangelogMalformed = "changelog-malformed"
	// RuleChangelogMissingEntry: a version (the working one or a released one)
	// has no entry.
	RuleChangelogMissingEntry = "changelog-missing-entry"
	// RuleChangelogEmptyEntry: a version's entry records no change.
	RuleChangelogEmptyEntry = "changelog-empty-entry"
	// RuleChangelogOrder: entries are not newest first.
	RuleChangelogOrder = "changelog-order"
)

var (
	releaseHeading    = regexp.MustCompile(`^## \[([^\]]+)\] - (\d{4}-\d{2}-\d{2})$`)
	unreleasedHeading = regexp.MustCompile(`^## \[Unreleased\]$`)
	sectionHeading    = regexp.MustCompile(`^### (.+)$`)
	changeTypes       = []string{"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
)

type changelogEntry struct {
	version string
	line    int
	items   int
}

// CheckChangelog checks a Keep a Changelog 1.1.0 file: a "# Changelog" title,
// an optional "## [Unreleased]" section first, then one
// "## [X.Y.Z] - YYYY-MM-DD" entry per version, newest first, each with at
// least one item under "### Added", "Changed", "Deprecated", "Removed",
// "Fixed" or "Security". version (the working spec's) and every version in
// released must have an entry. name is the file's path for the findings.
func CheckChangelog(name string, md []byte, version string, released []string) []Finding {
	var out []Finding
	bad := func(id string, line int, format string, args ...any) {
		out = append(out, Finding{ID: id, Level: Breaking, Where: name, File: name, Line: line, Message: fmt.Sprintf(format, args...)})
	}

	var entries []changelogEntry
	var current *changelogEntry
	inUnreleased, sawTitle, sawUnreleased := false, false, false
	sc := bufio.NewScanner(bytes.NewReader(md))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case n == 1:
			if line != "# Changelog" {
				bad(RuleChangelogMalformed, n, `the first line must be "# Changelog", found %q`, line)
			}
			sawTitle = true
		case unreleasedHeading.MatchString(line):
			if sawUnreleased || len(entries) > 0 {
				bad(RuleChangelogOrder, n, "[Unreleased] must come once, before every release")
			}
			sawUnreleased, inUnreleased, current = true, true, nil
		case len(line) > 3 && line[:3] == "## ":
			m := releaseHeading.FindStringSubmatch(line)
			if m == nil {
				bad(RuleChangelogMalformed, n, `a version heading must read "## [X.Y.Z] - YYYY-MM-DD", found %q`, line)
				current = nil
				continue
			}
			if !ValidVersion(m[1]) {
				bad(RuleChangelogMalformed, n, "%q is not a semantic version", m[1])
			}
			if _, err := time.Parse(time.DateOnly, m[2]); err != nil {
				bad(RuleChangelogMalformed, n, "%q is not a date (YYYY-MM-DD)", m[2])
			}
			if slices.ContainsFunc(entries, func(e changelogEntry) bool { return e.version == m[1] }) {
				bad(RuleChangelogMalformed, n, "version %s has two entries", m[1])
			}
			entries = append(entries, changelogEntry{version: m[1], line: n})
			current, inUnreleased = &entries[len(entries)-1], false
		case sectionHeading.MatchString(line):
			kind := sectionHeading.FindStringSubmatch(line)[1]
			if !slices.Contains(changeTypes, kind) {
				bad(RuleChangelogMalformed, n, "%q is not a Keep a Changelog change type (want one of %v)", kind, changeTypes)
			}
			if current == nil && !inUnreleased {
				bad(RuleChangelogMalformed, n, "a change type heading outside a version entry")
			}
		case len(line) > 2 && (line[:2] == "- " || line[:2] == "* "):
			if current != nil {
				current.items++
			}
		}
	}
	if err := sc.Err(); err != nil {
		bad(RuleChangelogMalformed, n, "cannot read: %v", err)
	}
	if !sawTitle {
		bad(RuleChangelogMalformed, 0, "the file is empty")
	}

	for i, e := range entries {
		if e.items == 0 {
			bad(RuleChangelogEmptyEntry, e.line, "the entry for %s lists no change", e.version)
		}
		if i > 0 && ValidVersion(e.version) && ValidVersion(entries[i-1].version) && CompareVersions(entries[i-1].version, e.version) <= 0 {
			bad(RuleChangelogOrder, e.line, "%s comes after %s: entries must be newest first", e.version, entries[i-1].version)
		}
	}
	has := func(v string) bool {
		return slices.ContainsFunc(entries, func(e changelogEntry) bool { return e.version == v })
	}
	if !has(version) {
		bad(RuleChangelogMissingEntry, 0, `no entry for the spec's version %s: add "## [%s] - YYYY-MM-DD" with what changed`, version, version)
	}
	for _, v := range released {
		if v != version && !has(v) {
			bad(RuleChangelogMissingEntry, 0, "no entry for the released version %s", v)
		}
	}
	return out
}

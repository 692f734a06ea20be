package upstream

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
)

// Review is a human's review of a version of the vendor's document, to be
// recorded in the spec (RecordReview).
type Review struct {
	// Spec and Changelog are the files to update, and their names.
	Spec, Changelog         []byte
	SpecName, ChangelogName string
	// Commit is the full hash of the reviewed vendor commit and Date its
	// date (YYYY-MM-DD).
	Commit, Date string
	// Source is where to read the reviewed document; "" means that commit's
	// version of the file on GitHub (RawURL).
	Source string
	// Fetcher reads it; a zero Fetcher when nil.
	Fetcher *Fetcher
	// Today dates the changelog entry.
	Today time.Time
}

// Reviewed is what RecordReview writes.
type Reviewed struct {
	Spec, Changelog []byte
	// Version is the spec's new info.version.
	Version string
}

// UnrecordedError is why a review cannot be recorded yet: differences
// between the reviewed document and the contract that
// info.x-vendor-differences does not record, or entries of it that match
// nothing.
type UnrecordedError struct {
	Findings []contract.Finding
}

func (e *UnrecordedError) Error() string {
	return fmt.Sprintf("%d difference(s) or record entries to settle first: record each deliberate difference and why in info.x-vendor-differences, change the spec where it should agree, and remove entries that match nothing", len(e.Findings))
}

var (
	versionLine = regexp.MustCompile(`(?m)^  version: (\d+)\.(\d+)\.(\d+)$`)
	unreleased  = regexp.MustCompile(`(?m)^## \[Unreleased\]\n\n`)
	unrelLink   = regexp.MustCompile(`(?m)^\[Unreleased\]: (.*)/compare/spec/v([0-9.]+)\.\.\.HEAD$`)
)

// RecordReview reads the reviewed document, checks that the record of
// differences matches it exactly, and returns the spec with the commit,
// date and facts digest in info.x-vendor-source and a new patch version,
// and the changelog with that version's entry, as the spec's release rules
// (package specguard) require. It returns nil, nil when the spec already
// records that commit and digest. The spec's text is changed line by line,
// so its comments and layout stay as they are.
func RecordReview(ctx context.Context, r Review) (*Reviewed, error) {
	rec, err := ReadRecord(r.SpecName, r.Spec)
	if err != nil {
		return nil, err
	}
	if !commitPattern.MatchString(r.Commit) {
		return nil, fmt.Errorf("--commit %q is not a full (40-digit) commit hash", r.Commit)
	}
	if !datePattern.MatchString(r.Date) {
		return nil, fmt.Errorf("--date %q is not a date YYYY-MM-DD", r.Date)
	}
	source := r.Source
	if source == "" {
		source = RawURL(rec.Source.Repository, r.Commit, rec.Source.File)
	}
	res, err := Run(ctx, Options{Spec: r.Spec, SpecName: r.SpecName, Source: source, Fetcher: r.Fetcher})
	if err != nil {
		return nil, err
	}
	if len(res.Errors) > 0 {
		return nil, errors.Join(res.Errors...)
	}
	if res.NewestFacts == nil {
		return nil, fmt.Errorf("%s: the reviewed document is gone", source)
	}
	// Only the record's findings count here: the document is expected to
	// differ from the one recorded so far (vendor-document-unreviewed).
	var open []contract.Finding
	for _, f := range res.Findings {
		if f.ID == contract.IDVendorDifferenceNew || f.ID == contract.IDVendorDifferenceUnused {
			open = append(open, f)
		}
	}
	if len(open) > 0 {
		return nil, &UnrecordedError{Findings: open}
	}
	digest := res.NewestFacts.Digest()
	if rec.Source.Commit == r.Commit && rec.Source.Digest == digest && rec.Source.LastChanged == r.Date {
		return nil, nil
	}

	spec := string(r.Spec)
	for _, kv := range [][2]string{{"commit", r.Commit}, {"lastChanged", strconv.Quote(r.Date)}, {"digest", digest}} {
		if spec, err = setVendorField(spec, kv[0], kv[1]); err != nil {
			return nil, fmt.Errorf("%s: %w", r.SpecName, err)
		}
	}
	m := versionLine.FindStringSubmatchIndex(spec)
	if m == nil {
		return nil, fmt.Errorf("%s: no line \"  version: X.Y.Z\" in info", r.SpecName)
	}
	patch, _ := strconv.Atoi(spec[m[6]:m[7]])
	old := spec[m[2]:m[7]]
	version := spec[m[2]:m[5]] + "." + strconv.Itoa(patch+1)
	spec = spec[:m[2]] + version + spec[m[7]:]

	cl := string(r.Changelog)
	if !unreleased.MatchString(cl) {
		return nil, fmt.Errorf("%s: no \"## [Unreleased]\" section to add the entry after", r.ChangelogName)
	}
	short := r.Commit[:8]
	entry := fmt.Sprintf("## [%s] - %s\n\n### Changed\n\n- `info.x-vendor-source` records the review of the vendor's file at commit\n  `%s` (%s): facts digest `%s`.\n\n",
		version, r.Today.UTC().Format(time.DateOnly), short, r.Date, digest)
	loc := unreleased.FindStringIndex(cl)
	cl = cl[:loc[1]] + entry + cl[loc[1]:]
	if lm := unrelLink.FindStringSubmatch(cl); lm != nil && lm[2] == old {
		base := lm[1]
		cl = strings.Replace(cl, lm[0], fmt.Sprintf("[Unreleased]: %s/compare/spec/v%s...HEAD\n[%s]: %s/compare/spec/v%s...spec/v%s", base, version, version, base, old, version), 1)
	}
	return &Reviewed{Spec: []byte(spec), Changelog: []byte(cl), Version: version}, nil
}

// setVendorField replaces the value of one key of info.x-vendor-source.
func setVendorField(spec, key, val string) (string, error) {
	start := strings.Index(spec, "\n  x-vendor-source:\n")
	if start < 0 {
		return "", errors.New("no \"  x-vendor-source:\" block in info")
	}
	block := spec[start+1:]
	re := regexp.MustCompile(`(?m)^    ` + regexp.QuoteMeta(key) + `: .*$`)
	// The block ends at the next line indented by two spaces or less.
	end := regexp.MustCompile(`(?m)^ {0,2}\S`).FindAllStringIndex(block, 2)
	limit := len(block)
	if len(end) == 2 {
		limit = end[1][0]
	}
	loc := re.FindStringIndex(block[:limit])
	if loc == nil {
		return "", fmt.Errorf("info.x-vendor-source has no %s line", key)
	}
	abs := start + 1 + loc[0]
	return spec[:abs] + "    " + key + ": " + val + spec[start+1+loc[1]:], nil
}

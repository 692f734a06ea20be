// Package upstream watches the vendor's own published OpenAPI document for
// the token operations: it needs no credential and no traffic, so anyone
// can run it nightly ("tokens-contract upstream").
//
// # Where the documents come from
//
// The spec records, in info.x-vendor-source, the vendor's repository and
// file, the commit that was last reviewed, its date, and the facts digest
// of that version (Facts.Digest: a SHA-256 of what the document says about
// the spec's operations, so that reformatting or a change to another
// operation does not count). By default Run fetches two versions of the
// file from GitHub's raw-content host (RawURL): the newest (HEAD) and the
// reviewed commit, over https, with a timeout and a size cap and no
// credentials (Fetcher). Options.Source and Options.BaselineSource replace
// them with a file or a URL (https, or http to a loopback address only),
// for air-gapped runs and tests. With a Source and no BaselineSource there
// is nothing to compare against but the recorded digest: a document whose
// digest differs is reported unreviewed.
//
// # What it reports
//
// Facts (ExtractFacts) are compared, not text. Three groups of findings,
// with the ids of contract's upstream layer:
//
//   - Vendor changes: each aspect on which the newest document differs from
//     the reviewed one (Compare), named (vendor-operation-removed,
//     vendor-retirement-announced for a sunset date or the deprecated flag,
//     vendor-property-added/removed, vendor-status-added/removed,
//     vendor-parameter-changed, vendor-security-changed, and
//     vendor-schema-changed for the rest). oasdiff's backward-compatibility
//     checker, run on the two documents with the project's level overrides
//     (specguard.LevelOverrides), classifies each: a change it reports as an
//     error is breaking; one it reports below that is additive (or
//     deprecation, for a retirement signal); one it does not report keeps its
//     rule's severity. Each message also says the change's coverage by this
//     contract: it already says the same; it differs on purpose (an entry of
//     info.x-vendor-differences records the difference the change leaves);
//     or it disagrees, which is news that needs a spec change, with the
//     overlay action (Result.Overlay) that would absorb it where one fits
//     (statuses, sunset, deprecation, security, parameter bounds).
//   - Known differences: info.x-vendor-differences records each deliberate
//     difference between the vendor's document and this contract (an
//     operation, a kind, the items, what each side says, and why). Each entry
//     that still matches is listed once (vendor-difference-known, info); a
//     difference no entry records is vendor-difference-new; an entry or item
//     that matches nothing is vendor-difference-record-unused.
//   - The documents themselves: vendor-document-gone when the newest answers
//     404 or 410, vendor-document-unreviewed when an offline document's
//     digest is not the recorded one.
//
// A document that cannot be fetched (timeout, other status, over the cap) or
// parsed, or a reviewed document whose digest is not the recorded one, is an
// error: the run could not do what it meant to.
package upstream

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/overlay"
)

// Options configure Run.
type Options struct {
	// Spec is this contract (YAML or JSON) and SpecName names it.
	Spec     []byte
	SpecName string
	// Source is the newest vendor document: a file or a URL. Empty means
	// the newest version of the file info.x-vendor-source names, on GitHub.
	Source string
	// BaselineSource is the reviewed vendor document: a file or a URL.
	// Empty means the recorded commit's version on GitHub when Source is
	// empty, and none (a digest check only) when Source is set.
	BaselineSource string
	// Fetcher reads the documents; a zero Fetcher when nil.
	Fetcher *Fetcher
}

// Result is what Run found.
type Result struct {
	// Newest and Baseline say where the documents were read from (Baseline
	// is "" when there was none).
	Newest, Baseline string
	// Record is the spec's record.
	Record *Record
	// NewestFacts are the newest document's facts (nil when it is gone).
	NewestFacts *Facts
	// Findings are the findings, vendor changes first.
	Findings []contract.Finding
	// Changes are the vendor's changes from the reviewed document to the
	// newest, and Differences the newest document's differences from this
	// contract (Before is the vendor's, After the contract's).
	Changes, Differences []Change
	// Overlay holds an action for each change the contract disagrees with
	// that an overlay can absorb.
	Overlay []overlay.Action
	// Errors are why the run could not do all it meant to.
	Errors []error
}

// Run reads the documents and compares them. It returns an error only for
// a spec it cannot read; what goes wrong with the vendor's documents is in
// Result.Errors.
func Run(ctx context.Context, o Options) (*Result, error) {
	rec, err := ReadRecord(o.SpecName, o.Spec)
	if err != nil {
		return nil, err
	}
	ours, err := loadDoc(o.SpecName, o.Spec)
	if err != nil {
		return nil, err
	}
	ops := operationsOf(ours)
	contractFacts := ExtractFacts(ours, ops)
	fetch := o.Fetcher
	if fetch == nil {
		fetch = &Fetcher{}
	}
	res := &Result{Record: rec, Newest: o.Source, Baseline: o.BaselineSource}
	if o.Source == "" {
		res.Newest = RawURL(rec.Source.Repository, "HEAD", rec.Source.File)
		if o.BaselineSource == "" {
			res.Baseline = RawURL(rec.Source.Repository, rec.Source.Commit, rec.Source.File)
		}
	}
	source := "vendor " + res.Newest

	newest, err := fetch.Read(ctx, res.Newest)
	var gone *GoneError
	if errors.As(err, &gone) {
		res.Findings = append(res.Findings, finding(contract.IDVendorDocumentGone, res.Newest, source,
			"the vendor's document is gone: %s answered %d; the operations may be retired or the file moved", gone.URL, gone.Status))
		return res, nil
	}
	if err != nil {
		res.Errors = append(res.Errors, fmt.Errorf("the newest vendor document: %w", err))
		return res, nil
	}
	newDoc, err := loadDoc("the newest vendor document ("+res.Newest+")", newest)
	if err != nil {
		res.Errors = append(res.Errors, err)
		return res, nil
	}
	res.NewestFacts = ExtractFacts(newDoc, ops)

	var reviewed []byte
	var reviewedFacts *Facts
	if res.Baseline != "" {
		reviewed, err = fetch.Read(ctx, res.Baseline)
		if err != nil {
			res.Errors = append(res.Errors, fmt.Errorf("the reviewed vendor document (commit %s): %w", rec.Source.Commit, err))
			return res, nil
		}
		baseDoc, err := loadDoc("the reviewed vendor document ("+res.Baseline+")", reviewed)
		if err != nil {
			res.Errors = append(res.Errors, err)
			return res, nil
		}
		reviewedFacts = ExtractFacts(baseDoc, ops)
		if d := reviewedFacts.Digest(); d != rec.Source.Digest {
			res.Errors = append(res.Errors, fmt.Errorf("the reviewed vendor document (%s) has facts digest %s, but info.x-vendor-source.digest is %s: it is not the reviewed version, or this tool reads the facts differently; review it and run tokens-contract upstream --record-review",
				res.Baseline, d, rec.Source.Digest))
			return res, nil
		}
	} else if d := res.NewestFacts.Digest(); d != rec.Source.Digest {
		res.Findings = append(res.Findings, finding(contract.IDVendorDocumentUnreviewed, res.Newest, source,
			"the document says something else about these operations than the version reviewed at commit %s (facts digest %s, recorded %s); give --baseline-source to name the changes", rec.Source.Commit, d, rec.Source.Digest))
	}

	res.Differences = Compare(res.NewestFacts, contractFacts)
	if reviewedFacts != nil {
		res.Changes = Compare(reviewedFacts, res.NewestFacts)
		var oas []oasChange
		if len(res.Changes) > 0 {
			if oas, err = oasdiffChanges(reviewed, newest, ops); err != nil {
				res.Errors = append(res.Errors, err)
				return res, nil
			}
		}
		for _, c := range res.Changes {
			f, action := changeFinding(c, oas, contractFacts, res.Differences, rec, ours, source)
			res.Findings = append(res.Findings, f)
			if action != nil {
				res.Overlay = append(res.Overlay, *action)
			}
		}
	}
	res.Findings = append(res.Findings, differenceFindings(res.Differences, rec, o.SpecName, source)...)
	return res, nil
}

// loadDoc parses an OpenAPI 3 document with kin-openapi.
func loadDoc(name string, data []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("%s is not a readable OpenAPI document: %w", name, err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		return nil, fmt.Errorf("%s is not an OpenAPI 3 document (openapi: %q)", name, doc.OpenAPI)
	}
	return doc, nil
}

// operationsOf lists the operations of this contract as "METHOD /path".
func operationsOf(doc *openapi3.T) []string {
	var ops []string
	if doc.Paths == nil {
		return nil
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			ops = append(ops, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(ops)
	return ops
}

// finding builds a finding of an upstream rule, with the rule's severity.
func finding(id, path, source, format string, args ...any) contract.Finding {
	r, ok := contract.RuleFor(id)
	if !ok {
		panic("upstream: unknown finding id " + id) // a programming error, caught by tests
	}
	return contract.Finding{ID: id, Severity: r.Severity, Path: path, Message: fmt.Sprintf(format, args...), Source: source}
}

// changeID names a vendor change.
func changeID(c Change) string {
	switch c.Kind {
	case KindOperation:
		if c.After == "" {
			return contract.IDVendorOperationRemoved
		}
		return contract.IDVendorOperationAdded
	case KindSunset:
		if c.After != "" {
			return contract.IDVendorRetirementAnnounced
		}
	case KindDeprecated:
		if c.After == "true" {
			return contract.IDVendorRetirementAnnounced
		}
	case KindSecurity:
		return contract.IDVendorSecurityChanged
	case KindParameter:
		return contract.IDVendorParameterChanged
	case KindStatus:
		if c.After == "" {
			return contract.IDVendorStatusRemoved
		}
		return contract.IDVendorStatusAdded
	case KindProperty:
		switch {
		case c.Before == "":
			return contract.IDVendorPropertyAdded
		case c.After == "":
			return contract.IDVendorPropertyRemoved
		}
	}
	return contract.IDVendorSchemaChanged
}

// Where is a change's location as a finding path: the operation, then the
// item or the kind.
func (c Change) Where() string {
	if c.Item == "" {
		return c.Operation + " " + c.Kind
	}
	return c.Operation + " " + c.Kind + " " + c.Item
}

func quoted(s string) string {
	if s == "" {
		return "(nothing)"
	}
	return fmt.Sprintf("%q", s)
}

// Coverage is how this contract stands to a vendor change.
type Coverage string

// The coverages of a vendor change.
const (
	CoverageSame      Coverage = "same"
	CoverageOnPurpose Coverage = "on-purpose"
	CoverageDisagrees Coverage = "disagrees"
)

// coverage says how the contract stands to vendor change c: the same as
// the newest document, differing in a recorded way, or disagreeing.
func coverage(c Change, contractFacts *Facts, diffs []Change, rec *Record) (Coverage, string) {
	if value(contractFacts, c) == c.After {
		return CoverageSame, ""
	}
	for _, d := range diffs {
		if d.Operation != c.Operation || d.Kind != c.Kind || d.Item != c.Item {
			continue
		}
		for _, r := range rec.Differences {
			if r.covers(d) {
				return CoverageOnPurpose, r.Why
			}
		}
	}
	return CoverageDisagrees, ""
}

func changeFinding(c Change, oas []oasChange, contractFacts *Facts, diffs []Change, rec *Record, ours *openapi3.T, source string) (contract.Finding, *overlay.Action) {
	id := changeID(c)
	r, _ := contract.RuleFor(id)
	sev := r.Severity
	matched := matching(c, oas)
	var class string
	switch {
	case len(matched) == 0:
		class = "oasdiff reports nothing for it; rated by the rule"
	case slices.ContainsFunc(matched, func(o oasChange) bool { return o.breaking }):
		sev = contract.Breaking
		class = "oasdiff: breaking (" + oasIDs(matched) + ")"
	default:
		if sev > contract.Additive {
			sev = contract.Additive
		}
		class = "oasdiff: not breaking (" + oasIDs(matched) + ")"
	}
	cov, why := coverage(c, contractFacts, diffs, rec)
	var covText string
	var action *overlay.Action
	switch cov {
	case CoverageSame:
		covText = "this contract already says the same"
	case CoverageOnPurpose:
		covText = "this contract differs on purpose: " + why
	default:
		covText = "this contract disagrees (" + quoted(value(contractFacts, c)) + "): the spec needs a change"
		if a := overlayAction(c, id, ours, source); a != nil {
			action = a
			covText += fmt.Sprintf("; overlay: %s %s", verb(a), a.Target)
		} else {
			covText += "; no overlay action fits, edit the spec by hand"
		}
	}
	f := finding(id, c.Where(), source, "%s %s: the reviewed document says %s, the newest %s; %s; %s",
		c.Operation, describeKind(c), quoted(c.Before), quoted(c.After), class, covText)
	f.Severity = sev
	return f, action
}

func verb(a *overlay.Action) string {
	if a.Remove {
		return "remove"
	}
	return "update"
}

func oasIDs(list []oasChange) string {
	ids := make([]string, 0, len(list))
	for _, o := range list {
		ids = append(ids, o.id)
	}
	slices.Sort(ids)
	return strings.Join(slices.Compact(ids), ", ")
}

// describeKind names what a change is about, in words.
func describeKind(c Change) string {
	switch c.Kind {
	case KindOperation:
		return "the operation"
	case KindDeprecated:
		return "the deprecated flag"
	case KindSunset:
		return "the sunset date (x-sunset)"
	case KindSecurity:
		return "the security requirement"
	case KindParameter:
		return "parameter " + c.Item
	case KindRequest:
		return "request body property " + c.Item
	case KindStatus:
		return "response " + c.Item
	case KindContent:
		return "the media types of response " + c.Item
	case KindHeader:
		return "response header " + c.Item
	case KindProperty:
		return "response property " + c.Item
	case KindRequired:
		return "the required flag of response property " + c.Item
	}
	return c.Kind + " " + c.Item
}

// differenceFindings lists the recorded differences once each, the
// unrecorded ones one by one, and the record's entries and items that
// match nothing.
func differenceFindings(diffs []Change, rec *Record, specName, source string) []contract.Finding {
	matched := make([]map[string]bool, len(rec.Differences))
	for i := range matched {
		matched[i] = map[string]bool{}
	}
	var news []contract.Finding
	for _, d := range diffs {
		found := false
		for i, r := range rec.Differences {
			if r.covers(d) {
				matched[i][d.Item] = true
				found = true
				break
			}
		}
		if !found {
			news = append(news, finding(contract.IDVendorDifferenceNew, d.Where(), source,
				"%s %s: the vendor's document says %s, this contract %s; info.x-vendor-differences does not record it",
				d.Operation, describeKind(d), quoted(d.Before), quoted(d.After)))
		}
	}
	var out []contract.Finding
	out = append(out, news...)
	for i, r := range rec.Differences {
		where := fmt.Sprintf("info.x-vendor-differences[%d]", i)
		items := r.Items
		if len(items) == 0 {
			items = []string{""}
		}
		var unused []string
		for _, it := range items {
			if !matched[i][it] {
				unused = append(unused, it)
			}
		}
		if len(unused) < len(items) {
			out = append(out, finding(contract.IDVendorDifferenceKnown, where, specName,
				"%s %s: the vendor's document says %s, this contract %s (%d of %d items): %s",
				r.Operation, describeKind(Change{Kind: r.Kind, Item: strings.Join(r.Items, ", ")}), quoted(r.Vendor), quoted(r.Contract), len(items)-len(unused), len(items), r.Why))
		}
		if len(unused) > 0 {
			what := "the entry"
			if len(r.Items) > 0 {
				what = "items " + strings.Join(unused, ", ")
			}
			out = append(out, finding(contract.IDVendorDifferenceUnused, where, specName,
				"%s %s: %s of the record match no difference between the vendor's document and this contract any more", r.Operation, r.Kind, what))
		}
	}
	return out
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/live"
	"github.com/b2b-contract/s2s-tokens/contract/overlay"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/fileutil"
	"github.com/b2b-contract/s2s-tokens/internal/report"
	"github.com/b2b-contract/s2s-tokens/internal/upstream"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

func upstreamCommand() command {
	return command{name: "upstream", summary: "compare the vendor's own published OpenAPI document with its reviewed version and with the contract (no token needed)", run: runUpstream}
}

const upstreamDescription = `Reads the vendor's own OpenAPI document for the token operations and reports:
what changed in it since the version this contract was reviewed against
(each change named, rated breaking or not by oasdiff, with whether this
contract already says the same, differs on purpose, or disagrees and needs a
spec change); and every difference between it and this contract, the
deliberate ones (recorded in the spec's info.x-vendor-differences) listed
once, the others as new. It needs no token and sends no traffic to the API.

By default it fetches, over https with a timeout and a size cap and without
credentials, the newest version and the reviewed commit's version of the
file that the spec's info.x-vendor-source names, from GitHub's raw-content
host (raw.githubusercontent.com). --source FILE|URL reads the newest document
from elsewhere (a URL must be https, or http to a loopback address); without
--baseline-source there is then nothing to diff against, and a document
whose facts digest is not the recorded one is reported unreviewed.

--record-review --commit SHA --date YYYY-MM-DD records a reviewed version:
it reads that commit's document (or --source), refuses while a difference is
not recorded in info.x-vendor-differences (or an entry matches nothing), then
writes the commit, date and facts digest into info.x-vendor-source of --spec
FILE (default openapi/b2b-s2s-tokens.yaml), gives the spec a new patch
version and adds the changelog entry (--changelog FILE, default
openapi/CHANGELOG.md), as the spec's release rules require.

Finding ids and what each means: go doc ./internal/upstream, and the README.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it;
2 a usage error, or a document that could not be fetched or read.`

// upstreamMaxBytes caps a vendor document by default.
const upstreamMaxBytes = upstream.DefaultMaxBytes

func runUpstream(ctx context.Context, env *environment, args []string) int {
	fs := newFlagSet(env, "upstream",
		"upstream [--source FILE|URL] [--baseline-source FILE|URL] [--format text|json|junit|github|markdown|sarif] [--fail-on breaking|additive|deprecation] [--report FORMAT=FILE]... [--severity ID=SEVERITY]... [--color auto|always|never] [--spec FILE] [--suggest-overlay FILE] [--timeout DURATION] [--max-bytes N] [--record-review --commit SHA --date YYYY-MM-DD [--changelog FILE]]",
		upstreamDescription)
	var rf reportFlags
	rf.register(fs.FlagSet)
	specPath := fs.String("spec", "", "the contract `FILE` (default: the embedded spec; with --record-review, openapi/b2b-s2s-tokens.yaml)")
	source := fs.String("source", "", "read the newest vendor document from this `FILE or URL` instead of GitHub")
	baselineSource := fs.String("baseline-source", "", "read the reviewed vendor document from this `FILE or URL` instead of GitHub")
	suggest := fs.String("suggest-overlay", "", "write an OpenAPI Overlay to `FILE` with one action per vendor change the contract disagrees with that an overlay can absorb")
	timeout := fs.Duration("timeout", upstream.DefaultTimeout, "give up on a fetch after this long")
	maxBytes := fs.Int64("max-bytes", upstreamMaxBytes, "refuse a vendor document larger than this many bytes")
	var rv reviewFlags
	rv.register(fs.FlagSet)
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(env.stderr, "tokens-contract upstream: %s\n", contract.Scrub(fmt.Sprintf(format, a...), nil))
		return exitcode.Usage
	}
	if len(rest) > 0 {
		return fail("unexpected argument %q (upstream takes flags only)", rest[0])
	}
	failOn, err := rf.validate()
	if err != nil {
		return fail("%v", err)
	}
	if *timeout <= 0 || *maxBytes <= 0 {
		return fail("--timeout and --max-bytes must be positive")
	}
	fetcher := &upstream.Fetcher{Timeout: *timeout, MaxBytes: *maxBytes}
	if rv.record {
		return runRecordReview(ctx, env, rv, *specPath, *source, fetcher)
	}
	if err := rv.unused(); err != nil {
		return fail("%v", err)
	}
	specName, spec := openapi.FileName, openapi.YAML()
	if *specPath != "" {
		if spec, err = readInputFile("--spec", *specPath, maxSpecSize); err != nil {
			return fail("%v", err)
		}
		specName = *specPath
	}
	res, err := upstream.Run(ctx, upstream.Options{Spec: spec, SpecName: specName, Source: *source, BaselineSource: *baselineSource, Fetcher: fetcher})
	if err != nil {
		return fail("%v", err)
	}
	for _, err := range res.Errors {
		fmt.Fprintf(env.stderr, "tokens-contract upstream: %s\n", contract.Scrub(err.Error(), nil))
	}
	if *suggest != "" {
		if code := writeUpstreamOverlay(env, *suggest, specName, res); code != exitcode.OK {
			return code
		}
	}
	rf.severities.Apply(res.Findings)
	name := "vendor " + res.Newest
	if res.Baseline != "" {
		name += " against " + res.Baseline
	}
	in := report.Input{Tool: "tokens-contract upstream", SpecVersion: specVersionOf(spec), ToolVersion: live.ToolVersion(),
		FailOn: failOn, Extra: res.Findings, Color: rf.color(env),
		Sources: []report.Source{{Name: name, Errors: res.Errors}}}
	return rf.emit(env, in)
}

// specVersionOf is info.version of a contract document.
func specVersionOf(spec []byte) string {
	if t, err := openapi.ReadTable("spec", spec); err == nil && t.Version != "" {
		return t.Version
	}
	return openapi.Version()
}

// writeUpstreamOverlay writes the overlay actions of the run's vendor
// changes.
func writeUpstreamOverlay(env *environment, path, specName string, res *upstream.Result) int {
	sug := &overlay.Suggestion{Document: overlay.Document{
		Overlay: overlay.Version,
		Info:    overlay.Info{Title: "tokens-contract upstream: the vendor's changes the contract disagrees with, for " + specName, Version: "1.0.0"},
		Actions: append([]overlay.Action{}, res.Overlay...),
	}}
	doc, err := sug.YAML()
	if err == nil {
		err = fileutil.WriteFile(path, doc, 0o644)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract upstream: --suggest-overlay %s: %v\n", path, err)
		return exitcode.Usage
	}
	fmt.Fprintf(env.stderr, "tokens-contract upstream: wrote %s: %s; apply it with: tokens-contract spec --overlay %s -o PATCHED.yaml\n",
		path, plural(len(sug.Document.Actions), "action"), path)
	return exitcode.OK
}

// reviewFlags are the flags of --record-review.
type reviewFlags struct {
	record    bool
	commit    string
	date      string
	changelog string
}

func (r *reviewFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&r.record, "record-review", false, "record that the vendor's document at --commit was reviewed: update info.x-vendor-source of the spec file, bump its patch version, add the changelog entry")
	fs.StringVar(&r.commit, "commit", "", "with --record-review: the full `SHA` of the reviewed vendor commit")
	fs.StringVar(&r.date, "date", "", "with --record-review: the reviewed commit's date, `YYYY-MM-DD`")
	fs.StringVar(&r.changelog, "changelog", "openapi/CHANGELOG.md", "with --record-review: the changelog `FILE` to add the entry to")
}

// unused is an error when a --record-review flag is given without it.
func (r *reviewFlags) unused() error {
	if r.commit != "" || r.date != "" {
		return fmt.Errorf("--commit and --date go with --record-review")
	}
	return nil
}

// runRecordReview records a review: see upstream.RecordReview.
func runRecordReview(ctx context.Context, env *environment, rv reviewFlags, specPath, source string, fetcher *upstream.Fetcher) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(env.stderr, "tokens-contract upstream --record-review: %s\n", contract.Scrub(fmt.Sprintf(format, a...), nil))
		return exitcode.Usage
	}
	if specPath == "" {
		specPath = "openapi/b2b-s2s-tokens.yaml"
	}
	spec, err := readInputFile("--spec", specPath, maxSpecSize)
	if err != nil {
		return fail("%v", err)
	}
	changelog, err := readInputFile("--changelog", rv.changelog, maxSpecSize)
	if err != nil {
		return fail("%v", err)
	}
	if _, err := time.Parse(time.DateOnly, rv.date); err != nil {
		return fail("--date %q is not a date YYYY-MM-DD", rv.date)
	}
	out, err := upstream.RecordReview(ctx, upstream.Review{
		Spec: spec, SpecName: specPath, Changelog: changelog, ChangelogName: rv.changelog,
		Commit: rv.commit, Date: rv.date, Source: source, Fetcher: fetcher, Today: env.now(),
	})
	var unrecorded *upstream.UnrecordedError
	switch {
	case errors.As(err, &unrecorded):
		for _, f := range unrecorded.Findings {
			fmt.Fprintf(env.stderr, "  %s %s: %s\n", f.ID, f.Path, contract.Scrub(f.Message, nil))
		}
		return fail("%v", err)
	case err != nil:
		return fail("%v", err)
	case out == nil:
		fmt.Fprintf(env.stderr, "tokens-contract upstream --record-review: %s already records commit %s with this digest; nothing to do\n", specPath, rv.commit)
		return exitcode.OK
	}
	if err := fileutil.WriteFile(specPath, out.Spec, specMode(specPath)); err != nil {
		return fail("writing %s: %v", specPath, err)
	}
	if err := fileutil.WriteFile(rv.changelog, out.Changelog, specMode(rv.changelog)); err != nil {
		return fail("writing %s: %v (%s was written: restore it or add the entry by hand)", rv.changelog, err, specPath)
	}
	fmt.Fprintf(env.stderr, "tokens-contract upstream --record-review: %s is now version %s, recording commit %s (%s); %s has its entry. Run make check-generated spec-diff api-diff, then commit.\n",
		specPath, out.Version, rv.commit, rv.date, rv.changelog)
	return exitcode.OK
}

// specMode keeps a file's permissions when it is rewritten.
func specMode(path string) os.FileMode {
	if st, err := os.Stat(path); err == nil {
		return st.Mode().Perm()
	}
	return 0o644
}

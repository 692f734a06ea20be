package main

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/baseline"
	"github.com/b2b-contract/s2s-tokens/contract/kin"
	"github.com/b2b-contract/s2s-tokens/contract/live"
	"github.com/b2b-contract/s2s-tokens/contract/overlay"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/fileutil"
	"github.com/b2b-contract/s2s-tokens/internal/report"
)

func checkCommand() command {
	return command{name: "check", summary: "check recorded exchanges (cassettes, HAR files) against the contract", run: runCheck}
}

const checkDescription = `Checks every exchange in the given recordings against the contract and reports
drift: what changed, where, and whether it breaks consumers.

PATH is a recording file, a directory of them, or - for standard input:
go-vcr v4 cassettes (*.yaml, *.yml; the project's own format), HAR 1.2 files
(*.har, *.json) and NDJSON of HAR entries (*.ndjson, *.jsonl). Files of any
size are read as a stream, one at a time; in a directory, files that are not
recordings (reports saved beside them) are skipped with a note. The exchanges
of one file form one run, over which cross-page invariants are checked.
Unreadable inputs (including anything that is not a regular file, such as a
FIFO) are reported (exit 2); the others are still checked. NDJSON is read line
by line: a malformed line is one unreadable entry named by its line number,
the other lines are checked, and a last line cut off without a newline (a
writer still appending) is a note, not an error. See
"go doc github.com/b2b-contract/s2s-tokens/contract/recording".

On a terminal, progress is shown on standard error. The first SIGINT or
SIGTERM stops the run and reports what was checked; a second one quits at once
(exit 130).

--baseline FILE reads the accepted-drift ledger (see the package doc of
contract/baseline): a finding that an unexpired entry matches is reported as
accepted and fails nothing; an expired entry fails the run (baseline-expired);
an entry that matched nothing is reported (baseline-entry-unused).
--write-baseline FILE drafts such a file from this run's findings (those not
already accepted), each expiring in 30 days with an empty reason: write the
reasons before it loads. It never replaces an existing file.
--update-baseline FILE applies the ledger FILE (as --baseline; a FILE that does
not exist yet is an empty ledger) and rewrites it: each entry that matched a
finding is kept as written (reason, ticket, expires date, comments), a draft
is added for each finding no entry matched, and each entry that matched
nothing is dropped; standard error lists what changed.

Outputs (--report, --write-baseline, --update-baseline, --suggest-overlay)
are written atomically to a regular file, in place to a device or FIFO, and
through a symbolic link to its target; missing folders are created. An
output that is one of the inputs (the same file after links), or that two
outputs name, is a usage error before the run starts. Standard output
redirected into a directory being checked (check DIR --format json >
DIR/report.json) is skipped there with a note, as is a file in a checked
directory that an output names and that is not a recording (the ledger
being updated, an earlier report).

--github-output FILE appends the run's step outputs to FILE as GitHub
Actions reads them (--github-output "$GITHUB_OUTPUT"), one key=value line
each: exit-code; breaking, additive, deprecation, info, accepted,
unreadable, exchanges and skipped, counted as the report counts them; and
coverage, the percentage of --coverage-scope (empty without --coverage).
FILE is appended to, never replaced: through a symbolic link, in place for
a device or FIFO, created when missing. A run stopped by a usage error (or
an unreadable baseline or spec) still appends exit-code.

An exchange is an operation's only at the operation's path under the base
path: the path of the spec's server URL (/api/io), or of the URL --base-url
names (for traffic recorded through a gateway with its own prefix); a
recording made by "tokens-contract live --record" remembers its own. The
operation's path under another prefix or with a trailing slash is skipped and
reported once per recording as base-path-mismatch (info): check the caller's
base URL. A 5xx whose body is not the B2B error envelope (a gateway's or
CDN's page) is upstream-transient (info), not drift; a successful create or
delete between list pages starts a new paging sequence.

--spec FILE judges against another OpenAPI document of the token operations,
such as a published release (openapi/releases/vX.Y.Z/b2b-s2s-tokens.yaml).
--suggest-overlay FILE writes an OpenAPI Overlay 1.0.0 document with one action
per finding the spec could absorb (see the package doc of contract/overlay);
"tokens-contract spec --overlay FILE" applies it. With --coverage it also
gets one action per response the spec marks x-contract-source: assumed that
the evidence shows conforming, marking it observed. An error probe recorded by
live --probe-errors is judged again (probe-refuted, probe-status-differs); one
answered with another documented status gets an action removing the refuted
response.

--coverage adds what the evidence showed of the spec, per operation:
statuses, property paths (present, absent, null), enum values, paging cases
and response headers, with a percentage per operation and scoped totals:
the operations the evidence called, the documented behaviours of those seen,
and their assumed responses confirmed. --min-coverage PERCENT fails the run
(exit 1) when the total of --coverage-scope all|called|documented|assumed
(default all) is below PERCENT (what each counts: go doc contract.Coverage).
Every report shows the oldest and newest evidence and the spec version each
recording was made under; --max-age DURATION (such as 720h)
adds a recording-stale finding (info) for each recording older than that, or
undated. --severity ID=SEVERITY gives a finding id another severity:
--severity recording-stale=additive fails on stale evidence.
"tokens-contract rules" lists every finding id with its layer, default
severity, meaning and what to do about it.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it;
2 a usage error or an unreadable input (a recording, the baseline, the spec).`

func runCheck(ctx context.Context, env *environment, args []string) (code int) {
	fs := newFlagSet(env, "check",
		"check [--format text|json|junit|github|markdown|sarif] [--fail-on breaking|additive|deprecation] [--report FORMAT=FILE]... [--github-output FILE] [--severity ID=SEVERITY]... [--color auto|always|never] [--spec FILE] [--base-url URL] [--baseline FILE] [--write-baseline FILE] [--update-baseline FILE] [--suggest-overlay FILE] [--second-opinion] [--coverage] [--min-coverage PERCENT] [--coverage-scope SCOPE] [--max-age DURATION] PATH...",
		checkDescription)
	var rf reportFlags
	rf.register(fs.FlagSet)
	rf.registerGitHubOutput(fs.FlagSet)
	var sf specFlag
	sf.register(fs.FlagSet)
	second := fs.Bool("second-opinion", false, "also validate with kin-openapi and report where the two validators disagree (about twice as slow)")
	baselinePath := fs.String("baseline", "", "the accepted-drift ledger (YAML): accepted findings fail nothing until their entry expires")
	suggest := fs.String("suggest-overlay", "", "write an OpenAPI Overlay to `FILE` with one action per finding the spec could absorb")
	writeBaseline := fs.String("write-baseline", "", "draft a new baseline `FILE` from this run's findings (reasons left empty for you to write); an existing file is never replaced: use --update-baseline")
	updateBaseline := fs.String("update-baseline", "", "apply the ledger `FILE` (as --baseline) and bring it up to date: keep the entries that matched, add drafts for new findings, drop the entries that matched nothing")
	baseURL := fs.String("base-url", "", "the base `URL` (or just its path) the recorded requests were sent to (default: the spec's server URL, path /api/io)")
	var ef evidenceFlags
	ef.register(fs.FlagSet)
	args, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	// A run that stops before its report (a usage error, an unreadable
	// baseline or spec) still appends exit-code to --github-output, once the
	// output policy allows it: never into an input or another output, nor
	// when that file is what cannot be written.
	outputsChecked := false
	if rf.githubOutput != "" {
		defer func() {
			if rf.githubOutputDone {
				return
			}
			if !outputsChecked {
				if _, err := checkOutputs(env, args, &rf, &sf, *baselinePath, *writeBaseline, *updateBaseline, *suggest); err != nil {
					return
				}
			}
			code = rf.writeGitHubOutput(env, "tokens-contract check", nil, code)
		}()
	}
	failOn, err := rf.validate()
	if err == nil {
		err = ef.validate()
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract check: %v\n", err)
		return exitcode.Usage
	}
	if len(args) == 0 {
		fmt.Fprintln(env.stderr, "tokens-contract check: no PATH given (a recording file or a directory of them)")
		fs.Usage()
		return exitcode.Usage
	}
	ownFiles, err := checkOutputs(env, args, &rf, &sf, *baselinePath, *writeBaseline, *updateBaseline, *suggest)
	if err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract check: %v\n", err)
		return exitcode.Usage
	}
	outputsChecked = true
	var opts []contract.Option
	if *second {
		opts = append(opts, contract.WithSecondOpinion(kin.New))
	}
	if *baseURL != "" {
		base, err := basePathOf(*baseURL)
		if err != nil {
			fmt.Fprintf(env.stderr, "tokens-contract check: --base-url: %v\n", err)
			return exitcode.Usage
		}
		opts = append(opts, contract.WithBasePath(base))
	}
	checker, err := sf.newChecker(opts...)
	if err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract check: %v\n", err)
		return exitcode.Usage
	}
	var ledger *baseline.Baseline
	ledgerPath := *baselinePath
	if *updateBaseline != "" {
		ledgerPath, *baselinePath = *updateBaseline, ""
		if _, err := os.Stat(ledgerPath); errors.Is(err, iofs.ErrNotExist) {
			ledgerPath = "" // a new ledger: --update-baseline drafts it
		}
	}
	if ledgerPath != "" {
		if ledger, err = baseline.Load(ledgerPath, checker.Operations()); err != nil {
			fmt.Fprintf(env.stderr, "tokens-contract check: %s\n", contract.Scrub(err.Error(), nil))
			return exitcode.Usage
		}
	}
	// One recording at a time: read it (only the contract's exchanges are
	// kept; the others are counted in rec.Skipped), check it, keep its
	// results, and let it go.
	prog := newProgress(env.stderr)
	loader := &recording.Loader{
		Keep:     checker.Handles,
		Progress: prog.entries,
		Skipped: func(path string, err error) {
			prog.clear()
			fmt.Fprintf(env.stderr, "tokens-contract check: skipped %s: %s\n", path, contract.Scrub(err.Error(), nil))
		},
		Stdin: env.stdin,
	}
	loader.Outputs = ownFiles
	if fi := stdoutFile(env); fi != nil {
		loader.Outputs = append(loader.Outputs, fi) // check DIR > DIR/report.json
	}
	var cv *contract.Coverage
	if ef.coverage {
		if cv, err = contract.NewCoverage(checker); err != nil {
			fmt.Fprintf(env.stderr, "tokens-contract check: %v\n", err)
			return exitcode.Usage
		}
	}
	var (
		recs    []*recording.Recording // kept only for --suggest-overlay
		sources []string
		results [][]contract.Result
		skips   []contract.Skips
		notes   []contract.Finding
		ages    []contract.Age
	)
	// One input at a time, and a long HAR or NDJSON input (check - on a
	// pipe that never ends) in batches that continue one run: memory holds
	// a batch of exchanges, not the input. --suggest-overlay needs every
	// exchange with its result, so it reads each input whole.
	var cur struct {
		path    string
		run     *contract.PageTracker
		results []contract.Result
		age     contract.Age
	}
	checkBatch := func(rec *recording.Recording) {
		if cur.run == nil || cur.path != rec.Path {
			cur.path, cur.run, cur.results = rec.Path, contract.NewPageTracker(), nil
			cur.age = recordingAge(rec, checker.SpecVersion())
		} else {
			cur.age = mergeAge(cur.age, recordingAge(rec, checker.SpecVersion()))
		}
		res := checker.CheckContinued(ctx, rec.Exchanges, cur.run)
		rf.severities.ApplyResults(res)
		cur.results = append(cur.results, res...)
		if cv != nil {
			for j, ex := range rec.Exchanges {
				cv.Observe(ex, res[j])
			}
		}
	}
	if *suggest == "" {
		loader.Batch, loader.BatchSize = checkBatch, checkBatchSize
	}
	loadErrs := loader.Each(ctx, args, func(rec *recording.Recording) {
		if rec.Incomplete != "" {
			prog.clear()
			fmt.Fprintf(env.stderr, "tokens-contract check: note: %s: %s\n", rec.Path, rec.Incomplete)
		}
		checkBatch(rec)
		res := cur.results
		cur.run = nil // the input is done: the next one is a run of its own
		prog.checked(res, rec.Skipped.Total())
		sources = append(sources, rec.Path)
		results = append(results, res)
		skips = append(skips, rec.Skipped)
		notes = append(notes, rec.Notes...)
		var runSkips contract.Skips
		runSkips.Merge(rec.Skipped)
		runSkips.AddResults(res)
		notes = append(notes, contract.PathMismatchFindings(rec.Path, runSkips)...)
		ages = append(ages, cur.age)
		if cv != nil {
			cv.ObserveSkipped(rec.Skipped.Total())
		}
		if *suggest != "" {
			recs = append(recs, rec)
		}
	})
	prog.clear()
	for _, err := range loadErrs {
		fmt.Fprintf(env.stderr, "tokens-contract check: %s\n", contract.Scrub(err.Error(), nil))
	}
	now := env.now()
	applied := ledger.Apply(results, now)
	if *writeBaseline != "" {
		if err := fileutil.WriteFile(*writeBaseline, baseline.Draft(results, now.AddDate(0, 0, draftDays)), 0o644); err != nil {
			fmt.Fprintf(env.stderr, "tokens-contract check: --write-baseline %s: %v\n", *writeBaseline, err)
			return exitcode.Usage
		}
		fmt.Fprintf(env.stderr, "tokens-contract check: drafted %s: write a reason for every entry and confirm its expires date\n", *writeBaseline)
	}
	if *updateBaseline != "" {
		data, ch := ledger.Update(results, applied, now.AddDate(0, 0, draftDays))
		if err := fileutil.WriteFile(*updateBaseline, data, 0o644); err != nil {
			fmt.Fprintf(env.stderr, "tokens-contract check: --update-baseline %s: %v\n", *updateBaseline, err)
			return exitcode.Usage
		}
		printChanges(env, *updateBaseline, ch)
	}
	var cov *contract.CoverageReport
	if cv != nil {
		rep := cv.Report()
		cov = &rep
	}
	if *suggest != "" {
		if code := suggestOverlay(env, *suggest, checker, recs, results, cov); code != exitcode.OK {
			return code
		}
	}
	extra := append(applied.Findings, notes...)
	if ef.maxAge > 0 {
		extra = append(extra, contract.StaleFindings(ages, now, ef.maxAge)...)
	}
	rf.severities.Apply(extra)
	in := report.Input{Tool: "tokens-contract check", SpecVersion: checker.SpecVersion(), ToolVersion: live.ToolVersion(),
		Errors: loadErrs, FailOn: failOn, Extra: extra, Coverage: cov, MinCoverage: ef.minCoverage, CoverageScope: ef.scope, Ages: ages,
		Color: rf.color(env)}
	for i, name := range sources {
		in.Sources = append(in.Sources, report.Source{Name: name, Results: results[i], Skipped: skips[i]})
	}
	return rf.emit(env, in)
}

// checkBatchSize is how many exchanges of one input check holds at a time
// (a 250-token page is about 110 KB, so a batch is a few tens of MB at
// most); the invariants across pages span the batches.
const checkBatchSize = 256

// mergeAge is the age of a recording read in two parts: the oldest and the
// newest evidence of both.
func mergeAge(a, b contract.Age) contract.Age {
	if !b.Oldest.IsZero() && (a.Oldest.IsZero() || b.Oldest.Before(a.Oldest)) {
		a.Oldest = b.Oldest
	}
	if b.Newest.After(a.Newest) {
		a.Newest = b.Newest
	}
	return a
}

// basePathOf is the path of a base URL, or the path itself when raw is one
// ("/api/io"): what an exchange's path must start with.
func basePathOf(raw string) (string, error) {
	if strings.HasPrefix(raw, "/") {
		return raw, nil
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("want an absolute URL such as https://gateway.example/b2b/api/io, or a path such as /b2b/api/io")
	}
	if u.Path == "" {
		return "/", nil
	}
	return u.Path, nil
}

// suggestOverlay writes the overlay that would absorb the run's drift, and
// prints its warnings (an action that accepts a breaking change, drift that
// could not be turned into an action) on standard error.
func suggestOverlay(env *environment, path string, checker *contract.Checker, recs []*recording.Recording, results [][]contract.Result, cov *contract.CoverageReport) int {
	var evidence []overlay.Evidence
	for i, rec := range recs {
		for j, res := range results[i] {
			ex := rec.Exchanges[j]
			evidence = append(evidence, overlay.Evidence{Result: res, Exchange: ex, At: ex.RecordedAt})
		}
	}
	name, spec := checker.Spec()
	// The run's auth token, if set, is a secret no overlay may hold.
	sug, err := overlay.Suggest(spec, "tokens-contract: suggested changes to "+filepath.Base(name), evidence, env.getenv(envAuthToken))
	if err == nil && cov != nil {
		sug.Document.Actions = append(sug.Document.Actions, overlay.ConfirmAssumed(*cov)...)
	}
	if err == nil {
		var doc []byte
		if doc, err = sug.YAML(); err == nil {
			err = fileutil.WriteFile(path, doc, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract check: --suggest-overlay %s: %v\n", path, err)
		return exitcode.Usage
	}
	for _, w := range sug.Warnings {
		fmt.Fprintf(env.stderr, "tokens-contract check: --suggest-overlay: %s\n", contract.Scrub(w, nil))
	}
	fmt.Fprintf(env.stderr, "tokens-contract check: wrote %s: %s; apply it with: tokens-contract spec --overlay %s -o PATCHED.yaml\n",
		path, plural(len(sug.Document.Actions), "action"), path)
	return exitcode.OK
}

// draftDays is how long a drafted baseline entry accepts its finding.
const draftDays = 30

// checkOutputs applies the output policy to check's outputs before the run
// (prepareOutputs): --report files, --write-baseline, --update-baseline and
// --suggest-overlay against each other and against the recordings, --spec
// and --baseline. --write-baseline never replaces an existing file (a
// reviewed ledger): --update-baseline is for that. It returns the files of
// the checked directories that are outputs and not recordings, for the
// loader to skip.
func checkOutputs(env *environment, args []string, rf *reportFlags, sf *specFlag, baselinePath, writeBaseline, updateBaseline, suggest string) (skip []os.FileInfo, err error) {
	if writeBaseline != "" {
		if target, err := fileutil.Resolve(writeBaseline); err == nil {
			if fi, err := os.Stat(target); err == nil && fi.Mode().IsRegular() {
				return nil, fmt.Errorf("--write-baseline %s: the file exists and --write-baseline never replaces a ledger; "+
					"to keep its entries and reasons and add this run's findings, use --update-baseline %s", writeBaseline, writeBaseline)
			}
		}
	}
	if updateBaseline != "" && baselinePath != "" && !sameFile(updateBaseline, baselinePath) {
		return nil, fmt.Errorf("--update-baseline %s applies that ledger itself; leave out --baseline %s", updateBaseline, baselinePath)
	}
	outs := append(rf.outputs(),
		fileutil.Output{Flag: "--write-baseline", Path: writeBaseline},
		fileutil.Output{Flag: "--update-baseline", Path: updateBaseline},
		fileutil.Output{Flag: "--suggest-overlay", Path: suggest})
	var outInfo []os.FileInfo
	for _, o := range outs {
		if fi, err := os.Stat(o.Path); o.Path != "" && err == nil && fi.Mode().IsRegular() {
			outInfo = append(outInfo, fi)
		}
	}
	isOutput := func(p string) os.FileInfo {
		fi, err := os.Stat(p)
		if err != nil {
			return nil
		}
		for _, o := range outInfo {
			if os.SameFile(fi, o) {
				return fi
			}
		}
		return nil
	}
	named := map[string]bool{}
	for _, a := range args {
		named[a] = true
	}
	// A file found in a directory being checked that an output names, and
	// that is no recording (the ledger being updated, last run's report or
	// overlay), is this run's output, not an input: the loader skips it.
	var inputs []string
	for _, f := range recording.InputFiles(args) {
		if fi := isOutput(f); fi != nil && !named[f] && !recording.IsRecording(f) {
			skip = append(skip, fi)
			continue
		}
		inputs = append(inputs, f)
	}
	inputs = append(inputs, sf.path)
	if updateBaseline == "" {
		inputs = append(inputs, baselinePath) // else the same file, read and rewritten
	}
	inputs = slices.DeleteFunc(inputs, func(p string) bool { return p == "" })
	return skip, prepareOutputs(env, outs, inputs)
}

// sameFile reports whether a and b name one existing file.
func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// printChanges says on standard error what --update-baseline did.
func printChanges(env *environment, path string, ch baseline.Changes) {
	fmt.Fprintf(env.stderr, "tokens-contract check: updated %s: kept %d, added %d, dropped %d\n",
		path, len(ch.Kept), len(ch.Added), len(ch.Dropped))
	for _, e := range ch.Added {
		fmt.Fprintf(env.stderr, "  + %s %s at %s (write its reason; expires %s)\n", e.ID, e.Operation, contract.Scrub(e.Path, nil), e.Expires)
	}
	for _, e := range ch.Dropped {
		fmt.Fprintf(env.stderr, "  - %s %s at %s (line %d matched nothing)\n", e.ID, e.Operation, contract.Scrub(e.Path, nil), e.Line)
	}
}

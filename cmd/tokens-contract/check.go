package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/baseline"
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
FIFO) are reported (exit 2); the others are still checked. See
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
reasons before it loads.

--spec FILE judges against another OpenAPI document of the token operations,
such as a published release (openapi/releases/vX.Y.Z/b2b-s2s-tokens.yaml).
--suggest-overlay FILE writes an OpenAPI Overlay 1.0.0 document with one action
per finding the spec could absorb (see the package doc of contract/overlay);
"tokens-contract spec --overlay FILE" applies it. With --coverage it also
gets one action per response the spec marks x-contract-source: assumed that
the evidence shows conforming, marking it observed.

--coverage adds what the evidence showed of the spec, per operation:
statuses, property paths (present, absent, null), enum values, paging cases
and response headers; --min-coverage PERCENT fails the run (exit 1) when the
share of those behaviours seen is below PERCENT (what it counts: go doc
contract.Coverage). Every report shows the oldest and newest evidence and the
spec version each recording was made under; --max-age DURATION (such as 720h)
adds a recording-stale finding (info) for each recording older than that, or
undated. --severity ID=SEVERITY gives a finding id another severity (go doc
contract.Severities): --severity recording-stale=additive fails on stale
evidence.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it;
2 a usage error or an unreadable input (a recording, the baseline, the spec).`

func runCheck(ctx context.Context, env *environment, args []string) int {
	fs := newFlagSet(env, "check",
		"check [--format text|json|junit|github|markdown|sarif] [--fail-on breaking|additive|deprecation] [--report FORMAT=FILE]... [--severity ID=SEVERITY]... [--color auto|always|never] [--spec FILE] [--baseline FILE] [--write-baseline FILE] [--suggest-overlay FILE] [--second-opinion] [--coverage] [--min-coverage PERCENT] [--max-age DURATION] PATH...",
		checkDescription)
	var rf reportFlags
	rf.register(fs)
	var sf specFlag
	sf.register(fs)
	second := fs.Bool("second-opinion", false, "also validate with kin-openapi and report where the two validators disagree (about twice as slow)")
	baselinePath := fs.String("baseline", "", "the accepted-drift ledger (YAML): accepted findings fail nothing until their entry expires")
	suggest := fs.String("suggest-overlay", "", "write an OpenAPI Overlay to `FILE` with one action per finding the spec could absorb")
	writeBaseline := fs.String("write-baseline", "", "draft a baseline file from this run's findings (reasons left empty for you to write)")
	var ef evidenceFlags
	ef.register(fs)
	args, code, ok := parseFlags(fs, args)
	if !ok {
		return code
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
	checker, err := sf.newChecker(contract.WithSecondOpinion(*second))
	if err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract check: %v\n", err)
		return exitcode.Usage
	}
	var ledger *baseline.Baseline
	if *baselinePath != "" {
		if ledger, err = baseline.Load(*baselinePath, checker.Operations()); err != nil {
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
	loadErrs := loader.Each(ctx, args, func(rec *recording.Recording) {
		res := checker.CheckSequence(ctx, rec.Exchanges)
		rf.severities.ApplyResults(res)
		prog.checked(res, rec.Skipped.Total())
		sources = append(sources, rec.Path)
		results = append(results, res)
		skips = append(skips, rec.Skipped)
		notes = append(notes, rec.Notes...)
		ages = append(ages, recordingAge(rec, checker.SpecVersion()))
		if cv != nil {
			for j, ex := range rec.Exchanges {
				cv.Observe(ex, res[j])
			}
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
		if err := fileutil.WriteFile(*writeBaseline, baseline.Draft(results, now.AddDate(0, 0, 30)), 0o644); err != nil {
			fmt.Fprintf(env.stderr, "tokens-contract check: --write-baseline %s: %v\n", *writeBaseline, err)
			return exitcode.Usage
		}
		fmt.Fprintf(env.stderr, "tokens-contract check: drafted %s: write a reason for every entry and confirm its expires date\n", *writeBaseline)
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
		Errors: loadErrs, FailOn: failOn, Extra: extra, Coverage: cov, MinCoverage: ef.minCoverage, Ages: ages,
		Color: rf.color(env)}
	for i, name := range sources {
		in.Sources = append(in.Sources, report.Source{Name: name, Results: results[i], Skipped: skips[i]})
	}
	return rf.emit(env, in)
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

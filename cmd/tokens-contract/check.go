package main

import (
	"context"
	"fmt"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/report"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

func checkCommand() command {
	return command{name: "check", summary: "check recorded exchanges (cassettes, HAR files) against the contract", run: runCheck}
}

const checkDescription = `Checks every exchange in the given recordings against the contract and reports
drift: what changed, where, and whether it breaks consumers.

PATH is a recording file or a directory of them: go-vcr v4 cassettes (*.yaml,
*.yml; the project's own format) and HAR 1.2 files (*.har, *.json). The
exchanges of one file form one run, over which cross-page invariants are
checked. Unreadable files are reported (exit 2); the others are still checked.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it;
2 a usage error or an unreadable input.`

func runCheck(ctx context.Context, env *environment, args []string) int {
	fs := newFlagSet(env, "check",
		"check [--format text|json|junit|github|markdown] [--fail-on breaking|additive|deprecation] [--report FORMAT=FILE]... [--second-opinion] PATH...",
		checkDescription)
	var rf reportFlags
	rf.register(fs)
	second := fs.Bool("second-opinion", false, "also validate with kin-openapi and report where the two validators disagree (about twice as slow)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	failOn, err := rf.validate()
	if err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract check: %v\n", err)
		return exitcode.Usage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(env.stderr, "tokens-contract check: no PATH given (a recording file or a directory of them)")
		fs.Usage()
		return exitcode.Usage
	}
	recs, loadErrs := recording.LoadPaths(fs.Args())
	for _, err := range loadErrs {
		fmt.Fprintf(env.stderr, "tokens-contract check: %s\n", contract.Scrub(err.Error(), nil))
	}
	checker, err := contract.New(contract.WithSecondOpinion(*second))
	if err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract check: %v\n", err)
		return exitcode.Usage
	}
	runs := make([][]*contract.Exchange, len(recs))
	for i, r := range recs {
		runs[i] = r.Exchanges
	}
	results := checker.CheckSequences(ctx, runs)
	in := report.Input{Tool: "tokens-contract check", SpecVersion: openapi.Version(), Errors: loadErrs, FailOn: failOn}
	for i, r := range recs {
		in.Sources = append(in.Sources, report.Source{Name: r.Path, Results: results[i]})
	}
	return rf.emit(env, in)
}

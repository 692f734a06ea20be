package main

import (
	"context"
	"fmt"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
)

func shapeCommand() command {
	return command{name: "shape", summary: "print the key shape of recordings, to compare two of them", run: runShape}
}

const shapeDescription = `Prints the key shape of the exchanges in the given recordings: one line per
operation, status, member path and kind of value (see go doc
contract.Checker.Shapes), sorted and without repeats. No value is printed.

With --against OLD, prints nothing when PATH... has the same shape as the
recordings at OLD, and otherwise the lines only one side has, prefixed with
"-" (only in OLD) or "+" (only in PATH), and exits 1. The nightly workflow
example uses it to open a pull request only when a new recording differs in
shape from the committed one.

Exit codes: 0 printed (or the same shape); 1 the shapes differ; 2 a usage
error or an unreadable recording.`

func runShape(_ context.Context, env *environment, args []string) int {
	fs := newFlagSet(env, "shape", "shape [--spec FILE] [--against OLD] PATH...", shapeDescription)
	var sf specFlag
	sf.register(fs.FlagSet)
	against := fs.String("against", "", "compare with the recordings at `OLD` (a file or a directory) instead of printing")
	args, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(args) == 0 {
		fmt.Fprintln(env.stderr, "tokens-contract shape: no PATH given (a recording file or a directory of them)")
		fs.Usage()
		return exitcode.Usage
	}
	checker, err := sf.newChecker()
	if err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract shape: %v\n", err)
		return exitcode.Usage
	}
	load := func(paths []string) ([]string, bool) {
		recs, errs := recording.LoadPaths(paths)
		for _, err := range errs {
			fmt.Fprintf(env.stderr, "tokens-contract shape: %s\n", contract.Scrub(err.Error(), nil))
		}
		var exs []*contract.Exchange
		for _, r := range recs {
			exs = append(exs, r.Exchanges...)
		}
		return checker.Shapes(exs), len(errs) == 0
	}
	shapes, ok := load(args)
	if !ok {
		return exitcode.Usage
	}
	if *against == "" {
		for _, s := range shapes {
			fmt.Fprintln(env.stdout, contract.Scrub(s, nil))
		}
		return exitcode.OK
	}
	old, ok := load([]string{*against})
	if !ok {
		return exitcode.Usage
	}
	code = exitcode.OK
	for _, d := range diffSorted(old, shapes) {
		fmt.Fprintln(env.stdout, contract.Scrub(d, nil))
		code = exitcode.Findings
	}
	return code
}

// diffSorted returns the lines only in a ("-") or only in b ("+") of two
// sorted lists, in order.
func diffSorted(a, b []string) []string {
	var out []string
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			out = append(out, "- "+a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, "+ "+b[j])
			j++
		default:
			i++
			j++
		}
	}
	return out
}

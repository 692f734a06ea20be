// Package report renders the contract checker's results for people and for
// CI: text grouped by severity, one JSON object, JUnit XML (one test case per
// exchange), GitHub workflow annotations, a Markdown summary for a job page,
// and SARIF for code scanning; and a run's counts as GitHub Actions step
// outputs (WriteGitHubOutput).
//
// # One finding, many exchanges
//
// The same finding seen in several exchanges of one run (one Sunset header
// on every page of a live run, one undeclared field in every entry of a HAR
// file) is reported once, with a count and the sources it came from. Two
// findings are the same when they come from the same run (Source) and have
// the same finding id, severity, JSON path, message, operation (the
// exchange's operationId) and baseline acceptance. A message that names
// something particular to one exchange therefore keeps that finding apart,
// which errs on the side of showing more. Every format follows this:
//
//   - text and Markdown print the finding once with its count and sources;
//   - JSON keeps every field a finding always had (id, severity, path,
//     message, source: the first source) and adds "count" and "sources"
//     (every source, in order);
//   - GitHub annotations: one annotation per finding, naming the count;
//   - SARIF: one result per finding, located at its first source, the other
//     sources as relatedLocations, the count as the result property
//     "count"; its partial fingerprint (id, path, file) is unchanged. Every
//     location on a file has a region: the line where the exchange starts
//     in its recording (contract.Result.Line), or 1 for a finding about
//     the whole file. A file named by an absolute path is a file:// URI,
//     one named by a relative path a relative URI (code scanning resolves it
//     against the checkout);
//   - JUnit keeps one test case per exchange, since a test case is an
//     exchange; a failure names how many exchanges of the run share it.
//
// The severity counts (Summary, the verdict) count findings so merged, not
// exchanges.
//
// # Skipped exchanges
//
// Exchanges that are not checked (entries for other endpoints in a HAR
// file, a request without a response, a run cancelled midway) are never
// listed one by one, so a report's size and the memory to write it do not
// grow with their number: a proxy's HAR can hold a million of them. Each
// run's skipped exchanges are summarised per reason (contract.Skips): the
// exact count and the sources of the first contract.MaxSkipExamples as
// examples. Summary.Skipped is the exact total in every format.
//
//   - text: the headline and each run's line give the counts;
//   - Markdown: the summary table's "skipped" column;
//   - JSON: "skipped" has one object per run and reason: "source" (the first
//     example) and "reason" as before, plus "count", "sources" (the
//     examples) and "run" (the run's name). Earlier versions had one
//     object per skipped exchange: a consumer that counted the objects
//     reads summary.skipped, or sums "count", instead;
//   - JUnit: one skipped test case per run and reason, named "skipped: "
//     and the reason, whose message gives the count and whose text the
//     examples; the suite's property "skipped-exchanges" is the run's exact
//     total (the skipped attributes count test cases, as JUnit defines);
//   - GitHub: the closing notice gives the total;
//   - SARIF: the run's properties "exchanges" and "skipped" give the totals.
//
// # Errors
//
// Input.Errors are inputs that could not be read (a broken recording);
// Source.Errors are why a run could not do what it meant to (a live run
// whose token was rejected, or whose request got no response). Both make the
// exit code 2, and the reports name them apart: a run that could not
// complete is never "clean".
//
// # Terminals
//
// With Input.Color the text format colours severity headings and the
// verdict with ANSI escapes (the CLI sets it only for a terminal, and never
// when NO_COLOR is set). The text report ends with the summary line, so a
// short terminal still shows it.
//
// Every string a report prints passes through contract.Scrub, a last line of
// defence after the checker's own: no format ever prints a token, an email or
// a credential.
package report

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
)

// Formats lists the supported report formats.
var Formats = []string{"text", "json", "junit", "github", "markdown", "sarif"}

// Source is the results of one source of exchanges: one recording file, or one live session.
type Source struct {
	// Name names the run: the recording's path, or "live <base URL>".
	Name    string
	Results []contract.Result
	// Skipped summarises exchanges of the run that have no Result: the
	// entries for other endpoints a recording loader counted
	// (recording.Recording.Skipped). Skipped Results are counted with them
	// (see "Skipped exchanges" in the package doc).
	Skipped contract.Skips
	// Errors are why the run could not check what it meant to (a live
	// run's rejected token, a request that got no response). They make the
	// exit code 2, and the run is never reported clean.
	Errors []error
}

// Input is everything a report shows.
type Input struct {
	// Tool names the command in headings ("tokens-contract check").
	Tool string
	// SpecVersion is the contract version checked against.
	SpecVersion string
	// ToolVersion is the module version of the running binary ("(devel)"
	// from a checkout); SARIF's driver reports it.
	ToolVersion string
	Sources     []Source
	// Errors are inputs that could not be read (they make the exit code 2).
	Errors []error
	// Extra are findings about the run rather than an exchange: the
	// accepted-drift baseline's own (package contract/baseline).
	Extra []contract.Finding
	// FailOn is the lowest severity that fails the run.
	FailOn contract.Severity
	// Coverage, when set, is what the evidence showed of the spec
	// (contract.Coverage): every format shows it, as a table in text and
	// Markdown, an object in JSON, properties in JUnit and SARIF.
	Coverage *contract.CoverageReport
	// MinCoverage, when above 0, is a floor in percent: the percent of
	// CoverageScope below it fails the run (exit 1).
	MinCoverage float64
	// CoverageScope is the total MinCoverage applies to (contract's
	// CoverageScope; empty means all).
	CoverageScope contract.CoverageScope
	// Ages are the recordings' ages (contract.NewAge); every format shows
	// the oldest and newest evidence and each recording's spec version.
	Ages []contract.Age
	// Color asks the text format for ANSI colours (for a terminal).
	Color bool
}

// Summary counts what a report covers.
type Summary struct {
	Runs        int `json:"runs"`
	Exchanges   int `json:"exchanges"`
	Skipped     int `json:"skipped"`
	Breaking    int `json:"breaking"`
	Additive    int `json:"additive"`
	Deprecation int `json:"deprecation"`
	Info        int `json:"info"`
	// Accepted counts the findings the baseline accepted; they are not in
	// the severity counts and fail no run.
	Accepted   int `json:"accepted"`
	Unreadable int `json:"unreadable"`
	// RunErrors counts the runs' errors (Source.Errors).
	RunErrors int `json:"runErrors"`
}

// Summarize counts the findings of in by severity.
func Summarize(in Input) Summary {
	s := Summary{Runs: len(in.Sources), Unreadable: len(in.Errors), Accepted: len(accepted(in)), RunErrors: len(runErrors(in))}
	for _, f := range findings(in) {
		switch f.Severity {
		case contract.Breaking:
			s.Breaking++
		case contract.Additive:
			s.Additive++
		case contract.Deprecation:
			s.Deprecation++
		default:
			s.Info++
		}
	}
	for _, r := range in.Sources {
		checked, skipped := runCounts(r)
		s.Exchanges += checked
		s.Skipped += skipped
	}
	return s
}

// skipsOf is everything run skipped: its Skipped summary and its skipped
// Results.
func skipsOf(run Source) contract.Skips {
	var s contract.Skips
	s.Merge(run.Skipped)
	s.AddResults(run.Results)
	return s
}

// runCounts counts the exchanges run checked and those it skipped.
func runCounts(run Source) (checked, skipped int) {
	skipped = run.Skipped.Total()
	for _, res := range run.Results {
		if res.Skipped {
			skipped++
		} else {
			checked++
		}
	}
	return checked, skipped
}

// ExitCode is 2 when an input was unreadable or a run could not complete, 1
// when a finding is at or above FailOn or the coverage is below MinCoverage,
// else 0.
func ExitCode(in Input) int {
	if len(in.Errors) > 0 || len(runErrors(in)) > 0 {
		return exitcode.Usage
	}
	if failing(in) > 0 || belowFloor(in) {
		return exitcode.Findings
	}
	return exitcode.OK
}

func failing(in Input) int {
	n := 0
	for _, f := range findings(in) {
		if f.Severity >= in.FailOn {
			n++
		}
	}
	return n
}

// findings returns the findings that count, merged (see the package doc):
// those of every exchange and the run's extra findings, less those the
// baseline accepted.
func findings(in Input) []item {
	out, _ := aggregate(in)
	return out
}

// accepted returns the findings the baseline accepted, merged.
func accepted(in Input) []item {
	_, acc := aggregate(in)
	return acc
}

// item is a finding as a report shows it: the first occurrence, how many
// exchanges of its run showed it, and their sources in order.
type item struct {
	contract.Finding
	Count   int      `json:"count"`
	Sources []string `json:"sources"`
}

// itemKey is what makes two findings the same (see the package doc).
type itemKey struct {
	run                      int
	operation, id, path, msg string
	severity                 contract.Severity
	acceptance               string
}

// keyOf is the key of finding f of an exchange of operation in run.
func keyOf(run int, operation string, f contract.Finding) itemKey {
	k := itemKey{run: run, operation: operation, id: f.ID, path: f.Path, msg: f.Message, severity: f.Severity}
	if a := f.Accepted; a != nil {
		k.acceptance = fmt.Sprintf("%s:%d", a.File, a.Line)
	}
	return k
}

// occurrences counts how many exchanges of run show each finding.
func occurrences(run Source) map[itemKey]int {
	n := map[itemKey]int{}
	for _, res := range run.Results {
		for _, f := range res.Findings {
			n[keyOf(0, res.Operation, f)]++
		}
	}
	return n
}

// aggregate merges the findings of in: those that count and those the
// baseline accepted, each in the order of their first occurrence.
func aggregate(in Input) (counting, acc []item) {
	index := map[itemKey]int{}
	accIndex := map[itemKey]int{}
	add := func(run int, operation string, f contract.Finding) {
		k := keyOf(run, operation, f)
		list, idx := &counting, index
		if f.Accepted != nil {
			list, idx = &acc, accIndex
		}
		if i, ok := idx[k]; ok {
			(*list)[i].Count++
			(*list)[i].Sources = append((*list)[i].Sources, f.Source)
			return
		}
		idx[k] = len(*list)
		*list = append(*list, item{Finding: f, Count: 1, Sources: []string{f.Source}})
	}
	for i, r := range in.Sources {
		for _, res := range r.Results {
			for _, f := range res.Findings {
				add(i, res.Operation, f)
			}
		}
	}
	for _, f := range in.Extra {
		add(-1, "", f)
	}
	return counting, acc
}

// runError is one error of one run.
type runError struct {
	run string
	err error
}

// runErrors lists the runs' errors in run order.
func runErrors(in Input) []runError {
	var out []runError
	for _, r := range in.Sources {
		for _, err := range r.Errors {
			out = append(out, runError{run: r.Name, err: err})
		}
	}
	return out
}

// acceptance describes a finding's baseline entry in one line.
func acceptance(a *contract.Acceptance) string {
	s := fmt.Sprintf("accepted until %s by %s:%d: %s", a.Expires, a.File, a.Line, a.Reason)
	if a.Ticket != "" {
		s += " (" + a.Ticket + ")"
	}
	return s
}

// Write renders in as format to w.
func Write(w io.Writer, format string, in Input) error {
	if in.Tool == "" {
		in.Tool = "tokens-contract"
	}
	switch format {
	case "text":
		return writeText(w, in)
	case "json":
		return writeJSON(w, in)
	case "junit":
		return writeJUnit(w, in)
	case "github":
		return writeGitHub(w, in)
	case "sarif":
		return writeSARIF(w, in)
	case "markdown":
		return writeMarkdown(w, in)
	}
	return fmt.Errorf("unknown report format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// ValidFormat reports whether format is one Write accepts.
func ValidFormat(format string) bool {
	for _, f := range Formats {
		if f == format {
			return true
		}
	}
	return false
}

// clean is the last line of defence for anything printed.
func clean(s string) string { return contract.Scrub(s, nil) }

// errorText renders a load error safely.
func errorText(err error) (path, msg string) {
	var le *recording.LoadError
	if errors.As(err, &le) {
		return clean(le.Path), clean(le.Err.Error())
	}
	return "", clean(err.Error())
}

// bySeverity groups findings, most serious first, keeping their order
// within a group.
func bySeverity(fs []item) [][]item {
	groups := make([][]item, contract.Breaking+1)
	for _, f := range fs {
		groups[f.Severity] = append(groups[f.Severity], f)
	}
	var out [][]item
	for s := contract.Breaking; s >= contract.Info; s-- {
		if len(groups[s]) > 0 {
			out = append(out, groups[s])
		}
	}
	return out
}

// sourceFile is the file part of a finding source ("a.yaml#3" → "a.yaml");
// empty for live sources and for the vendor documents of
// "tokens-contract upstream" ("vendor <file or URL>").
func sourceFile(source string) string {
	if strings.HasPrefix(source, "live ") || strings.HasPrefix(source, "vendor ") {
		return ""
	}
	if i := strings.LastIndexByte(source, '#'); i >= 0 {
		return source[:i]
	}
	return source
}

func advice(id string) string {
	r, ok := contract.RuleFor(id)
	if !ok {
		return ""
	}
	return r.Advice
}

func verdict(in Input) string {
	switch ExitCode(in) {
	case exitcode.Usage:
		switch {
		case len(runErrors(in)) == 0:
			return "ERROR: some inputs could not be read"
		case len(in.Errors) == 0:
			return "ERROR: a run could not complete"
		}
		return "ERROR: some inputs could not be read and a run could not complete"
	case exitcode.Findings:
		if n := failing(in); n > 0 || !belowFloor(in) {
			return fmt.Sprintf("FAIL: %s at or above %s", plural(n, "finding"), in.FailOn)
		}
		return fmt.Sprintf("FAIL: coverage (%s) %.1f%% is below the floor of %g%%", scopeOf(in), floorTotal(in).Percent, in.MinCoverage)
	}
	return fmt.Sprintf("PASS: nothing at or above %s", in.FailOn)
}

func sortedErrors(errs []error) []error {
	out := append([]error(nil), errs...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Error() < out[j].Error() })
	return out
}

// Package report renders the contract checker's results for people and for
// CI: text grouped by severity, one JSON object, JUnit XML (one test case per
// exchange), GitHub workflow annotations, and a Markdown summary for a job
// page.
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
	// MinCoverage, when above 0, is a floor in percent: a Coverage.Percent
	// below it fails the run (exit 1).
	MinCoverage float64
	// Ages are the recordings' ages (contract.NewAge); every format shows
	// the oldest and newest evidence and each recording's spec version.
	Ages []contract.Age
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
}

// Summarize counts the findings of in by severity.
func Summarize(in Input) Summary {
	s := Summary{Runs: len(in.Sources), Unreadable: len(in.Errors), Accepted: len(accepted(in))}
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
		for _, res := range r.Results {
			if res.Skipped {
				s.Skipped++
			} else {
				s.Exchanges++
			}
		}
	}
	return s
}

// ExitCode is 2 when an input was unreadable, 1 when a finding is at or
// above FailOn or the coverage is below MinCoverage, else 0.
func ExitCode(in Input) int {
	if len(in.Errors) > 0 {
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

// findings returns the findings that count: every finding of every
// exchange and the run's extra findings, less those the baseline accepted.
func findings(in Input) []contract.Finding {
	var out []contract.Finding
	for _, r := range in.Sources {
		for _, res := range r.Results {
			for _, f := range res.Findings {
				if f.Accepted == nil {
					out = append(out, f)
				}
			}
		}
	}
	return append(out, in.Extra...)
}

// accepted returns the findings the baseline accepted.
func accepted(in Input) []contract.Finding {
	var out []contract.Finding
	for _, r := range in.Sources {
		for _, res := range r.Results {
			for _, f := range res.Findings {
				if f.Accepted != nil {
					out = append(out, f)
				}
			}
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
func bySeverity(fs []contract.Finding) [][]contract.Finding {
	groups := make([][]contract.Finding, contract.Breaking+1)
	for _, f := range fs {
		groups[f.Severity] = append(groups[f.Severity], f)
	}
	var out [][]contract.Finding
	for s := contract.Breaking; s >= contract.Info; s-- {
		if len(groups[s]) > 0 {
			out = append(out, groups[s])
		}
	}
	return out
}

// sourceFile is the file part of a finding source ("a.yaml#3" → "a.yaml");
// empty for live sources.
func sourceFile(source string) string {
	if strings.HasPrefix(source, "live ") {
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
		return "ERROR: some inputs could not be read"
	case exitcode.Findings:
		if n := failing(in); n > 0 || !belowFloor(in) {
			return fmt.Sprintf("FAIL: %s at or above %s", plural(n, "finding"), in.FailOn)
		}
		return fmt.Sprintf("FAIL: coverage %.1f%% is below the floor of %g%%", in.Coverage.Percent, in.MinCoverage)
	}
	return fmt.Sprintf("PASS: nothing at or above %s", in.FailOn)
}

func sortedErrors(errs []error) []error {
	out := append([]error(nil), errs...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Error() < out[j].Error() })
	return out
}

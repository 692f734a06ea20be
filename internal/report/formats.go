package report

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/ghannot"
)

func writeText(w io.Writer, in Input) error {
	b := bufio.NewWriter(w)
	s := Summarize(in)
	c := palette(in.Color)
	fmt.Fprintf(b, "%s: contract %s, %s checked in %s", in.Tool, in.SpecVersion, plural(s.Exchanges, "exchange"), plural(s.Runs, "run"))
	if s.Skipped > 0 {
		fmt.Fprintf(b, " (%d skipped%s)", s.Skipped, skipHeadline(in))
	}
	b.WriteString("\n")
	if len(in.Sources) > 0 {
		fmt.Fprintf(b, "\nRUNS (%d)\n", len(in.Sources))
		for _, run := range in.Sources {
			fmt.Fprintf(b, "  %s: %s\n", terminalSafe(clean(run.Name)), runLine(run))
		}
	}
	for _, group := range bySeverity(findings(in)) {
		sev := group[0].Severity
		fmt.Fprintf(b, "\n%s\n", c.severity(sev, fmt.Sprintf("%s (%d)", strings.ToUpper(sev.String()), len(group))))
		for _, f := range group {
			fmt.Fprintf(b, "  %s at %s%s\n", c.severity(sev, f.ID), terminalSafe(clean(f.Path)), timesText(f.Count))
			fmt.Fprintf(b, "    %s\n", terminalSafe(clean(f.Message)))
			fmt.Fprintf(b, "    %s\n", terminalSafe(sourcesText(f)))
			if a := advice(f.ID); a != "" {
				fmt.Fprintf(b, "    what to do: %s\n", a)
			}
		}
	}
	if acc := accepted(in); len(acc) > 0 {
		fmt.Fprintf(b, "\nACCEPTED BY THE BASELINE (%d)\n", len(acc))
		for _, f := range acc {
			fmt.Fprintf(b, "  %s (%s) at %s%s\n", f.ID, f.Severity, terminalSafe(clean(f.Path)), timesText(f.Count))
			fmt.Fprintf(b, "    %s\n", terminalSafe(clean(acceptance(f.Accepted))))
			fmt.Fprintf(b, "    %s\n", terminalSafe(sourcesText(f)))
		}
	}
	writeEvidenceText(b, in)
	writeCoverageText(b, in)
	if len(in.Errors) > 0 {
		fmt.Fprintf(b, "\n%s\n", c.red(fmt.Sprintf("UNREADABLE INPUTS (%d)", len(in.Errors))))
		for _, err := range sortedErrors(in.Errors) {
			fmt.Fprintf(b, "  %s\n", terminalSafe(clean(err.Error())))
		}
	}
	if re := runErrors(in); len(re) > 0 {
		fmt.Fprintf(b, "\n%s\n", c.red(fmt.Sprintf("RUN ERRORS (%d)", len(re))))
		for _, e := range re {
			fmt.Fprintf(b, "  %s: %s\n", terminalSafe(clean(e.run)), terminalSafe(clean(e.err.Error())))
		}
	}
	// The summary comes last, where a short terminal still shows it.
	fmt.Fprintf(b, "\n%d breaking, %d additive, %d deprecation, %d info", s.Breaking, s.Additive, s.Deprecation, s.Info)
	if s.Accepted > 0 {
		fmt.Fprintf(b, " (%d more accepted by the baseline)", s.Accepted)
	}
	fmt.Fprintf(b, " in %s of %s\n%s\n", plural(s.Exchanges, "exchange"), plural(s.Runs, "run"), c.verdict(ExitCode(in), verdict(in)))
	return b.Flush()
}

// maxTextSources bounds the sources the text format lists for one finding.
const maxTextSources = 5

// timesText is " (in N exchanges)" for a finding seen more than once.
func timesText(n int) string {
	if n < 2 {
		return ""
	}
	return fmt.Sprintf(" (in %d exchanges)", n)
}

// sourcesText is "source: X", or "sources: X, Y, … and N more".
func sourcesText(f item) string {
	if len(f.Sources) < 2 {
		return "source: " + clean(f.Source)
	}
	shown := f.Sources
	more := ""
	if len(shown) > maxTextSources {
		more = fmt.Sprintf(" and %d more", len(shown)-maxTextSources)
		shown = shown[:maxTextSources]
	}
	parts := make([]string, len(shown))
	for i, src := range shown {
		parts[i] = clean(src)
	}
	return "sources: " + strings.Join(parts, ", ") + more
}

// plural is "1 finding", "2 findings".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// colors holds the ANSI escapes of the text format; all empty without
// colour.
type colors struct{ on bool }

func palette(on bool) colors { return colors{on: on} }

func (c colors) paint(code, s string) string {
	if !c.on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (c colors) red(s string) string { return c.paint("1;31", s) }

func (c colors) severity(sev contract.Severity, s string) string {
	switch sev {
	case contract.Breaking:
		return c.paint("1;31", s)
	case contract.Additive:
		return c.paint("33", s)
	case contract.Deprecation:
		return c.paint("35", s)
	}
	return c.paint("36", s)
}

func (c colors) verdict(code int, s string) string {
	if code == exitcode.OK {
		return c.paint("1;32", s)
	}
	return c.paint("1;31", s)
}

// skipHeadline is ": " and the reason when every skipped exchange of in
// has the same one ("not an operation of the contract"), else empty.
func skipHeadline(in Input) string {
	reason := ""
	for _, run := range in.Sources {
		for _, c := range skipsOf(run).Reasons() {
			if reason != "" && c.Reason != reason {
				return ""
			}
			reason = c.Reason
		}
	}
	if reason == "" {
		return ""
	}
	return ": " + terminalSafe(clean(reason))
}

// runLine summarises one run: its exchanges and its findings by severity.
func runLine(run Source) string {
	checked, skipped := runCounts(run)
	counts := map[contract.Severity]int{}
	for _, f := range findings(Input{Sources: []Source{run}}) {
		counts[f.Severity]++
	}
	line := plural(checked, "exchange")
	if skipped > 0 {
		line += fmt.Sprintf(" (+%d skipped)", skipped)
	}
	var parts []string
	for sev := contract.Breaking; sev >= contract.Info; sev-- {
		if counts[sev] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[sev], sev))
		}
	}
	if len(run.Errors) > 0 {
		parts = append(parts, "did not complete ("+plural(len(run.Errors), "run error")+")")
	}
	if len(parts) == 0 {
		return line + ", clean"
	}
	return line + ", " + strings.Join(parts, ", ")
}

type jsonReport struct {
	Tool        string            `json:"tool"`
	SpecVersion string            `json:"specVersion"`
	FailOn      contract.Severity `json:"failOn"`
	ExitCode    int               `json:"exitCode"`
	Summary     Summary           `json:"summary"`
	Findings    []item            `json:"findings"`
	Errors      []jsonError       `json:"errors"`
	Skipped     []jsonSkip        `json:"skipped"`
	// Coverage is present with --coverage; MinCoverage with --min-coverage.
	Coverage    *contract.CoverageReport `json:"coverage,omitempty"`
	MinCoverage float64                  `json:"minCoverage,omitempty"`
	// CoverageScope is the scope MinCoverage applies to.
	CoverageScope contract.CoverageScope `json:"coverageScope,omitempty"`
	Evidence      *evidence              `json:"evidence,omitempty"`
}

// jsonError is an unreadable input (kind "unreadable-input", path the
// file) or a run error (kind "run-error", run the run's name).
type jsonError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
	Kind    string `json:"kind"`
	Run     string `json:"run,omitempty"`
}

// jsonSkip is the exchanges of one run skipped for one reason (see the
// package doc): Source is the first of them, Sources the first
// contract.MaxSkipExamples, Count all of them.
type jsonSkip struct {
	Source  string   `json:"source"`
	Reason  string   `json:"reason"`
	Count   int      `json:"count"`
	Sources []string `json:"sources"`
	Run     string   `json:"run"`
}

func writeJSON(w io.Writer, in Input) error {
	r := jsonReport{
		Tool: in.Tool, SpecVersion: in.SpecVersion, FailOn: in.FailOn, ExitCode: ExitCode(in),
		Summary: Summarize(in), Findings: []item{}, Errors: []jsonError{}, Skipped: []jsonSkip{},
		Coverage: in.Coverage, MinCoverage: in.MinCoverage, Evidence: evidenceOf(in),
	}
	if in.Coverage != nil && in.MinCoverage > 0 {
		r.CoverageScope = scopeOf(in)
	}
	for _, f := range append(findings(in), accepted(in)...) {
		f.Path, f.Message, f.Source = clean(f.Path), clean(f.Message), clean(f.Source)
		if f.Accepted != nil {
			a := *f.Accepted
			a.Reason, a.Ticket, a.File = clean(a.Reason), clean(a.Ticket), clean(a.File)
			f.Accepted = &a
		}
		sources := make([]string, len(f.Sources))
		for i, src := range f.Sources {
			sources[i] = clean(src)
		}
		f.Sources = sources
		r.Findings = append(r.Findings, f)
	}
	for _, err := range sortedErrors(in.Errors) {
		p, m := errorText(err)
		r.Errors = append(r.Errors, jsonError{Path: p, Message: m, Kind: "unreadable-input"})
	}
	for _, e := range runErrors(in) {
		r.Errors = append(r.Errors, jsonError{Message: clean(e.err.Error()), Kind: "run-error", Run: clean(e.run)})
	}
	for _, run := range in.Sources {
		for _, c := range skipsOf(run).Reasons() {
			sk := jsonSkip{Reason: clean(c.Reason), Count: c.Count, Sources: make([]string, len(c.Examples)), Run: clean(run.Name)}
			for i, src := range c.Examples {
				sk.Sources[i] = clean(src)
			}
			if len(sk.Sources) > 0 {
				sk.Source = sk.Sources[0]
			}
			r.Skipped = append(r.Skipped, sk)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// writeJUnit writes one test case per checked exchange, failed when it has
// a finding at or above FailOn; findings below it go to system-out. A run's
// skipped exchanges are one skipped test case per reason (see the package
// doc). Unreadable inputs are test cases with an error.
func writeJUnit(w io.Writer, in Input) error {
	all := junitSuites{Name: in.Tool}
	for _, run := range in.Sources {
		suite := junitSuite{Name: clean(run.Name)}
		seen := occurrences(run)
		for _, res := range run.Results {
			if res.Skipped {
				continue // summarised below
			}
			tc := junitCase{Name: clean(caseName(res)), Classname: clean(run.Name)}
			var failing, other []string
			var firstID string
			var acceptedCases []junitCase
			for _, f := range res.Findings {
				if f.Accepted != nil {
					acceptedCases = append(acceptedCases, junitCase{
						Name:      clean(caseName(res) + " " + f.ID + " at " + f.Path),
						Classname: clean(run.Name),
						Skipped:   &junitMessage{Message: clean(acceptance(f.Accepted)), Type: f.ID},
					})
					continue
				}
				line := fmt.Sprintf("[%s] %s at %s: %s", f.Severity, f.ID, clean(f.Path), clean(f.Message))
				if n := seen[keyOf(0, res.Operation, f)]; n > 1 {
					line += fmt.Sprintf(" (the same finding in %d exchanges of this run)", n)
				}
				if f.Severity >= in.FailOn {
					if firstID == "" {
						firstID = f.ID
					}
					failing = append(failing, line+"\n  what to do: "+advice(f.ID))
				} else {
					other = append(other, line)
				}
			}
			if len(failing) > 0 {
				tc.Failure = &junitMessage{
					Message: fmt.Sprintf("%s at or above %s (first: %s)", plural(len(failing), "finding"), in.FailOn, firstID),
					Type:    firstID,
					Text:    strings.Join(failing, "\n"),
				}
				suite.Failures++
			}
			tc.SystemOut = strings.Join(other, "\n")
			suite.Cases = append(suite.Cases, tc)
			suite.Tests++
			suite.Cases = append(suite.Cases, acceptedCases...)
			suite.Tests += len(acceptedCases)
			suite.Skipped += len(acceptedCases)
		}
		skips := skipsOf(run)
		for _, c := range skips.Reasons() {
			examples := make([]string, len(c.Examples))
			for i, src := range c.Examples {
				examples[i] = clean(src)
			}
			text := "the first: " + strings.Join(examples, ", ")
			if more := c.Count - len(examples); more > 0 {
				text += fmt.Sprintf(" and %d more", more)
			}
			suite.Cases = append(suite.Cases, junitCase{Name: "skipped: " + clean(c.Reason), Classname: clean(run.Name),
				Skipped: &junitMessage{Message: fmt.Sprintf("%s skipped: %s", plural(c.Count, "exchange"), clean(c.Reason)), Text: text}})
			suite.Tests++
			suite.Skipped++
		}
		if n := skips.Total(); n > 0 {
			suite.Properties = append(suite.Properties, junitProperty{Name: "skipped-exchanges", Value: strconv.Itoa(n)})
		}
		for _, err := range run.Errors {
			suite.Cases = append(suite.Cases, junitCase{Name: clean(run.Name) + " (run)", Classname: clean(run.Name),
				Error: &junitMessage{Message: clean(err.Error()), Type: "run-error"}})
			suite.Tests++
			suite.Errors++
		}
		all.Suites = append(all.Suites, suite)
	}
	if len(in.Extra) > 0 {
		suite := junitSuite{Name: "baseline"}
		for _, f := range in.Extra {
			tc := junitCase{Name: clean(f.Source + " " + f.ID), Classname: "baseline"}
			line := fmt.Sprintf("[%s] %s at %s: %s", f.Severity, f.ID, clean(f.Path), clean(f.Message))
			if f.Severity >= in.FailOn {
				tc.Failure = &junitMessage{Message: clean(f.Message), Type: f.ID, Text: line + "\n  what to do: " + advice(f.ID)}
				suite.Failures++
			} else {
				tc.SystemOut = line
			}
			suite.Cases = append(suite.Cases, tc)
			suite.Tests++
		}
		all.Suites = append(all.Suites, suite)
	}
	if suite, ok := junitCoverageSuite(in); ok {
		all.Suites = append(all.Suites, suite)
	}
	if len(in.Errors) > 0 {
		suite := junitSuite{Name: "unreadable inputs"}
		for _, err := range sortedErrors(in.Errors) {
			p, m := errorText(err)
			suite.Cases = append(suite.Cases, junitCase{Name: p, Classname: "input", Error: &junitMessage{Message: m, Type: "unreadable-input"}})
			suite.Tests++
			suite.Errors++
		}
		all.Suites = append(all.Suites, suite)
	}
	for _, s := range all.Suites {
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Errors += s.Errors
		all.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// caseName names an exchange's test case. An exchange of no operation is
// named by its source (file and index), method and status only: its URL
// path is not an operation of the contract and may hold anything, even the
// auth token.
func caseName(res contract.Result) string {
	if res.Method == "" {
		return res.Source
	}
	if res.Skipped || res.Operation == "" {
		return fmt.Sprintf("%s %s (skipped: path not shown) → %d", res.Source, res.Method, res.Status)
	}
	return fmt.Sprintf("%s %s %s → %d", res.Source, res.Method, res.Path, res.Status)
}

// writeGitHub writes workflow commands: ::error for breaking findings,
// ::warning for additive and deprecation, ::notice for info. The file
// property points at the recording, so annotations land on it in a pull
// request.
func writeGitHub(w io.Writer, in Input) error {
	b := bufio.NewWriter(w)
	lines := sourceLines(in)
	for _, f := range findings(in) {
		level := "notice"
		switch f.Severity {
		case contract.Breaking:
			level = "error"
		case contract.Additive, contract.Deprecation:
			level = "warning"
		}
		props := "title=" + ghannot.Property(f.ID+" ("+f.Severity.String()+")")
		if file := sourceFile(clean(f.Source)); file != "" {
			props = "file=" + ghannot.Property(file) + lineProperty(f.Source, lines) + "," + props
		}
		msg := fmt.Sprintf("%s at %s: %s [%s] What to do: %s", f.ID, clean(f.Path), clean(f.Message), annotationSources(f), advice(f.ID))
		fmt.Fprintf(b, "::%s %s::%s\n", level, props, ghannot.Data(msg))
	}
	for _, f := range accepted(in) {
		props := "title=" + ghannot.Property(f.ID+" (accepted)")
		if file := sourceFile(clean(f.Source)); file != "" {
			props = "file=" + ghannot.Property(file) + lineProperty(f.Source, lines) + "," + props
		}
		msg := fmt.Sprintf("%s at %s: %s [%s] %s", f.ID, clean(f.Path), clean(f.Message), annotationSources(f), clean(acceptance(f.Accepted)))
		fmt.Fprintf(b, "::notice %s::%s\n", props, ghannot.Data(msg))
	}
	for _, e := range runErrors(in) {
		fmt.Fprintf(b, "::error title=%s::%s\n", ghannot.Property("run error"), ghannot.Data(clean(e.run)+": "+clean(e.err.Error())))
	}
	for _, err := range sortedErrors(in.Errors) {
		p, m := errorText(err)
		props := "title=" + ghannot.Property("unreadable input")
		if p != "" {
			props = "file=" + ghannot.Property(p) + "," + props
		}
		fmt.Fprintf(b, "::error %s::%s\n", props, ghannot.Data(m))
	}
	writeCoverageGitHub(b, in)
	s := Summarize(in)
	skipped := ""
	if s.Skipped > 0 {
		skipped = fmt.Sprintf(" (%d skipped%s)", s.Skipped, skipHeadline(in))
	}
	fmt.Fprintf(b, "::notice title=%s::%s\n", ghannot.Property(in.Tool), ghannot.Data(fmt.Sprintf(
		"%s%s: %d breaking, %d additive, %d deprecation, %d info. %s",
		plural(s.Exchanges, "exchange"), skipped, s.Breaking, s.Additive, s.Deprecation, s.Info, verdict(in))))
	return b.Flush()
}

// annotationSources is the source of a finding, or for one seen in several
// exchanges "in N exchanges: " and its sources.
func annotationSources(f item) string {
	if len(f.Sources) < 2 {
		return clean(f.Source)
	}
	parts := make([]string, len(f.Sources))
	for i, src := range f.Sources {
		parts[i] = clean(src)
	}
	return fmt.Sprintf("in %d exchanges: %s", f.Count, strings.Join(parts, ", "))
}

// lineProperty is ",line=N" for a source that names a line ("file#L12": a
// baseline entry) or an exchange whose loader knew the line it starts on
// (lines, from sourceLines: the line SARIF's region gives), else empty.
func lineProperty(source string, lines map[string]int) string {
	if i := strings.LastIndex(source, "#L"); i >= 0 {
		if n, err := strconv.Atoi(source[i+2:]); err == nil && n > 0 {
			return ",line=" + strconv.Itoa(n)
		}
	}
	if n := lines[source]; n > 0 {
		return ",line=" + strconv.Itoa(n)
	}
	return ""
}

// writeMarkdown writes a summary for a CI job page ($GITHUB_STEP_SUMMARY).
func writeMarkdown(w io.Writer, in Input) error {
	b := bufio.NewWriter(w)
	s := Summarize(in)
	icon := "✅"
	switch ExitCode(in) {
	case exitcode.Findings:
		icon = "❌"
	case exitcode.Usage:
		icon = "⚠️"
	}
	fmt.Fprintf(b, "## %s %s\n\n", icon, mdEscape(in.Tool))
	fmt.Fprintf(b, "Contract **%s**, failing on **%s** and above. **%s**\n\n", mdEscape(in.SpecVersion), in.FailOn, mdEscape(verdict(in)))
	fmt.Fprintf(b, "| runs | exchanges | skipped | breaking | additive | deprecation | info | accepted | unreadable | run errors |\n")
	fmt.Fprintf(b, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(b, "| %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |\n", s.Runs, s.Exchanges, s.Skipped, s.Breaking, s.Additive, s.Deprecation, s.Info, s.Accepted, s.Unreadable, s.RunErrors)
	for _, group := range bySeverity(findings(in)) {
		fmt.Fprintf(b, "\n### %s (%d)\n\n", strings.ToUpper(group[0].Severity.String()[:1])+group[0].Severity.String()[1:], len(group))
		fmt.Fprintf(b, "| id | path | what changed | exchanges | source |\n|---|---|---|---:|---|\n")
		for _, f := range group {
			fmt.Fprintf(b, "| `%s` | %s | %s | %d | %s |\n", f.ID, mdCode(clean(f.Path)), mdCode(clean(f.Message)), f.Count, mdSources(f))
		}
		seen := map[string]bool{}
		var tips []string
		for _, f := range group {
			if !seen[f.ID] {
				seen[f.ID] = true
				tips = append(tips, fmt.Sprintf("- `%s`: %s", f.ID, mdEscape(advice(f.ID))))
			}
		}
		fmt.Fprintf(b, "\n<details><summary>What to do</summary>\n\n%s\n\n</details>\n", strings.Join(tips, "\n"))
	}
	if acc := accepted(in); len(acc) > 0 {
		fmt.Fprintf(b, "\n### Accepted by the baseline (%d)\n\n", len(acc))
		fmt.Fprintf(b, "| id | path | reason | ticket | expires | entry | source |\n|---|---|---|---|---|---|---|\n")
		for _, f := range acc {
			a := f.Accepted
			fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s | %s | %s |\n", f.ID, mdCode(clean(f.Path)), mdCode(clean(a.Reason)),
				mdCode(clean(a.Ticket)), mdCode(a.Expires), mdCode(clean(fmt.Sprintf("%s:%d", a.File, a.Line))), mdSources(f))
		}
	}
	if re := runErrors(in); len(re) > 0 {
		fmt.Fprintf(b, "\n### Run errors (%d)\n\n", len(re))
		for _, e := range re {
			fmt.Fprintf(b, "- %s: %s\n", mdCode(clean(e.run)), mdCode(clean(e.err.Error())))
		}
	}
	writeEvidenceMarkdown(b, in)
	writeCoverageMarkdown(b, in)
	if len(in.Errors) > 0 {
		fmt.Fprintf(b, "\n### Unreadable inputs (%d)\n\n", len(in.Errors))
		for _, err := range sortedErrors(in.Errors) {
			fmt.Fprintf(b, "- %s\n", mdCode(clean(err.Error())))
		}
	}
	return b.Flush()
}

// mdSources is a finding's first source, and how many more there are.
func mdSources(f item) string {
	if len(f.Sources) < 2 {
		return mdCode(clean(f.Source))
	}
	return fmt.Sprintf("%s and %d more", mdCode(clean(f.Sources[0])), len(f.Sources)-1)
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

// mdCode renders text that comes from a recording as an inline code span, so
// that nothing in it becomes a link, an image or HTML on a job summary page.
// Backticks cannot close the span (they become '), pipes cannot end a table
// cell, and control characters are escaped.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	s = strings.NewReplacer("`", "'", "|", `\|`).Replace(terminalSafe(s))
	return "`" + s + "`"
}

// terminalSafe escapes what a recording could use to drive a terminal or to
// disguise text: C0 and C1 control characters (escape sequences set window
// titles and colours), DEL, Unicode bidirectional controls, and invalid UTF-8.
// Each becomes a Go-style escape (\x1b, \u202e), so it stays visible.
func terminalSafe(s string) string {
	if !strings.ContainsFunc(s, unsafeRune) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f
}

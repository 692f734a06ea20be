package report

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/ghannot"
)

func writeText(w io.Writer, in Input) error {
	b := bufio.NewWriter(w)
	s := Summarize(in)
	fmt.Fprintf(b, "%s: contract %s, %s checked in %s", in.Tool, in.SpecVersion, plural(s.Exchanges, "exchange"), plural(s.Runs, "run"))
	if s.Skipped > 0 {
		fmt.Fprintf(b, " (%d skipped: not operations of the contract)", s.Skipped)
	}
	fmt.Fprintf(b, "\n%d breaking, %d additive, %d deprecation, %d info\n", s.Breaking, s.Additive, s.Deprecation, s.Info)
	if len(in.Sources) > 0 {
		fmt.Fprintf(b, "\nRUNS (%d)\n", len(in.Sources))
		for _, run := range in.Sources {
			fmt.Fprintf(b, "  %s: %s\n", clean(run.Name), runLine(run))
		}
	}
	for _, group := range bySeverity(findings(in)) {
		fmt.Fprintf(b, "\n%s (%d)\n", strings.ToUpper(group[0].Severity.String()), len(group))
		for _, f := range group {
			fmt.Fprintf(b, "  %s at %s\n", f.ID, clean(f.Path))
			fmt.Fprintf(b, "    %s\n", clean(f.Message))
			fmt.Fprintf(b, "    source: %s\n", clean(f.Source))
			if a := advice(f.ID); a != "" {
				fmt.Fprintf(b, "    what to do: %s\n", a)
			}
		}
	}
	if len(in.Errors) > 0 {
		fmt.Fprintf(b, "\nUNREADABLE INPUTS (%d)\n", len(in.Errors))
		for _, err := range sortedErrors(in.Errors) {
			fmt.Fprintf(b, "  %s\n", clean(err.Error()))
		}
	}
	fmt.Fprintf(b, "\n%s\n", verdict(in))
	return b.Flush()
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// runLine summarises one run: its exchanges and its findings by severity.
func runLine(run Source) string {
	checked, skipped := 0, 0
	counts := map[contract.Severity]int{}
	for _, res := range run.Results {
		if res.Skipped {
			skipped++
			continue
		}
		checked++
		for _, f := range res.Findings {
			counts[f.Severity]++
		}
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
	if len(parts) == 0 {
		return line + ", clean"
	}
	return line + ", " + strings.Join(parts, ", ")
}

type jsonReport struct {
	Tool        string             `json:"tool"`
	SpecVersion string             `json:"specVersion"`
	FailOn      contract.Severity  `json:"failOn"`
	ExitCode    int                `json:"exitCode"`
	Summary     Summary            `json:"summary"`
	Findings    []contract.Finding `json:"findings"`
	Errors      []jsonError        `json:"errors"`
	Skipped     []jsonSkip         `json:"skipped"`
}

type jsonError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

type jsonSkip struct {
	Source string `json:"source"`
	Reason string `json:"reason"`
}

func writeJSON(w io.Writer, in Input) error {
	r := jsonReport{
		Tool: in.Tool, SpecVersion: in.SpecVersion, FailOn: in.FailOn, ExitCode: ExitCode(in),
		Summary: Summarize(in), Findings: []contract.Finding{}, Errors: []jsonError{}, Skipped: []jsonSkip{},
	}
	for _, f := range findings(in) {
		f.Path, f.Message, f.Source = clean(f.Path), clean(f.Message), clean(f.Source)
		r.Findings = append(r.Findings, f)
	}
	for _, err := range sortedErrors(in.Errors) {
		p, m := errorText(err)
		r.Errors = append(r.Errors, jsonError{Path: p, Message: m})
	}
	for _, run := range in.Sources {
		for _, res := range run.Results {
			if res.Skipped {
				r.Skipped = append(r.Skipped, jsonSkip{Source: clean(res.Source), Reason: res.SkipReason})
			}
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
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
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

// writeJUnit writes one test case per exchange, failed when it has a
// finding at or above FailOn; findings below it go to system-out. Unreadable
// inputs are test cases with an error.
func writeJUnit(w io.Writer, in Input) error {
	all := junitSuites{Name: in.Tool}
	for _, run := range in.Sources {
		suite := junitSuite{Name: clean(run.Name)}
		for _, res := range run.Results {
			tc := junitCase{Name: clean(caseName(res)), Classname: clean(run.Name)}
			if res.Skipped {
				tc.Skipped = &junitMessage{Message: res.SkipReason}
				suite.Skipped++
			}
			var failing, other []string
			var firstID string
			for _, f := range res.Findings {
				line := fmt.Sprintf("[%s] %s at %s: %s", f.Severity, f.ID, clean(f.Path), clean(f.Message))
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
					Message: fmt.Sprintf("%d findings at or above %s (first: %s)", len(failing), in.FailOn, firstID),
					Type:    firstID,
					Text:    strings.Join(failing, "\n"),
				}
				suite.Failures++
			}
			tc.SystemOut = strings.Join(other, "\n")
			suite.Cases = append(suite.Cases, tc)
			suite.Tests++
		}
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

func caseName(res contract.Result) string {
	if res.Method == "" {
		return res.Source
	}
	return fmt.Sprintf("%s %s %s → %d", res.Source, res.Method, res.Path, res.Status)
}

// writeGitHub writes workflow commands: ::error for breaking findings,
// ::warning for additive and deprecation, ::notice for info. The file
// property points at the recording, so annotations land on it in a pull
// request.
func writeGitHub(w io.Writer, in Input) error {
	b := bufio.NewWriter(w)
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
			props = "file=" + ghannot.Property(file) + "," + props
		}
		msg := fmt.Sprintf("%s at %s: %s [%s] What to do: %s", f.ID, clean(f.Path), clean(f.Message), clean(f.Source), advice(f.ID))
		fmt.Fprintf(b, "::%s %s::%s\n", level, props, ghannot.Data(msg))
	}
	for _, err := range sortedErrors(in.Errors) {
		p, m := errorText(err)
		props := "title=" + ghannot.Property("unreadable input")
		if p != "" {
			props = "file=" + ghannot.Property(p) + "," + props
		}
		fmt.Fprintf(b, "::error %s::%s\n", props, ghannot.Data(m))
	}
	s := Summarize(in)
	fmt.Fprintf(b, "::notice title=%s::%s\n", ghannot.Property(in.Tool), ghannot.Data(fmt.Sprintf(
		"%s: %d breaking, %d additive, %d deprecation, %d info. %s",
		plural(s.Exchanges, "exchange"), s.Breaking, s.Additive, s.Deprecation, s.Info, verdict(in))))
	return b.Flush()
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
	fmt.Fprintf(b, "| runs | exchanges | skipped | breaking | additive | deprecation | info | unreadable |\n")
	fmt.Fprintf(b, "|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(b, "| %d | %d | %d | %d | %d | %d | %d | %d |\n", s.Runs, s.Exchanges, s.Skipped, s.Breaking, s.Additive, s.Deprecation, s.Info, s.Unreadable)
	for _, group := range bySeverity(findings(in)) {
		fmt.Fprintf(b, "\n### %s (%d)\n\n", strings.ToUpper(group[0].Severity.String()[:1])+group[0].Severity.String()[1:], len(group))
		fmt.Fprintf(b, "| id | path | what changed | source |\n|---|---|---|---|\n")
		for _, f := range group {
			fmt.Fprintf(b, "| `%s` | `%s` | %s | %s |\n", f.ID, mdCode(clean(f.Path)), mdEscape(clean(f.Message)), mdEscape(clean(f.Source)))
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
	if len(in.Errors) > 0 {
		fmt.Fprintf(b, "\n### Unreadable inputs (%d)\n\n", len(in.Errors))
		for _, err := range sortedErrors(in.Errors) {
			fmt.Fprintf(b, "- %s\n", mdEscape(clean(err.Error())))
		}
	}
	return b.Flush()
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", `\|`, "\n", " ").Replace(s)
}

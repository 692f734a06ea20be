package report_test

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/report"
)

// sunsetRun is one run of nine exchanges that all carry the same Sunset
// header, as a live run against an endpoint that announces its retirement
// does, and a tenth whose Sunset finding says something else.
func sunsetRun(name string) report.Source {
	run := report.Source{Name: name}
	for i := range 9 {
		src := fmt.Sprintf("%s#%d", name, i)
		run.Results = append(run.Results, contract.Result{Source: src, Method: "GET", Path: "/backend/tokens", Operation: "list", Status: 200,
			Findings: []contract.Finding{finding(contract.IDSunsetAnnounced, contract.Deprecation, "header Sunset", "sunset on 2027-01-01", src)}})
	}
	src := name + "#9"
	run.Results = append(run.Results, contract.Result{Source: src, Method: "GET", Path: "/backend/tokens", Operation: "list", Status: 200,
		Findings: []contract.Finding{finding(contract.IDSunsetAnnounced, contract.Deprecation, "header Sunset", "sunset on 2027-02-01", src)}})
	return run
}

func sunsetInput() report.Input {
	return report.Input{Tool: "tokens-contract check", SpecVersion: "1.0.0", FailOn: contract.Deprecation,
		Sources: []report.Source{sunsetRun("rec/a.yaml"), {Name: "rec/b.yaml", Results: []contract.Result{
			{Source: "rec/b.yaml#0", Method: "GET", Path: "/backend/tokens", Operation: "list", Status: 200, Findings: []contract.Finding{
				finding(contract.IDSunsetAnnounced, contract.Deprecation, "header Sunset", "sunset on 2027-01-01", "rec/b.yaml#0")}},
		}}}}
}

type jsonFinding struct {
	ID, Path, Message, Source string
	Count                     int
	Sources                   []string
}

func TestSameFindingAcrossExchangesIsOneFindingInJSON(t *testing.T) {
	var rep struct {
		Summary  report.Summary
		Findings []jsonFinding
	}
	if err := json.Unmarshal([]byte(render(t, "json", sunsetInput())), &rep); err != nil {
		t.Fatal(err)
	}
	// The nine of a.yaml are one; a.yaml#9 says something else; b.yaml is
	// another run.
	if len(rep.Findings) != 3 || rep.Summary.Deprecation != 3 {
		t.Fatalf("%d findings, summary %+v, want 3", len(rep.Findings), rep.Summary)
	}
	first := rep.Findings[0]
	if first.Count != 9 || len(first.Sources) != 9 || first.Source != "rec/a.yaml#0" || first.Sources[8] != "rec/a.yaml#8" {
		t.Errorf("merged finding = %+v", first)
	}
	for _, f := range rep.Findings[1:] {
		if f.Count != 1 || len(f.Sources) != 1 || f.Sources[0] != f.Source {
			t.Errorf("a finding seen once = %+v", f)
		}
	}
}

// TestAggregationKey: what keeps two findings of one run apart.
func TestAggregationKey(t *testing.T) {
	base := func(src string) contract.Finding {
		return finding(contract.IDUnknownField, contract.Additive, "$.data[*].x", "field x is not declared", src)
	}
	acc := &contract.Acceptance{Reason: "r", Expires: "2099-01-01", File: "baseline.yaml", Line: 3}
	tests := []struct {
		name   string
		second func(contract.Finding) (contract.Finding, string)
		want   int // findings in the JSON report
	}{
		{"identical", func(f contract.Finding) (contract.Finding, string) { return f, "list" }, 1},
		{"another operation", func(f contract.Finding) (contract.Finding, string) { return f, "delete" }, 2},
		{"another path", func(f contract.Finding) (contract.Finding, string) { f.Path = "$.data[*].y"; return f, "list" }, 2},
		{"another message", func(f contract.Finding) (contract.Finding, string) { f.Message += "!"; return f, "list" }, 2},
		{"another id", func(f contract.Finding) (contract.Finding, string) { f.ID = contract.IDTypeMismatch; return f, "list" }, 2},
		{"another severity", func(f contract.Finding) (contract.Finding, string) { f.Severity = contract.Info; return f, "list" }, 2},
		{"accepted by the baseline", func(f contract.Finding) (contract.Finding, string) { f.Accepted = acc; return f, "list" }, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			second, op := tt.second(base("r.yaml#1"))
			in := report.Input{Tool: "t", SpecVersion: "1", FailOn: contract.Additive, Sources: []report.Source{{Name: "r.yaml", Results: []contract.Result{
				{Source: "r.yaml#0", Operation: "list", Findings: []contract.Finding{base("r.yaml#0")}},
				{Source: "r.yaml#1", Operation: op, Findings: []contract.Finding{second}},
			}}}}
			var rep struct{ Findings []jsonFinding }
			if err := json.Unmarshal([]byte(render(t, "json", in)), &rep); err != nil {
				t.Fatal(err)
			}
			if len(rep.Findings) != tt.want {
				t.Errorf("%d findings, want %d: %+v", len(rep.Findings), tt.want, rep.Findings)
			}
		})
	}
}

func TestSameFindingAcrossExchangesInText(t *testing.T) {
	out := render(t, "text", sunsetInput())
	for _, want := range []string{
		"DEPRECATION (3)",
		"sunset-announced at header Sunset (in 9 exchanges)",
		"sources: rec/a.yaml#0, rec/a.yaml#1, rec/a.yaml#2, rec/a.yaml#3, rec/a.yaml#4 and 4 more",
		"rec/a.yaml: 10 exchanges, 2 deprecation",
		"FAIL: 3 findings at or above deprecation",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "sunset-announced at"); n != 3 {
		t.Errorf("%d findings printed, want 3", n)
	}
}

func TestSameFindingAcrossExchangesInAnnotationsAndMarkdown(t *testing.T) {
	gh := render(t, "github", sunsetInput())
	if n := strings.Count(gh, "title=sunset-announced"); n != 3 {
		t.Errorf("%d annotations, want 3:\n%s", n, gh)
	}
	if !strings.Contains(gh, "[in 9 exchanges: rec/a.yaml#0, rec/a.yaml#1,") {
		t.Errorf("the merged annotation does not name its exchanges:\n%s", gh)
	}
	md := render(t, "markdown", sunsetInput())
	if !strings.Contains(md, "| `sunset on 2027-01-01` | 9 | `rec/a.yaml#0` and 8 more |") || strings.Count(md, "| `sunset-announced` |") != 3 {
		t.Errorf("markdown:\n%s", md)
	}
}

func TestSameFindingAcrossExchangesInSARIF(t *testing.T) {
	out := []byte(render(t, "sarif", sunsetInput()))
	validSARIF(t, out)
	var log struct {
		Runs []struct {
			Results []struct {
				Locations           []json.RawMessage
				RelatedLocations    []struct{ ID int }
				Properties          struct{ Count int }
				PartialFingerprints map[string]string
			}
		}
	}
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	if len(res) != 3 {
		t.Fatalf("%d results, want 3", len(res))
	}
	if len(res[0].Locations) != 1 || len(res[0].RelatedLocations) != 8 || res[0].Properties.Count != 9 || res[0].RelatedLocations[7].ID != 8 {
		t.Errorf("merged result: %d locations, %d related, count %d", len(res[0].Locations), len(res[0].RelatedLocations), res[0].Properties.Count)
	}
	// The fingerprint is that of the same finding seen once: merging does
	// not open new alerts in code scanning.
	single := sunsetInput()
	single.Sources[0].Results = single.Sources[0].Results[:1]
	var one struct {
		Runs []struct {
			Results []struct{ PartialFingerprints map[string]string }
		}
	}
	if err := json.Unmarshal([]byte(render(t, "sarif", single)), &one); err != nil {
		t.Fatal(err)
	}
	if got, want := res[0].PartialFingerprints, one.Runs[0].Results[0].PartialFingerprints; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("fingerprint %v, a single occurrence has %v", got, want)
	}
}

func TestSameFindingAcrossExchangesInJUnit(t *testing.T) {
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(render(t, "junit", sunsetInput())), &doc); err != nil {
		t.Fatal(err)
	}
	// A test case is an exchange: eleven of them, all failing at deprecation.
	if doc.Tests != 11 || doc.Failures != 11 {
		t.Errorf("tests %d failures %d", doc.Tests, doc.Failures)
	}
	f := doc.Suites[0].Cases[0].Failure
	if f == nil || f.Message != "1 finding at or above deprecation (first: sunset-announced)" || !strings.Contains(f.Text, "(the same finding in 9 exchanges of this run)") {
		t.Errorf("failure %+v", f)
	}
	if f := doc.Suites[0].Cases[9].Failure; f == nil || strings.Contains(f.Text, "exchanges of this run") {
		t.Errorf("a finding seen once claims company: %+v", f)
	}
}

// A run that could not complete (a live run whose token was rejected, or
// whose first request got no response) is an error in every format, and
// never "clean".
func TestRunErrors(t *testing.T) {
	in := report.Input{Tool: "tokens-contract live", SpecVersion: "1.0.0", FailOn: contract.Additive,
		Sources: []report.Source{{Name: "live https://example.test", Errors: []error{errors.New("live GET /backend/tokens: no response: connection refused")}}}}
	if got := report.ExitCode(in); got != exitcode.Usage {
		t.Errorf("exit code %d, want 2", got)
	}
	text := render(t, "text", in)
	for _, want := range []string{"live https://example.test: 0 exchanges, did not complete (1 run error)", "RUN ERRORS (1)\n  live https://example.test: live GET /backend/tokens: no response: connection refused", "ERROR: a run could not complete"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "clean") || strings.Contains(text, "UNREADABLE") {
		t.Errorf("a run that did not complete is called clean or unreadable:\n%s", text)
	}
	var rep struct {
		Summary report.Summary
		Errors  []struct{ Kind, Run, Message string }
	}
	if err := json.Unmarshal([]byte(render(t, "json", in)), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.RunErrors != 1 || rep.Summary.Unreadable != 0 || len(rep.Errors) != 1 || rep.Errors[0].Kind != "run-error" || rep.Errors[0].Run != "live https://example.test" {
		t.Errorf("json: %+v", rep)
	}
	for _, format := range []string{"junit", "github", "markdown", "sarif"} {
		if out := render(t, format, in); !strings.Contains(out, "no response: connection refused") {
			t.Errorf("%s does not report the run error:\n%s", format, out)
		}
	}
	in.Errors = []error{errors.New("bad.har: not a HAR file")}
	if text := render(t, "text", in); !strings.Contains(text, "ERROR: some inputs could not be read and a run could not complete") {
		t.Errorf("both kinds of error:\n%s", text)
	}
}

// The text report ends with the summary line and the verdict, so that a
// short terminal shows them; grammar holds for one of anything.
func TestTextEndsWithSummary(t *testing.T) {
	in := report.Input{Tool: "t", SpecVersion: "1", FailOn: contract.Additive, Sources: []report.Source{{Name: "r.yaml", Results: []contract.Result{
		{Source: "r.yaml#0", Findings: []contract.Finding{finding(contract.IDUnknownField, contract.Additive, "$.x", "m", "r.yaml#0")}},
	}}}}
	lines := strings.Split(strings.TrimRight(render(t, "text", in), "\n"), "\n")
	if got := lines[len(lines)-2:]; got[0] != "0 breaking, 1 additive, 0 deprecation, 0 info in 1 exchange of 1 run" || got[1] != "FAIL: 1 finding at or above additive" {
		t.Errorf("last lines %q", got)
	}
}

func TestTextColor(t *testing.T) {
	in := sunsetInput()
	if out := render(t, "text", in); strings.Contains(out, "\x1b") {
		t.Errorf("colour without Color:\n%q", out)
	}
	in.Color = true
	out := render(t, "text", in)
	for _, want := range []string{"\x1b[35mDEPRECATION (3)\x1b[0m", "\x1b[1;31mFAIL: 3 findings at or above deprecation\x1b[0m"} {
		if !strings.Contains(out, want) {
			t.Errorf("coloured text lacks %q:\n%q", want, out)
		}
	}
	in.FailOn = contract.Breaking
	if out := render(t, "text", in); !strings.Contains(out, "\x1b[1;32mPASS") {
		t.Errorf("a pass is not green:\n%q", out)
	}
	// Colour is for text on a terminal: no other format carries it.
	for _, format := range []string{"json", "github", "markdown", "junit", "sarif"} {
		if strings.Contains(render(t, format, in), "\x1b") {
			t.Errorf("%s carries an escape", format)
		}
	}
}

package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/report"
)

func finding(id string, sev contract.Severity, path, msg, source string) contract.Finding {
	return contract.Finding{ID: id, Severity: sev, Path: path, Message: msg, Source: source}
}

// sample is two runs: one with a breaking, an additive and an info finding
// over two exchanges (one skipped), one clean; and an unreadable file.
func sample(failOn contract.Severity) report.Input {
	return report.Input{
		Tool: "tokens-contract check", SpecVersion: "1.0.0", FailOn: failOn,
		Sources: []report.Source{
			{Name: "drift/a.yaml", Results: []contract.Result{
				{Source: "drift/a.yaml#0", Method: "GET", Path: "/backend/tokens", Operation: "get-backend-tokens", Status: 200, Findings: []contract.Finding{
					finding(contract.IDMissingField, contract.Breaking, "$.data[*].storeHash", "required field \"storeHash\" is missing | pipe\nnewline", "drift/a.yaml#0"),
					finding(contract.IDUnknownField, contract.Additive, "$.data[0].scope", "field scope is not declared in the contract", "drift/a.yaml#0"),
				}},
				{Source: "drift/a.yaml#1", Method: "GET", Path: "/backend/tokens", Status: 401, Findings: []contract.Finding{
					finding(contract.IDCredentialsRejected, contract.Info, "status", "credentials rejected: 100%, a:b", "drift/a.yaml#1"),
				}},
				{Source: "drift/a.yaml#2", Skipped: true, SkipReason: "not an operation of the contract", Findings: []contract.Finding{}},
			}},
			{Name: "recordings/b.yaml", Results: []contract.Result{{Source: "recordings/b.yaml#0", Method: "DELETE", Path: "/auth/backend", Status: 200, Findings: []contract.Finding{}}}},
		},
		Errors: []error{&recording.LoadError{Path: "bad.har", Err: errors.New("not a HAR file: invalid JSON at byte 3")}},
	}
}

func TestExitCode(t *testing.T) {
	in := sample(contract.Breaking)
	if got := report.ExitCode(in); got != exitcode.Usage {
		t.Errorf("with an unreadable input: %d, want 2", got)
	}
	in.Errors = nil
	tests := []struct {
		failOn contract.Severity
		want   int
	}{{contract.Breaking, 1}, {contract.Additive, 1}, {contract.Deprecation, 1}}
	for _, tt := range tests {
		in.FailOn = tt.failOn
		if got := report.ExitCode(in); got != tt.want {
			t.Errorf("fail-on %s: %d, want %d", tt.failOn, got, tt.want)
		}
	}
	in.Sources = in.Sources[1:] // the clean run only
	if got := report.ExitCode(in); got != exitcode.OK {
		t.Errorf("clean: %d", got)
	}
	in.Sources = []report.Source{{Results: []contract.Result{{Findings: []contract.Finding{finding(contract.IDSunsetAnnounced, contract.Deprecation, "header Sunset", "m", "s")}}}}}
	in.FailOn = contract.Additive
	if got := report.ExitCode(in); got != exitcode.OK {
		t.Errorf("a deprecation with fail-on additive: %d, want 0", got)
	}
}

func render(t *testing.T, format string, in report.Input) string {
	t.Helper()
	var buf bytes.Buffer
	if err := report.Write(&buf, format, in); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestText(t *testing.T) {
	out := render(t, "text", sample(contract.Additive))
	iBreaking, iAdditive, iInfo := strings.Index(out, "BREAKING (1)"), strings.Index(out, "ADDITIVE (1)"), strings.Index(out, "INFO (1)")
	if iBreaking < 0 || iAdditive < iBreaking || iInfo < iAdditive {
		t.Errorf("findings are not grouped by severity, most serious first:\n%s", out)
	}
	for _, want := range []string{
		"missing-field at $.data[*].storeHash",
		"what to do: Consumers reading this field break",
		"drift/a.yaml: 2 exchanges (+1 skipped), 1 breaking, 1 additive, 1 info",
		"recordings/b.yaml: 1 exchange, clean",
		"UNREADABLE INPUTS (1)\n  bad.har: not a HAR file",
		"ERROR: some inputs could not be read",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
}

func TestJSON(t *testing.T) {
	out := render(t, "json", sample(contract.Additive))
	var rep map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not one JSON object: %v", err)
	}
	var findings []map[string]any
	json.Unmarshal(rep["findings"], &findings)
	if len(findings) != 3 {
		t.Fatalf("%d findings", len(findings))
	}
	for _, f := range findings {
		if len(f) != 7 || f["id"] == nil || f["severity"] == nil || f["path"] == nil || f["message"] == nil || f["source"] == nil || f["count"] != 1.0 || f["sources"] == nil {
			t.Errorf("a finding is not exactly {id, severity, path, message, source, count, sources}: %v", f)
		}
	}
	if findings[0]["severity"] != "breaking" {
		t.Errorf("severity is not written by name: %v", findings[0]["severity"])
	}
	var summary report.Summary
	json.Unmarshal(rep["summary"], &summary)
	want := report.Summary{Runs: 2, Exchanges: 3, Skipped: 1, Breaking: 1, Additive: 1, Info: 1, Unreadable: 1}
	if summary != want {
		t.Errorf("summary = %+v, want %+v", summary, want)
	}
	if string(rep["exitCode"]) != "2" || string(rep["failOn"]) != `"additive"` {
		t.Errorf("exitCode %s, failOn %s", rep["exitCode"], rep["failOn"])
	}
}

func TestJUnit(t *testing.T) {
	out := render(t, "junit", sample(contract.Breaking))
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
				} `xml:"failure"`
				SystemOut string `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	// One test case per exchange (4) plus one per unreadable input.
	if doc.Tests != 5 || doc.Failures != 1 || doc.Errors != 1 || doc.Skipped != 1 {
		t.Errorf("tests %d failures %d errors %d skipped %d", doc.Tests, doc.Failures, doc.Errors, doc.Skipped)
	}
	first := doc.Suites[0].Cases[0]
	if first.Failure == nil || first.Failure.Type != contract.IDMissingField {
		t.Fatalf("the breaking exchange did not fail: %+v", first)
	}
	// With fail-on breaking, the additive finding is reported but does not fail.
	if !strings.Contains(first.SystemOut, "unknown-field") {
		t.Errorf("findings below fail-on are not in system-out: %q", first.SystemOut)
	}
}

func TestGitHub(t *testing.T) {
	out := render(t, "github", sample(contract.Additive))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 { // 3 findings, 1 unreadable input, 1 summary
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	for i, prefix := range []string{"::error file=drift/a.yaml,title=missing-field (breaking)::", "::warning file=drift/a.yaml,", "::notice file=drift/a.yaml,", "::error file=bad.har,", "::notice title=tokens-contract check::"} {
		if !strings.HasPrefix(lines[i], prefix) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], prefix)
		}
	}
	if !strings.Contains(lines[0], "missing | pipe%0Anewline") || !strings.Contains(lines[2], "100%25, a:b") {
		t.Errorf("messages are not escaped: %q / %q", lines[0], lines[2])
	}
}

func TestMarkdown(t *testing.T) {
	out := render(t, "markdown", sample(contract.Additive))
	for _, want := range []string{
		"## ⚠️ tokens-contract check",
		"| 2 | 3 | 1 | 1 | 1 | 0 | 1 | 0 | 1 | 0 |",
		"### Breaking (1)",
		"| `missing-field` | `$.data[*].storeHash` | `required field \"storeHash\" is missing \\| pipe\\x0anewline` | 1 | `drift/a.yaml#0` |",
		"<details><summary>What to do</summary>",
		"### Unreadable inputs (1)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	err := report.Write(&bytes.Buffer{}, "pdf", sample(contract.Additive))
	if err == nil || !strings.Contains(err.Error(), "text, json, junit, github, markdown") {
		t.Errorf("got %v", err)
	}
	if report.ValidFormat("pdf") || !report.ValidFormat("junit") {
		t.Error("ValidFormat is wrong")
	}
}

func ExampleWrite() {
	in := report.Input{
		Tool: "tokens-contract check", SpecVersion: "1.0.0", FailOn: contract.Additive,
		Sources: []report.Source{{Name: "drift/token-masked.yaml", Results: []contract.Result{{
			Source: "drift/token-masked.yaml#0", Method: "GET", Path: "/backend/tokens", Status: 200,
			Findings: []contract.Finding{{ID: "token-not-jwt", Severity: contract.Breaking, Path: "$.data[*].token",
				Message: "the token is not a JWT", Source: "drift/token-masked.yaml#0"}},
		}}}},
	}
	_ = report.Write(os.Stdout, "github", in)
	// Output:
	// ::error file=drift/token-masked.yaml,title=token-not-jwt (breaking)::token-not-jwt at $.data[*].token: the token is not a JWT [drift/token-masked.yaml#0] What to do: Code that uses listed tokens as credentials breaks. Check whether the vendor now masks them.
	// ::notice title=tokens-contract check::1 exchange: 1 breaking, 0 additive, 0 deprecation, 0 info. FAIL: 1 finding at or above additive
}

// TestTextEscapesTerminalControls pins an audit finding: an escape sequence
// in a recorded header reached the terminal through --format text (setting
// the window title and colours). Control characters, bidi overrides and
// invalid UTF-8 are printed as visible escapes.
func TestTextEscapesTerminalControls(t *testing.T) {
	hostile := "text/html\x1b]0;pwned\x07\x1b[31mred\u202egnp.exe\xff"
	in := report.Input{
		Tool: "tokens-contract check", SpecVersion: "1.0.0", FailOn: contract.Additive,
		Sources: []report.Source{{Name: "rec\x1b[2J.yaml", Results: []contract.Result{{
			Source: "rec.yaml#0", Method: "GET", Path: "/backend/tokens", Status: 200,
			Findings: []contract.Finding{finding(contract.IDUndeclaredContentType, contract.Breaking, "header Content-Type", "content type "+hostile, "rec\x1b[2J.yaml#0")},
		}}}},
	}
	for _, format := range []string{"text", "markdown"} {
		out := render(t, format, in)
		for i, r := range out {
			if (r < 0x20 && r != '\n') || r == 0x7f || r == 0x202e || r == utf8.RuneError {
				t.Fatalf("%s: control character %U at byte %d", format, r, i)
			}
		}
		for _, want := range []string{`\x1b]0;pwned\x07`, `\u202e`, `\xff`, `rec\x1b[2J.yaml`} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks the visible escape %q", format, want)
			}
		}
	}
}

// TestMarkdownRendersRecordedTextAsCode pins an audit finding: a recorded
// Link header in a finding's message became a remote image on a GitHub job
// summary. Rendered by a CommonMark+GFM renderer, no recording-derived text
// may become an image, a link or HTML.
func TestMarkdownRendersRecordedTextAsCode(t *testing.T) {
	hostile := "![x](https://tracker.example/p.png) [click](https://evil.example) <img src=x onerror=alert(1)> `code` | cell"
	in := report.Input{
		Tool: "tokens-contract check", SpecVersion: "1.0.0", FailOn: contract.Additive,
		Sources: []report.Source{{Name: "rec.yaml", Results: []contract.Result{{
			Source: "rec.yaml#0", Method: "GET", Path: "/backend/tokens", Status: 200,
			Findings: []contract.Finding{finding(contract.IDDeprecationLink, contract.Deprecation, "header Link", "Link "+hostile, "rec.yaml#0 "+hostile)},
		}}}},
		Errors: []error{&recording.LoadError{Path: "x.har", Err: errors.New(hostile)}},
	}
	md := render(t, "markdown", in)
	var html bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte(md), &html); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<img", "<a ", "tracker.example/p.png\"", "onerror=alert(1)>"} {
		if strings.Contains(html.String(), bad) {
			t.Errorf("rendered markdown contains %q:\n%s", bad, html.String())
		}
	}
	if strings.Count(html.String(), "<td>") < 4 || !strings.Contains(html.String(), "<code>Link ![x](https://tracker.example/p.png)") {
		t.Errorf("the message is not one code cell:\n%s", html.String())
	}
}

// Accepted findings fail no run and stay visible in every format; the
// baseline's own findings count like any other.
func TestAcceptedFindings(t *testing.T) {
	acc := finding(contract.IDTypeMismatch, contract.Breaking, "$.data[*].id", "id is a string", "rec.yaml#0")
	acc.Accepted = &contract.Acceptance{File: "accepted.yaml", Line: 4, Reason: "ids are strings since May", Ticket: "PLAT-9", Expires: "2027-03-31"}
	unused := finding(contract.IDBaselineUnused, contract.Info, "$.data[*].x", "matched nothing", "accepted.yaml#L12")
	in := report.Input{Tool: "tokens-contract check", SpecVersion: "1.0.0", FailOn: contract.Additive,
		Sources: []report.Source{{Name: "rec.yaml", Results: []contract.Result{{Source: "rec.yaml#0", Method: "GET", Path: "/backend/tokens", Status: 200, Findings: []contract.Finding{acc}}}}},
		Extra:   []contract.Finding{unused}}
	if code := report.ExitCode(in); code != exitcode.OK {
		t.Fatalf("exit %d with only an accepted breaking finding, want 0", code)
	}
	s := report.Summarize(in)
	if s.Breaking != 0 || s.Accepted != 1 || s.Info != 1 {
		t.Errorf("summary = %+v, want 0 breaking, 1 accepted, 1 info", s)
	}
	wants := map[string][]string{
		"text":     {"ACCEPTED BY THE BASELINE (1)", "accepted until 2027-03-31 by accepted.yaml:4: ids are strings since May (PLAT-9)", "(1 more accepted by the baseline)", "baseline-entry-unused at $.data[*].x"},
		"json":     {`"baseline": {`, `"reason": "ids are strings since May"`, `"accepted": 1`},
		"junit":    {`skipped="1"`, `<skipped message="accepted until 2027-03-31 by accepted.yaml:4: ids are strings since May (PLAT-9)" type="type-mismatch">`, `<testsuite name="baseline"`},
		"github":   {"::notice file=rec.yaml,title=type-mismatch (accepted)::", "::notice file=accepted.yaml,line=12,title=baseline-entry-unused (info)::"},
		"markdown": {"### Accepted by the baseline (1)", "| `type-mismatch` | `$.data[*].id` | `ids are strings since May` | `PLAT-9` | `2027-03-31` | `accepted.yaml:4` | `rec.yaml#0` |"},
		"sarif":    {`"kind": "external"`, `"status": "accepted"`},
	}
	for format, want := range wants {
		out := render(t, format, in)
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s lacks %q:\n%s", format, w, out)
			}
		}
	}
	validSARIF(t, []byte(render(t, "sarif", in)))

	// An expired entry is a breaking finding of its own: the run fails.
	in.Extra = append(in.Extra, finding(contract.IDBaselineExpired, contract.Breaking, "$.data[*].email", "expired", "accepted.yaml#L20"))
	if code := report.ExitCode(in); code != exitcode.Findings {
		t.Errorf("exit %d with an expired baseline entry, want 1", code)
	}
}

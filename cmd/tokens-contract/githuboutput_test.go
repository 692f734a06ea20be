package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/report"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// outputLines are the lines check --github-output appended after what the
// file held before.
func outputLines(t *testing.T, path, before string) string {
	t.Helper()
	got := mustRead(t, path)
	if !strings.HasPrefix(got, before) {
		t.Fatalf("%s lost what it held: %q, want it to start with %q", path, got, before)
	}
	return strings.TrimPrefix(got, before)
}

// TestCheckGitHubOutput: check --github-output appends the step outputs to
// a file that already holds lines (as $GITHUB_OUTPUT may), with the exit
// code and the counts of the JSON report of the same run; a run stopped by
// a usage error appends exit-code alone.
func TestCheckGitHubOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.har")
	if err := os.WriteFile(broken, []byte(`{"log": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	ledger := filepath.Join(dir, "accepted.yaml")
	if err := os.WriteFile(ledger, []byte("not: [a ledger"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string // the lines appended; "" means compare with the JSON report
	}{
		{"the shipped recordings", []string{recordingsDir}, exitcode.OK,
			"exit-code=0\nbreaking=0\nadditive=0\ndeprecation=0\ninfo=1\naccepted=0\nunreadable=0\nexchanges=15\nskipped=1\ncoverage=\n"},
		{"two drift recordings", []string{driftDir + "/field-added-item.yaml", driftDir + "/deprecation-header.yaml"}, exitcode.Findings,
			"exit-code=1\nbreaking=0\nadditive=1\ndeprecation=1\ninfo=0\naccepted=0\nunreadable=0\nexchanges=2\nskipped=0\ncoverage=\n"},
		{"the drift corpus", []string{driftDir}, exitcode.Findings, ""},
		{"an unreadable recording beside a good one", []string{broken, driftDir + "/field-added-item.yaml"}, exitcode.Usage,
			"exit-code=2\nbreaking=0\nadditive=1\ndeprecation=0\ninfo=0\naccepted=0\nunreadable=1\nexchanges=1\nskipped=0\ncoverage=\n"},
		{"with coverage", []string{"--coverage", recordingsDir}, exitcode.OK, ""},
		{"a usage error", []string{"--fail-on", "info", recordingsDir}, exitcode.Usage, "exit-code=2\n"},
		{"an unreadable baseline", []string{"--baseline", ledger, recordingsDir}, exitcode.Usage, "exit-code=2\n"},
		{"no path", nil, exitcode.Usage, "exit-code=2\n"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, fmt.Sprintf("output-%d", i))
			const before = "earlier-step=1\n"
			if err := os.WriteFile(out, []byte(before), 0o644); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"check", "--format", "json", "--github-output", out}, tt.args...)
			code, stdout, stderr := runCLI(t, args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.code, stderr)
			}
			got := outputLines(t, out, before)
			want := tt.want
			if want == "" {
				var rep struct{ Summary report.Summary }
				if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
					t.Fatalf("stdout is not a JSON report: %v", err)
				}
				s := rep.Summary
				want = fmt.Sprintf("exit-code=%d\nbreaking=%d\nadditive=%d\ndeprecation=%d\ninfo=%d\naccepted=%d\nunreadable=%d\nexchanges=%d\nskipped=%d\n",
					tt.code, s.Breaking, s.Additive, s.Deprecation, s.Info, s.Accepted, s.Unreadable, s.Exchanges, s.Skipped)
				if !strings.HasPrefix(got, want) {
					t.Fatalf("appended\n%s\nwant it to start with\n%s", got, want)
				}
				cov := strings.TrimPrefix(got, want)
				if strings.Contains(tt.name, "coverage") != regexp.MustCompile(`^coverage=\d+\.\d\n$`).MatchString(cov) {
					t.Errorf("coverage line %q", cov)
				}
				return
			}
			if got != want {
				t.Errorf("appended\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestCheckGitHubOutputRefused: a --github-output that cannot be written,
// or that is an input or another output, is a usage error before the run,
// and nothing is written.
func TestCheckGitHubOutputRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := filepath.Join(dir, "rec.yaml")
	if err := os.WriteFile(rec, []byte(mustRead(t, driftDir+"/field-added-item.yaml")), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.md")
	tests := []struct {
		name, output string
		extra        []string
		want         string
	}{
		{"a directory", dir, nil, "--github-output " + dir + ": it is a directory"},
		{"under a regular file", filepath.Join(file, "out"), nil, "not a directory"},
		{"the recording checked", rec, nil, "an output never replaces an input"},
		{"also a --report file", report, []string{"--report", "markdown=" + report}, "two outputs never share one file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"check", "--github-output", tt.output}, tt.extra...), rec)
			code, stdout, stderr := runCLI(t, args...)
			if code != exitcode.Usage || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("the run went on: %s", stdout)
			}
			if got := mustRead(t, rec); got != mustRead(t, driftDir+"/field-added-item.yaml") {
				t.Error("the recording was written to")
			}
			if _, err := os.Stat(report); err == nil {
				t.Error("the --report file was written")
			}
		})
	}
}

// TestCheckGitHubOutputLeaksNoSecret: the canary leak test for
// --github-output: a page with a token and an email in undeclared fields
// and as a member's name gives outputs that are numbers only.
func TestCheckGitHubOutputLeaksNoSecret(t *testing.T) {
	t.Parallel()
	email := synthetic.CanaryEmail()
	token := synthetic.CanaryJWT(email, "store1")
	item := fmt.Sprintf(`{"id":1,"name":"n","email":%q,"storeHash":"store1","token":%q,"shadowToken":%q,%q:1}`, email, token, token, email)
	body := fmt.Sprintf(`{"code":200,"data":[%s],"meta":{"message":"SUCCESS","pagination":{"totalCount":1,"offset":0,"limit":10}}}`, item)
	entry := fmt.Sprintf(`{"startedDateTime":"2026-11-30T10:00:00Z","request":{"method":"GET","url":"https://api-b2b.bigcommerce.com/api/io/backend/tokens?email=%s","headers":[{"name":"authToken","value":%q}]},`+
		`"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"size":%d,"text":%q}}}`, email, token, len(body), body)
	dir := t.TempDir()
	in := filepath.Join(dir, "canary.ndjson")
	if err := os.WriteFile(in, []byte(entry+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "github-output")
	code, _, stderr := runCLI(t, "check", "--coverage", "--github-output", out, in)
	if code != exitcode.Findings {
		t.Fatalf("exit %d, want 1 (undeclared fields); stderr %s", code, stderr)
	}
	doc := mustRead(t, out)
	line := regexp.MustCompile(`^[a-z-]+=[0-9.]*$`)
	for _, l := range strings.Split(strings.TrimSuffix(doc, "\n"), "\n") {
		if !line.MatchString(l) {
			t.Errorf("line %q is not key=number", l)
		}
	}
	if !strings.HasPrefix(doc, "exit-code=1\n") || !regexp.MustCompile(`(?m)^additive=[1-9]`).MatchString(doc) {
		t.Errorf("the outputs do not count the undeclared fields:\n%s", doc)
	}
	assertNoCanary(t, "the outputs", []byte(doc), emailTokenCanaries(email, token))
}

package report_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/report"
)

// TestWriteGitHubOutput: the lines of $GITHUB_OUTPUT, one per output key,
// counted as every format counts (merged findings, accepted ones apart).
func TestWriteGitHubOutput(t *testing.T) {
	acc := finding(contract.IDTypeMismatch, contract.Breaking, "$.data[*].id", "id is a string", "rec.yaml#0")
	acc.Accepted = &contract.Acceptance{File: "accepted.yaml", Line: 4, Reason: "ids are strings", Expires: "2027-03-31"}
	accepted := report.Input{Tool: "tokens-contract check", SpecVersion: "1.0.0", FailOn: contract.Additive,
		Sources: []report.Source{{Name: "rec.yaml", Results: []contract.Result{{Source: "rec.yaml#0", Method: "GET", Path: "/backend/tokens", Status: 200, Findings: []contract.Finding{acc}}}}},
		Extra:   []contract.Finding{finding(contract.IDBaselineUnused, contract.Info, "$.data[*].x", "matched nothing", "accepted.yaml#L12")}}
	covered := sample(contract.Breaking)
	covered.Errors = nil
	covered.Coverage = &contract.CoverageReport{Covered: 82, Total: 344, Percent: 23.837,
		Called: contract.CoverageTotal{Covered: 5, Total: 8, Percent: 62.5}}
	calledScope := covered
	calledScope.CoverageScope = contract.ScopeCalled
	// The same finding in three exchanges of one run is one finding.
	repeated := report.Input{FailOn: contract.Additive, Sources: []report.Source{{Name: "r.har"}}}
	for i := range 3 {
		src := fmt.Sprintf("r.har#%d", i)
		repeated.Sources[0].Results = append(repeated.Sources[0].Results, contract.Result{Source: src, Status: 200,
			Findings: []contract.Finding{finding(contract.IDSunsetAnnounced, contract.Deprecation, "header Sunset", "sunset on 2027-01-01", src)}})
	}
	tests := []struct {
		name string
		in   *report.Input
		code int
		want string
	}{
		{"drift and an unreadable file", ptr(sample(contract.Breaking)), exitcode.Usage,
			"exit-code=2\nbreaking=1\nadditive=1\ndeprecation=0\ninfo=1\naccepted=0\nunreadable=1\nexchanges=3\nskipped=1\ncoverage=\n"},
		{"accepted by the baseline", &accepted, exitcode.OK,
			"exit-code=0\nbreaking=0\nadditive=0\ndeprecation=0\ninfo=1\naccepted=1\nunreadable=0\nexchanges=1\nskipped=0\ncoverage=\n"},
		{"coverage of all", &covered, exitcode.Findings,
			"exit-code=1\nbreaking=1\nadditive=1\ndeprecation=0\ninfo=1\naccepted=0\nunreadable=0\nexchanges=3\nskipped=1\ncoverage=23.8\n"},
		{"coverage of the called scope", &calledScope, exitcode.Findings,
			"exit-code=1\nbreaking=1\nadditive=1\ndeprecation=0\ninfo=1\naccepted=0\nunreadable=0\nexchanges=3\nskipped=1\ncoverage=62.5\n"},
		{"one finding in three exchanges", &repeated, exitcode.OK,
			"exit-code=0\nbreaking=0\nadditive=0\ndeprecation=1\ninfo=0\naccepted=0\nunreadable=0\nexchanges=3\nskipped=0\ncoverage=\n"},
		{"a report file that could not be written", &repeated, exitcode.Usage,
			"exit-code=2\nbreaking=0\nadditive=0\ndeprecation=1\ninfo=0\naccepted=0\nunreadable=0\nexchanges=3\nskipped=0\ncoverage=\n"},
		{"a usage error: no run", nil, exitcode.Usage, "exit-code=2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := report.WriteGitHubOutput(&b, tt.in, tt.code); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
			if tt.in == nil {
				return
			}
			var keys []string
			for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
				k, _, _ := strings.Cut(line, "=")
				keys = append(keys, k)
			}
			if strings.Join(keys, " ") != strings.Join(report.OutputKeys, " ") {
				t.Errorf("keys %q, want OutputKeys %q", keys, report.OutputKeys)
			}
			// The text report's closing line counts the same.
			text := render(t, "text", *tt.in)
			s := report.Summarize(*tt.in)
			line := fmt.Sprintf("%d breaking, %d additive, %d deprecation, %d info", s.Breaking, s.Additive, s.Deprecation, s.Info)
			if !strings.Contains(b.String(), fmt.Sprintf("breaking=%d\nadditive=%d\ndeprecation=%d\ninfo=%d\n", s.Breaking, s.Additive, s.Deprecation, s.Info)) ||
				!strings.Contains(text, "\n"+line) {
				t.Errorf("the text report's summary %q and the outputs disagree:\n%s", line, b.String())
			}
		})
	}
}

// TestWriteGitHubOutputError: a failing writer's error is returned.
func TestWriteGitHubOutputError(t *testing.T) {
	want := errors.New("no space left on device")
	if err := report.WriteGitHubOutput(failingWriter{want}, ptr(sample(contract.Breaking)), 1); !errors.Is(err, want) {
		t.Errorf("got %v, want %v", err, want)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

func ptr[T any](v T) *T { return &v }

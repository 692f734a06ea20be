// Package githubactions_test runs the issue steps of the reusable workflow
// .github/workflows/live-drift.yml and of nightly-upstream.yml the way a
// runner does (bash -e), with a stand-in for the gh CLI that records what it
// was asked to do, and live-drift.yml's install step with a stand-in go;
// checks the composite action (action.yml) against its script and the
// outputs check writes, and the example workflows that use it against
// action.yml; and that no workflow names a release that is not a tag.
package githubactions_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// stepScript returns the run script of the step named name in job of the
// workflow file.
func stepScript(t *testing.T, file, job, name string) string {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name string `yaml:"name"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	for _, s := range wf.Jobs[job].Steps {
		if s.Name == name {
			return s.Run
		}
	}
	t.Fatalf("%s: job %s has no step %q", file, job, name)
	return ""
}

// fakeGH is a gh that writes each call's arguments to the next numbered
// file in $GH_LOG and answers "issue list" with $FAKE_OPEN_ISSUE.
const fakeGH = `#!/usr/bin/env bash
n=$(find "$GH_LOG" -type f | wc -l)
printf '%s' "$*" > "$GH_LOG/$(printf %03d "$n")"
if [ "$1 $2" = "issue list" ]; then echo "${FAKE_OPEN_ISSUE:-}"; fi
`

func TestDriftIssueStep(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash")
	}
	script := stepScript(t, "../../.github/workflows/live-drift.yml", "live", "Open, update or close the drift issue")
	tests := []struct {
		name, code, open string
		want             []string // calls after "issue list", each as a prefix
	}{
		{"drift opens an issue", "1", "", []string{"label create tokens-contract-drift", "issue create --title Contract drift on the live endpoint --label tokens-contract-drift --body The nightly live run found drift"}},
		{"drift comments on the open issue", "1", "7", []string{"issue comment 7 --body The nightly live run found drift"}},
		{"clean closes the open issue", "0", "7", []string{"issue close 7 --comment The nightly live run is clean again"}},
		{"clean with no issue does nothing", "0", "", nil},
		{"a run error leaves the issue alone", "2", "7", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			bin := filepath.Join(dir, "bin")
			if err := os.Mkdir(bin, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(bin, "gh"), []byte(fakeGH), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "out-report.md"), []byte("## report\n| breaking | 1 |\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			log := filepath.Join(dir, "gh.log")
			if err := os.Mkdir(log, 0o755); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("bash", "-e", "-c", script)
			cmd.Dir = dir
			cmd.Env = []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "GH_LOG=" + log,
				"LABEL=tokens-contract-drift", "CODE=" + tt.code, "FAKE_OPEN_ISSUE=" + tt.open, "RUN_URL=https://example.test/run/1"}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("the step failed: %v\n%s", err, out)
			}
			entries, err := os.ReadDir(log) // sorted by name: in call order
			if err != nil || len(entries) == 0 {
				t.Fatalf("gh was not called (%v)", err)
			}
			var calls []string
			for _, e := range entries {
				b, _ := os.ReadFile(filepath.Join(log, e.Name()))
				calls = append(calls, string(b))
			}
			all := strings.Join(calls, "\n")
			if !strings.HasPrefix(calls[0], "issue list --label tokens-contract-drift --state open") {
				t.Fatalf("first call %q, want the open issue looked up", calls[0])
			}
			calls = calls[1:]
			if len(calls) != len(tt.want) {
				t.Fatalf("calls %q, want %d", calls, len(tt.want))
			}
			for i, want := range tt.want {
				if !strings.HasPrefix(calls[i], want) {
					t.Errorf("call %d = %q, want prefix %q", i, calls[i], want)
				}
			}
			if tt.code == "1" && !strings.Contains(all, "| breaking | 1 |") {
				t.Errorf("the issue does not carry the report: %s", all)
			}
		})
	}
}

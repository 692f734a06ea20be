package githubactions_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestUpstreamIssueStep runs the issue step of nightly-upstream.yml as a
// runner does (bash -e) with a stand-in gh that records its calls.
func TestUpstreamIssueStep(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash")
	}
	script := stepScript(t, "nightly-upstream.yml", "upstream", "Open, update or close the vendor-change issue")
	tests := []struct {
		name, code, open string
		want             []string
	}{
		{"news opens an issue", "1", "", []string{"label create tokens-contract-upstream", "issue create --title The vendor's documentation of the token operations changed --label tokens-contract-upstream --body The nightly upstream run found news"}},
		{"news comments on the open issue", "1", "4", []string{"issue comment 4 --body The nightly upstream run found news"}},
		{"clean closes the open issue", "0", "4", []string{"issue close 4 --comment The nightly upstream run is clean again"}},
		{"clean with no issue does nothing", "0", "", nil},
		{"a run error leaves the issue alone", "2", "4", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			bin := filepath.Join(dir, "bin")
			log := filepath.Join(dir, "gh.log")
			for _, d := range []string{bin, log} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(bin, "gh"), []byte(fakeGH), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "upstream-report.md"), []byte("## report\n| vendor-status-added |\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("bash", "-e", "-c", script)
			cmd.Dir = dir
			cmd.Env = []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "GH_LOG=" + log,
				"LABEL=tokens-contract-upstream", "CODE=" + tt.code, "FAKE_OPEN_ISSUE=" + tt.open, "RUN_URL=https://example.test/run/2"}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("the step failed: %v\n%s", err, out)
			}
			entries, err := os.ReadDir(log)
			if err != nil || len(entries) == 0 {
				t.Fatalf("gh was not called (%v)", err)
			}
			var calls []string
			for _, e := range entries {
				b, _ := os.ReadFile(filepath.Join(log, e.Name()))
				calls = append(calls, string(b))
			}
			if !strings.HasPrefix(calls[0], "issue list --label tokens-contract-upstream --state open") {
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
			if tt.code == "1" && !strings.Contains(strings.Join(calls, "\n"), "| vendor-status-added |") {
				t.Errorf("the issue does not carry the report: %q", calls)
			}
		})
	}
}

package githubactions_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestInstallStepVersions runs live-drift.yml's install step (bash -e) with
// a stand-in go that records what it installs: a release vX.Y.Z or a full
// commit SHA is installed with go install @ that version, anything else is
// refused before go runs.
func TestInstallStepVersions(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash")
	}
	script := stepScript(t, "../../.github/workflows/live-drift.yml", "live", "Install tokens-contract")
	const fakeGo = `#!/usr/bin/env bash
echo "$*" > "$GO_LOG"
mkdir -p "$GOBIN"
printf '#!/usr/bin/env bash\necho "tokens-contract: stand-in"\n' > "$GOBIN/tokens-contract"
chmod +x "$GOBIN/tokens-contract"
`
	tests := []struct {
		version string
		ok      bool
	}{
		{"v1.2.0", true},
		{"v1.2.0-rc.1", true},
		{"0123456789abcdef0123456789abcdef01234567", true},
		{"latest", false},
		{"main", false},
		{"0123456789abcdef0123456789abcdef0123456", false}, // 39 digits
		{"REPLACE-WITH-A-COMMIT-SHA", false},
		{"v1.2.0; rm -rf /", false},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			dir := t.TempDir()
			bin := filepath.Join(dir, "bin")
			if err := os.Mkdir(bin, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(bin, "go"), []byte(fakeGo), 0o755); err != nil {
				t.Fatal(err)
			}
			log := filepath.Join(dir, "go.log")
			cmd := exec.Command("bash", "-e", "-c", script)
			cmd.Dir = dir
			cmd.Env = []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "GO_LOG=" + log,
				"RUNNER_TEMP=" + dir, "VERSION=" + tt.version}
			out, err := cmd.CombinedOutput()
			called, _ := os.ReadFile(log)
			if !tt.ok {
				if err == nil || len(called) > 0 || !strings.Contains(string(out), "is neither a release vX.Y.Z nor the full SHA of a commit") {
					t.Errorf("version %q: err %v, go called with %q, output %s; want a refusal before go runs", tt.version, err, called, out)
				}
				return
			}
			want := "install github.com/b2b-contract/s2s-tokens/cmd/tokens-contract@" + tt.version + "\n"
			if err != nil || string(called) != want {
				t.Errorf("version %q: err %v, go called with %q, want %q; output %s", tt.version, err, called, want, out)
			}
		})
	}
}

// TestExamplesNameExistingVersions: a release version an example or
// workflow names (version: vX.Y.Z with digits) is a tag of this repository.
// No release exists yet, so none may name one.
func TestExamplesNameExistingVersions(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("needs git")
	}
	version := regexp.MustCompile(`version:\s*"?(v[0-9]+\.[0-9]+\.[0-9]+[0-9A-Za-z.-]*)`)
	files, _ := filepath.Glob("*.yml")
	more, _ := filepath.Glob("../../.github/workflows/*.yml")
	files = append(append(files, more...), "../../action.yml")
	if len(files) < 3 {
		t.Fatalf("found only %q", files)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range version.FindAllStringSubmatch(string(raw), -1) {
			if err := exec.Command(git, "rev-parse", "-q", "--verify", "refs/tags/"+m[1]).Run(); err != nil {
				t.Errorf("%s names version %s, which is no tag of this repository", f, m[1])
			}
		}
	}
}

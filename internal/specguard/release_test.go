package specguard_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// releaseScript is the script behind "make release", run here against
// temporary repositories only, never this one.
var releaseScript, _ = filepath.Abs(filepath.Join("..", "..", "scripts", "release.sh"))

// gitEnv isolates git from the machine's configuration and gives it an
// identity for commits and annotated tags.
func gitEnv() []string {
	return append(os.Environ(),
		"GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=release test", "GIT_AUTHOR_EMAIL=release@example.test",
		"GIT_COMMITTER_NAME=release test", "GIT_COMMITTER_EMAIL=release@example.test",
	)
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// newRepo makes a git repository whose go.mod names module and whose
// openapi/releases holds the given released versions, all committed.
func newRepo(t *testing.T, module string, released ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("the release test needs git: %v", err)
	}
	dir := t.TempDir()
	write := func(name, content string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module "+module+"\n\ngo 1.26.0\n")
	for _, v := range released {
		write(filepath.Join("openapi", "releases", "v"+v, "b2b-s2s-tokens.yaml"), "info:\n  version: "+v+"\n")
	}
	git(t, dir, "init", "-q", "-b", "main")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "initial")
	return dir
}

func runRelease(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("bash", append([]string{releaseScript}, args...)...)
	cmd.Dir = dir
	cmd.Env = gitEnv()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestReleaseTags(t *testing.T) {
	tests := []struct {
		name, module, version string
	}{
		{"major 1", "github.com/b2b-contract/s2s-tokens", "1.2.0"},
		{"major 0", "github.com/b2b-contract/s2s-tokens", "0.3.1"},
		{"major 2 with /v2", "github.com/b2b-contract/s2s-tokens/v2", "2.0.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := newRepo(t, tt.module, tt.version)
			head := git(t, dir, "rev-parse", "HEAD")
			out, err := runRelease(t, dir, tt.version)
			if err != nil {
				t.Fatalf("release %s: %v\n%s", tt.version, err, out)
			}
			for _, tag := range []string{"v" + tt.version, "spec/v" + tt.version} {
				if typ := git(t, dir, "cat-file", "-t", tag); typ != "tag" {
					t.Errorf("%s is a %s, want an annotated tag", tag, typ)
				}
				if at := git(t, dir, "rev-list", "-n", "1", tag); at != head {
					t.Errorf("%s points at %s, want HEAD %s", tag, at, head)
				}
			}
			if msg := git(t, dir, "tag", "-l", "--format=%(contents)", "v"+tt.version); !strings.Contains(msg, tt.module) || !strings.Contains(msg, "spec "+tt.version) {
				t.Errorf("tag message %q does not name the module and the spec version", msg)
			}
			if !strings.Contains(out, "git push origin v"+tt.version+" spec/v"+tt.version) {
				t.Errorf("output does not say how to publish the tags:\n%s", out)
			}
		})
	}
}

func TestReleaseRefuses(t *testing.T) {
	const module = "github.com/b2b-contract/s2s-tokens"
	tests := []struct {
		name    string
		module  string
		setup   func(t *testing.T, dir string)
		args    []string
		wantErr string
	}{
		{"no version", module, nil, nil, "usage: scripts/release.sh SPEC_VERSION"},
		{"two versions", module, nil, []string{"1.2.0", "1.3.0"}, "usage:"},
		{"leading v", module, nil, []string{"v1.2.0"}, `"v1.2.0" is not X.Y.Z`},
		{"pre-release", module, nil, []string{"1.2.0-rc.1"}, `"1.2.0-rc.1" is not X.Y.Z`},
		{"two parts", module, nil, []string{"1.2"}, `"1.2" is not X.Y.Z`},
		{"modified file", module, func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module "+module+"\n\ngo 1.26.1\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"1.2.0"}, "not clean"},
		{"untracked file", module, func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"1.2.0"}, "notes.txt"},
		{"staged file", module, func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "staged.txt"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			git(t, dir, "add", "staged.txt")
		}, []string{"1.2.0"}, "not clean"},
		{"version not released", module, nil, []string{"1.3.0"}, "openapi/releases/v1.3.0 does not exist: run 'make spec-release'"},
		{"release directory ignored, not committed", module, func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("/openapi/releases/v1.4.0/\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			git(t, dir, "add", ".gitignore")
			git(t, dir, "commit", "-q", "-m", "ignore")
			if err := os.MkdirAll(filepath.Join(dir, "openapi", "releases", "v1.4.0"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "openapi", "releases", "v1.4.0", "b2b-s2s-tokens.yaml"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"1.4.0"}, "openapi/releases/v1.4.0 is not committed"},
		{"major 2 without /v2", module, nil, []string{"2.0.0"}, "must end in /v2"},
		{"major 3 with /v2", module + "/v2", nil, []string{"3.0.0"}, "must end in /v3"},
		{"major 1 with /v2", module + "/v2", nil, []string{"1.2.0"}, "ends in /v2"},
		{"module tag exists", module, func(t *testing.T, dir string) {
			git(t, dir, "tag", "v1.2.0")
		}, []string{"1.2.0"}, "tag v1.2.0 already exists"},
		{"spec tag exists", module, func(t *testing.T, dir string) {
			git(t, dir, "tag", "-a", "spec/v1.2.0", "-m", "earlier")
		}, []string{"1.2.0"}, "tag spec/v1.2.0 already exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := newRepo(t, tt.module, "1.2.0", "2.0.0", "3.0.0")
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			before := git(t, dir, "tag", "-l")
			out, err := runRelease(t, dir, tt.args...)
			if err == nil {
				t.Fatalf("release %v succeeded, want a refusal containing %q:\n%s", tt.args, tt.wantErr, out)
			}
			if !strings.Contains(out, tt.wantErr) {
				t.Errorf("release %v says\n%s\nwant it to contain %q", tt.args, out, tt.wantErr)
			}
			if after := git(t, dir, "tag", "-l"); after != before {
				t.Errorf("a refused release changed the tags from %q to %q", before, after)
			}
		})
	}
}

func TestReleaseOutsideARepository(t *testing.T) {
	out, err := runRelease(t, t.TempDir(), "1.2.0")
	if err == nil || !strings.Contains(out, "is not a git working tree") {
		t.Errorf("release outside a repository: err %v, output %q", err, out)
	}
}

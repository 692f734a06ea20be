package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/racedetect"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

func TestBuildVersions(t *testing.T) {
	t.Parallel()
	gen := func(v string) *debug.Module { return &debug.Module{Path: generatorPath, Version: v} }
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want versions
	}{
		{
			name: "go install @v1.2.0",
			bi: &debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Path: modulePath, Version: "v1.2.0"},
				Deps: []*debug.Module{{Path: "github.com/oapi-codegen/runtime", Version: "v1.9.0"}, gen("v2.8.2")}},
			ok:   true,
			want: versions{Module: "v1.2.0", Generator: "v2.8.2", Go: "go1.26.1"},
		},
		{
			name: "checkout",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Path: modulePath, Version: "(devel)"}, Deps: []*debug.Module{gen("v2.8.2")}},
			ok:   true,
			want: versions{Module: "(devel)", Generator: "v2.8.2", Go: "go1.26.1"},
		},
		{
			name: "pseudo-version of a dirty checkout",
			bi:   &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v1.2.1-0.20261202010203-0123456789ab+dirty"}, Deps: []*debug.Module{gen("v2.8.2")}},
			ok:   true,
			want: versions{Module: "v1.2.1-0.20261202010203-0123456789ab+dirty", Generator: "v2.8.2", Go: runtime.Version()},
		},
		{
			name: "no version recorded",
			bi:   &debug.BuildInfo{Main: debug.Module{Path: modulePath}, Deps: []*debug.Module{gen("")}},
			ok:   true,
			want: versions{Module: "(devel)", Generator: "(devel)", Go: runtime.Version()},
		},
		{
			name: "replaced generator",
			bi: &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v1.0.0"},
				Deps: []*debug.Module{{Path: generatorPath, Version: "v2.8.2", Replace: &debug.Module{Path: "../oapi-codegen", Version: ""}}}},
			ok:   true,
			want: versions{Module: "v1.0.0", Generator: "(devel)", Go: runtime.Version()},
		},
		{
			name: "another main module (a test binary, a vendored copy)",
			bi:   &debug.BuildInfo{Main: debug.Module{Path: "example.test/other", Version: "v9.9.9"}, Deps: []*debug.Module{gen("v2.8.2")}},
			ok:   true,
			want: versions{Module: "unknown", Generator: "v2.8.2", Go: runtime.Version()},
		},
		{
			name: "generator missing from the build",
			bi:   &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v1.0.0"}},
			ok:   true,
			want: versions{Module: "v1.0.0", Generator: "unknown", Go: runtime.Version()},
		},
		{
			name: "no build info",
			ok:   false,
			want: versions{Module: "unknown", Generator: "unknown", Go: runtime.Version()},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want.Spec = openapi.Version()
			if got := buildVersions(tt.bi, tt.ok); got != tt.want {
				t.Errorf("buildVersions = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestVersionCommand(t *testing.T) {
	t.Parallel()
	bi := &debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Path: modulePath, Version: "v1.2.0"},
		Deps: []*debug.Module{{Path: generatorPath, Version: "v2.8.2"}}}
	want := "tokens-contract: github.com/b2b-contract/s2s-tokens v1.2.0\n" +
		"spec: " + openapi.Version() + "\n" +
		"oapi-codegen: github.com/oapi-codegen/oapi-codegen/v2 v2.8.2\n" +
		"go: go1.26.1\n"
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		env, stdout, stderr := testEnv(nil)
		env.buildInfo = func() (*debug.BuildInfo, bool) { return bi, true }
		if code := run(context.Background(), env, args); code != exitcode.OK {
			t.Errorf("%v: exit %d, want 0; stderr %q", args, code, stderr.String())
		}
		if got := stdout.String(); got != want {
			t.Errorf("%v printed\n%s\nwant\n%s", args, got, want)
		}
	}
}

func TestCommitOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version string
		want    string // "" for no commit line
	}{
		{"v1.2.0", ""},
		{"v1.3.0-rc.1", ""},
		{"(devel)", ""},
		{"unknown", ""},
		{"", ""},
		{"v0.0.0-20261207055435-cd26cce12345", "cd26cce12345 (2026-12-07T05:54:35Z), not a tagged release; no release tag precedes it"},
		{"v1.2.1-0.20261202010203-0123456789ab", "0123456789ab (2026-12-02T01:02:03Z), not a tagged release; the newest release tag before it is v1.2.0"},
		{"v1.2.1-0.20261202010203-0123456789ab+dirty", "0123456789ab (2026-12-02T01:02:03Z), not a tagged release; the newest release tag before it is v1.2.0; built with uncommitted changes"},
		{"v1.3.0-rc.1.0.20261202010203-0123456789ab", "0123456789ab (2026-12-02T01:02:03Z), not a tagged release; the newest release tag before it is v1.3.0-rc.1"},
		{"v0.0.0-20261207055435-cd26cce12345+dirty", "cd26cce12345 (2026-12-07T05:54:35Z), not a tagged release; no release tag precedes it; built with uncommitted changes"},
		{"v0.0.0-2026120705543-cd26cce12345", ""}, // a timestamp one digit short is no pseudo-version
	}
	for _, tt := range tests {
		got, ok := commitOf(tt.version)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("commitOf(%q) = %q, %v; want %q", tt.version, got, ok, tt.want)
		}
	}
}

// TestVersionOfACommitInstall is what go install ...@<commit> records before
// any release is tagged: a pseudo-version, which version explains.
func TestVersionOfACommitInstall(t *testing.T) {
	t.Parallel()
	bi := &debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Path: modulePath, Version: "v0.0.0-20261207055435-cd26cce12345"},
		Deps: []*debug.Module{{Path: generatorPath, Version: "v2.8.2"}}}
	want := "tokens-contract: github.com/b2b-contract/s2s-tokens v0.0.0-20261207055435-cd26cce12345\n" +
		"commit: cd26cce12345 (2026-12-07T05:54:35Z), not a tagged release; no release tag precedes it\n" +
		"spec: " + openapi.Version() + "\n" +
		"oapi-codegen: github.com/oapi-codegen/oapi-codegen/v2 v2.8.2\n" +
		"go: go1.26.1\n"
	env, stdout, stderr := testEnv(nil)
	env.buildInfo = func() (*debug.BuildInfo, bool) { return bi, true }
	if code := run(context.Background(), env, []string{"version"}); code != exitcode.OK {
		t.Fatalf("exit %d, want 0; stderr %q", code, stderr.String())
	}
	if got := stdout.String(); got != want {
		t.Errorf("version printed\n%s\nwant\n%s", got, want)
	}
}

func TestVersionUsage(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "version", "extra")
	if code != exitcode.Usage || stdout != "" || !strings.Contains(stderr, `unexpected argument "extra"`) {
		t.Errorf("version extra: exit %d, stdout %q, stderr %q; want 2 naming the argument", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, "version", "--short")
	if code != exitcode.Usage || !strings.Contains(stderr, "unknown flag --short") {
		t.Errorf("version --short: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "version", "-h")
	if code != exitcode.OK || !strings.Contains(stderr, "Usage: tokens-contract version") || !strings.Contains(stderr, "go install ...@<commit>") {
		t.Errorf("version -h: exit %d, stderr %q", code, stderr)
	}
	code, stdout, _ = runCLI(t, "help")
	if code != exitcode.OK || !strings.Contains(stdout, "version ") || !strings.Contains(stdout, "--version") {
		t.Errorf("help does not list version:\n%s", stdout)
	}
}

// TestVersionOfARealBuild builds the command the way a checkout does and
// checks that the build info it reads carries the versions go.mod pins.
func TestVersionOfARealBuild(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := filepath.Join(t.TempDir(), "tokens-contract")
	args := []string{"build", "-buildvcs=false", "-o", bin}
	if racedetect.Enabled {
		args = append(args, "-race")
	}
	if out, err := exec.Command("go", append(args, ".")...).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("tokens-contract --version: %v", err)
	}
	pinned, err := exec.Command("go", "list", "-m", "-f", "{{.Version}}", generatorPath).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", generatorPath, err)
	}
	for _, want := range []string{
		"tokens-contract: " + modulePath + " (devel)\n",
		"spec: " + openapi.Version() + "\n",
		"oapi-codegen: " + generatorPath + " " + strings.TrimSpace(string(pinned)) + "\n",
		"go: " + runtime.Version() + "\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("--version of a checkout build lacks %q:\n%s", want, out)
		}
	}
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/specguard"
	"github.com/b2b-contract/s2s-tokens/openapi"
	"github.com/b2b-contract/s2s-tokens/openapi/releases"
)

// repoRoot is the library module's directory: the generated package is
// loaded as the go command sees it there, not from the tools module, whose
// go.sum covers only what the tools import.
const repoRoot = "../../.."

func runGuard(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr, func(k string) string { return env[k] }, repoRoot)
	return code, stdout.String(), stderr.String()
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "Usage:"},
		{"unknown command", []string{"diff"}, `unknown command "diff"`},
		{"unknown flag", []string{"spec", "-base", "x"}, "flag provided but not defined: -base"},
		{"bad format", []string{"spec", "-format", "json"}, `unknown -format "json"`},
		{"empty format item", []string{"api", "-format", "text,"}, `unknown -format ""`},
		{"stray argument", []string{"api", "generated"}, `unexpected argument "generated"`},
		{"release takes no format", []string{"release", "-format", "text"}, "flag provided but not defined: -format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runGuard(t, nil, tt.args...)
			if code != exitcode.Usage {
				t.Errorf("exit %d, want %d", code, exitcode.Usage)
			}
			if stdout != "" {
				t.Errorf("stdout should be empty on a usage error: %q", stdout)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
		})
	}
	if code, stdout, _ := runGuard(t, nil, "help"); code != exitcode.OK || !strings.Contains(stdout, "specguard spec") {
		t.Errorf("help: exit %d\n%s", code, stdout)
	}
}

func TestSpecAndAPIPassOnTheWorkingTree(t *testing.T) {
	for _, cmd := range []string{"spec", "api"} {
		t.Run(cmd, func(t *testing.T) {
			code, stdout, stderr := runGuard(t, nil, cmd)
			if code != exitcode.OK {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			if !strings.Contains(stdout, ": ok (") || strings.Contains(stdout, "::") {
				t.Errorf("want a text report only:\n%s", stdout)
			}
		})
	}
}

func TestFormatDefaultsToGitHubOnActions(t *testing.T) {
	if f, _ := parseFormats("text,github,text"); strings.Join(f, ",") != "text,github" {
		t.Errorf("parseFormats = %v", f)
	}
	code, stdout, _ := runGuard(t, map[string]string{"GITHUB_ACTIONS": "true"}, "spec")
	if code != exitcode.OK || !strings.Contains(stdout, "spec: ") || !strings.Contains(stdout, ": ok (") {
		t.Errorf("on GitHub Actions the text report still comes first: exit %d:\n%s", code, stdout)
	}
	// A spec compared with itself has nothing to annotate. (The working spec
	// may be ahead of the latest release, so compare the release with itself.)
	latest, err := releases.Latest()
	if err != nil {
		t.Fatal(err)
	}
	r, err := checkSpec(latest, specguard.Spec{Name: specPath, Data: latest.Spec})
	if err != nil {
		t.Fatal(err)
	}
	var gh bytes.Buffer
	if err := r.WriteGitHub(&gh); err != nil || r.Failed() || gh.Len() != 0 {
		t.Errorf("github format of an unchanged spec: failed %v, output %q", r.Failed(), gh.String())
	}
}

func TestCheckSpecFailsOnABreakingEdit(t *testing.T) {
	latest, err := releases.Latest()
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(openapi.YAML()), "      enum: [app, admin, api]\n", "      enum: [app, api]\n", 1)
	if broken == string(openapi.YAML()) {
		t.Fatal("the test's edit did not apply")
	}
	r, err := checkSpec(latest, specguard.Spec{Name: specPath, Data: []byte(broken)})
	if err != nil {
		t.Fatal(err)
	}
	var gh bytes.Buffer
	_ = r.WriteGitHub(&gh)
	if !r.Failed() || !strings.Contains(gh.String(), "::error title=spec%3A response-property-enum-value-removed") {
		t.Errorf("a narrowed enum passed:\n%s", gh.String())
	}
}

func TestWriteRelease(t *testing.T) {
	gen := map[string][]byte{"tokensapi.gen.go": []byte("package tokensapi\n")}
	spec := []byte("info: {version: 1.1.0}\n")
	root := t.TempDir()

	dir, err := writeRelease(root, "1.0.0", "1.1.0", spec, gen)
	if err != nil {
		t.Fatal(err)
	}
	if dir != filepath.Join(root, "v1.1.0") {
		t.Errorf("wrote %s", dir)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, releases.SpecFile)); !bytes.Equal(b, spec) {
		t.Error("spec not written")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "generated", "tokensapi.gen.go.txt")); string(b) != "package tokensapi\n" {
		t.Error("generated source not written")
	}

	for _, tt := range []struct {
		name, latest, version string
		gen                   map[string][]byte
		want                  string
	}{
		{"exists", "1.0.0", "1.1.0", gen, "already exists"},
		{"older", "1.2.0", "1.1.0", gen, "not newer"},
		{"same", "1.1.0", "1.1.0", gen, "not newer"},
		{"invalid", "1.0.0", "1.2", gen, "not a semantic version"},
		{"no go files", "1.0.0", "1.3.0", nil, "no Go files"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := writeRelease(root, tt.latest, tt.version, spec, tt.gen); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

func runSpec(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(&out, &errb, args)
	return code, out.String(), errb.String()
}

func specJSON(t *testing.T) []byte {
	t.Helper()
	b, err := openapi.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPrintsTheEmbeddedSpec(t *testing.T) {
	yaml := func(*testing.T) []byte { return openapi.YAML() }
	tests := []struct {
		name string
		args []string
		want func(*testing.T) []byte
	}{
		{"default is yaml", nil, yaml},
		{"yaml", []string{"--format", "yaml"}, yaml},
		{"yaml single dash", []string{"-format=yaml"}, yaml},
		{"json", []string{"--format=json"}, specJSON},
		{"dash means stdout", []string{"-o", "-", "--format", "json"}, specJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runSpec(t, tt.args...)
			if code != exitcode.OK || stderr != "" {
				t.Fatalf("exit code %d, stderr %q; want 0 and nothing", code, stderr)
			}
			if want := tt.want(t); !bytes.Equal([]byte(stdout), want) {
				t.Errorf("stdout is %d bytes and differs from the embedded spec (%d bytes)", len(stdout), len(want))
			}
		})
	}
}

func TestWritesFile(t *testing.T) {
	for _, format := range []string{"yaml", "json"} {
		t.Run(format, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "openapi."+format)
			if err := os.WriteFile(name, []byte("stale content that is longer than nothing"), 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runSpec(t, "-o", name, "--format", format)
			if code != exitcode.OK || stdout != "" || stderr != "" {
				t.Fatalf("exit %d, stdout %d bytes, stderr %q; want 0 and nothing printed", code, len(stdout), stderr)
			}
			got, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			want := openapi.YAML()
			if format == "json" {
				want = specJSON(t)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the embedded spec", name)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	// Missing folders are created (internal/fileutil), but not under a file.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(file, "dir", "openapi.yaml")
	tests := []struct {
		name       string
		args       []string
		wantStderr []string
	}{
		{"unknown flag", []string{"--colour"}, []string{"tokens-spec: flag provided but not defined: -colour", "Usage: tokens-spec"}},
		{"bad format", []string{"--format", "xml"}, []string{`unknown --format "xml"`, "yaml or json"}},
		{"empty format", []string{"--format="}, []string{`unknown --format ""`}},
		{"stray argument", []string{"openapi.yaml"}, []string{`unexpected argument "openapi.yaml"`, "-o FILE"}},
		{"missing -o value", []string{"-o"}, []string{"flag needs an argument: -o"}},
		{"a folder that is a file", []string{"-o", missing}, []string{"cannot write " + missing, "not a directory"}},
		{"output is a directory", []string{"-o", dir}, []string{"cannot write " + dir, "directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runSpec(t, tt.args...)
			if code != exitcode.Usage {
				t.Errorf("exit code %d, want %d", code, exitcode.Usage)
			}
			if stdout != "" {
				t.Errorf("nothing should reach stdout on a usage error, got %d bytes", len(stdout))
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, arg := range []string{"-h", "--help", "-help"} {
		code, stdout, stderr := runSpec(t, arg)
		if code != exitcode.OK || stderr != "" {
			t.Errorf("%s: exit %d, stderr %q; want 0 and nothing", arg, code, stderr)
		}
		for _, w := range []string{"Usage: tokens-spec [-o FILE] [--format yaml|json]", "version " + openapi.Version(), "-format", "-o FILE", "byte for byte"} {
			if !strings.Contains(stdout, w) {
				t.Errorf("%s lacks %q:\n%s", arg, w, stdout)
			}
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestReportsStdoutFailure(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(failingWriter{}, &stderr, nil); code != exitcode.Usage {
		t.Fatalf("exit %d after a failed write to stdout, want %d", code, exitcode.Usage)
	}
	if s := stderr.String(); !strings.Contains(s, "standard output") || !strings.Contains(s, "broken pipe") {
		t.Errorf("stderr does not say what failed: %q", s)
	}
}

// allowedModules are the only modules tokens-spec may depend on: running it
// from a downstream go generate must not download the checker's dependencies.
var allowedModules = map[string]bool{
	"github.com/b2b-contract/s2s-tokens": true,
	"github.com/pb33f/go-yaml":           true,
}

// TestImportGraph lists every package tokens-spec links (go list -deps) and
// fails on any outside the standard library, this module and go-yaml.
func TestImportGraph(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the import graph: %v", err)
	}
	cmd := exec.Command(goBin, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}} {{with .Module}}{{.Path}}{{end}}{{end}}", ".")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, stderr.String())
	}
	var seen []string
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		pkg, mod, _ := strings.Cut(line, " ")
		if !allowedModules[mod] {
			t.Errorf("tokens-spec imports %s from module %q: only the standard library, this module and go-yaml are allowed", pkg, mod)
		}
		seen = append(seen, pkg)
	}
	// The list must include what the binary is known to import, or the
	// template above printed nothing and the check proved nothing.
	for _, want := range []string{"github.com/b2b-contract/s2s-tokens/openapi", "github.com/pb33f/go-yaml"} {
		if !strings.Contains(strings.Join(seen, "\n")+"\n", want+"\n") {
			t.Errorf("go list -deps does not list %s; got:\n%s", want, strings.Join(seen, "\n"))
		}
	}
}

// Example shows the first line of what tokens-spec prints.
func Example() {
	var stdout bytes.Buffer
	run(&stdout, os.Stderr, []string{"--format", "yaml"})
	first, _, _ := strings.Cut(stdout.String(), "\n")
	fmt.Println(first)
	// Output: openapi: 3.0.3
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

func mustJSON(t *testing.T) []byte {
	t.Helper()
	b, err := openapi.JSON()
	if err != nil {
		t.Fatalf("openapi.JSON: %v", err)
	}
	return b
}

func TestSpecPrintsTheEmbeddedSpec(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want func(*testing.T) []byte
	}{
		{"default is yaml", []string{"spec"}, func(*testing.T) []byte { return openapi.YAML() }},
		{"yaml", []string{"spec", "--format", "yaml"}, func(*testing.T) []byte { return openapi.YAML() }},
		{"yaml single dash", []string{"spec", "-format=yaml"}, func(*testing.T) []byte { return openapi.YAML() }},
		{"json", []string{"spec", "--format=json"}, mustJSON},
		{"dash means stdout", []string{"spec", "-o", "-", "--format", "json"}, mustJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != exitcode.OK {
				t.Fatalf("exit code %d, want 0; stderr: %s", code, stderr)
			}
			if stderr != "" {
				t.Errorf("unexpected stderr: %s", stderr)
			}
			if want := tt.want(t); !bytes.Equal([]byte(stdout), want) {
				t.Errorf("stdout is %d bytes and differs from the embedded spec (%d bytes)", len(stdout), len(want))
			}
		})
	}
}

func TestSpecJSONIsJSONOfTheSameVersion(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "spec", "--format", "json")
	if code != exitcode.OK {
		t.Fatalf("exit code %d; stderr: %s", code, stderr)
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct {
			Version string `json:"version"`
		} `json:"info"`
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("--format json is not JSON: %v", err)
	}
	if doc.OpenAPI != "3.0.3" || doc.Info.Version != openapi.Version() {
		t.Errorf("openapi %q version %q, want 3.0.3 and %q", doc.OpenAPI, doc.Info.Version, openapi.Version())
	}
	ops := 0
	for _, item := range doc.Paths {
		ops += len(item)
	}
	if ops != 3 {
		t.Errorf("JSON spec has %d operations, want 3", ops)
	}
}

func TestSpecWritesFile(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"yaml", "json"} {
		t.Run(format, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "openapi."+format)
			// An existing file is replaced, not appended to.
			if err := os.WriteFile(name, []byte("stale content that is longer than nothing"), 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runCLI(t, "spec", "-o", name, "--format", format)
			if code != exitcode.OK {
				t.Fatalf("exit code %d; stderr: %s", code, stderr)
			}
			if stdout != "" || stderr != "" {
				t.Errorf("with -o nothing should be printed; stdout %d bytes, stderr %q", len(stdout), stderr)
			}
			got, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			want := openapi.YAML()
			if format == "json" {
				want = mustJSON(t)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the embedded spec", name)
			}
			entries, _ := os.ReadDir(filepath.Dir(name))
			if len(entries) != 1 {
				t.Errorf("temporary files left beside the output: %v", entries)
			}
		})
	}
}

func TestSpecUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	underFile := filepath.Join(file, "dir", "openapi.yaml") // missing folders are created, but not under a file
	tests := []struct {
		name       string
		args       []string
		wantStderr []string
	}{
		{"unknown flag", []string{"spec", "--colour"}, []string{"unknown flag --colour", "Usage: tokens-contract spec"}},
		{"bad format", []string{"spec", "--format", "xml"}, []string{`unknown --format "xml"`, "yaml or json"}},
		{"empty format", []string{"spec", "--format="}, []string{`unknown --format ""`}},
		{"format case matters", []string{"spec", "--format", "YAML"}, []string{`unknown --format "YAML"`}},
		{"stray argument", []string{"spec", "openapi.yaml"}, []string{`unexpected argument "openapi.yaml"`, "-o FILE"}},
		{"missing -o value", []string{"spec", "-o"}, []string{"flag --o needs a value"}},
		{"unwritable directory", []string{"spec", "-o", underFile}, []string{"-o " + underFile, "not a directory"}},
		{"output is a directory", []string{"spec", "-o", dir}, []string{"-o " + dir, "it is a directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
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

func TestSpecHelp(t *testing.T) {
	t.Parallel()
	code, _, stderr := runCLI(t, "spec", "-h")
	if code != exitcode.OK {
		t.Errorf("spec -h: exit code %d, want 0", code)
	}
	for _, w := range []string{"spec [-o FILE] [--format yaml|json]", "-format", "-o FILE", "byte for byte"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("spec -h lacks %q:\n%s", w, stderr)
		}
	}
	code, stdout, _ := runCLI(t, "help")
	if code != exitcode.OK || !strings.Contains(stdout, "spec ") {
		t.Errorf("help (exit %d) does not list the spec command:\n%s", code, stdout)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestSpecReportsStdoutFailure(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	env := &environment{stdout: failingWriter{}, stderr: &stderr, getenv: func(string) string { return "" }}
	if code := run(context.Background(), env, []string{"spec"}); code == exitcode.OK {
		t.Fatal("a failed write to stdout must not exit 0")
	}
	if !strings.Contains(stderr.String(), "standard output") || !strings.Contains(stderr.String(), "broken pipe") {
		t.Errorf("stderr does not say what failed: %q", stderr.String())
	}
}

func TestSpecUnwritableFileKeepsOldContent(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	dir := t.TempDir()
	name := filepath.Join(dir, "openapi.yaml")
	if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
	code, _, stderr := runCLI(t, "spec", "-o", name)
	if code != exitcode.Usage || !strings.Contains(stderr, "cannot write "+name) {
		t.Errorf("exit %d, stderr %q; want exit 2 naming %s", code, stderr, name)
	}
	if got, _ := os.ReadFile(name); string(got) != "old" {
		t.Errorf("a failed write changed %s", name)
	}
}

// Example_spec shows the first lines of what "tokens-contract spec" prints.
func Example_spec() {
	var stdout bytes.Buffer
	env := &environment{stdout: &stdout, stderr: os.Stderr, getenv: os.Getenv}
	run(context.Background(), env, []string{"spec"})
	lines := strings.SplitN(stdout.String(), "\n", 4)
	fmt.Println(lines[0])
	fmt.Println(lines[1])
	fmt.Println(lines[2])
	// Output:
	// openapi: 3.0.3
	// info:
	//   title: BigCommerce B2B Edition server-to-server tokens (contract)
}

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

	"github.com/b2b-contract/s2s-tokens/internal/codegentest"
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
		// --config and the fields it sets.
		{"empty package", []string{"--config", "--package", ""}, []string{"--package is empty"}},
		{"empty output", []string{"--config", "--output="}, []string{"--output is empty"}},
		{"empty overlay", []string{"--config", "--overlay", ""}, []string{"--overlay is empty"}},
		{"package that is not a Go name", []string{"--config", "--package", "tokens-client"}, []string{`--package "tokens-client" is not a Go package name`}},
		{"keyword package", []string{"--config", "--package", "type"}, []string{`--package "type" is not a Go package name`}},
		{"output that is the configuration file", []string{"--config", "--output", "cfg.yaml"}, []string{`--output "cfg.yaml" is not a Go file name`, "-o FILE writes the configuration"}},
		{"unknown flag", []string{"--config", "--pkg", "x"}, []string{"flag provided but not defined: -pkg", "Usage: tokens-spec"}},
		{"package without --config", []string{"--package", "x"}, []string{"--package sets a field of the oapi-codegen configuration: it needs --config"}},
		{"output without --config", []string{"--output", "x.gen.go"}, []string{"--output", "needs --config"}},
		{"overlay without --config", []string{"--overlay", "o.yaml"}, []string{"--overlay", "needs --config", "tokens-contract spec --overlay"}},
		{"format json with --config", []string{"--config", "--format", "json"}, []string{`--format "json"`, "--config prints YAML"}},
		{"two empty flags: the first is named", []string{"--config", "--overlay=", "--package="}, []string{"--package is empty"}},
		{"config takes no value", []string{"--config=maybe"}, []string{"invalid boolean value"}},
		{"stray argument", []string{"--config", "tokensclient"}, []string{`unexpected argument "tokensclient"`}},
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
		for _, w := range []string{"Usage: tokens-spec [-o FILE] [--format yaml|json]", "version " + openapi.Version(), "-format", "-o FILE", "byte for byte",
			"tokens-spec --config [--package NAME] [--output FILE] [--overlay FILE] [-o FILE]", "openapi/" + openapi.CodegenConfigFileName,
			"-package NAME", "-output FILE", "-overlay FILE", `(default "tokensapi")`, "oapi-codegen -config cfg.yaml openapi.yaml"} {
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

func TestConfigFlags(t *testing.T) {
	overlayDir := t.TempDir()
	tests := []struct {
		name                 string
		args                 []string
		pkg, output, overlay string
	}{
		{"defaults", []string{"--config"}, "tokensapi", "tokensapi.gen.go", ""},
		{"package", []string{"--config", "--package", "tokensclient"}, "tokensclient", "tokensclient.gen.go", ""},
		{"package and output", []string{"-config", "-package=b2b", "-output=internal/b2b/client.gen.go"}, "b2b", "internal/b2b/client.gen.go", ""},
		{"overlay", []string{"--config", "--package", "tokensclient", "--overlay", "overlay.yaml"}, "tokensclient", "tokensclient.gen.go", "overlay.yaml"},
		{"absolute overlay, flags in any order", []string{"--overlay", overlayDir + "/o.yaml", "--package", "p", "--config"}, "p", "p.gen.go", overlayDir + "/o.yaml"},
		{"-o - is standard output", []string{"--config", "-o", "-", "--package", "x"}, "x", "x.gen.go", ""},
		{"--format yaml is what --config prints", []string{"--config", "--format", "yaml"}, "tokensapi", "tokensapi.gen.go", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runSpec(t, tt.args...)
			if code != exitcode.OK || stderr != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, stderr)
			}
			c := codegentest.Decode(t, []byte(stdout))
			if c.PackageName != tt.pkg || c.OutputFile != tt.output || c.OutputOptions.Overlay.Path != tt.overlay {
				t.Errorf("package %q, output %q, overlay %q; want %q, %q, %q", c.PackageName, c.OutputFile, c.OutputOptions.Overlay.Path, tt.pkg, tt.output, tt.overlay)
			}
		})
	}
	// With no flag but --config, the embedded file byte for byte.
	if _, stdout, _ := runSpec(t, "--config"); stdout != string(openapi.CodegenConfig()) {
		t.Errorf("--config differs from openapi/%s:\n%s", openapi.CodegenConfigFileName, stdout)
	}
}

func TestConfigWritesFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "tokensclient", "cfg.yaml")
	code, stdout, stderr := runSpec(t, "--config", "--package", "tokensclient", "-o", name)
	if code != exitcode.OK || stdout != "" || stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and nothing printed", code, stdout, stderr)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if c := codegentest.Decode(t, b); c.PackageName != "tokensclient" {
		t.Errorf("%s names package %q", name, c.PackageName)
	}
}

// TestConfigOutputNeverReplacesAnInput: -o must not name the overlay (an
// input of the generation) or the file oapi-codegen will write.
func TestConfigOutputNeverReplacesAnInput(t *testing.T) {
	dir := t.TempDir()
	overlay := filepath.Join(dir, "overlay.yaml")
	const body = "overlay: 1.0.0\n"
	if err := os.WriteFile(overlay, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(overlay, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"-o is the overlay", []string{"--config", "--overlay", overlay, "-o", overlay}, "is the overlay --overlay names"},
		{"-o is the overlay, spelt differently", []string{"--config", "--overlay", overlay, "-o", dir + "/./overlay.yaml"}, "is the overlay --overlay names"},
		{"-o is a link to the overlay", []string{"--config", "--overlay", overlay, "-o", link}, "is the overlay --overlay names"},
		{"-o is the generated file", []string{"--config", "--package", "p", "-o", "p.gen.go"}, "is the file oapi-codegen writes (--output)"},
		{"-o is --output", []string{"--config", "--output", filepath.Join(dir, "x.go"), "-o", filepath.Join(dir, "x.go")}, "is the file oapi-codegen writes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runSpec(t, tt.args...)
			if code != exitcode.Usage || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %d bytes, stderr %q; want %d and %q", code, len(stdout), stderr, exitcode.Usage, tt.want)
			}
			if b, err := os.ReadFile(overlay); err != nil || string(b) != body {
				t.Fatalf("the overlay was changed: %q, %v", b, err)
			}
		})
	}
}

// TestConfigGeneratesTheCommittedClient runs oapi-codegen, as a downstream
// go generate step does, on what tokens-spec prints: the spec and the
// configuration with this project's package and output. The result must be
// generated/tokensapi.gen.go byte for byte; with another package, the same
// code in that package.
func TestConfigGeneratesTheCommittedClient(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs oapi-codegen")
	}
	committed, err := os.ReadFile(filepath.Join("..", "..", "generated", "tokensapi.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	_, spec, _ := runSpec(t, "-o", "-")
	g := codegentest.Build(t)
	tests := []struct {
		name   string
		args   []string
		output string
		want   []byte
	}{
		{"defaults", []string{"--config"}, "tokensapi.gen.go", committed},
		{"this project's package and output", []string{"--config", "--package", "tokensapi", "--output", "tokensapi.gen.go"}, "tokensapi.gen.go", committed},
		{"another package", []string{"--config", "--package", "tokensclient", "--output", "client/tokensclient.gen.go"}, "client/tokensclient.gen.go",
			[]byte(strings.NewReplacer("// Package tokensapi ", "// Package tokensclient ", "\npackage tokensapi\n", "\npackage tokensclient\n").Replace(string(committed)))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, cfg, stderr := runSpec(t, tt.args...)
			if code != exitcode.OK {
				t.Fatalf("tokens-spec %v: exit %d: %s", tt.args, code, stderr)
			}
			got := g.Generate(t, codegentest.Files{"cfg.yaml": []byte(cfg), "openapi.yaml": []byte(spec)}, "cfg.yaml", "openapi.yaml", tt.output)
			if !bytes.Equal(got, tt.want) {
				t.Errorf("oapi-codegen with tokens-spec %v generated %d bytes that differ from the committed generated/tokensapi.gen.go (%d bytes, package adjusted)", tt.args, len(got), len(tt.want))
			}
		})
	}
}

// Example_config prints the recommended oapi-codegen configuration for a
// downstream package and shows the lines --package and --overlay set.
func Example_config() {
	var stdout bytes.Buffer
	run(&stdout, os.Stderr, []string{"--config", "--package", "tokensclient", "--overlay", "overlay.yaml"})
	for line := range strings.Lines(stdout.String()) {
		if strings.HasPrefix(line, "package:") || strings.HasPrefix(line, "output:") || strings.Contains(line, "overlay") && !strings.HasPrefix(strings.TrimSpace(line), "#") {
			fmt.Print(line)
		}
	}
	// Output:
	// package: tokensclient
	// output: tokensclient.gen.go
	//   overlay:
	//     path: overlay.yaml
}

// Package codegentest runs the oapi-codegen that go.mod pins on a spec and a
// configuration in a fresh folder, as a downstream go generate step does, and
// reads a configuration the way oapi-codegen does, so that tests check what a
// configuration really generates instead of what it looks like. It needs the
// go command (the generator is built from the module cache, through Go's
// build cache).
package codegentest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"go.yaml.in/yaml/v3"
)

// GeneratorPackage is the package path of oapi-codegen's command.
const GeneratorPackage = "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"

// Config is the configuration type of oapi-codegen's command (unexported
// there, in cmd/oapi-codegen): codegen.Configuration and the output file.
type Config struct {
	codegen.Configuration `yaml:",inline"`
	// OutputFile is "output", the file the generated code is written to.
	OutputFile string `yaml:"output,omitempty"`
}

// Decode reads b as oapi-codegen v2's command does (go.yaml.in/yaml/v3, with
// unknown fields refused, as the command decodes it to tell its two formats
// apart), applies its defaults and validates it with oapi-codegen's own
// checks. A misspelt field or a value of the wrong type fails t.
func Decode(t testing.TB, b []byte) Config {
	t.Helper()
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("oapi-codegen cannot read the configuration: %v\n%s", err, b)
	}
	c.Configuration = c.UpdateDefaults()
	if err := c.Validate(); err != nil {
		t.Fatalf("oapi-codegen refuses the configuration: %v\n%s", err, b)
	}
	return c
}

// Files are the inputs of one generation, by slash-separated file name
// relative to the folder oapi-codegen runs in.
type Files map[string][]byte

// Generator is a built oapi-codegen.
type Generator struct {
	bin string
}

// Build builds the oapi-codegen go.mod pins into a temporary folder of t.
func Build(t testing.TB) *Generator {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build oapi-codegen: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "oapi-codegen")
	if out, err := exec.Command(goBin, "build", "-o", bin, GeneratorPackage).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", GeneratorPackage, err, out)
	}
	return &Generator{bin: bin}
}

// Generate writes files into a fresh folder, runs "oapi-codegen -config
// config spec" there (config and spec name two of the files) and returns the
// generated file, output. A failing generation fails t with oapi-codegen's
// own message; Run returns it instead.
func (g *Generator) Generate(t testing.TB, files Files, config, spec, output string) []byte {
	t.Helper()
	code, stderr := g.Run(t, files, config, spec, output)
	if code == nil {
		t.Fatalf("oapi-codegen -config %s %s failed:\n%s", config, spec, stderr)
	}
	return code
}

// Run is Generate that returns, when oapi-codegen fails or writes no output,
// nil and what oapi-codegen printed on standard error.
func (g *Generator) Run(t testing.TB, files Files, config, spec, output string) (code []byte, stderr string) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(g.bin, "-config", config, spec)
	cmd.Dir = dir
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		return nil, err.Error() + "\n" + errb.String()
	}
	out, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(output)))
	if err != nil {
		return nil, err.Error() + "\n" + errb.String()
	}
	return out, errb.String()
}

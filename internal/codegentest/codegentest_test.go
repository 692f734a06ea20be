package codegentest_test

import (
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/codegentest"
)

const minimalSpec = `openapi: 3.0.3
info: {title: t, version: 1.0.0}
paths: {}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: integer}
`

// modelsConfig keeps unreferenced schemas (skip-prune): the spec has no paths.
const modelsConfig = "package: things\noutput: out/things.gen.go\ngenerate:\n  models: true\noutput-options:\n  skip-prune: true\n"

func TestGenerateAndRun(t *testing.T) {
	g := codegentest.Build(t)
	code := g.Generate(t, codegentest.Files{"cfg.yaml": []byte(modelsConfig), "spec/api.yaml": []byte(minimalSpec)},
		"cfg.yaml", "spec/api.yaml", "out/things.gen.go")
	for _, want := range []string{"package things\n", "type Thing struct {", "Id int `json:\"id\"`"} {
		if !strings.Contains(string(code), want) {
			t.Errorf("generated code lacks %q:\n%s", want, code)
		}
	}
	code, stderr := g.Run(t, codegentest.Files{"cfg.yaml": []byte(modelsConfig), "api.yaml": []byte("openapi: [3.0.3\n")},
		"cfg.yaml", "api.yaml", "out/things.gen.go")
	if code != nil || !strings.Contains(stderr, "api.yaml") {
		t.Errorf("a spec that is not YAML: Run returned %d bytes, stderr %q; want nil and oapi-codegen's message naming the file", len(code), stderr)
	}
}

func TestDecode(t *testing.T) {
	c := codegentest.Decode(t, []byte(modelsConfig+"  overlay:\n    path: o.yaml\n"))
	if c.PackageName != "things" || c.OutputFile != "out/things.gen.go" || !c.Generate.Models || c.OutputOptions.Overlay.Path != "o.yaml" {
		t.Errorf("Decode = %+v", c)
	}
}

package specprint_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/codegentest"
	"github.com/b2b-contract/s2s-tokens/internal/specprint"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

func TestRenderConfig(t *testing.T) {
	embedded := codegentest.Decode(t, openapi.CodegenConfig())
	tests := []struct {
		name                 string
		opts                 specprint.ConfigOptions
		pkg, output, overlay string
	}{
		{"defaults", specprint.ConfigOptions{}, "tokensapi", "tokensapi.gen.go", ""},
		{"package gives the output", specprint.ConfigOptions{Package: "tokensclient"}, "tokensclient", "tokensclient.gen.go", ""},
		{"package and output", specprint.ConfigOptions{Package: "b2b", Output: "internal/b2b/client.gen.go"}, "b2b", "internal/b2b/client.gen.go", ""},
		{"overlay", specprint.ConfigOptions{Package: "tokensclient", Overlay: "overlay.yaml"}, "tokensclient", "tokensclient.gen.go", "overlay.yaml"},
		{"identifiers YAML reads as other types stay strings", specprint.ConfigOptions{Package: "true", Output: "null.go", Overlay: "1.0"}, "true", "null.go", "1.0"},
		{"names YAML would misread", specprint.ConfigOptions{Package: "x", Output: "a: b #c.go", Overlay: "- [x]: {y} #z & *w"}, "x", "a: b #c.go", "- [x]: {y} #z & *w"},
		{"unicode package", specprint.ConfigOptions{Package: "jetons", Output: "jetons générés.go"}, "jetons", "jetons générés.go", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := specprint.RenderConfig(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := codegentest.Decode(t, b)
			if got.PackageName != tt.pkg || got.OutputFile != tt.output || got.OutputOptions.Overlay.Path != tt.overlay {
				t.Errorf("package %q, output %q, overlay %q; want %q, %q, %q\n%s",
					got.PackageName, got.OutputFile, got.OutputOptions.Overlay.Path, tt.pkg, tt.output, tt.overlay, b)
			}
			if got.OutputOptions.Overlay.Strict != nil {
				t.Errorf("overlay strict is set (%v): oapi-codegen's default, strict, should apply", *got.OutputOptions.Overlay.Strict)
			}
			// Nothing else changes.
			got.PackageName, got.OutputFile, got.OutputOptions.Overlay.Path = embedded.PackageName, embedded.OutputFile, ""
			if !reflect.DeepEqual(got, embedded) {
				t.Errorf("fields other than package, output and overlay differ from the embedded configuration:\n%s", b)
			}
			// Every comment is kept, in order.
			if c, e := comments(b), comments(openapi.CodegenConfig()); !strings.Contains(c, e) {
				t.Errorf("comments lost or changed:\n%s\nwant them to include:\n%s", c, e)
			}
			if tt.overlay != "" && !bytes.Contains(b, []byte("  # An OpenAPI Overlay 1.0 document applied to the spec before generating;\n")) {
				t.Errorf("the overlay key has no comment:\n%s", b)
			}
		})
	}
}

// comments returns the comment lines of a YAML file, trimmed.
func comments(b []byte) string {
	var out []string
	for line := range strings.Lines(string(b)) {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestRenderConfigDefaultsAreTheEmbeddedFile pins the one-source promise:
// with nothing changed, tokens-spec --config prints the file generated/ is
// generated with, byte for byte.
func TestRenderConfigDefaultsAreTheEmbeddedFile(t *testing.T) {
	for _, o := range []specprint.ConfigOptions{{}, {Package: "tokensapi"}, {Package: "tokensapi", Output: "tokensapi.gen.go"}} {
		b, err := specprint.RenderConfig(o)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, openapi.CodegenConfig()) {
			t.Errorf("RenderConfig(%+v) differs from the embedded %s:\n%s", o, openapi.CodegenConfigFileName, b)
		}
	}
}

func TestRenderConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		opts specprint.ConfigOptions
		want string
	}{
		{"blank package", specprint.ConfigOptions{Package: "_"}, `--package "_" is not a Go package name`},
		{"package with a dash", specprint.ConfigOptions{Package: "tokens-client"}, `--package "tokens-client" is not a Go package name`},
		{"package starting with a digit", specprint.ConfigOptions{Package: "2fa"}, `--package "2fa"`},
		{"keyword", specprint.ConfigOptions{Package: "func"}, `--package "func"`},
		{"package with a space", specprint.ConfigOptions{Package: "tokens client"}, `--package "tokens client"`},
		{"output is the configuration", specprint.ConfigOptions{Output: "cfg.yaml"}, `--output "cfg.yaml" is not a Go file name`},
		{"output is a folder", specprint.ConfigOptions{Output: "client/"}, `--output "client/" is not a Go file name`},
		{"output is only the extension", specprint.ConfigOptions{Output: "dir/.go"}, `--output "dir/.go"`},
		{"output with a line break", specprint.ConfigOptions{Output: "a\nb.go"}, "line break"},
		{"overlay with a line break", specprint.ConfigOptions{Overlay: "a\nb.yaml"}, "--overlay"},
		{"overlay with a NUL", specprint.ConfigOptions{Overlay: "a\x00.yaml"}, "--overlay"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := specprint.RenderConfig(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("RenderConfig(%+v) = %v, want an error containing %q", tt.opts, err, tt.want)
			}
			if b != nil {
				t.Errorf("%d bytes returned with the error", len(b))
			}
		})
	}
}

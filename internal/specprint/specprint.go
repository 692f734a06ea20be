// Package specprint renders what the command-line tools print for a
// downstream go generate step: the embedded spec (YAML byte for byte, or
// JSON), and the recommended oapi-codegen configuration with the package,
// output file and overlay a downstream module chooses (RenderConfig). It also
// writes either to a file atomically. cmd/tokens-spec prints both; the spec
// command of cmd/tokens-contract prints the spec through it.
//
// The configuration is openapi.CodegenConfig, the file this project generates
// its own client with. RenderConfig changes three fields of it in the parsed
// YAML document, never in the text: "package", "output", and
// "output-options.overlay.path", the OpenAPI Overlay that oapi-codegen
// applies to the spec before it generates. Comments are kept, and with
// nothing changed the result is the embedded file byte for byte. A test
// decodes every result into oapi-codegen's own configuration type, with
// unknown fields refused, and generates code with it.
//
// It imports nothing but package openapi, the YAML parser package openapi
// uses, the module's internal/fileutil and the standard library, so that
// cmd/tokens-spec, which downstream modules run from go generate, costs them
// no dependency beyond those of package openapi. A test in cmd/tokens-spec
// checks that import graph.
package specprint

import (
	"errors"
	"fmt"

	"github.com/b2b-contract/s2s-tokens/internal/fileutil"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// The output formats Render accepts.
const (
	// FormatYAML is the embedded file openapi.FileName, byte for byte.
	FormatYAML = "yaml"
	// FormatJSON is the same document as indented JSON, keys in file order.
	FormatJSON = "json"
)

// Render returns the embedded spec in format (FormatYAML or FormatJSON). An
// unknown format is an error that names it and the formats there are, phrased
// for the --format flag both commands take.
func Render(format string) ([]byte, error) {
	switch format {
	case FormatYAML:
		return openapi.YAML(), nil
	case FormatJSON:
		b, err := openapi.JSON()
		if err != nil {
			return nil, fmt.Errorf("rendering the embedded spec as JSON: %w", err)
		}
		return b, nil
	default:
		return nil, fmt.Errorf("unknown --format %q: want %s or %s", format, FormatYAML, FormatJSON)
	}
}

// WriteFile writes data to name by the module's output policy
// (internal/fileutil): a regular file through a temporary file and a rename,
// so a failed write never leaves a truncated spec for the next go generate
// step; a device or FIFO in place; a symbolic link through to its target. The error is the bare cause
// ("permission denied", "it is a directory"): callers name the file.
func WriteFile(name string, data []byte) error {
	if err := fileutil.WriteFile(name, data, 0o644); err != nil {
		if cause := errors.Unwrap(err); cause != nil {
			return cause
		}
		return err
	}
	return nil
}

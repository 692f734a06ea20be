// Package specprint renders the embedded spec in the formats the command-line
// tools print (YAML byte for byte, or JSON) and writes it to a file
// atomically. cmd/tokens-spec and the spec command of cmd/tokens-contract both
// print through it.
//
// It imports nothing but package openapi and the standard library, so that
// cmd/tokens-spec, which downstream modules run from go generate, costs them
// no dependency beyond those of package openapi (a YAML parser). A test in
// cmd/tokens-spec checks that import graph.
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

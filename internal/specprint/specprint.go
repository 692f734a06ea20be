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
	"io/fs"
	"os"
	"path/filepath"

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

// WriteFile writes data to name through a temporary file in the same
// directory and a rename, so that a failed write never leaves a truncated
// spec behind for the next go generate step to read. The file is readable by
// all (0644), like any file in a checkout. Errors leave out the temporary
// file's name and the path: the caller names the file the user asked for.
func WriteFile(name string, data []byte) (err error) {
	if fi, statErr := os.Stat(name); statErr == nil && fi.IsDir() {
		return errors.New("it is a directory")
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return bareError(err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return bareError(err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return bareError(err)
	}
	if err = tmp.Close(); err != nil {
		return bareError(err)
	}
	if err = os.Rename(tmp.Name(), name); err != nil {
		return bareError(err)
	}
	return nil
}

// bareError drops the path from an *fs.PathError or *os.LinkError, whose path
// is the temporary file's, and keeps the cause ("permission denied").
func bareError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

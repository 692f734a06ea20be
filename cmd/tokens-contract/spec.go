package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

// specCommand prints the embedded spec. Because the spec ships inside the Go
// module, a downstream repository that runs
//
//	go run github.com/b2b-contract/s2s-tokens/cmd/tokens-contract spec -o openapi.yaml
//
// from go generate gets exactly the spec version its go.mod pins.
func specCommand() command {
	return command{
		name:    "spec",
		summary: "print the embedded OpenAPI spec (YAML byte for byte, or JSON)",
		run:     runSpec,
	}
}

const specDescription = `Prints the OpenAPI spec embedded in this build: as YAML, byte for byte the
file openapi/` + openapi.FileName + `, or as the equivalent JSON. The spec's version is
the info.version of the module version that built this command, so a downstream
go.mod pins it.`

func runSpec(_ context.Context, env *environment, args []string) int {
	fs := newFlagSet(env, "spec", "spec [-o FILE] [--format yaml|json]", specDescription)
	out := fs.String("o", "", "write the spec to `FILE` instead of standard output")
	format := fs.String("format", "yaml", "output `format`: yaml (the embedded file, byte for byte) or json")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.stderr, "tokens-contract spec: unexpected argument %q (spec takes no arguments; use -o FILE to write a file)\n", fs.Arg(0))
		return exitUsage
	}

	var data []byte
	switch *format {
	case "yaml":
		data = openapi.YAML()
	case "json":
		b, err := openapi.JSON()
		if err != nil {
			fmt.Fprintf(env.stderr, "tokens-contract spec: rendering the embedded spec as JSON: %v\n", err)
			return exitUsage
		}
		data = b
	default:
		fmt.Fprintf(env.stderr, "tokens-contract spec: unknown --format %q: want yaml or json\n", *format)
		return exitUsage
	}

	if *out == "" || *out == "-" {
		if _, err := env.stdout.Write(data); err != nil {
			fmt.Fprintf(env.stderr, "tokens-contract spec: writing to standard output: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	if err := writeSpecFile(*out, data); err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract spec: cannot write %s: %v\n", *out, err)
		return exitUsage
	}
	return exitOK
}

// writeSpecFile writes data to a temporary file beside name and renames it
// into place, so that a failed write never leaves a truncated spec behind for
// the next go generate step to read. Errors leave out the temporary file's
// name: the caller names the file the user asked for.
func writeSpecFile(name string, data []byte) (err error) {
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

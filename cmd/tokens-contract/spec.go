package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/fileutil"
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
		return exitcode.Usage
	}

	var data []byte
	switch *format {
	case "yaml":
		data = openapi.YAML()
	case "json":
		b, err := openapi.JSON()
		if err != nil {
			fmt.Fprintf(env.stderr, "tokens-contract spec: rendering the embedded spec as JSON: %v\n", err)
			return exitcode.Usage
		}
		data = b
	default:
		fmt.Fprintf(env.stderr, "tokens-contract spec: unknown --format %q: want yaml or json\n", *format)
		return exitcode.Usage
	}

	if *out == "" || *out == "-" {
		if _, err := env.stdout.Write(data); err != nil {
			fmt.Fprintf(env.stderr, "tokens-contract spec: writing to standard output: %v\n", err)
			return exitcode.Usage
		}
		return exitcode.OK
	}
	// Through a temporary file and a rename, so that a failed write never
	// leaves a truncated spec behind for the next go generate step to read.
	if err := fileutil.WriteFile(*out, data, 0o644); err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract spec: cannot write %s: %v\n", *out, errors.Unwrap(err))
		return exitcode.Usage
	}
	return exitcode.OK
}

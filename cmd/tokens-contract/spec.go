package main

import (
	"context"
	"fmt"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/specprint"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// specCommand prints the embedded spec through package specprint, as
// cmd/tokens-spec does. Downstream go generate steps should run
// cmd/tokens-spec, whose imports cost them no dependency of the checker.
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

	data, err := specprint.Render(*format)
	if err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract spec: %v\n", err)
		return exitcode.Usage
	}

	if *out == "" || *out == "-" {
		if _, err := env.stdout.Write(data); err != nil {
			fmt.Fprintf(env.stderr, "tokens-contract spec: writing to standard output: %v\n", err)
			return exitcode.Usage
		}
		return exitcode.OK
	}
	if err := specprint.WriteFile(*out, data); err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract spec: cannot write %s: %v\n", *out, err)
		return exitcode.Usage
	}
	return exitcode.OK
}

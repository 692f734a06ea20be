// Command tokens-spec prints the OpenAPI spec embedded in this module: as YAML,
// byte for byte the file openapi/b2b-s2s-tokens.yaml, or as the equivalent JSON,
// to standard output or to a file written atomically.
//
// It exists for downstream go generate steps:
//
//	//go:generate go run github.com/b2b-contract/s2s-tokens/cmd/tokens-spec -o openapi.yaml
//
// Its imports are package openapi, package internal/specprint and the standard
// library, so running it downloads this module and a YAML parser, none of the
// checker's dependencies (a test checks the import graph). The spec printed is
// the one of the module version the caller's go.mod pins.
//
// Usage:
//
//	tokens-spec [-o FILE] [--format yaml|json]
//
// Exit codes: 0 the spec was printed; 2 a usage error or a file that cannot be
// written.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/specprint"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

func main() {
	os.Exit(run(os.Stdout, os.Stderr, os.Args[1:]))
}

const usageText = `Usage: tokens-spec [-o FILE] [--format yaml|json]

Prints the OpenAPI spec (version %s) embedded in this build of
github.com/b2b-contract/s2s-tokens: as YAML, byte for byte the file
openapi/%s, or as the equivalent JSON. A downstream go.mod pins the spec
by pinning the module version.

Flags:
`

// run is main without the process: it returns the exit code.
func run(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("tokens-spec", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed below, help to stdout
	out := fs.String("o", "", "write the spec to `FILE` (atomically) instead of standard output; - is standard output")
	format := fs.String("format", specprint.FormatYAML, "output `format`: yaml (the embedded file, byte for byte) or json")
	usage := func(w io.Writer) {
		fmt.Fprintf(w, usageText, openapi.Version(), openapi.FileName)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return exitcode.OK
		}
		fmt.Fprintf(stderr, "tokens-spec: %v\n\n", err)
		usage(stderr)
		return exitcode.Usage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "tokens-spec: unexpected argument %q (tokens-spec takes no arguments; use -o FILE to write a file)\n", fs.Arg(0))
		return exitcode.Usage
	}
	data, err := specprint.Render(*format)
	if err != nil {
		fmt.Fprintf(stderr, "tokens-spec: %v\n", err)
		return exitcode.Usage
	}
	if *out == "" || *out == "-" {
		if _, err := stdout.Write(data); err != nil {
			fmt.Fprintf(stderr, "tokens-spec: writing to standard output: %v\n", err)
			return exitcode.Usage
		}
		return exitcode.OK
	}
	if err := specprint.WriteFile(*out, data); err != nil {
		fmt.Fprintf(stderr, "tokens-spec: cannot write %s: %v\n", *out, err)
		return exitcode.Usage
	}
	return exitcode.OK
}

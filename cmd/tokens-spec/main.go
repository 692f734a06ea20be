// Command tokens-spec prints what a downstream go generate step needs from
// this module: the OpenAPI spec embedded in it (as YAML, byte for byte the
// file openapi/b2b-s2s-tokens.yaml, or as the equivalent JSON), and, with
// --config, the recommended oapi-codegen configuration for a client of it,
// with the package and output file the caller names. Either goes to standard
// output or to a file written atomically.
//
// It exists for downstream go generate steps:
//
//	//go:generate go run github.com/b2b-contract/s2s-tokens/cmd/tokens-spec -o openapi.yaml
//	//go:generate go run github.com/b2b-contract/s2s-tokens/cmd/tokens-spec --config --package tokensclient --overlay overlay.yaml -o cfg.yaml
//	//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config cfg.yaml openapi.yaml
//
// The configuration is openapi/oapi-codegen.yaml, the one this project
// generates generated/ with; --package, --output and --overlay set its
// package, output and output-options.overlay.path fields and nothing else
// (go doc ./internal/specprint). --overlay names an OpenAPI Overlay that
// oapi-codegen applies to the spec before generating, so a team can patch
// the spec at generation time (with an overlay from tokens-contract check
// --suggest-overlay, or its own) without editing the printed spec.
// With --config, -o may name neither the overlay nor the Go file oapi-codegen
// writes: the configuration would replace the one, the code the other.
//
// Its imports are package openapi, package internal/specprint and the standard
// library, so running it downloads this module and a YAML parser, none of the
// checker's dependencies (a test checks the import graph). The spec and the
// configuration printed are those of the module version the caller's go.mod
// pins.
//
// Usage:
//
//	tokens-spec [-o FILE] [--format yaml|json]
//	tokens-spec --config [--package NAME] [--output FILE] [--overlay FILE] [-o FILE]
//
// Exit codes: 0 printed; 2 a usage error or a file that cannot be written.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/specprint"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

func main() {
	os.Exit(run(os.Stdout, os.Stderr, os.Args[1:]))
}

const usageText = `Usage: tokens-spec [-o FILE] [--format yaml|json]
       tokens-spec --config [--package NAME] [--output FILE] [--overlay FILE] [-o FILE]

Prints the OpenAPI spec (version %s) embedded in this build of
github.com/b2b-contract/s2s-tokens: as YAML, byte for byte the file
openapi/%s, or as the equivalent JSON. A downstream go.mod pins
the spec by pinning the module version.

With --config it prints instead the recommended oapi-codegen configuration
for a client of that spec (openapi/%s, the one this project
generates its own client with), with the package and output file you name;
--overlay FILE adds output-options.overlay, an OpenAPI Overlay that
oapi-codegen applies to the spec before generating (FILE is relative to the
folder oapi-codegen runs in: for go generate, the package's folder). For
example:

  tokens-spec -o openapi.yaml
  tokens-spec --config --package tokensclient --overlay overlay.yaml -o cfg.yaml
  oapi-codegen -config cfg.yaml openapi.yaml

Flags:
`

// run is main without the process: it returns the exit code.
func run(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("tokens-spec", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed below, help to stdout
	out := fs.String("o", "", "write the spec (with --config, the configuration) to `FILE` (atomically) instead of standard output; - is standard output")
	format := fs.String("format", specprint.FormatYAML, "output `format` of the spec: yaml (the embedded file, byte for byte) or json")
	config := fs.Bool("config", false, "print the recommended oapi-codegen configuration instead of the spec")
	pkg := fs.String("package", specprint.DefaultPackage, "with --config: the Go package `NAME` of the generated code")
	output := fs.String("output", "", "with --config: the Go `FILE` oapi-codegen writes (default NAME.gen.go)")
	overlay := fs.String("overlay", "", "with --config: the OpenAPI Overlay `FILE` oapi-codegen applies to the spec before generating")
	usage := func(w io.Writer) {
		fmt.Fprintf(w, usageText, openapi.Version(), openapi.FileName, openapi.CodegenConfigFileName)
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
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var data []byte
	var err error
	if *config {
		data, err = renderConfig(set, *format, *pkg, *output, *overlay)
		if err == nil {
			err = checkConfigOutput(*out, *pkg, *output, *overlay)
		}
	} else {
		data, err = renderSpec(set, *format)
	}
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

// renderSpec returns the spec in format, refusing the flags that only
// --config takes: without it, --overlay would look as if it patched the spec.
func renderSpec(set map[string]bool, format string) ([]byte, error) {
	for _, name := range []string{"package", "output", "overlay"} {
		if set[name] {
			hint := ""
			if name == "overlay" {
				hint = "; tokens-spec prints the spec as published (tokens-contract spec --overlay FILE prints it patched)"
			}
			return nil, fmt.Errorf("--%s sets a field of the oapi-codegen configuration: it needs --config%s", name, hint)
		}
	}
	return specprint.Render(format)
}

// renderConfig returns the recommended configuration with the flags given.
// A flag given empty is an error, not the default.
func renderConfig(set map[string]bool, format, pkg, output, overlay string) ([]byte, error) {
	if set["format"] && format != specprint.FormatYAML {
		return nil, fmt.Errorf("--format %q: --config prints YAML, the configuration format of oapi-codegen; --format json is for the spec", format)
	}
	for _, f := range []struct{ name, value string }{{"package", pkg}, {"output", output}, {"overlay", overlay}} {
		if set[f.name] && f.value == "" {
			return nil, fmt.Errorf("--%s is empty: give a value or leave the flag out", f.name)
		}
	}
	return specprint.RenderConfig(specprint.ConfigOptions{Package: pkg, Output: output, Overlay: overlay})
}

// checkConfigOutput refuses an -o that names the overlay (the configuration
// would replace it) or the Go file oapi-codegen writes (the code would
// replace the configuration). The names are compared as go generate runs
// both programs, in one folder: cleaned, and by identity when both exist.
func checkConfigOutput(out, pkg, output, overlay string) error {
	if out == "" || out == "-" {
		return nil
	}
	if output == "" {
		output = pkg + ".gen.go"
	}
	if overlay != "" && sameFile(out, overlay) {
		return fmt.Errorf("-o %s is the overlay --overlay names: the configuration would replace it", out)
	}
	if sameFile(out, output) {
		return fmt.Errorf("-o %s is the file oapi-codegen writes (--output): the generated code would replace the configuration", out)
	}
	return nil
}

// sameFile reports whether a and b name one file.
func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

package main

import (
	"context"
	"fmt"

	"github.com/pb33f/go-yaml"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/overlay"
	"github.com/b2b-contract/s2s-tokens/internal/yamljson"

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
go.mod pins it.

--overlay FILE applies an OpenAPI Overlay (1.0.0, such as the one
"tokens-contract check --suggest-overlay" writes) to the embedded spec first,
with libopenapi's overlay engine, and prints the patched spec. An overlay that
does not parse, an action whose target selects nothing, or a patched spec the
checker cannot be built from is an error (exit 2).`

func runSpec(_ context.Context, env *environment, args []string) int {
	fs := newFlagSet(env, "spec", "spec [-o FILE] [--format yaml|json] [--overlay FILE]", specDescription)
	overlayPath := fs.String("overlay", "", "apply the OpenAPI Overlay in `FILE` to the spec before printing it")
	out := fs.String("o", "", "write the spec to `FILE` instead of standard output")
	format := fs.String("format", "yaml", "output `format`: yaml (the embedded file, byte for byte) or json")
	args, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(args) > 0 {
		fmt.Fprintf(env.stderr, "tokens-contract spec: unexpected argument %q (spec takes no arguments; use -o FILE to write a file)\n", args[0])
		return exitcode.Usage
	}

	var data []byte
	var err error
	if *overlayPath != "" {
		data, err = patchedSpec(env, *overlayPath, *format)
	} else {
		data, err = specprint.Render(*format)
	}
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

// patchedSpec applies the overlay at path to the embedded spec and renders
// the result as format. The patched spec must still build a checker.
func patchedSpec(env *environment, path, format string) ([]byte, error) {
	if format != specprint.FormatYAML && format != specprint.FormatJSON {
		return nil, fmt.Errorf("unknown --format %q: want %s or %s", format, specprint.FormatYAML, specprint.FormatJSON)
	}
	doc, err := readInputFile("--overlay", path, maxSpecSize)
	if err != nil {
		return nil, err
	}
	patched, warnings, err := overlay.Apply(openapi.YAML(), path, doc)
	if err != nil {
		return nil, err
	}
	if len(warnings) > 0 {
		for _, w := range warnings {
			fmt.Fprintf(env.stderr, "tokens-contract spec: %s\n", w)
		}
		return nil, fmt.Errorf("--overlay %s: %s did not apply cleanly", path, plural(len(warnings), "action"))
	}
	if _, err := contract.New(contract.WithSpec(path+" applied to "+openapi.FileName, patched)); err != nil {
		return nil, fmt.Errorf("--overlay %s: the patched spec is not usable: %w", path, err)
	}
	if format == specprint.FormatYAML {
		return patched, nil
	}
	var root yaml.Node
	if err := yaml.Unmarshal(patched, &root); err != nil {
		return nil, fmt.Errorf("--overlay %s: reading the patched spec: %w", path, err)
	}
	out, err := yamljson.Indented(&root)
	if err != nil {
		return nil, fmt.Errorf("--overlay %s: rendering the patched spec as JSON: %w", path, err)
	}
	return append(out, '\n'), nil
}

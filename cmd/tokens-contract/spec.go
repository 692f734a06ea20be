package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/pb33f/go-yaml"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/overlay"
	"github.com/b2b-contract/s2s-tokens/internal/yamljson"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/fileutil"
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

--spec FILE starts from another OpenAPI document of the token operations
instead (a release under openapi/releases, a spec patched before).
--overlay FILE applies an OpenAPI Overlay (1.0.0, such as the one
"tokens-contract check --suggest-overlay" writes) to it first, with
libopenapi's overlay engine, and prints the patched spec; repeated, the
overlays apply in the order given, each to the result of the one before. The
patched spec records them in info.x-tokens-contract-overlays (each overlay's
file name and SHA-256; go doc contract/overlay). An overlay that does not
parse, an action whose target selects nothing, or a patched spec the checker
cannot be built from is an error (exit 2).

-o FILE is written by the output policy of check: atomically to a regular
file, in place to a device or FIFO, through a symbolic link; missing folders
are created; a FILE that is one of the inputs (--spec, --overlay) is a usage
error.`

func runSpec(_ context.Context, env *environment, args []string) int {
	fs := newFlagSet(env, "spec", "spec [-o FILE] [--format yaml|json] [--spec FILE] [--overlay FILE]...", specDescription)
	var overlays multiFlag
	fs.Var(&overlays, "overlay", "apply the OpenAPI Overlay in `FILE` to the spec before printing it (repeatable: applied in order)")
	var sf specFlag
	fs.StringVar(&sf.path, "spec", "", "start from this OpenAPI `FILE` of the token operations instead of the embedded spec")
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
	if *out != "" && *out != "-" {
		inputs := append([]string{}, overlays...)
		if sf.path != "" {
			inputs = append(inputs, sf.path)
		}
		if err := prepareOutputs(env, []fileutil.Output{{Flag: "-o", Path: *out}}, inputs); err != nil {
			fmt.Fprintf(env.stderr, "tokens-contract spec: %v\n", err)
			return exitcode.Usage
		}
	}

	var data []byte
	var err error
	if len(overlays) > 0 || sf.path != "" {
		data, err = patchedSpec(env, sf.path, overlays, *format)
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

// patchedSpec applies the overlays at paths, in order, to the document at
// specPath (the embedded spec when empty) and renders the result as format.
// The result must still build a checker.
func patchedSpec(env *environment, specPath string, paths []string, format string) ([]byte, error) {
	if format != specprint.FormatYAML && format != specprint.FormatJSON {
		return nil, fmt.Errorf("unknown --format %q: want %s or %s", format, specprint.FormatYAML, specprint.FormatJSON)
	}
	base, baseName := openapi.YAML(), openapi.FileName
	if specPath != "" {
		var err error
		if base, err = readInputFile("--spec", specPath, maxSpecSize); err != nil {
			return nil, err
		}
		baseName = specPath
	}
	var sources []overlay.Source
	for _, p := range paths {
		doc, err := readInputFile("--overlay", p, maxSpecSize)
		if err != nil {
			return nil, err
		}
		sources = append(sources, overlay.Source{Name: p, Doc: doc})
	}
	patched, warnings, err := overlay.ApplyAll(base, sources)
	if err != nil {
		return nil, err
	}
	if len(warnings) > 0 {
		for _, w := range warnings {
			fmt.Fprintf(env.stderr, "tokens-contract spec: %s\n", w)
		}
		return nil, fmt.Errorf("--overlay: %s did not apply cleanly", plural(len(warnings), "action"))
	}
	name := baseName
	if len(paths) > 0 {
		name = strings.Join(paths, ", ") + " applied to " + baseName
	}
	if _, err := contract.New(contract.WithSpec(name, patched)); err != nil {
		return nil, fmt.Errorf("%s: the patched spec is not usable: %w", name, err)
	}
	if format == specprint.FormatYAML {
		return patched, nil
	}
	var root yaml.Node
	if err := yaml.Unmarshal(patched, &root); err != nil {
		return nil, fmt.Errorf("%s: reading the spec: %w", name, err)
	}
	out, err := yamljson.Indented(&root)
	if err != nil {
		return nil, fmt.Errorf("%s: rendering the spec as JSON: %w", name, err)
	}
	return append(out, '\n'), nil
}

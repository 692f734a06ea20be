package specprint

import (
	"bytes"
	"errors"
	"fmt"
	"go/token"
	"path/filepath"
	"strings"

	"github.com/pb33f/go-yaml"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

// DefaultPackage is the package the recommended configuration names, this
// project's own generated/ package.
const DefaultPackage = "tokensapi"

// ConfigOptions are what a downstream module sets in the recommended
// oapi-codegen configuration (openapi.CodegenConfig): the fields of
// oapi-codegen v2's configuration named after each one.
type ConfigOptions struct {
	// Package is "package": the Go package name of the generated code. Empty
	// keeps DefaultPackage.
	Package string
	// Output is "output": the file oapi-codegen writes, relative to the
	// folder it runs in. Empty means Package + ".gen.go".
	Output string
	// Overlay is "output-options.overlay.path": an OpenAPI Overlay 1.0
	// document that oapi-codegen applies to the spec before generating,
	// strictly (an action that changes nothing fails the generation),
	// relative to the folder oapi-codegen runs in. Empty sets none.
	Overlay string
}

// overlayComment heads the overlay key that RenderConfig adds.
const overlayComment = "# An OpenAPI Overlay 1.0 document applied to the spec before generating;\n" +
	"# an action that changes nothing fails the generation."

// RenderConfig returns the recommended oapi-codegen configuration with o
// applied, comments kept. The zero ConfigOptions give openapi.CodegenConfig
// byte for byte. The values are set in the parsed YAML document, never by
// text substitution, so any value is written as a YAML string. A package
// that is not a Go package name, or an output that does not name a Go file,
// is an error phrased for the flags of tokens-spec --config.
func RenderConfig(o ConfigOptions) ([]byte, error) {
	if o.Package == "" {
		o.Package = DefaultPackage
	}
	if err := checkPackage(o.Package); err != nil {
		return nil, err
	}
	if o.Output == "" {
		o.Output = o.Package + ".gen.go"
	}
	if err := checkOutput(o.Output); err != nil {
		return nil, err
	}
	if strings.ContainsAny(o.Overlay, "\x00\n\r") {
		return nil, fmt.Errorf("--overlay %q: a file name cannot hold a NUL or a line break", o.Overlay)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(openapi.CodegenConfig(), &doc); err != nil {
		return nil, fmt.Errorf("reading the embedded %s: %w", openapi.CodegenConfigFileName, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("the embedded %s is not a YAML mapping", openapi.CodegenConfigFileName)
	}
	root := doc.Content[0]
	if err := setString(root, "package", o.Package); err != nil {
		return nil, err
	}
	if err := setString(root, "output", o.Output); err != nil {
		return nil, err
	}
	if o.Overlay != "" {
		opts := child(root, "output-options")
		if opts == nil {
			opts = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "output-options"}, opts)
		}
		if opts.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("the embedded %s: output-options is not a mapping", openapi.CodegenConfigFileName)
		}
		if child(opts, "overlay") != nil {
			return nil, fmt.Errorf("the embedded %s already sets output-options.overlay", openapi.CodegenConfigFileName)
		}
		overlay := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: "path"},
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: o.Overlay},
		}}
		opts.Content = append(opts.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "overlay", HeadComment: overlayComment}, overlay)
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("writing the oapi-codegen configuration: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("writing the oapi-codegen configuration: %w", err)
	}
	return b.Bytes(), nil
}

// checkPackage accepts a Go package name: an identifier that is not a
// keyword, and not the blank identifier.
func checkPackage(name string) error {
	if !token.IsIdentifier(name) || name == "_" {
		return fmt.Errorf("--package %q is not a Go package name: want an identifier such as tokensclient", name)
	}
	return nil
}

// checkOutput accepts the name of a Go file: a path whose last element ends
// in .go and is more than that.
func checkOutput(name string) error {
	base := filepath.Base(name)
	switch {
	case strings.ContainsAny(name, "\x00\n\r"):
		return fmt.Errorf("--output %q: a file name cannot hold a NUL or a line break", name)
	case filepath.Ext(base) != ".go" || base == ".go":
		return fmt.Errorf("--output %q is not a Go file name: it is the configuration's output, the file oapi-codegen writes, such as tokensclient.gen.go (-o FILE writes the configuration itself to a file)", name)
	}
	return nil
}

// child returns the value of key in mapping m, or nil.
func child(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// setString sets the existing scalar key of mapping m to value, as a string.
func setString(m *yaml.Node, key, value string) error {
	v := child(m, key)
	if v == nil || v.Kind != yaml.ScalarNode {
		return errors.New("the embedded " + openapi.CodegenConfigFileName + " has no scalar " + key)
	}
	v.Tag, v.Value, v.Style = "!!str", value, 0
	return nil
}

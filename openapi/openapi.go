// Package openapi embeds the hand-maintained OpenAPI 3.0.3 contract of the
// BigCommerce B2B Edition server-to-server token operations, and hands it out as
// YAML and as JSON, with the facts other packages read from it. It imports
// nothing but the standard library and a YAML parser, so a downstream module
// can print the spec cheaply; package internal/specload loads it with
// kin-openapi and libopenapi.
//
// The YAML file b2b-s2s-tokens.yaml beside this package is the one source of
// truth of the project. Nothing else reads the spec from a path at run time:
// every consumer goes through this package.
//
// Beside the spec it embeds oapi-codegen.yaml (CodegenConfig), the oapi-codegen
// configuration recommended for a Go client of the spec: the one generated/ is
// generated with (its //go:generate line names the file), the one make
// publish ships, and the one tokens-spec --config prints, with the package
// and output file a downstream module chooses.
package openapi

import (
	_ "embed"
	"fmt"
	"sync"

	"github.com/pb33f/go-yaml"
)

// FileName is the name of the embedded spec file, as published.
const FileName = "b2b-s2s-tokens.yaml"

//go:embed b2b-s2s-tokens.yaml
var specYAML []byte

// YAML returns a copy of the embedded spec, byte for byte as it is in the
// repository.
func YAML() []byte {
	return append([]byte(nil), specYAML...)
}

var jsonOnce = sync.OnceValues(func() ([]byte, error) { return yamlToJSON(specYAML) })

// JSON returns the embedded spec rendered as indented JSON, with the keys in
// the order the YAML file gives them. The result is a fresh copy.
func JSON() ([]byte, error) {
	b, err := jsonOnce()
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), b...), nil
}

// CodegenConfigFileName is the name of the embedded oapi-codegen
// configuration file, beside the spec in this package's folder and in the
// published bundle.
const CodegenConfigFileName = "oapi-codegen.yaml"

//go:embed oapi-codegen.yaml
var codegenConfig []byte

// CodegenConfig returns a copy of the recommended oapi-codegen configuration
// (the file CodegenConfigFileName, byte for byte): models and a client, enum
// values prefixed with their type, Go initialisms, and format: email mapped
// to a plain string so that one odd address cannot fail the decode of a whole
// page. It names package tokensapi and output tokensapi.gen.go, as this
// project's generated/ uses it; `tokens-spec --config --package NAME` prints
// it for another package.
func CodegenConfig() []byte {
	return append([]byte(nil), codegenConfig...)
}

// Info is the provenance the spec records about itself.
type Info struct {
	// Version is the spec's semantic version (info.version).
	Version string
	// Title is info.title.
	Title string
	// Vendor names the vendor source the spec was checked against
	// (info.x-vendor-source).
	Vendor VendorSource
}

// VendorSource names the vendor's own OpenAPI file that this contract was
// checked against.
type VendorSource struct {
	Repository  string `yaml:"repository"`
	File        string `yaml:"file"`
	Commit      string `yaml:"commit"`
	LastChanged string `yaml:"lastChanged"`
	Page        string `yaml:"page"`
}

var infoOnce = sync.OnceValues(func() (Info, error) {
	var doc struct {
		Info struct {
			Title   string       `yaml:"title"`
			Version string       `yaml:"version"`
			Vendor  VendorSource `yaml:"x-vendor-source"`
		} `yaml:"info"`
	}
	if err := yaml.Unmarshal(specYAML, &doc); err != nil {
		return Info{}, fmt.Errorf("openapi: reading info of embedded %s: %w", FileName, err)
	}
	return Info{Version: doc.Info.Version, Title: doc.Info.Title, Vendor: doc.Info.Vendor}, nil
})

// SpecInfo returns the version and vendor provenance recorded in the spec's
// info object.
func SpecInfo() (Info, error) { return infoOnce() }

// Version returns info.version of the embedded spec, or "unknown" if the spec
// cannot be read (which the package's tests rule out).
func Version() string {
	i, err := SpecInfo()
	if err != nil || i.Version == "" {
		return "unknown"
	}
	return i.Version
}

// StrictIgnorePaths lists, in libopenapi-validator's glob syntax, the response
// body locations whose keys are data rather than field names: the entries of
// objects whose schema is a map (a typed additionalProperties, such as the
// per-field messages of an error's errMsg). Strict mode reports every key of
// such a map as undeclared, so validators pass these paths to
// config.WithStrictIgnorePaths. A test derives the list from the spec.
func StrictIgnorePaths() []string {
	return []string{"$.body.data.errMsg.*"}
}

// Package publish builds the bundle that "make publish" writes to dist/ for
// the teams that take the spec: the spec as YAML and as JSON, its changelog, a
// VERSION file with its provenance, an HTML reference page that works
// offline, and oapi-codegen.yaml, the recommended oapi-codegen configuration.
//
// The recommended configuration is openapi/oapi-codegen.yaml
// (openapi.CodegenConfig), the one this project generates its own client
// with, published as is: a team changes package and output and keeps the
// rest, or has tokens-spec --config --package NAME print it so. Its one choice that matters for correctness maps
// format: email to a plain string. oapi-codegen's default, openapi_types.Email,
// fails the decode of a whole page of tokens (with no field path) on a single
// address it does not like, and the vendor stores addresses that are not
// always valid; a string keeps the client working, and the contract suite
// checks the format where it belongs, in the checker.
package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

// Names of the bundle's files.
const (
	// SpecYAML is the spec, byte for byte the embedded file.
	SpecYAML = openapi.FileName
	// SpecJSON is the spec rendered as JSON.
	SpecJSON = "b2b-s2s-tokens.json"
	// ChangelogFile is openapi/CHANGELOG.md.
	ChangelogFile = "CHANGELOG.md"
	// VersionFile names the spec version and its provenance.
	VersionFile = "VERSION"
	// ConfigFile is the recommended oapi-codegen configuration.
	ConfigFile = "oapi-codegen.yaml"
)

// GeneratorModule is the module path of the code generator whose version the
// VERSION file records.
const GeneratorModule = "github.com/oapi-codegen/oapi-codegen/v2"

// Provenance is what the VERSION file records.
type Provenance struct {
	// SpecVersion is the spec's info.version.
	SpecVersion string
	// SpecSHA256 is the hex SHA-256 of the YAML spec file.
	SpecSHA256 string
	// GeneratorVersion is the oapi-codegen version pinned in go.mod, which
	// generated the Go client from this spec.
	GeneratorVersion string
	// Vendor is the vendor source the spec was checked against.
	Vendor openapi.VendorSource
}

// SpecProvenance returns the provenance of the embedded spec, with the given
// oapi-codegen version (as go.mod pins it, such as "v2.8.2").
func SpecProvenance(generatorVersion string) (Provenance, error) {
	info, err := openapi.SpecInfo()
	if err != nil {
		return Provenance{}, err
	}
	if generatorVersion == "" {
		return Provenance{}, fmt.Errorf("publish: no oapi-codegen version given")
	}
	sum := sha256.Sum256(openapi.YAML())
	return Provenance{
		SpecVersion:      info.Version,
		SpecSHA256:       hex.EncodeToString(sum[:]),
		GeneratorVersion: generatorVersion,
		Vendor:           info.Vendor,
	}, nil
}

// VersionText renders the VERSION file: one "key: value" line per fact.
func (p Provenance) VersionText() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "spec-version: %s\n", p.SpecVersion)
	fmt.Fprintf(&b, "spec-file: %s\n", SpecYAML)
	fmt.Fprintf(&b, "spec-sha256: %s\n", p.SpecSHA256)
	fmt.Fprintf(&b, "oapi-codegen: %s %s\n", GeneratorModule, p.GeneratorVersion)
	fmt.Fprintf(&b, "vendor-repository: %s\n", p.Vendor.Repository)
	fmt.Fprintf(&b, "vendor-file: %s\n", p.Vendor.File)
	fmt.Fprintf(&b, "vendor-commit: %s\n", p.Vendor.Commit)
	fmt.Fprintf(&b, "vendor-last-changed: %s\n", p.Vendor.LastChanged)
	return b.Bytes()
}

var configSchema = regexp.MustCompile(`oapi-codegen/oapi-codegen/(v[^/\s]+)/configuration-schema\.json`)

// Bundle returns the bundle's files, by name, for the embedded spec.
// generatorConfig is the recommended oapi-codegen configuration
// (openapi.CodegenConfig); if it names a configuration schema, the schema
// must be generatorVersion's.
func Bundle(generatorVersion string, generatorConfig []byte) (map[string][]byte, error) {
	prov, err := SpecProvenance(generatorVersion)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(generatorConfig)) == 0 {
		return nil, fmt.Errorf("publish: the oapi-codegen configuration is empty")
	}
	if m := configSchema.FindSubmatch(generatorConfig); m != nil && string(m[1]) != generatorVersion {
		return nil, fmt.Errorf("publish: the oapi-codegen configuration names the schema of %s, but the generator is %s", m[1], generatorVersion)
	}
	js, err := openapi.JSON()
	if err != nil {
		return nil, err
	}
	page, err := Reference()
	if err != nil {
		return nil, err
	}
	return map[string][]byte{
		SpecYAML:      openapi.YAML(),
		SpecJSON:      js,
		ChangelogFile: openapi.Changelog(),
		VersionFile:   prov.VersionText(),
		ReferencePage: page,
		ConfigFile:    generatorConfig,
	}, nil
}

// Write writes the bundle into dir, creating it if needed, and returns the
// names it wrote, sorted. The arguments are Bundle's.
func Write(dir, generatorVersion string, generatorConfig []byte) ([]string, error) {
	files, err := Bundle(generatorVersion, generatorConfig)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	names := slices.Sorted(maps.Keys(files))
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return nil, fmt.Errorf("publish: %w", err)
		}
	}
	return names, nil
}

var generatedHeader = regexp.MustCompile(`(?m)^// Code generated by ` + regexp.QuoteMeta(GeneratorModule) + ` version (\S+) DO NOT EDIT\.$`)

// GeneratedBy returns the oapi-codegen version named in the header of
// generated Go source, or "" if the header names none.
func GeneratedBy(src []byte) string {
	m := generatedHeader.FindSubmatch(src)
	if m == nil {
		return ""
	}
	return string(m[1])
}

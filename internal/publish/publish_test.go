package publish_test

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
	"strings"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/b2b-contract/s2s-tokens/internal/publish"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

func parseVersionFile(t *testing.T, b []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	for line := range strings.Lines(string(b)) {
		k, v, ok := strings.Cut(strings.TrimSuffix(line, "\n"), ": ")
		if !ok {
			t.Fatalf("VERSION line %q is not key: value", line)
		}
		out[k] = v
	}
	return out
}

func TestBundle(t *testing.T) {
	files, err := publish.Bundle("v2.8.2", testConfig)
	if err != nil {
		t.Fatal(err)
	}
	names := slices.Sorted(maps.Keys(files))
	want := []string{publish.ChangelogFile, publish.VersionFile, publish.SpecJSON, publish.SpecYAML, publish.ReferencePage, publish.ConfigFile}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("bundle files %v, want %v", names, want)
	}
	if !bytes.Equal(files[publish.SpecYAML], openapi.YAML()) {
		t.Error("the YAML spec differs from the embedded file")
	}
	js, _ := openapi.JSON()
	if !bytes.Equal(files[publish.SpecJSON], js) {
		t.Error("the JSON spec differs from openapi.JSON()")
	}
	if !bytes.Equal(files[publish.ChangelogFile], openapi.Changelog()) {
		t.Error("the changelog differs from openapi/CHANGELOG.md")
	}
	if !bytes.Equal(files[publish.ConfigFile], testConfig) {
		t.Error("the oapi-codegen configuration differs from the one given")
	}
	if !bytes.HasPrefix(files[publish.ReferencePage], []byte("<!DOCTYPE html>")) {
		t.Error("the reference page is not HTML")
	}

	info, err := openapi.SpecInfo()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(openapi.YAML())
	v := parseVersionFile(t, files[publish.VersionFile])
	for key, want := range map[string]string{
		"spec-version":        info.Version,
		"spec-file":           openapi.FileName,
		"spec-sha256":         hex.EncodeToString(sum[:]),
		"oapi-codegen":        "github.com/oapi-codegen/oapi-codegen/v2 v2.8.2",
		"vendor-repository":   info.Vendor.Repository,
		"vendor-file":         info.Vendor.File,
		"vendor-commit":       info.Vendor.Commit,
		"vendor-last-changed": info.Vendor.LastChanged,
	} {
		if v[key] != want || want == "" {
			t.Errorf("VERSION %s = %q, want %q", key, v[key], want)
		}
	}
	if len(v) != 8 {
		t.Errorf("VERSION has %d lines, want 8", len(v))
	}
}

// testConfig is the configuration this project generates its client with,
// the one make publish publishes.
var testConfig = func() []byte {
	b, err := os.ReadFile(filepath.Join("..", "..", "generated", "cfg.yaml"))
	if err != nil {
		panic(err)
	}
	return b
}()

func TestBundleConfig(t *testing.T) {
	tests := []struct {
		name    string
		config  []byte
		wantErr string
	}{
		{"generated/cfg.yaml", testConfig, ""},
		{"no schema line", []byte("package: x\noutput: x.gen.go\n"), ""},
		{"empty", nil, "configuration is empty"},
		{"blank", []byte("\n  \n"), "configuration is empty"},
		{"schema of another version", []byte("# yaml-language-server: $schema=https://raw.githubusercontent.com/oapi-codegen/oapi-codegen/v2.7.0/configuration-schema.json\npackage: x\n"),
			"names the schema of v2.7.0, but the generator is v2.8.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := publish.Bundle("v2.8.2", tt.config)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Bundle: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Bundle = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestPublishedConfigMapsEmailToString pins the recommendation the package
// doc explains: format email is generated as a plain string.
func TestPublishedConfigMapsEmailToString(t *testing.T) {
	if !regexp.MustCompile(`(?m)^ +formats:\n +email:\n +type: string$`).Match(testConfig) {
		t.Errorf("generated/cfg.yaml no longer maps format email to a plain string:\n%s", testConfig)
	}
}

func TestBundleNeedsTheGeneratorVersion(t *testing.T) {
	if _, err := publish.Bundle("", testConfig); err == nil {
		t.Error("a bundle without the oapi-codegen version was built")
	}
}

func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dist")
	names, err := publish.Write(dir, "v2.8.2", testConfig)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := publish.Bundle("v2.8.2", testConfig)
	for _, n := range names {
		got, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, files[n]) {
			t.Errorf("%s differs from the bundle", n)
		}
	}
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := publish.Write(notADir, "v2.8.2", testConfig); err == nil || !strings.Contains(err.Error(), notADir) {
		t.Errorf("writing into a file: err = %v, want one naming %s", err, notADir)
	}
}

func TestGeneratedBy(t *testing.T) {
	for src, want := range map[string]string{
		"// Package x.\n//\n// Code generated by github.com/oapi-codegen/oapi-codegen/v2 version v2.8.2 DO NOT EDIT.\npackage x\n": "v2.8.2",
		"// Code generated by github.com/oapi-codegen/oapi-codegen/v2 version v2.9.0-rc.1 DO NOT EDIT.\n":                          "v2.9.0-rc.1",
		"// Code generated by other/tool version v1.0.0 DO NOT EDIT.\n":                                                            "",
		"package x\n": "",
	} {
		if got := publish.GeneratedBy([]byte(src)); got != want {
			t.Errorf("GeneratedBy(%q) = %q, want %q", src, got, want)
		}
	}
}

// TestCommittedClientMatchesPinnedGenerator pins what VERSION relies on: the
// generated client names the oapi-codegen version that go.mod requires.
func TestCommittedClientMatchesPinnedGenerator(t *testing.T) {
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.ParseLax("go.mod", gomod, nil)
	if err != nil {
		t.Fatal(err)
	}
	var pinned string
	for _, r := range f.Require {
		if r.Mod.Path == publish.GeneratorModule {
			pinned = r.Mod.Version
		}
	}
	src, err := os.ReadFile("../../generated/tokensapi.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if got := publish.GeneratedBy(src); pinned == "" || got != pinned {
		t.Errorf("generated/tokensapi.gen.go names oapi-codegen %q, go.mod pins %q", got, pinned)
	}
}

func ExampleProvenance_VersionText() {
	p := publish.Provenance{
		SpecVersion:      "1.0.0",
		SpecSHA256:       "01f0…",
		GeneratorVersion: "v2.8.2",
		Vendor: openapi.VendorSource{
			Repository: "bigcommerce/docs", File: "docs/b2b-edition/specs/api-v3/authentication.yaml",
			Commit: "ede74862", LastChanged: "2025-10-31",
		},
	}
	fmt.Print(string(p.VersionText()))
	// Output:
	// spec-version: 1.0.0
	// spec-file: b2b-s2s-tokens.yaml
	// spec-sha256: 01f0…
	// oapi-codegen: github.com/oapi-codegen/oapi-codegen/v2 v2.8.2
	// vendor-repository: bigcommerce/docs
	// vendor-file: docs/b2b-edition/specs/api-v3/authentication.yaml
	// vendor-commit: ede74862
	// vendor-last-changed: 2025-10-31
}

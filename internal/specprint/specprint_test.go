package specprint_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/specprint"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

func TestRender(t *testing.T) {
	wantJSON, err := openapi.JSON()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		format  string
		want    []byte
		wantErr string
	}{
		{specprint.FormatYAML, openapi.YAML(), ""},
		{specprint.FormatJSON, wantJSON, ""},
		{"xml", nil, `unknown --format "xml": want yaml or json`},
		{"", nil, `unknown --format ""`},
		{"YAML", nil, `unknown --format "YAML"`},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			got, err := specprint.Render(tt.format)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Render(%q) error %v, want one containing %q", tt.format, err, tt.wantErr)
				}
				if got != nil {
					t.Errorf("Render(%q) returned %d bytes with its error", tt.format, len(got))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("Render(%q) is %d bytes and differs from the embedded spec (%d bytes)", tt.format, len(got), len(tt.want))
			}
		})
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "openapi.yaml")
	if err := os.WriteFile(name, []byte("stale content, longer than the new one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := specprint.WriteFile(name, []byte("new")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "new" {
		t.Errorf("content %q, want %q", got, "new")
	}
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left beside the output: %v", entries)
	}
}

func TestWriteFileErrors(t *testing.T) {
	dir := t.TempDir()
	// Missing folders are created (internal/fileutil), but not under a file.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"a folder that is a file", filepath.Join(file, "such", "openapi.yaml"), "not a directory"},
		{"a directory", dir, "it is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := specprint.WriteFile(tt.path, []byte("x"))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("WriteFile(%s) = %v, want an error containing %q", tt.path, err, tt.want)
			}
			if strings.Contains(err.Error(), ".tmp") {
				t.Errorf("error names the temporary file: %v", err)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed writes left files behind: %v", entries)
	}
}

func TestWriteFileUnwritableKeepsOldContent(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	dir := t.TempDir()
	name := filepath.Join(dir, "openapi.yaml")
	if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
	if err := specprint.WriteFile(name, []byte("new")); err == nil || strings.Contains(err.Error(), dir) {
		t.Errorf("WriteFile into a read-only directory = %v, want a cause without the path", err)
	}
	if got, _ := os.ReadFile(name); string(got) != "old" {
		t.Errorf("a failed write changed %s to %q", name, got)
	}
}

// ExampleRender prints the first line of the embedded spec as YAML.
func ExampleRender() {
	b, err := specprint.Render(specprint.FormatYAML)
	if err != nil {
		fmt.Println(err)
		return
	}
	first, _, _ := strings.Cut(string(b), "\n")
	fmt.Println(first)
	// Output: openapi: 3.0.3
}

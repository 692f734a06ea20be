package fileutil_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/fileutil"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "spec.yaml")
	for _, content := range []string{"first", "second, longer"} {
		if err := fileutil.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(name); string(got) != content {
			t.Errorf("file holds %q, want %q", got, content)
		}
	}
	if fi, _ := os.Stat(name); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	assertOnly(t, dir, "spec.yaml")
}

func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.har")
	if err := fileutil.WriteNew(name, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := fileutil.WriteNew(name, []byte("two"), 0o600)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second write: %v, want fs.ErrExist", err)
	}
	if got, _ := os.ReadFile(name); string(got) != "one" {
		t.Errorf("an existing file was replaced: %q", got)
	}
	if fi, _ := os.Stat(name); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	assertOnly(t, dir, "out.har")
}

func TestWriteErrors(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	tests := []struct {
		name  string
		write func() error
		want  string
	}{
		{"a directory", func() error { return fileutil.WriteFile(sub, nil, 0o644) }, "it is a directory"},
		{"no parent", func() error { return fileutil.WriteFile(filepath.Join(dir, "missing", "f"), nil, 0o644) }, "no such file"},
		{"new, no parent", func() error { return fileutil.WriteNew(filepath.Join(dir, "missing", "f"), nil, 0o644) }, "no such file"},
		{"new over a directory", func() error { return fileutil.WriteNew(sub, nil, 0o644) }, "exists"},
	}
	for _, tt := range tests {
		err := tt.write()
		var pe *fs.PathError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want a *fs.PathError saying %q", tt.name, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), ".tmp") {
			t.Errorf("%s: the error names the temporary file: %v", tt.name, err)
		}
	}
	assertOnly(t, dir, "sub")
}

// assertOnly fails unless dir holds exactly the named entries: no temporary
// file is left behind.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

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
	// Missing folders are created, as for every output.
	deep := filepath.Join(dir, "a", "b", "out.ndjson")
	if err := fileutil.WriteNew(deep, []byte("x"), 0o644); err != nil {
		t.Fatalf("into missing folders: %v", err)
	}
	if got, _ := os.ReadFile(deep); string(got) != "x" {
		t.Errorf("into missing folders: wrote %q", got)
	}
}

// TestAppendFile: what is there stays and the data follows it, through a
// symbolic link (which stays a link) too; a new path gets its folders and
// the permissions asked for.
func TestAppendFile(t *testing.T) {
	dir := t.TempDir()
	shared := filepath.Join(dir, "shared")
	if err := os.WriteFile(shared, []byte("earlier=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink("shared", link); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink(filepath.Join("made", "target"), dangling); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, check string
		appends           []string
		want              string
		perm              fs.FileMode
	}{
		{"an existing file keeps its lines", shared, shared, []string{"a=2\n", "b=3\n"}, "earlier=1\na=2\nb=3\n", 0o600},
		{"through a link to the file", link, shared, []string{"c=4\n"}, "earlier=1\na=2\nb=3\nc=4\n", 0o600},
		{"a new path in missing folders", filepath.Join(dir, "x", "y", "out"), filepath.Join(dir, "x", "y", "out"), []string{"d=5\n", "e=6\n"}, "d=5\ne=6\n", 0o640},
		{"a link to nothing creates its target", dangling, filepath.Join(dir, "made", "target"), []string{"f=7\n"}, "f=7\n", 0o640},
	}
	for _, tt := range tests {
		for _, a := range tt.appends {
			if err := fileutil.AppendFile(tt.path, []byte(a), 0o640); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
		}
		if got, err := os.ReadFile(tt.check); err != nil || string(got) != tt.want {
			t.Errorf("%s: the file holds %q (%v), want %q", tt.name, got, err, tt.want)
		}
		if fi, err := os.Stat(tt.check); err != nil || fi.Mode().Perm() != tt.perm {
			t.Errorf("%s: mode %v (%v), want %v", tt.name, fi.Mode().Perm(), err, tt.perm)
		}
	}
	for _, l := range []string{link, dangling} {
		if fi, err := os.Lstat(l); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symbolic link (%v)", l, err)
		}
	}
	assertOnly(t, dir, "dangling", "link", "made", "shared", "x")
}

func TestWriteErrors(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	os.WriteFile(filepath.Join(sub, "f"), nil, 0o644)
	tests := []struct {
		name  string
		write func() error
		want  string
	}{
		{"a directory", func() error { return fileutil.WriteFile(sub, nil, 0o644) }, "it is a directory"},
		{"new, parent is a file", func() error { return fileutil.WriteNew(filepath.Join(dir, "sub", "f", "g"), nil, 0o644) }, "not a directory"},
		{"parent is a file", func() error { return fileutil.WriteFile(filepath.Join(dir, "sub", "f", "g"), nil, 0o644) }, "not a directory"},
		{"new over a directory", func() error { return fileutil.WriteNew(sub, nil, 0o644) }, "exists"},
		{"append to a directory", func() error { return fileutil.AppendFile(sub, []byte("x=1\n"), 0o644) }, "it is a directory"},
		{"append, parent is a file", func() error { return fileutil.AppendFile(filepath.Join(dir, "sub", "f", "g"), nil, 0o644) }, "not a directory"},
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
	assertOnly(t, sub, "f")
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

// TestWriteCreatesFolders: WriteFile creates the missing folders.
func TestWriteCreatesFolders(t *testing.T) {
	dir := t.TempDir()
	for i, write := range []func(string) error{
		func(n string) error { return fileutil.WriteFile(n, []byte("x"), 0o644) },
	} {
		name := filepath.Join(dir, "a", "b", string(rune('c'+i)), "out.json")
		if err := write(name); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(name); string(got) != "x" {
			t.Errorf("%s holds %q", name, got)
		}
	}
}

// TestWriteThroughSymlink: a link is written through; it stays a link and
// its target gets the data, even a target that did not exist yet (in a
// folder that did not exist either).
func TestWriteThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.xml")
	os.WriteFile(target, []byte("old"), 0o644)
	link := filepath.Join(dir, "link.xml")
	chain := filepath.Join(dir, "chain.xml")
	dangling := filepath.Join(dir, "dangling.xml")
	if err := errors.Join(os.Symlink("real.xml", link), os.Symlink(link, chain), os.Symlink(filepath.Join("made", "new.xml"), dangling)); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	tests := []struct{ name, target string }{
		{link, target},
		{chain, target},
		{dangling, filepath.Join(dir, "made", "new.xml")},
	}
	for _, tt := range tests {
		if err := fileutil.WriteFile(tt.name, []byte("via "+tt.name), 0o644); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(tt.name); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symbolic link (%v)", tt.name, err)
		}
		if got, _ := os.ReadFile(tt.target); string(got) != "via "+tt.name {
			t.Errorf("target %s holds %q, want the data written to %s", tt.target, got, tt.name)
		}
	}
}

// TestPrepare: outputs that are inputs, or that two flags share, are
// refused before anything is written, whatever links lie between them;
// the rest get their folders and are left as they were.
func TestPrepare(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "rec.har")
	os.WriteFile(in, []byte("input"), 0o644)
	linkToIn := filepath.Join(dir, "alias.har")
	if err := os.Symlink(in, linkToIn); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	hard := filepath.Join(dir, "hard.har")
	if err := os.Link(in, hard); err != nil {
		t.Fatal(err)
	}
	newA := filepath.Join(dir, "out", "a.xml")
	tests := []struct {
		name    string
		outputs []fileutil.Output
		want    string // "" for accepted
	}{
		{"fresh outputs", []fileutil.Output{{Flag: "--report", Path: newA}, {Flag: "--write-baseline", Path: filepath.Join(dir, "b.yaml")}}, ""},
		{"the input", []fileutil.Output{{Flag: "--report", Path: in}}, "is an input"},
		{"a link to the input", []fileutil.Output{{Flag: "--suggest-overlay", Path: linkToIn}}, "is an input"},
		{"a hard link to the input", []fileutil.Output{{Flag: "-o", Path: hard}}, "is an input"},
		{"two new outputs, one path", []fileutil.Output{{Flag: "--report", Path: newA}, {Flag: "--write-baseline", Path: filepath.Join(dir, "out", ".", "a.xml")}}, "writes the same file"},
		{"an output and a link to it", []fileutil.Output{{Flag: "--report", Path: filepath.Join(dir, "b.yaml")}, {Flag: "--report", Path: filepath.Join(dir, "blink")}}, "writes the same file"},
		{"a directory", []fileutil.Output{{Flag: "--report", Path: dir}}, "it is a directory"},
	}
	os.Symlink("b.yaml", filepath.Join(dir, "blink"))
	for _, tt := range tests {
		err := fileutil.Prepare(tt.outputs, []string{in})
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v, want accepted", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: %v, want an error saying %q", tt.name, err, tt.want)
		case tt.want == "is an input" || tt.want == "writes the same file":
			if !errors.Is(err, fileutil.ErrConflict) {
				t.Errorf("%s: %v does not match ErrConflict", tt.name, err)
			}
		}
	}
	if got, _ := os.ReadFile(in); string(got) != "input" {
		t.Errorf("the input was changed: %q", got)
	}
	if fi, err := os.Stat(filepath.Dir(newA)); err != nil || !fi.IsDir() {
		t.Errorf("the output's folder was not created: %v", err)
	}
	assertOnly(t, filepath.Dir(newA))
}

//go:build unix

package recording_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract/recording"
)

// within runs f and fails the test if it has not returned after a generous
// deadline: the holes these tests pin were hangs.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not return: it hangs", what)
	}
}

// TestLoadFIFOIsNotARegularFile pins issue 13's hang: opening a FIFO blocks
// until a writer comes, so a FIFO (as PATH, found in a directory, or behind a
// symbolic link) must be refused before it is opened, naming the path.
func TestLoadFIFOIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.har")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	link := filepath.Join(t.TempDir(), "link.har")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join("..", "testdata", "recordings", "delete-200.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "good.yaml"), good, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, path, wantPath string }{
		{"as PATH", fifo, fifo},
		{"behind a symlink", link, link},
		{"found in a directory", dir, fifo},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var recs []*recording.Recording
			var errs []error
			within(t, "loading "+tt.name, func() { recs, errs = recording.LoadPaths([]string{tt.path}) })
			if len(errs) != 1 {
				t.Fatalf("want one error, got %v", errs)
			}
			var le *recording.LoadError
			if !errors.As(errs[0], &le) || le.Path != tt.wantPath {
				t.Errorf("the error does not name %s: %v", tt.wantPath, errs[0])
			}
			if !errors.Is(errs[0], recording.ErrNotRegular) || !strings.Contains(errs[0].Error(), "not a regular file") {
				t.Errorf("want %q, got %v", "not a regular file", errs[0])
			}
			if tt.path == dir && len(recs) != 1 {
				t.Errorf("the directory's good recording was not loaded beside the error (%d loaded)", len(recs))
			}
		})
	}
}

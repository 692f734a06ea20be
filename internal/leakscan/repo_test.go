package leakscan_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/leakscan"
)

// TestRepositoryHoldsNoForeignJWT fails on any JWT in a tracked file that is
// not synthetic: a real token committed by mistake (in a recording, a test, a
// fuzz corpus, a doc). It names the file and line, never the token. It needs
// git and a checkout; CI runs in a clone, so there it always runs.
func TestRepositoryHoldsNoForeignJWT(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed: cannot list tracked files")
	}
	top, err := exec.Command(git, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skip("not inside a git checkout: cannot list tracked files")
	}
	root := strings.TrimSpace(string(top))
	list, err := exec.Command(git, "-C", root, "ls-files", "-z").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	files := strings.Split(strings.TrimRight(string(list), "\x00"), "\x00")
	if len(files) < 10 {
		t.Fatalf("git ls-files listed %d files; expected the whole repository", len(files))
	}
	scanned := 0
	for _, name := range files {
		data, err := os.ReadFile(filepath.Join(root, name))
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted in the working tree, not yet committed
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		scanned++
		for _, h := range leakscan.Scan(data) {
			t.Errorf("%s:%s", name, h)
		}
	}
	// The spec's examples hold synthetic JWTs; a scanner that saw no file
	// with one is not scanning what it should.
	if scanned < len(files)/2 {
		t.Errorf("only %d of %d tracked files could be read", scanned, len(files))
	}
	spec, err := os.ReadFile(filepath.Join(root, "openapi", "b2b-s2s-tokens.yaml"))
	if err != nil {
		t.Fatalf("reading the spec: %v", err)
	}
	if !bytes.Contains(spec, []byte("eyJ")) {
		t.Errorf("the spec has no JWT example; this test's sanity check needs updating")
	}
}

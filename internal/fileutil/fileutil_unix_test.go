//go:build unix

package fileutil_test

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/internal/fileutil"
)

// TestWriteFIFOInPlace: a FIFO is written into, never replaced by a
// regular file; Prepare does not open it, so it never waits for a reader.
func TestWriteFIFOInPlace(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "report.pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	prepared := make(chan error, 1)
	go func() { prepared <- fileutil.Prepare([]fileutil.Output{{Flag: "--report", Path: fifo}}, nil) }()
	select {
	case err := <-prepared:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Prepare blocks on a FIFO without a reader")
	}
	got := readFIFO(fifo)
	if err := fileutil.WriteFile(fifo, []byte("report"), 0o644); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "report" {
		t.Errorf("the reader got %q, want %q", s, "report")
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("%s is no longer a FIFO: %v %v", fifo, fi.Mode(), err)
	}
	assertOnly(t, dir, "report.pipe")
}

// TestWriteCharDeviceInPlace: a character device (one made here, never a
// real one) stays a device, directly and behind a link. Making a device
// node needs root; the test is skipped without it.
func TestWriteCharDeviceInPlace(t *testing.T) {
	dir := t.TempDir()
	dev := filepath.Join(dir, "sink")
	// Major 1, minor 3: the null device's numbers, so what is written goes
	// nowhere, through a node that only this test knows.
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Skipf("cannot make a character device here: %v", err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(dev, link); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{dev, link} {
		if err := fileutil.Prepare([]fileutil.Output{{Flag: "-o", Path: name}}, nil); err != nil {
			t.Fatal(err)
		}
		if err := fileutil.WriteFile(name, []byte("spec"), 0o644); err != nil {
			t.Fatalf("writing %s: %v", name, err)
		}
		if err := fileutil.AppendFile(name, []byte("exit-code=0\n"), 0o644); err != nil {
			t.Fatalf("appending to %s: %v", name, err)
		}
		if fi, err := os.Stat(dev); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
			t.Fatalf("after writing %s, %s is no longer a character device: %v %v", name, dev, fi.Mode(), err)
		}
	}
	if fi, _ := os.Lstat(link); fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("%s is no longer a link", link)
	}
	assertOnly(t, dir, "link", "sink")
}

// TestAppendFIFOInPlace: an append to a FIFO reaches its reader and leaves a
// FIFO, as a write does.
func TestAppendFIFOInPlace(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "outputs.pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	got := readFIFO(fifo)
	if err := fileutil.AppendFile(fifo, []byte("exit-code=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "exit-code=1\n" {
		t.Errorf("the reader got %q", s)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("%s is no longer a FIFO: %v", fifo, err)
	}
	assertOnly(t, dir, "outputs.pipe")
}

// readFIFO reads fifo to its end in a goroutine and sends what it read (or
// the error of opening it).
func readFIFO(fifo string) <-chan string {
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	return got
}

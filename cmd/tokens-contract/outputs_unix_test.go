//go:build unix

package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
)

// TestOutputsToADevice: a character device made for the test (never a real
// one) stays a device after every writing command aims at it. Making a
// device node needs root: skipped without.
func TestOutputsToADevice(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dev := filepath.Join(dir, "sink")
	// The null device's numbers: what is written goes nowhere.
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Skipf("cannot make a character device here: %v", err)
	}
	rec := driftDir + "/field-added-item.yaml"
	for _, args := range [][]string{
		{"check", "--report", "junit=" + dev, rec},
		{"check", "--suggest-overlay", dev, rec},
		{"check", "--write-baseline", dev, rec},
		{"spec", "-o", dev},
	} {
		code, _, stderr := runCLI(t, args...)
		if code == exitcode.Usage {
			t.Errorf("%v: exit 2: %s", args, stderr)
		}
		if fi, err := os.Lstat(dev); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
			t.Fatalf("%v replaced the device: %v %v", args, fi.Mode(), err)
		}
	}
}

// TestReportToAFIFO: a --report aimed at a FIFO does not block the run
// before it starts (nothing reads the FIFO until the report is due), and
// the report goes into the FIFO, which stays a FIFO.
func TestReportToAFIFO(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "report.pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	env, stdout, stderr := testEnv(nil)
	done := make(chan int, 1)
	go func() {
		done <- run(context.Background(), env, []string{"check", "--report", "json=" + fifo, recordingsDir + "/delete-200.yaml"})
	}()
	// The run starts and prints its own report before anyone reads the FIFO.
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(stdout.String(), "PASS") {
		if time.Now().After(deadline) {
			t.Fatalf("the run blocked before it started; stderr %s", stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	f, err := os.Open(fifo)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(f)
	f.Close()
	if code := <-done; code != exitcode.OK {
		t.Errorf("exit %d; stderr %s", code, stderr)
	}
	if !strings.Contains(string(data), `"findings"`) {
		t.Errorf("the FIFO got %q, want the JSON report", data)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v", err)
	}
}

package benchproc

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// startupHAR is the small HAR both programs check: two token-list pages and
// one request to another endpoint.
const startupHAR = "contract/testdata/recordings/browser-export.har"

// build compiles the main package pkg of this module into dir and returns
// the binary's path.
func build(b *testing.B, dir, pkg string) string {
	b.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		b.Skip("the go command is not on PATH")
	}
	out := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.Command(goCmd, "build", "-o", out, "./"+pkg)
	cmd.Dir = moduleRoot
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
	return out
}

// moduleRoot is the module's root, relative to this package's directory.
const moduleRoot = "../.."

// runCPU runs one process to completion and returns its user+system CPU
// time. A process that fails, or whose output lacks want, fails b.
func runCPU(b *testing.B, want string, name string, args ...string) time.Duration {
	b.Helper()
	st := runProcess(b, want, name, args...)
	return st.UserTime() + st.SystemTime()
}

// runProcess runs one process to completion in the module's root and
// returns its state. A process that fails, or whose output lacks want,
// fails b.
func runProcess(b *testing.B, want string, name string, args ...string) *os.ProcessState {
	b.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = moduleRoot
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s %v: %v\n%s", filepath.Base(name), args, err, out.Bytes())
	}
	if !bytes.Contains(out.Bytes(), []byte(want)) {
		b.Fatalf("%s %v: the output lacks %q:\n%s", filepath.Base(name), args, want, out.Bytes())
	}
	return cmd.ProcessState
}

// BenchmarkStartup runs, in each iteration, one `tokens-contract check` on a
// small HAR and the minimal libopenapi-validator program (testdata/minimal)
// on the same HAR, as whole processes, side by side. It reports the mean
// user+system CPU of each (check-cpu-ms/op, minimal-cpu-ms/op) and their
// ratio (check/minimal; the goal is at most 1). Wall time per op is both
// processes together. `make bench-startup` runs it.
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	check := build(b, dir, "cmd/tokens-contract")
	minimal := build(b, dir, "internal/benchproc/testdata/minimal")
	var checkCPU, minimalCPU time.Duration
	for b.Loop() {
		minimalCPU += runCPU(b, "2 responses valid", minimal, startupHAR)
		checkCPU += runCPU(b, "2 exchanges checked", check, "check", startupHAR)
	}
	n := float64(b.N)
	b.ReportMetric(float64(checkCPU.Microseconds())/1e3/n, "check-cpu-ms/op")
	b.ReportMetric(float64(minimalCPU.Microseconds())/1e3/n, "minimal-cpu-ms/op")
	b.ReportMetric(float64(checkCPU)/float64(minimalCPU), "check/minimal")
}

//go:build linux

package benchproc

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// skippedCounts are the numbers of other endpoints' entries
// BenchmarkCheckSkippedEntries puts in its HARs; a million (a 320 MB file)
// is added when TOKENS_CONTRACT_BENCH_1GB is set (make bench-large does).
func skippedCounts() []int {
	n := []int{10_000, 100_000}
	if os.Getenv("TOKENS_CONTRACT_BENCH_1GB") != "" {
		n = append(n, 1_000_000)
	}
	return n
}

// writeSkippedHAR writes a HAR into dir holding startupHAR's two token
// pages, first and last, and n small entries of another endpoint between
// them, each with its own URL, and returns its path.
func writeSkippedHAR(b *testing.B, dir string, n int) string {
	b.Helper()
	data, err := os.ReadFile(filepath.Join(moduleRoot, startupHAR))
	if err != nil {
		b.Fatal(err)
	}
	var har struct {
		Log struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(data, &har); err != nil {
		b.Fatal(err)
	}
	var tokens []json.RawMessage
	for _, e := range har.Log.Entries {
		if bytes.Contains(e, []byte("/backend/tokens")) {
			tokens = append(tokens, e)
		}
	}
	if len(tokens) != 2 {
		b.Fatalf("%s: %d token pages, want 2", startupHAR, len(tokens))
	}
	path := filepath.Join(dir, fmt.Sprintf("skipped-%d.har", n))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(w, `{"log":{"version":"1.2","creator":{"name":"bench","version":"1"},"entries":[%s`, tokens[0])
	for i := range n {
		fmt.Fprintf(w, `,{"startedDateTime":"2026-11-01T10:00:00Z","request":{"method":"GET","url":"https://store.example.test/assets/app-%d.js?v=1","headers":[]},`+
			`"response":{"status":200,"headers":[{"name":"Content-Type","value":"text/javascript"}],"content":{"size":25,"mimeType":"text/javascript","text":"console.log('synthetic');"}}}`, i)
	}
	fmt.Fprintf(w, ",%s]}}\n", tokens[1])
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// runPeakRSS runs one process to completion and returns its peak resident
// set size in bytes (getrusage's ru_maxrss, in KiB on Linux). A process that
// fails, or whose output lacks want, fails b.
func runPeakRSS(b *testing.B, want string, name string, args ...string) int64 {
	b.Helper()
	st := runProcess(b, want, name, args...)
	ru, ok := st.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Skip("the platform does not report a process's peak RSS")
	}
	return ru.Maxrss << 10
}

// BenchmarkCheckSkippedEntries runs `tokens-contract check --format json`
// as a whole process on generated HARs with two token pages and 10,000,
// 100,000 (and 1,000,000, see skippedCounts) entries of another endpoint,
// and reports each process's peak RSS (peak-RSS-MB-N) and the ratio of the
// largest to the smallest (peak-RSS-ratio): skipped entries are counted, not
// kept, so the ratio stays near 1 (when each became a result row, a
// million entries took 1.1 GB against 41 MB for 10,000). `make
// bench-large` runs it.
func BenchmarkCheckSkippedEntries(b *testing.B) {
	dir := b.TempDir()
	check := build(b, dir, "cmd/tokens-contract")
	counts := skippedCounts()
	paths := make([]string, len(counts))
	for i, n := range counts {
		paths[i] = writeSkippedHAR(b, dir, n)
	}
	peak := make([]int64, len(counts))
	for b.Loop() {
		for i, n := range counts {
			rss := runPeakRSS(b, fmt.Sprintf(`"skipped": %d`, n), check, "check", "--format", "json", paths[i])
			peak[i] = max(peak[i], rss)
		}
	}
	for i, n := range counts {
		b.ReportMetric(float64(peak[i])/(1<<20), fmt.Sprintf("peak-RSS-MB-%d", n))
	}
	b.ReportMetric(float64(peak[len(peak)-1])/float64(peak[0]), "peak-RSS-ratio")
}

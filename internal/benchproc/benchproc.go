// Package benchproc measures CPU time for the project's benchmarks, which run
// on shared machines where wall time says more about the neighbours than about
// the code: CPUTime is the process's user+system CPU so far, and ReportCPU
// adds it per operation to a benchmark's output as cpu-ns/op.
//
// Its tests hold the whole-process start-up comparison (`make bench-startup`):
// BenchmarkStartup builds tokens-contract and a minimal libopenapi-validator
// program (testdata/minimal), which loads the same embedded spec and validates
// the same response, and runs each as a whole process, side by side, reporting
// the user+system CPU of each from os.ProcessState and their ratio.
//
// BenchmarkCheckSkippedEntries (Linux; part of `make bench-large`) runs
// `check` as a whole process on generated HARs whose entries are nearly all
// for other endpoints, 10,000 to 1,000,000 of them, and reports each
// process's peak RSS and the ratio of the largest to the smallest: skipped
// entries are counted, not kept, so peak memory stays flat.
package benchproc

import (
	"testing"
	"time"
)

// ReportCPU reports the process CPU time spent since start (a CPUTime
// reading) per operation of b, as the metric cpu-ns/op. Call it after the
// benchmark loop. Where the platform cannot tell (CPUTime returns false), it
// reports nothing.
func ReportCPU(b *testing.B, start time.Duration) {
	now, ok := CPUTime()
	if !ok || b.N == 0 {
		return
	}
	b.ReportMetric(float64(now-start)/float64(b.N), "cpu-ns/op")
}

package recording_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/benchproc"
)

// BenchmarkRedactPage redacts a full page of 250 real-looking tokens (about
// 110 KB), the largest body a live run records.
func BenchmarkRedactPage(b *testing.B) {
	c := newCanaries(250)
	var items []string
	for i := range 250 {
		items = append(items, item(i+1, c.emails[i], c.hash, c.tokens[i]))
	}
	ex := listExchange("bench", "limit=250", 200, page(250, 0, 250, items...))
	b.SetBytes(int64(len(ex.Response.Body)))
	b.ReportAllocs()
	for b.Loop() {
		recording.NewRedactor(c.auth).Redact([]*contract.Exchange{ex})
	}
}

// largeHARSizes are the HAR sizes BenchmarkLoadLargeHAR generates; 1 GB is
// added when TOKENS_CONTRACT_BENCH_1GB is set (make bench-large does).
func largeHARSizes() []int64 {
	sizes := []int64{10 << 20, 100 << 20}
	if os.Getenv("TOKENS_CONTRACT_BENCH_1GB") != "" {
		sizes = append(sizes, 1<<30)
	}
	return sizes
}

// writeLargeHAR writes a HAR file of about size bytes into dir, where one
// entry in a hundred is a token list page and the others are ~10 KB
// responses of another endpoint, and returns its path.
func writeLargeHAR(b *testing.B, dir string, size int64) string {
	b.Helper()
	path := filepath.Join(dir, fmt.Sprintf("large-%dMB.har", size>>20))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(`{"log":{"version":"1.2","creator":{"name":"bench","version":"1"},"entries":[`)
	token := entryJSON(fmt.Sprintf(`{"size":-1,"mimeType":"application/json","text":%q}`, tokenPage()))
	other := otherEntry(strings.Repeat("console.log('synthetic bench payload');\n", 250))
	var n int64
	for i := 0; n < size; i++ {
		if i > 0 {
			w.WriteByte(',')
		}
		e := other
		if i%100 == 0 {
			e = token
		}
		w.WriteString(e)
		n += int64(len(e)) + 1
	}
	w.WriteString("]}}\n")
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// peakRSS returns the process's peak resident set size in bytes (Linux's
// VmHWM), or 0 where it is not available.
func peakRSS() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkLoadLargeHAR reads and checks generated HAR files of 10 MB and
// 100 MB (and 1 GB, see largeHARSizes) as "check" does: streamed, with only
// the contract's exchanges kept. It reports MB/s and the peak RSS of the
// process (peak-RSS-MB, reset before each size where Linux allows), which
// stays flat as the file grows. Its baseline in the same run, "scan", only
// tokenizes the same file (jsontext, skipping the top-level value): the
// ratio of the two is what reading entries and checking costs over reading
// the JSON at all.
func BenchmarkLoadLargeHAR(b *testing.B) {
	c := newChecker(b)
	dir := b.TempDir()
	for _, size := range largeHARSizes() {
		path := writeLargeHAR(b, dir, size)
		info, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%dMB", size>>20), func(b *testing.B) {
			runtime.GC()
			_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset VmHWM
			b.SetBytes(info.Size())
			b.ReportAllocs()
			for b.Loop() {
				rec, err := (&recording.Loader{Keep: c.Handles}).Load(context.Background(), path)
				if err != nil {
					b.Fatal(err)
				}
				res := c.CheckSequence(context.Background(), rec.Exchanges)
				if res[0].Skipped || len(res[0].Findings) != 0 {
					b.Fatalf("the first token page: skipped %v, findings %v", res[0].Skipped, res[0].Findings)
				}
			}
			b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
		})
		b.Run(fmt.Sprintf("%dMB/scan", size>>20), func(b *testing.B) {
			b.SetBytes(info.Size())
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				err = jsontext.NewDecoder(bufio.NewReaderSize(f, 64<<10)).SkipValue()
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// deepBodies are the bodies BenchmarkDeepBodies and TestDeepBodies feed the
// loader and the checker: JSON 10,000 deep (the decoder's nesting limit),
// cut short or complete, alone or between healthy pages, or broken at the
// bottom, where the finding's path is 10,000 steps long.
var deepBodies = []struct {
	name, body string
	pages      bool // every other entry is a healthy page
}{
	{"unbalanced-array", strings.Repeat("[", 10000), false},
	{"unbalanced-object", strings.Repeat(`{"a":`, 10000), false},
	{"balanced-array", strings.Repeat("[", 10000) + strings.Repeat("]", 10000), false},
	{"unbalanced-array-between-pages", strings.Repeat("[", 10000), true},
	{"bad-byte-deep", strings.Repeat("[", 9999) + "x", false},
	{"duplicate-name-deep", strings.Repeat(`{"a":`, 9999) + `{"b":1,"b":2}` + strings.Repeat("}", 9999), false},
}

// writeDeepNDJSON writes n token-list entries whose response body is body,
// one HAR entry a line; with pages, every other entry is a healthy page.
func writeDeepNDJSON(tb testing.TB, dir, body string, n int, pages bool) string {
	tb.Helper()
	path := filepath.Join(dir, fmt.Sprintf("deep-%d-%d-%v.ndjson", len(body), n, pages))
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	deep := entryJSON(fmt.Sprintf(`{"size":%d,"mimeType":"application/json","text":%q}`, len(body), body))
	healthy := entryJSON(fmt.Sprintf(`{"size":-1,"mimeType":"application/json","text":%q}`, tokenPage()))
	for i := range n {
		e := deep
		if pages && i%2 == 1 {
			e = healthy
		}
		w.WriteString(e)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkDeepBodies loads and checks N entries whose bodies are 10,000
// deep (deepBodies), as "check" does, for N = 250 and N = 1000 in the same
// run: the ns/entry (wall) and cpu-ns/entry (the process's CPU, which says
// more on a shared machine) of the two stay the same when no step grows with
// the count (issue 12's audit reported 2,500 such bodies taking over 300 s).
func BenchmarkDeepBodies(b *testing.B) {
	c := newChecker(b)
	dir := b.TempDir()
	for _, d := range deepBodies {
		for _, n := range []int{250, 1000} {
			path := writeDeepNDJSON(b, dir, d.body, n, d.pages)
			b.Run(fmt.Sprintf("%s/N=%d", d.name, n), func(b *testing.B) {
				cpu, _ := benchproc.CPUTime()
				for b.Loop() {
					rec, err := (&recording.Loader{Keep: c.Handles}).Load(context.Background(), path)
					if err != nil {
						b.Fatal(err)
					}
					c.CheckSequence(context.Background(), rec.Exchanges)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/entry")
				if end, ok := benchproc.CPUTime(); ok {
					b.ReportMetric(float64((end-cpu).Nanoseconds())/float64(b.N*n), "cpu-ns/entry")
				}
			})
		}
	}
}

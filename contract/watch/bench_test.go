package watch

import (
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/benchproc"
)

// page250 is one 250-token list page from the fake, with its headers.
func page250(b *testing.B) (http.Header, []byte) {
	b.Helper()
	base, auth := fakeServer(b, fake.ScenarioNone, 250)
	resp, body := get(b, http.DefaultTransport, base+"/backend/tokens?limit=250", auth)
	if resp.StatusCode != 200 {
		b.Fatalf("status %d", resp.StatusCode)
	}
	return resp.Header, body
}

// BenchmarkRoundTrip is the caller-visible cost of one request for a
// 250-token page over loopback HTTP: bare, and through the Transport at
// sample rates 0 and 1. Requests are spaced as requests to an endpoint
// limited to 150 a minute are: each one, whatever the variant, starts after
// the Transport's workers are idle and a further pause of requestGap, so the
// bare transport's requests start as cold as the Transport's. (Back to back,
// a bare request finds its code and data in the CPU's caches, and the request
// after a 5 ms check does not; BenchmarkBareAfterCheck shows that this comes
// from the work between requests, not from the Transport.)
// caller-p50-ns is the median over the run's requests of the wall time of the
// caller's path alone: RoundTrip, reading the body to EOF, and Close;
// caller-ns/op is its mean, which a few slow requests on a busy machine
// dominate. Waiting for the worker and the pause are not part of either
// (ns/op includes them and means nothing here). A garbage collection the
// checks started may still run during the next request, as it would in a
// service. BenchmarkRoundTripBackToBack shows what the checks cost when they
// cannot run on an idle core, and its allocs/op is the steady state of the
// caller's path.
// allocs/op counts every allocation of the process, the worker's included.
// `make bench-transport` runs it in interleaved rounds and prints the ratios
// of the medians.
func BenchmarkRoundTrip(b *testing.B) { benchRoundTrip(b, true) }

// BenchmarkRoundTripBackToBack sends the same requests back to back, so the
// client, the loopback server and the Transport's worker compete for the
// machine's cores: ns/op is the wall time per request under that load, and
// cpu-ns/op the CPU of the whole process per request (client, server and
// worker), which is what a request costs a machine with no idle core.
func BenchmarkRoundTripBackToBack(b *testing.B) { benchRoundTrip(b, false) }

// BenchmarkBareAfterCheck is the control of BenchmarkRoundTrip's isolated
// figures. Through the Transport, each request starts after the worker has
// done its work for the previous one (the key shape at sample rate 0, a whole
// check at rate 1), and the bare transport's requests in BenchmarkRoundTrip
// start back to back. Here the bare transport's requests start after the
// same work, done between requests on another goroutine: the fingerprint of
// the page (after-shape, the worker's work at rate 0) or the fingerprint and
// a check of it (after-check, at rate 1). What the request after that work
// costs more than a request back to back comes from the work, not from the
// Transport: compare BenchmarkRoundTrip/rate1 with after-check, and rate0 with
// after-shape, in the same run (-bench 'RoundTrip$|BareAfterCheck').
func BenchmarkBareAfterCheck(b *testing.B) {
	header, body := page250(b)
	c := checker(b)
	ex := &contract.Exchange{
		Source:   Source,
		Request:  contract.Request{Method: http.MethodGet, URL: "/api/io/backend/tokens?limit=250"},
		Response: contract.Response{Status: 200, Header: header, Body: body},
	}
	var sc shapeScratch
	offPath := func(work func()) func() {
		return func() {
			var done atomic.Bool
			go func() {
				work()
				done.Store(true)
			}()
			for !done.Load() {
				runtime.Gosched()
			}
		}
	}
	shape := func() { shapeOf(body, bodyComplete, &sc) }
	check := func() {
		shape()
		if res := c.Check(ex); len(res.Findings) != 0 {
			b.Errorf("findings on a conforming page: %v", res.Findings)
		}
	}
	benchLoop(b, header, body, true, map[string]func(){"after-shape": offPath(shape), "after-check": offPath(check)})
}

// requestGap is the pause before each request of BenchmarkRoundTrip and
// BenchmarkBareAfterCheck: a few milliseconds are enough for a request to
// start cold, as one 400 ms after the last does.
const requestGap = 10 * time.Millisecond

func benchRoundTrip(b *testing.B, isolated bool) {
	header, body := page250(b)
	benchLoop(b, header, body, isolated, nil)
}

// benchLoop requests the page through the bare transport, then through the
// Transport at sample rates 0 and 1; or, if between is not nil, through the
// bare transport again with each of its functions run between requests.
func benchLoop(b *testing.B, header http.Header, body []byte, isolated bool, between map[string]func()) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header()[k] = v
		}
		w.Write(body)
	}))
	defer srv.Close()
	url := srv.URL + "/api/io/backend/tokens?limit=250"
	run := func(b *testing.B, rt http.RoundTripper, between func()) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("authToken", "bench")
		once := func() {
			resp, err := rt.RoundTrip(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		w, _ := rt.(*Transport)
		idle := func(n int64) {
			if w != nil {
				for w.processed.Load() < n {
					runtime.Gosched()
				}
			}
		}
		// Warm up: a connection in the pool and, through the Transport, the
		// first-of-kind check done, so the loop measures the steady state.
		once()
		if w != nil {
			waitFor(b, func() bool { return w.processed.Load() == 1 })
		}
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		cpu, _ := benchproc.CPUTime()
		var caller time.Duration
		var each []time.Duration
		n := int64(1)
		for b.Loop() {
			if !isolated {
				once()
				continue
			}
			start := time.Now()
			once()
			d := time.Since(start)
			caller += d
			each = append(each, d)
			n++
			idle(n)
			if between != nil {
				between()
			}
			time.Sleep(requestGap)
		}
		if isolated {
			b.ReportMetric(float64(caller.Nanoseconds())/float64(b.N), "caller-ns/op")
			slices.Sort(each)
			b.ReportMetric(float64(each[len(each)/2].Nanoseconds()), "caller-p50-ns")
		} else {
			benchproc.ReportCPU(b, cpu)
		}
	}
	bare := &http.Transport{MaxIdleConnsPerHost: 4}
	defer bare.CloseIdleConnections()
	b.Run("bare", func(b *testing.B) { run(b, bare, nil) })
	if between != nil {
		for _, name := range slices.Sorted(maps.Keys(between)) {
			b.Run(name, func(b *testing.B) { run(b, bare, between[name]) })
		}
		return
	}
	for _, rate := range []struct {
		name string
		r    float64
	}{{"rate0", 0}, {"rate1", 1}} {
		b.Run(rate.name, func(b *testing.B) {
			w, _, _ := newWatch(b, bare, WithSampleRate(rate.r))
			run(b, w, nil)
			b.StopTimer()
			w.Close()
		})
	}
}

// BenchmarkCheckPage250 is the work of one check of a 250-token page on a
// worker (fingerprint and the Checker's five layers); with GOMAXPROCS=1,
// 1e9/ns-per-op is checks per second per core.
func BenchmarkCheckPage250(b *testing.B) {
	header, body := page250(b)
	c := checker(b)
	var sc shapeScratch
	ex := &contract.Exchange{
		Source:   Source,
		Request:  contract.Request{Method: http.MethodGet, URL: "/api/io/backend/tokens?limit=250"},
		Response: contract.Response{Status: 200, Header: header, Body: body},
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	cpu, _ := benchproc.CPUTime()
	defer benchproc.ReportCPU(b, cpu)
	for b.Loop() {
		shapeOf(body, bodyComplete, &sc)
		if res := c.Check(ex); len(res.Findings) != 0 {
			b.Fatalf("findings on a conforming page: %v", res.Findings)
		}
	}
}

// BenchmarkShapeOf is the fingerprint every unsampled response pays for on
// a worker at sample rate 0 (first-of-kind sampling), on a 250-token page.
func BenchmarkShapeOf(b *testing.B) {
	_, body := page250(b)
	var sc shapeScratch
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	cpu, _ := benchproc.CPUTime()
	for b.Loop() {
		shapeOf(body, bodyComplete, &sc)
	}
	benchproc.ReportCPU(b, cpu)
}

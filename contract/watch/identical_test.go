package watch

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// chunkyReader returns its data in random short reads, then err (io.EOF or
// a failure) once the data is exhausted.
type chunkyReader struct {
	data   []byte
	rng    *rand.Rand
	err    error
	closed bool
}

func (r *chunkyReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := min(len(p), len(r.data), 1+r.rng.IntN(4096))
	copy(p, r.data[:n])
	r.data = r.data[n:]
	if len(r.data) == 0 && r.err == io.EOF && r.rng.IntN(2) == 0 {
		return n, io.EOF // some readers return EOF with the last bytes
	}
	return n, nil
}

func (r *chunkyReader) Close() error { r.closed = true; return nil }

var errMidStream = errors.New("connection reset mid-stream")

// TestCallerSeesIdenticalResponse is the property: for random bodies, sizes,
// read patterns and stopping points, and with a body error or not, what a
// caller reads through the Transport (at sample rates 0 and 1, with a body
// cap below and above the size) is exactly what it reads from the bare
// transport: status, headers, every byte, every error, in the same order.
func TestCallerSeesIdenticalResponse(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	type outcome struct {
		status int
		header http.Header
		reads  []string // each Read's bytes and error, in order
		close  error
		rtErr  error
	}
	play := func(rt http.RoundTripper, readSizes []int, stopAfter int) outcome {
		req, _ := http.NewRequest(http.MethodGet, "https://api.test/api/io/backend/tokens?limit=250", nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			return outcome{rtErr: err}
		}
		o := outcome{status: resp.StatusCode, header: resp.Header}
		buf := make([]byte, 64<<10)
		for i := 0; stopAfter < 0 || i < stopAfter; i++ {
			n, err := resp.Body.Read(buf[:readSizes[i%len(readSizes)]])
			o.reads = append(o.reads, string(buf[:n])+"|"+errString(err))
			if err != nil {
				break
			}
		}
		o.close = resp.Body.Close()
		return o
	}
	for iter := range 120 {
		size := rng.IntN(300 << 10)
		if iter%10 == 0 {
			size = rng.IntN(16)
		}
		body := make([]byte, size)
		for i := range body {
			body[i] = byte(rng.IntN(256))
		}
		if iter%3 == 0 { // a JSON-looking body, so the checker does real work
			body = []byte(`{"code":200,"data":[` + strings.Repeat(`{"id":1,"x":"`+strings.Repeat("a", rng.IntN(100))+`"},`, rng.IntN(500)) + `{"id":2}]}`)
		}
		bodyErr := error(io.EOF)
		if iter%7 == 0 {
			bodyErr = errMidStream
		}
		status := []int{200, 200, 200, 404, 410, 500}[rng.IntN(6)]
		header := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"r1"}}
		if iter%5 == 0 {
			header.Set("Deprecation", "@1767225600")
		}
		var rtErr error
		if iter%23 == 0 {
			rtErr = errors.New("dial tcp: connection refused")
		}
		connSeed := rng.Uint64()
		base := func() http.RoundTripper {
			r := rand.New(rand.NewPCG(connSeed, 2))
			return roundTripFunc(func(req *http.Request) (*http.Response, error) {
				if rtErr != nil {
					return nil, rtErr
				}
				return &http.Response{StatusCode: status, Header: header.Clone(),
					Body: &chunkyReader{data: bytes.Clone(body), rng: r, err: bodyErr}, Request: req}, nil
			})
		}
		readSizes := []int{1 + rng.IntN(64<<10), 1 + rng.IntN(512), 1 + rng.IntN(8)}
		stopAfter := -1
		if rng.IntN(3) == 0 {
			stopAfter = rng.IntN(20) // the caller stops reading early
		}
		want := play(base(), readSizes, stopAfter)
		for _, opts := range [][]Option{
			{WithSampleRate(0)},
			{WithSampleRate(1)},
			{WithSampleRate(1), WithMaxBody(int64(1 + rng.IntN(size+1)))},
		} {
			w, _, _ := newWatch(t, base(), opts...)
			got := play(w, readSizes, stopAfter)
			w.Close()
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("iteration %d (size %d, stop %d): the caller saw a different response through the transport\n got %d reads, status %d, err %v\nwant %d reads, status %d, err %v",
					iter, size, stopAfter, len(got.reads), got.status, got.rtErr, len(want.reads), want.status, want.rtErr)
			}
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

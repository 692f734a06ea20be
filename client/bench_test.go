package client

import (
	"context"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// BenchmarkFetchAll fetches 10,000 tokens at limit 250 (40 pages) from a
// local server that adds 20 ms of latency to every request. sequential
// fetches one page at a time (40 round trips); concurrent fetches the first
// page, then the other 39 four at a time: 1 + ceil(39/4) = 11 round trips,
// ideally 220 ms. Run it with
//
//	go test -run '^$' -bench BenchmarkFetchAll -benchtime 5x ./client/
func BenchmarkFetchAll(b *testing.B) {
	const (
		total   = 10_000
		limit   = 250
		latency = 20 * time.Millisecond
	)
	store := newTestStore(total)
	store.latency = latency
	var requests atomic.Int64
	srv := httptest.NewServer(countRequests(&requests, store))
	defer srv.Close()
	c, err := New(WithBaseURL(srv.URL), WithAuthToken(synthetic.Token(synthetic.Email(), "abc123")))
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name        string
		concurrency int
		roundTrips  int // the ideal number of sequential round trips
	}{
		{"sequential", 1, total / limit},
		{"concurrent", 4, 1 + (total/limit-1+3)/4},
	} {
		b.Run(bc.name, func(b *testing.B) {
			requests.Store(0)
			for b.Loop() {
				tokens, err := c.FetchAll(context.Background(), FetchOptions{Concurrency: bc.concurrency, Limit: limit})
				if err != nil {
					b.Fatal(err)
				}
				if len(tokens) != total {
					b.Fatalf("%d tokens, want %d", len(tokens), total)
				}
			}
			b.ReportMetric(float64(requests.Load())/float64(b.N), "requests/op")
			b.ReportMetric(float64(bc.roundTrips*int(latency))/1e6, "ideal-ms/op")
		})
	}
}

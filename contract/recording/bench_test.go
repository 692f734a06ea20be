package recording_test

import (
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
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

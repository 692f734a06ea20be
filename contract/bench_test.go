package contract_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/kin"
	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
	"github.com/b2b-contract/s2s-tokens/internal/benchproc"
)

// benchCorpus is 200 recorded exchanges, each a full 250-token page of one
// 50,000-token store, as a long live walk would record them.
func benchCorpus(tb testing.TB) []*contract.Exchange {
	tb.Helper()
	const pages, limit = 200, 250
	exs := make([]*contract.Exchange, pages)
	for i := range pages {
		exs[i] = list(fmt.Sprintf("limit=%d&offset=%d", limit, i*limit), 200, listBody(pages*limit, limit, i*limit), i)
		exs[i].Source = fmt.Sprintf("bench#%d", i)
	}
	return exs
}

// corpusBytes is the size of the corpus's response bodies.
func corpusBytes(exs []*contract.Exchange) int64 {
	var n int64
	for _, ex := range exs {
		n += int64(len(ex.Response.Body))
	}
	return n
}

// BenchmarkCheckCorpus is the checker with its default options over the
// corpus, as one run (cross-page invariants included). Compare it with
// BenchmarkDecodeCorpus (`make bench-contract`): the goals are a ratio of
// wall times of at most 1.5 with GOMAXPROCS=2, and of CPU (cpu-ns/op) of at
// most 2.0 with GOMAXPROCS=1, the CPU a page costs the production
// transport.
func BenchmarkCheckCorpus(b *testing.B) {
	exs := benchCorpus(b)
	c := newChecker(b)
	b.SetBytes(corpusBytes(exs))
	cpu, _ := benchproc.CPUTime()
	defer benchproc.ReportCPU(b, cpu)
	for b.Loop() {
		results := c.CheckSequence(context.Background(), exs)
		for _, r := range results {
			if len(r.Findings) != 0 {
				b.Fatalf("%s: unexpected finding %s", r.Source, r.Findings[0].ID)
			}
		}
	}
}

// BenchmarkDecodeCorpus is the baseline: a plain json.Unmarshal of every
// body of the corpus into the generated type of the 200 body.
func BenchmarkDecodeCorpus(b *testing.B) {
	exs := benchCorpus(b)
	b.SetBytes(corpusBytes(exs))
	cpu, _ := benchproc.CPUTime()
	defer benchproc.ReportCPU(b, cpu)
	for b.Loop() {
		for _, ex := range exs {
			var page tokensapi.TokenList
			if err := json.Unmarshal(ex.Response.Body, &page); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCheckCorpusSecondOpinion is the same corpus with kin-openapi's
// second opinion on, to show what the option costs.
func BenchmarkCheckCorpusSecondOpinion(b *testing.B) {
	exs := benchCorpus(b)
	c := newChecker(b, contract.WithSecondOpinion(kin.New))
	b.ResetTimer()
	for b.Loop() {
		c.CheckSequence(context.Background(), exs)
	}
}

// BenchmarkNew is building a Checker from the embedded spec: reading the
// spec's table and libopenapi's model. Schemas compile on first use, so
// BenchmarkNewAndFirstCheck adds the check of one list page, which compiles
// the one schema it needs.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := contract.New(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewAndFirstCheck is New and one check of a 250-token page: what a
// check process pays before its first verdict.
func BenchmarkNewAndFirstCheck(b *testing.B) {
	ex := benchCorpus(b)[0]
	for b.Loop() {
		c, err := contract.New()
		if err != nil {
			b.Fatal(err)
		}
		if r := c.Check(ex); len(r.Findings) != 0 {
			b.Fatalf("unexpected finding %s", r.Findings[0].ID)
		}
	}
}

// BenchmarkUnknownFieldPerShape checks a page of 22,000 items (about 7 MB,
// under the body cap), each with its own email and token and the same
// undeclared member: strict mode runs on one representative, and the one
// unknown-field finding counts the items without a finding per item. Its
// baseline in the same run, "decode", is a plain decode of the same body.
func BenchmarkUnknownFieldPerShape(b *testing.B) {
	const n = 22000
	m := newManyItems(n, func(int) string { return `"extra":1` })
	ex := m.exchange(n)
	c := newChecker(b)
	b.Run("check", func(b *testing.B) {
		b.SetBytes(int64(len(m.body)))
		for b.Loop() {
			if r := c.Check(ex); len(r.Findings) != 1 {
				b.Fatalf("findings %v, want one unknown-field", findingIDs(r))
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(m.body)))
		for b.Loop() {
			var page tokensapi.TokenList
			if err := json.Unmarshal(m.body, &page); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLayers splits the CPU of BenchmarkCheckCorpus by layer, with
// BenchmarkDecodeCorpus's plain decode as the baseline in the same run
// (sub-benchmark decode). Each exchange goes through the first layers only,
// as Check takes it through them: transport (the body decode into the tree
// every layer reads), then schema (the compiled response schema, through
// libopenapi-validator's pb33f/jsonschema, then strict mode), then typed (the
// generated client's Parse and the comparison of its values with the tree).
// The difference between two sub-benchmarks is what a layer costs in the
// pipeline, with the tree still in the CPU's caches. Run with GOMAXPROCS=1
// (`make bench-contract` does, and prints each layer's share as a ratio to
// the decode).
func BenchmarkLayers(b *testing.B) {
	exs := benchCorpus(b)
	layers := contract.NewLayers(newChecker(b), exs)
	run := func(name string, f func() (int, int)) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(corpusBytes(exs))
			cpu, _ := benchproc.CPUTime()
			defer benchproc.ReportCPU(b, cpu)
			for b.Loop() {
				if stopped, n := f(); stopped != 0 || n != 0 {
					b.Fatalf("%s: %d exchanges stopped early, %d findings on the conforming corpus", name, stopped, n)
				}
			}
		})
	}
	run("decode", func() (int, int) {
		for _, ex := range exs {
			var page tokensapi.TokenList
			if err := json.Unmarshal(ex.Response.Body, &page); err != nil {
				b.Fatal(err)
			}
		}
		return 0, 0
	})
	run("transport", func() (int, int) { return layers.Run(0) })
	run("transport+schema", func() (int, int) { return layers.Run(1) })
	run("transport+schema+typed", func() (int, int) { return layers.Run(2) })
}

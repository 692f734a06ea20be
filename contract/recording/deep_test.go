package recording_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/report"
)

// TestDeepBodies loads and checks entries whose bodies are 10,000 deep
// (deepBodies, which BenchmarkDeepBodies times) as "check" does: each deep
// body gives its one finding, with a path bounded to contract.MaxPathLen
// where the break is at the bottom, the healthy pages between them give
// none, and a report merges the deep bodies' findings into one that counts
// them and lists their sources.
func TestDeepBodies(t *testing.T) {
	c := newChecker(t)
	dir := t.TempDir()
	const n = 8
	// ids are each deep body's findings in their order (layer, then path); with deepPath, the
	// first one's path goes to the bottom, so it is elided. A duplicate name
	// leaves a body the later layers check: an object without code, data
	// and meta, and an undeclared member a.
	want := map[string]struct {
		ids      []string
		deepPath bool
	}{
		"unbalanced-array":               {[]string{contract.IDBodyTruncated}, false},
		"unbalanced-object":              {[]string{contract.IDBodyTruncated}, false},
		"balanced-array":                 {[]string{contract.IDTypeMismatch}, false},
		"unbalanced-array-between-pages": {[]string{contract.IDBodyTruncated}, false},
		"bad-byte-deep":                  {[]string{contract.IDBodyNotJSON}, true},
		"duplicate-name-deep": {[]string{contract.IDDuplicateKey, contract.IDUnknownField, contract.IDMissingField,
			contract.IDMissingField, contract.IDMissingField}, true},
	}
	if len(want) != len(deepBodies) {
		t.Fatalf("%d expectations for %d deep bodies", len(want), len(deepBodies))
	}
	for _, d := range deepBodies {
		t.Run(d.name, func(t *testing.T) {
			w := want[d.name]
			path := writeDeepNDJSON(t, dir, d.body, n, d.pages)
			rec, err := (&recording.Loader{Keep: c.Handles}).Load(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			if len(rec.Exchanges) != n {
				t.Fatalf("%d exchanges loaded, want %d", len(rec.Exchanges), n)
			}
			results := c.CheckSequence(context.Background(), rec.Exchanges)
			deep := 0
			for i, r := range results {
				if d.pages && i%2 == 1 {
					if len(r.Findings) != 0 {
						t.Errorf("the healthy page %s: findings %v", r.Source, r.Findings)
					}
					continue
				}
				deep++
				var ids []string
				for j, f := range r.Findings {
					ids = append(ids, f.ID)
					if len(f.Path) > contract.MaxPathLen+len(contract.PathElision) {
						t.Errorf("%s: %s's path is %d bytes, over the bound of %d", r.Source, f.ID, len(f.Path), contract.MaxPathLen)
					}
					if elided := strings.Contains(f.Path, contract.PathElision); elided != (w.deepPath && j == 0) {
						t.Errorf("%s: %s at %.40q… elided %v", r.Source, f.ID, f.Path, elided)
					}
				}
				if !slices.Equal(ids, w.ids) {
					t.Fatalf("%s: findings %v, want %v", r.Source, ids, w.ids)
				}
			}
			var buf bytes.Buffer
			in := report.Input{Tool: "test", SpecVersion: c.SpecVersion(), FailOn: contract.Additive,
				Sources: []report.Source{{Name: path, Results: results}}}
			if err := report.Write(&buf, "json", in); err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Findings []struct {
					ID      string   `json:"id"`
					Count   int      `json:"count"`
					Sources []string `json:"sources"`
				} `json:"findings"`
			}
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Findings) != len(w.ids) {
				t.Fatalf("the report has %d findings, want %d (one per finding of a deep body)", len(doc.Findings), len(w.ids))
			}
			for _, f := range doc.Findings {
				if f.Count != deep || len(f.Sources) != deep {
					t.Errorf("the report's %s counts %d exchanges with %d sources, want %d", f.ID, f.Count, len(f.Sources), deep)
				}
			}
		})
	}
}

package recording_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract/recording"
)

// TestExchangesKnowTheLineTheyStartOn: every loader gives each exchange the
// line its entry starts on (a cassette's interaction, a HAR entry's '{', an
// NDJSON line), which SARIF's regions point at; entries Keep rejects still
// count as lines read.
func TestExchangesKnowTheLineTheyStartOn(t *testing.T) {
	t.Parallel()
	e := entryJSON(`{"size":2,"text":"{}"}`)
	// An entry spread over three lines, to show that the line is where it
	// starts, not where it ends.
	spread := strings.Replace(strings.Replace(e, `"response"`, "\n\"response\"", 1), `"content"`, "\n\"content\"", 1)
	prettyHAR := "{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": {\"name\": \"t\", \"version\": \"1\"},\n    \"entries\": [\n" +
		"      " + spread + ",\n" + // line 6 (to 8)
		"\n" +
		"      " + otherEntry("x\ny") + ",   " + e + ",\n" + // line 10: skipped, then one on the same line
		"      " + e + "\n" + // line 11
		"    ]\n  }\n}\n"
	cassette, err := os.ReadFile(filepath.Join("..", "testdata", "recordings", "delete-200.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cassetteLines []int // where the interactions start, found by reading the file
	for i, l := range strings.Split(string(cassette), "\n") {
		if strings.HasPrefix(l, "  - id: ") {
			cassetteLines = append(cassetteLines, i+1)
		}
	}
	if len(cassetteLines) == 0 {
		t.Fatal("the cassette fixture has no interaction")
	}
	tests := []struct {
		name, file, content string
		want                []int
	}{
		{"pretty HAR", "pretty.har", prettyHAR, []int{6, 10, 11}},
		{"pretty HAR after a byte-order mark, sniffed", "pretty-bom.json", "\ufeff" + prettyHAR, []int{6, 10, 11}},
		{"HAR with CRLF line ends", "crlf.har", strings.ReplaceAll(prettyHAR, "\n", "\r\n"), []int{6, 10, 11}},
		{"HAR on one line", "one.har", harWith(e, e), []int{1, 1}},
		{"NDJSON with a blank line", "lines.ndjson", e + "\n\n" + otherEntry("z") + "\n" + e + "\n", []int{1, 4}},
		{"NDJSON sniffed", "lines", "\n" + e + "\n" + e, []int{2, 3}},
		{"cassette", "c.yaml", string(cassette), cassetteLines},
		{"cassette after a byte-order mark", "c-bom.yaml", "\ufeff" + string(cassette), cassetteLines},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), tt.file)
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			rec, err := recording.LoadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, ex := range rec.Exchanges {
				if ex.Request.URL != "" && strings.Contains(ex.Request.URL, "store.example.test") {
					continue // LoadFile keeps every entry; the other endpoint's is not one of the wanted lines
				}
				got = append(got, ex.Line)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("lines %v, want %v", got, tt.want)
			}
		})
	}
}

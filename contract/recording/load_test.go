package recording_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// harWith wraps entry objects (JSON text) in a HAR file.
func harWith(entries ...string) string {
	return `{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[` + strings.Join(entries, ",") + `]}}`
}

// entryJSON is a HAR entry for the list operation with the given content
// object.
func entryJSON(content string) string {
	return `{"request":{"method":"GET","url":"https://api-b2b.bigcommerce.com/api/io/backend/tokens?limit=10&offset=0","headers":[]},` +
		`"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],"content":` + content + `}}`
}

// otherEntry is a HAR entry for another endpoint, with a body.
func otherEntry(body string) string {
	return fmt.Sprintf(`{"request":{"method":"GET","url":"https://store.example.test/app.js?v=1","headers":[]},`+
		`"response":{"status":200,"headers":[{"name":"Content-Type","value":"text/javascript"}],"content":{"size":%d,"text":%q}}}`, len(body), body)
}

// endless is a stream that never ends: the same line, forever.
type endless struct {
	line []byte
	at   int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], e.line[e.at:])
		n += c
		e.at = (e.at + c) % len(e.line)
	}
	return n, nil
}

// TestLoadStopsWhenContextIsCancelled pins issue 13: loading takes a
// context, and a cancelled one stops it promptly with a clear error, even on
// an input that never ends.
func TestLoadStopsWhenContextIsCancelled(t *testing.T) {
	t.Run("already cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := (&recording.Loader{}).Load(ctx, filepath.Join("..", "testdata", "recordings", "browser-export.har"))
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "loading stopped") || !strings.Contains(err.Error(), "browser-export.har") {
			t.Errorf("want a load error naming the file and saying loading stopped, got %v", err)
		}
		errs := (&recording.Loader{}).Each(ctx, []string{filepath.Join("..", "testdata", "recordings")}, func(*recording.Recording) {
			t.Error("a recording was handed over after cancellation")
		})
		if len(errs) == 0 || !errors.Is(errs[0], context.Canceled) {
			t.Errorf("Each: want a cancellation error, got %v", errs)
		}
	})
	t.Run("cancelled while reading an endless stream", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		l := &recording.Loader{
			Stdin: &endless{line: []byte(otherEntry("x") + "\n")},
			Progress: func(n int) {
				if n == 1000 {
					cancel()
				}
			},
		}
		done := make(chan error, 1)
		go func() { _, err := l.Load(ctx, recording.Stdin); done <- err }()
		err := <-done
		if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "-: loading stopped") {
			t.Errorf("want %q, got %v", "-: loading stopped: context canceled", err)
		}
	})
}

// TestLoadAcceptsByteOrderMark pins issue 13: a HAR (and NDJSON) file with
// a UTF-8 byte-order mark is accepted, as a cassette with one is.
func TestLoadAcceptsByteOrderMark(t *testing.T) {
	cassette, err := os.ReadFile(filepath.Join("..", "testdata", "recordings", "delete-200.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	har := harWith(entryJSON(`{"size":2,"text":"{}"}`))
	bom := "\ufeff"
	dir := t.TempDir()
	for _, f := range []struct{ name, content string }{
		{"bom.har", bom + har},
		{"bom.json", bom + har},
		{"bom.ndjson", bom + entryJSON(`{"size":2,"text":"{}"}`) + "\n"},
		{"bom-sniffed", bom + entryJSON(`{"size":2,"text":"{}"}`) + "\n"},
		{"bom.yaml", bom + string(cassette)},
	} {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, []byte(f.content), 0o644); err != nil {
			t.Fatal(err)
		}
		rec, err := recording.LoadFile(path)
		if err != nil {
			t.Errorf("%s: %v", f.name, err)
			continue
		}
		if len(rec.Exchanges) != 1 {
			t.Errorf("%s: %d exchanges, want 1", f.name, len(rec.Exchanges))
		}
	}
	if _, err := recording.ParseHAR("x.har", []byte(bom+har)); err != nil {
		t.Errorf("ParseHAR with a BOM: %v", err)
	}
}

// TestNegativeContentSizeIsAnInputError pins issue 13: a negative
// content.size is an input error naming the entry; -1 is HAR's "unknown".
func TestNegativeContentSizeIsAnInputError(t *testing.T) {
	_, err := recording.ParseHAR("neg.har", []byte(harWith(entryJSON(`{"size":2,"text":"{}"}`), entryJSON(`{"size":-7,"text":"{}"}`))))
	if err == nil || !strings.Contains(err.Error(), "entry 1") || !strings.Contains(err.Error(), "content.size -7 is negative") {
		t.Errorf("want an error naming entry 1 and its negative content.size, got %v", err)
	}
	rec, err := recording.ParseHAR("unknown.har", []byte(harWith(entryJSON(`{"size":-1,"text":"{}"}`))))
	if err != nil || len(rec.Notes) != 0 || rec.Exchanges[0].Response.Truncated {
		t.Errorf("size -1 (unknown): err %v, notes %v", err, rec.Notes)
	}
}

// TestTruncationNeedsEvidence pins issue 12: a body that is complete JSON is
// never truncated because content.size disagrees (a note says so); a plain
// text shorter than its size, or JSON that ends early, is.
func TestTruncationNeedsEvidence(t *testing.T) {
	page := `{"code":200,"data":[]}`
	b64 := "eyJjb2RlIjoyMDAsImRhdGEiOltdfQ==" // page, base64
	cut := page[:10]
	tests := []struct {
		name, content string
		truncated     bool
		note          bool
	}{
		{"size matches", fmt.Sprintf(`{"size":%d,"text":%q}`, len(page), page), false, false},
		{"size is the base64 length", fmt.Sprintf(`{"size":%d,"text":%q,"encoding":"base64"}`, len(b64), b64), false, true},
		{"size is 0", fmt.Sprintf(`{"size":0,"text":%q}`, page), false, true},
		{"size is -1", fmt.Sprintf(`{"size":-1,"text":%q}`, page), false, false},
		{"size larger than complete plain JSON", fmt.Sprintf(`{"size":%d,"text":%q}`, len(page)+40, page), false, true},
		{"plain text cut short", fmt.Sprintf(`{"size":%d,"text":%q}`, len(page), cut), true, false},
		{"base64 of a cut body: size untrustworthy", fmt.Sprintf(`{"size":%d,"text":"eyJjb2RlIjoyMDAs","encoding":"base64"}`, len(page)), false, false},
		{"cut body, size unknown", fmt.Sprintf(`{"size":-1,"text":%q}`, cut), false, false},
		{"HTML page shorter than its size", `{"size":500,"text":"<html>bad gateway"}`, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := recording.ParseHAR("t.har", []byte(harWith(entryJSON(tt.content))))
			if err != nil {
				t.Fatal(err)
			}
			if got := rec.Exchanges[0].Response.Truncated; got != tt.truncated {
				t.Errorf("Truncated = %v, want %v", got, tt.truncated)
			}
			if got := len(rec.Notes) == 1 && rec.Notes[0].ID == contract.IDContentSizeMismatch &&
				rec.Notes[0].Severity == contract.Info && rec.Notes[0].Source == "t.har#0"; got != tt.note {
				t.Errorf("note = %v (%v), want %v", got, rec.Notes, tt.note)
			}
		})
	}
	// The checker still finds JSON that ends early, whatever the size says.
	rec, err := recording.ParseHAR("t.har", []byte(harWith(entryJSON(fmt.Sprintf(`{"size":-1,"text":%q}`, cut)))))
	if err != nil {
		t.Fatal(err)
	}
	res := newChecker(t).Check(rec.Exchanges[0])
	if len(res.Findings) == 0 || res.Findings[0].ID != contract.IDBodyTruncated {
		t.Errorf("a body whose JSON ends early: findings %v, want body-truncated", res.Findings)
	}
}

// TestDirectoryScanSkipsWhatIsNotARecording pins issue 14: the tool's own
// reports (JSON, SARIF) and other YAML saved next to recordings are skipped
// with a note in a directory scan, by content; named explicitly, they are
// still an error.
func TestDirectoryScanSkipsWhatIsNotARecording(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join("..", "testdata", "recordings", "delete-200.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"good.yaml":         string(good),
		"good.har":          harWith(entryJSON(`{"size":2,"text":"{}"}`)),
		"good.json":         harWith(entryJSON(`{"size":2,"text":"{}"}`)),
		"entries.jsonl":     entryJSON(`{"size":2,"text":"{}"}`) + "\n" + otherEntry("x") + "\n",
		"report.json":       `{"tool":"tokens-contract check","exitCode":1,"summary":{},"findings":[]}`,
		"report.sarif.json": `{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[]}`,
		"baseline.yaml":     "entries:\n  - id: unknown-field\n",
		"overlay.yml":       "overlay: 1.0.0\nactions: []\n",
		"report.xml":        "<testsuites/>",
		"report.md":         "# report",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var loaded, skipped []string
	l := &recording.Loader{Skipped: func(path string, err error) {
		if !errors.Is(err, recording.ErrNotRecording) {
			t.Errorf("skipped %s for %v, which is not ErrNotRecording", path, err)
		}
		skipped = append(skipped, filepath.Base(path))
	}}
	errs := l.Each(context.Background(), []string{dir}, func(r *recording.Recording) { loaded = append(loaded, filepath.Base(r.Path)) })
	if len(errs) != 0 {
		t.Errorf("errors: %v", errs)
	}
	if want := "entries.jsonl good.har good.json good.yaml"; strings.Join(loaded, " ") != want {
		t.Errorf("loaded %q, want %q", loaded, want)
	}
	if want := "baseline.yaml overlay.yml report.json report.sarif.json"; strings.Join(skipped, " ") != want {
		t.Errorf("skipped %q, want %q", skipped, want)
	}
	for _, name := range []string{"report.json", "report.sarif.json", "baseline.yaml"} {
		errs := l.Each(context.Background(), []string{filepath.Join(dir, name)}, func(*recording.Recording) { t.Errorf("%s loaded", name) })
		if len(errs) != 1 || !errors.Is(errs[0], recording.ErrNotRecording) || !strings.Contains(errs[0].Error(), name) {
			t.Errorf("%s named explicitly: want a not-a-recording error naming it, got %v", name, errs)
		}
	}
}

// TestNDJSONAndStdin: NDJSON of HAR entries, by ending or sniffed, and "-"
// for standard input; Keep counts other endpoints' entries in Skipped and
// keeps nothing else of them.
func TestNDJSONAndStdin(t *testing.T) {
	secretish := strings.Repeat("A", 4096)
	ndjson := entryJSON(`{"size":2,"text":"{}"}`) + "\n\n" + otherEntry(secretish) + "\n" + entryJSON(`{"size":2,"text":"{}"}`)
	c := newChecker(t)
	var progress []int
	l := &recording.Loader{Keep: c.Handles, Stdin: strings.NewReader(ndjson), Progress: func(n int) { progress = append(progress, n) }}
	rec, err := l.Load(context.Background(), recording.Stdin)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Format != recording.FormatNDJSON || len(rec.Exchanges) != 2 || rec.Exchanges[0].Source != "stdin#0" || rec.Exchanges[1].Source != "stdin#2" {
		t.Fatalf("format %s, %d exchanges", rec.Format, len(rec.Exchanges))
	}
	if fmt.Sprint(progress) != "[1 2 3]" {
		t.Errorf("progress calls %v, want [1 2 3]", progress)
	}
	want := []contract.SkipCount{{Reason: contract.SkipNotOperation, Count: 1, Examples: []string{"stdin#1"}}}
	if got := rec.Skipped.Reasons(); !reflect.DeepEqual(got, want) {
		t.Errorf("skipped %+v, want %+v", got, want)
	}
	for _, bad := range []struct{ name, content, want string }{
		{"x.ndjson", "", "no entries"},
		{"x.ndjson", "[1]\n", "not NDJSON"},
		{"x.ndjson", "\n" + `{"request":` + "\n", "no line of the NDJSON file is a readable HAR entry (line 2: not JSON: the JSON ends early)"},
		{"x.ndjson", `{"request":`, "no complete entry: line 1, the last, is cut off"},
	} {
		if _, err := (&recording.Loader{}).Read(context.Background(), bad.name, strings.NewReader(bad.content)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: want an error saying %q, got %v", bad.content, bad.want, err)
		}
	}
}

// TestEntryLargerThanTheLimitIsNamed: one entry over MaxEntrySize is an
// input error naming it, read no further than the limit.
func TestEntryLargerThanTheLimitIsNamed(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 64 MiB through the loader")
	}
	head := harWith(entryJSON(`{"size":2,"text":"{}"}`), "")
	head = strings.TrimSuffix(head, "]}}") // the second entry follows
	r := io.MultiReader(strings.NewReader(head+`{"x":"`), &endless{line: bytes.Repeat([]byte("a"), 1<<16)})
	_, err := (&recording.Loader{}).Read(context.Background(), "big.har", r)
	if err == nil || !strings.Contains(err.Error(), "entry 1 is larger than the 64 MiB limit") {
		t.Errorf("want an error naming entry 1, got %v", err)
	}
}

// TestLoadErrorKeepsNoOpaqueSecret pins issue 13's "load errors are scrubbed
// with no known secrets": a value no pattern recognises (an opaque auth
// token put in content.encoding) is never quoted by a load error, since no
// secret is known when a file fails to load.
func TestLoadErrorKeepsNoOpaqueSecret(t *testing.T) {
	opaque := synthetic.RandomHex(16)
	_, err := recording.ParseHAR("enc.har", []byte(harWith(entryJSON(`{"size":2,"text":"{}","encoding":"`+opaque+`"}`))))
	if err == nil || !strings.Contains(err.Error(), "content.encoding an unrecognised value (32 bytes) is not supported") {
		t.Fatalf("want an error naming the unsupported content.encoding, got %v", err != nil)
	}
	if strings.Contains(err.Error(), opaque[:8]) {
		t.Error("the load error quotes the opaque value")
	}
}

// TestKeepSummarisesOtherEntries: entries Keep rejects are counted in
// Recording.Skipped, with the first MaxSkipExamples sources, in every
// format; the exchanges kept keep their entry numbers, and a rejected entry
// is still validated.
func TestKeepSummarisesOtherEntries(t *testing.T) {
	c := newChecker(t)
	token := entryJSON(`{"size":2,"text":"{}"}`)
	other := otherEntry("x")
	// Entries: token, 5 others, token, 995 others: 1000 skipped, kept #0 and #6.
	entries := []string{token}
	for i := range 1000 {
		if i == 5 {
			entries = append(entries, token)
		}
		entries = append(entries, other)
	}
	var cassetteRec recording.Recording
	for i, e := range entries {
		u := "https://store.example.test/app.js"
		if e == token {
			u = tokensURL
		}
		cassetteRec.Exchanges = append(cassetteRec.Exchanges, &contract.Exchange{Source: fmt.Sprint(i),
			Request:  contract.Request{Method: "GET", URL: u},
			Response: contract.Response{Status: 200, Body: []byte("{}")}})
	}
	cassette, err := recording.EncodeCassette(&cassetteRec)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, content string }{
		{"big.har", harWith(entries...)},
		{"big.ndjson", strings.Join(entries, "\n")},
		{"big.yaml", string(cassette)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := (&recording.Loader{Keep: c.Handles}).Read(context.Background(), tt.name, strings.NewReader(tt.content))
			if err != nil {
				t.Fatal(err)
			}
			var kept []string
			for _, ex := range rec.Exchanges {
				kept = append(kept, ex.Source)
			}
			if want := []string{tt.name + "#0", tt.name + "#6"}; !reflect.DeepEqual(kept, want) {
				t.Errorf("kept %q, want %q", kept, want)
			}
			want := []contract.SkipCount{{Reason: contract.SkipNotOperation, Count: 1000,
				Examples: []string{tt.name + "#1", tt.name + "#2", tt.name + "#3"}}}
			if got := rec.Skipped.Reasons(); !reflect.DeepEqual(got, want) {
				t.Errorf("skipped %+v, want %+v", got, want)
			}
		})
	}
	// Without Keep every entry is an exchange and nothing is skipped.
	rec, err := (&recording.Loader{}).Read(context.Background(), "all.har", strings.NewReader(harWith(entries...)))
	if err != nil || len(rec.Exchanges) != 1002 || rec.Skipped.Total() != 0 {
		t.Fatalf("without Keep: %v, %d exchanges, %d skipped", err, len(rec.Exchanges), rec.Skipped.Total())
	}
	// A rejected entry is still an input error when it is malformed.
	bad := strings.Replace(other, `"status":200`, `"status":42`, 1)
	_, err = (&recording.Loader{Keep: c.Handles}).Read(context.Background(), "bad.har", strings.NewReader(harWith(token, bad)))
	if err == nil || !strings.Contains(err.Error(), "entry 1: response status 42") {
		t.Errorf("a malformed skipped entry: want an error naming entry 1, got %v", err)
	}
}

// TestNDJSONLineByLine pins issue 24: every NDJSON line is read on its
// own. A malformed line (not JSON, two values, not an object, not a HAR
// entry) is one unreadable entry named by its line number, returned by
// Each as an error of the file, and every other line is still read; a last
// line cut off by a writer still appending is a note (Incomplete), not an
// error; on standard input too.
func TestNDJSONLineByLine(t *testing.T) {
	good := entryJSON(`{"size":2,"text":"{}"}`)
	tests := []struct {
		name       string
		content    string
		exchanges  int
		unreadable []string // what each unreadable line's error says, in order
		incomplete string
	}{
		{"a bad middle line", good + "\n{\"request\": nope}\n" + good + "\n", 2, []string{"line 2: not JSON: invalid JSON at byte"}, ""},
		{"several bad lines", good + "\n42\n\n" + good + " " + good + "\n" + `{"request":{"url":"x"}}` + "\n" + good + "\n", 2,
			[]string{"line 2: not a JSON object", "line 4: more than one JSON value", "line 5: request has no method or URL"}, ""},
		{"a truncated last line", good + "\n" + good + "\n" + good[:40], 2, nil, "line 3, the last, is cut off"},
		{"both", good + "\nnot json\n" + good + "\n" + good[:len(good)-1], 2, []string{"line 2: not JSON"}, "line 4, the last"},
		{"a complete last line without a newline", good + "\n" + good, 2, nil, ""},
		{"a bad last line with a newline is an error", good + "\n" + good[:40] + "\n", 1, []string{"line 2: not JSON: the JSON ends early"}, ""},
		{"CRLF line ends", good + "\r\n" + good + "\r\n", 2, nil, ""},
	}
	for _, tt := range tests {
		for _, path := range []string{"x.ndjson", recording.Stdin} {
			l := &recording.Loader{Stdin: strings.NewReader(tt.content)}
			if path != recording.Stdin {
				path = filepath.Join(t.TempDir(), "x.ndjson")
				if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var recs []*recording.Recording
			errs := l.Each(context.Background(), []string{path}, func(r *recording.Recording) { recs = append(recs, r) })
			if len(recs) != 1 {
				t.Errorf("%s (%s): no recording; errors %v", tt.name, path, errs)
				continue
			}
			rec := recs[0]
			if len(rec.Exchanges) != tt.exchanges {
				t.Errorf("%s (%s): %d exchanges, want %d", tt.name, path, len(rec.Exchanges), tt.exchanges)
			}
			if len(errs) != len(tt.unreadable) || len(rec.Unreadable) != len(tt.unreadable) {
				t.Errorf("%s (%s): errors %v, want %d naming lines %v", tt.name, path, errs, len(tt.unreadable), tt.unreadable)
				continue
			}
			for i, want := range tt.unreadable {
				var le *recording.LoadError
				if !errors.As(errs[i], &le) || le.Path != path || !strings.Contains(errs[i].Error(), want) {
					t.Errorf("%s (%s): error %d = %v, want a *LoadError of %s saying %q", tt.name, path, i, errs[i], path, want)
				}
			}
			if (tt.incomplete == "") != (rec.Incomplete == "") || !strings.Contains(rec.Incomplete, tt.incomplete) {
				t.Errorf("%s (%s): Incomplete %q, want %q", tt.name, path, rec.Incomplete, tt.incomplete)
			}
		}
	}
}

// TestBatchesBoundAnEndlessStream: with Batch set, an endless NDJSON stream
// on standard input hands its exchanges over BatchSize at a time and never
// holds more, the sources keep counting across batches, and cancelling
// stops it.
func TestBatchesBoundAnEndlessStream(t *testing.T) {
	const size = 7
	line := entryJSON(`{"size":2,"mimeType":"application/json","text":"{}"}`) + "\n"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var batches, held int
	var sources []string
	l := &recording.Loader{
		Stdin:     &endless{line: []byte(line)},
		BatchSize: size,
		Batch: func(r *recording.Recording) {
			batches++
			held = max(held, len(r.Exchanges))
			if r.Path != "stdin" || r.Format != recording.FormatNDJSON {
				t.Errorf("batch of %q in %v", r.Path, r.Format)
			}
			for _, ex := range r.Exchanges {
				sources = append(sources, ex.Source)
			}
			if batches == 50 {
				cancel()
			}
		},
	}
	_, err := l.Load(ctx, recording.Stdin)
	if err == nil || !strings.Contains(err.Error(), "stopped") && !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled stream: %v", err)
	}
	if batches < 50 || held != size {
		t.Errorf("%d batches, at most %d exchanges in one; want 50 or more, %d", batches, held, size)
	}
	for i, s := range sources {
		if want := fmt.Sprintf("stdin#%d", i); s != want {
			t.Fatalf("exchange %d is %q, want %q", i, s, want)
		}
	}
}

// TestBatchesLeaveTheRestToLoad: a file of 10 exchanges, batches of 4: two
// batches, and Load returns the last 2 with the file's skips.
func TestBatchesLeaveTheRestToLoad(t *testing.T) {
	entries := make([]string, 0, 11)
	for range 10 {
		entries = append(entries, entryJSON(`{"size":2,"mimeType":"application/json","text":"{}"}`))
	}
	entries = append(entries, otherEntry("x"))
	path := filepath.Join(t.TempDir(), "big.har")
	if err := os.WriteFile(path, []byte(harWith(entries...)), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []int
	l := &recording.Loader{
		Keep:      func(_, u string) bool { return strings.Contains(u, "/backend/tokens") },
		BatchSize: 4,
		Batch:     func(r *recording.Recording) { got = append(got, len(r.Exchanges)) },
	}
	rec, err := l.Load(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []int{4, 4}) || len(rec.Exchanges) != 2 || rec.Skipped.Total() != 1 ||
		rec.Exchanges[1].Source != path+"#9" {
		t.Errorf("batches %v, rest %d (last %s), skipped %d", got, len(rec.Exchanges), rec.Exchanges[len(rec.Exchanges)-1].Source, rec.Skipped.Total())
	}
}

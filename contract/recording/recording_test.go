package recording_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
)

// TestRecordingsAreGoVCRCassettes proves the project's format is a go-vcr v4
// cassette: go-vcr itself loads every shipped recording.
func TestRecordingsAreGoVCRCassettes(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "recordings", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no cassettes found")
	}
	for _, f := range files {
		c, err := cassette.Load(strings.TrimSuffix(f, ".yaml"))
		if err != nil {
			t.Errorf("go-vcr cannot load %s: %v", f, err)
			continue
		}
		rec, err := recording.LoadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Interactions) != len(rec.Exchanges) {
			t.Errorf("%s: go-vcr sees %d interactions, the loader %d", f, len(c.Interactions), len(rec.Exchanges))
		}
		if rec.Provenance == nil || rec.Provenance.SpecVersion == "" || rec.Provenance.RecordedAt.IsZero() {
			t.Errorf("%s: provenance is missing", f)
		}
	}
}

func TestEncodeCassetteRoundTrips(t *testing.T) {
	ex := listExchange("", "limit=3&offset=0", 200, page(5, 0, 3, item(1, "a@example.test", "fake-store", "x")), "X-Request-Id", "req-1")
	exs := []*contract.Exchange{ex}
	prov := &recording.Provenance{RecordedAt: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC), Host: "api-b2b.bigcommerce.com",
		SpecVersion: "1.0.0", ToolVersion: "recording_test.go", Note: "round trip"}
	b, err := recording.EncodeCassette(&recording.Recording{Exchanges: exs, Provenance: prov})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := recording.ParseCassette("rt.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.Exchanges[0]
	if got.Source != "rt.yaml#0" || got.Request.URL != exs[0].Request.URL || got.Response.Status != 200 ||
		!bytes.Equal(got.Response.Body, exs[0].Response.Body) || got.Response.Header.Get("X-Request-Id") == "" {
		t.Errorf("round trip lost data: source %q, status %d, body equal %v", got.Source, got.Response.Status,
			bytes.Equal(got.Response.Body, exs[0].Response.Body))
	}
	if rec.Provenance.Note != "round trip" {
		t.Errorf("provenance note = %q", rec.Provenance.Note)
	}
	// A cassette's one date, its provenance's, dates each of its exchanges.
	if !got.RecordedAt.Equal(prov.RecordedAt) {
		t.Errorf("RecordedAt %v, want the provenance's %v", got.RecordedAt, prov.RecordedAt)
	}
}

// TestEncodeHARKeepsEachExchangeDate: an exchange's own date survives a HAR
// round trip; one without a date takes the provenance's.
func TestEncodeHARKeepsEachExchangeDate(t *testing.T) {
	prov := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	own := prov.Add(90 * time.Second)
	dated := listExchange("", "limit=3&offset=0", 200, page(5, 0, 3, item(1, "a@example.test", "fake-store", "x")))
	dated.RecordedAt = own
	undated := listExchange("", "limit=3&offset=3", 200, page(5, 3, 3, item(4, "b@example.test", "fake-store", "y")))
	b, err := recording.EncodeHAR(&recording.Recording{Exchanges: []*contract.Exchange{dated, undated}, Provenance: &recording.Provenance{RecordedAt: prov}})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := recording.ParseHAR("rt.har", b)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []time.Time{own, prov} {
		if got := rec.Exchanges[i].RecordedAt; !got.Equal(want) {
			t.Errorf("exchange %d: RecordedAt %v, want %v", i, got, want)
		}
	}
}

func TestHARIsReadDirectly(t *testing.T) {
	rec, err := recording.LoadFile(filepath.Join("..", "testdata", "recordings", "browser-export.har"))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Format != recording.FormatHAR || len(rec.Exchanges) != 3 {
		t.Fatalf("format %s with %d exchanges, want har with 3", rec.Format, len(rec.Exchanges))
	}
	// Entry 0 is base64-encoded in the file; decoded, it is the JSON page.
	if !bytes.HasPrefix(rec.Exchanges[0].Response.Body, []byte(`{"code":200`)) {
		t.Error("base64 content was not decoded")
	}
	if rec.Exchanges[0].Source != filepath.Join("..", "testdata", "recordings", "browser-export.har")+"#0" {
		t.Errorf("source = %q", rec.Exchanges[0].Source)
	}
}

func TestGzipBodiesAreDecoded(t *testing.T) {
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	body := []byte(`{"code":200}`)
	w.Write(body)
	w.Close()
	ex := listExchange("", "", 200, gz.String())
	ex.Response.Header.Set("Content-Encoding", "gzip")
	b, err := recording.EncodeCassette(&recording.Recording{Exchanges: []*contract.Exchange{ex}})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := recording.ParseCassette("gz.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.Exchanges[0].Response
	if !bytes.Equal(got.Body, body) || got.Header.Get("Content-Encoding") != "" || got.Header.Get("Content-Length") != "" {
		t.Errorf("gzip body not decoded, or encoding headers left: %q", got.Body)
	}
}

func TestMalformedRecordings(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join("..", "testdata", "recordings", "delete-404.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, content, wantErr string
	}{
		{"empty cassette", "a.yaml", "", "empty"},
		{"not yaml", "a.yaml", "version: [2\n  : :", "not a cassette"},
		{"wrong version", "a.yaml", strings.Replace(string(valid), "version: 2", "version: 1", 1), "version 1"},
		{"no interactions", "a.yaml", "version: 2\ninteractions: []\n", "no interactions"},
		{"no method", "a.yaml", strings.Replace(string(valid), "method: DELETE", "method: \"\"", 1), "no method"},
		{"bad status", "a.yaml", strings.Replace(string(valid), "code: 404", "code: 42", 1), "not an HTTP status"},
		{"interactions is a string", "a.yaml", "version: 2\ninteractions: nope\n", "not a cassette"},
		{"bad encoding", "a.yaml", strings.Replace(string(valid), "        X-Request-Id:", "        Content-Encoding:\n          - br\n        X-Request-Id:", 1), "Content-Encoding"},
		{"empty har", "a.har", "", "not a HAR file"},
		{"har not json", "a.har", "{\"log\": ", "not a HAR file"},
		{"har without log", "a.har", `{"entries": []}`, `no "log"`},
		{"har without entries", "a.har", `{"log": {"entries": []}}`, "no entries"},
		{"har entry without url", "a.har", `{"log": {"entries": [{"request": {"method": "GET"}, "response": {"status": 200, "content": {}}}]}}`, "no method or URL"},
		{"har bad base64", "a.har", `{"log": {"entries": [{"request": {"method": "GET", "url": "https://x/backend/tokens"}, "response": {"status": 200, "content": {"text": "%%%", "encoding": "base64"}}}]}}`, "not valid base64"},
		{"har unknown encoding", "a.har", `{"log": {"entries": [{"request": {"method": "GET", "url": "https://x/backend/tokens"}, "response": {"status": 200, "content": {"text": "x", "encoding": "rot13"}}}]}}`, "not supported"},
		{"har bad status", "a.har", `{"log": {"entries": [{"request": {"method": "GET", "url": "https://x/backend/tokens"}, "response": {"status": 9999, "content": {}}}]}}`, "not an HTTP status"},
		{"har log is an array", "a.har", `{"log": []}`, "not a HAR file"},
		{"sniffed empty", "a.txt", "   ", "empty"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := recording.LoadFile(path)
			var le *recording.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("want a *LoadError, got %v", err)
			}
			if le.Path != path || !strings.HasPrefix(err.Error(), path+": ") {
				t.Errorf("error does not name the file: %v", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not say %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadPathsReportsAndContinues(t *testing.T) {
	dir := t.TempDir()
	good, _ := os.ReadFile(filepath.Join("..", "testdata", "recordings", "delete-200.yaml"))
	os.WriteFile(filepath.Join(dir, "good.yaml"), good, 0o644)
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("version: 9\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("ignored"), 0o644)
	empty := t.TempDir()
	recs, errs := recording.LoadPaths([]string{dir, filepath.Join(dir, "missing.yaml"), empty})
	if len(recs) != 1 || !strings.HasSuffix(recs[0].Path, "good.yaml") {
		t.Errorf("loaded %d recordings, want good.yaml only", len(recs))
	}
	var msgs []string
	for _, err := range errs {
		msgs = append(msgs, err.Error())
	}
	joined := strings.Join(msgs, "\n")
	for _, want := range []string{"bad.yaml: cassette format version 9", "missing.yaml: no such file or directory", "holds no recordings"} {
		if !strings.Contains(joined, want) {
			t.Errorf("errors do not mention %q:\n%s", want, joined)
		}
	}
}

// TestCassetteSizeLimit: cassettes, read whole, keep a size limit (HAR and
// NDJSON files, read as a stream, have none).
func TestCassetteSizeLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(recording.MaxCassetteSize + 1); err != nil { // sparse: no real disk use
		t.Fatal(err)
	}
	f.Close()
	_, err = recording.LoadFile(path)
	if err == nil || !strings.Contains(err.Error(), "larger than the 64 MiB limit for cassettes") {
		t.Errorf("want a size error, got %v", err)
	}
}

// FuzzParseRecording feeds arbitrary bytes to both parsers: an error or
// exchanges, never a panic; and whatever loads can be checked.
func FuzzParseRecording(f *testing.F) {
	for _, name := range []string{"delete-404.yaml", "browser-export.har"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "recordings", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("version: 2\ninteractions:\n- &a {id: 0}\n- *a\n")
	f.Add(`{"log":{"entries":[{"request":{"method":"GET","url":"/backend/tokens"},"response":{"status":200,"content":{"text":"e30=","encoding":"base64","size":99}}}]}}`)
	c := newChecker(f)
	f.Fuzz(func(t *testing.T, data string) {
		for _, name := range []string{"f.yaml", "f.har", "f.ndjson", "f"} {
			rec, err := recording.ParseRecording(name, []byte(data))
			if err != nil {
				continue
			}
			if len(rec.Exchanges) == 0 {
				t.Fatal("a recording without exchanges loaded without error")
			}
			for _, ex := range rec.Exchanges {
				_ = c.Check(ex)
			}
		}
	})
}

func TestHAREntriesAreDated(t *testing.T) {
	entry := func(started string) string {
		return `{"startedDateTime":` + started + `,"request":{"method":"GET","url":"https://x.test/api/io/backend/tokens","headers":[]},` +
			`"response":{"status":200,"headers":[],"content":{"text":"{}"}}}`
	}
	tests := []struct {
		name    string
		started string
		want    time.Time
		err     string
	}{
		{"UTC with milliseconds", `"2026-11-26T09:00:00.000Z"`, time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC), ""},
		{"an offset", `"2026-11-26T10:00:00+01:00"`, time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC), ""},
		{"an offset without a colon", `"2026-11-26T10:00:00.5+0100"`, time.Date(2026, 11, 26, 9, 0, 0, 5e8, time.UTC), ""},
		{"absent", `""`, time.Time{}, ""},
		{"not a date", `"yesterday"`, time.Time{}, "entry 0: startedDateTime is not an ISO 8601 date-time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := recording.ParseHAR("d.har", []byte(`{"log":{"version":"1.2","entries":[`+entry(tt.started)+`]}}`))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := rec.Exchanges[0].RecordedAt; !got.Equal(tt.want) {
				t.Errorf("RecordedAt %v, want %v", got, tt.want)
			}
		})
	}
}

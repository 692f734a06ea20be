package recording_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// harEntryOf is one HAR entry as a browser exports it.
func harEntryOf(url string, status int, respHeaders [][2]string, mime, text, encoding string) map[string]any {
	hs := []map[string]string{}
	for _, h := range respHeaders {
		hs = append(hs, map[string]string{"name": h[0], "value": h[1]})
	}
	content := map[string]any{"size": len(text), "mimeType": mime, "text": text}
	if encoding != "" {
		content["encoding"] = encoding
	}
	return map[string]any{
		"startedDateTime": "2026-11-26T09:00:00.000Z", "time": 12.5,
		"request": map[string]any{"method": "GET", "url": url, "httpVersion": "HTTP/2",
			"headers": []map[string]string{{"name": "Accept", "value": "application/json"}}, "queryString": []any{}, "cookies": []any{}, "headersSize": -1, "bodySize": 0},
		"response": map[string]any{"status": status, "statusText": "", "httpVersion": "HTTP/2", "headers": hs, "cookies": []any{},
			"content": content, "redirectURL": "", "headersSize": -1, "bodySize": -1},
		"cache": map[string]any{}, "timings": map[string]any{"send": 1, "wait": 10, "receive": 1.5},
	}
}

func harFile(t *testing.T, entries ...map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"log": map[string]any{"version": "1.2", "creator": map[string]any{"name": "test", "version": "1"},
		"pages":   []any{map[string]any{"id": "page_1", "title": "x", "startedDateTime": "2026-11-26T09:00:00.000Z", "pageTimings": map[string]any{}}},
		"entries": entries}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func tokensPage(storeHash string) string {
	email := synthetic.Email()
	return page(1, 0, 10, item(1, email, storeHash, synthetic.Token(email, storeHash)))
}

// redactRoundTrip loads data, redacts it, encodes the copy and loads that
// again; it returns both recordings.
func redactRoundTrip(t *testing.T, name string, data []byte, l *recording.Loader) (*recording.Recording, *recording.Recording, []byte) {
	t.Helper()
	rec, err := l.Read(context.Background(), name, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("loading %s: %v", name, err)
	}
	red, known := recording.Redact(rec, "")
	enc, err := recording.Encode(red)
	if err != nil {
		t.Fatalf("encoding the copy: %v", err)
	}
	if err := recording.CheckEncoded(enc, known); err != nil {
		t.Fatalf("the copy fails the leak check: %v", err)
	}
	back, err := (&recording.Loader{}).Read(context.Background(), name, bytes.NewReader(enc))
	if err != nil {
		t.Fatalf("the copy does not load: %v", err)
	}
	return rec, back, enc
}

// TestRedactKeepsSetCookieAttributes: a CDN cookie on the endpoint's own
// response (its Domain is the endpoint's host) loses its value, and nothing
// else: the request URL survives and the findings are the same.
func TestRedactKeepsSetCookieAttributes(t *testing.T) {
	value := synthetic.RandomHex(16)
	cookie := "__cf_bm=" + value + "; path=/; expires=Mon, 07-Dec-26 04:30:00 GMT; domain=.bigcommerce.com; HttpOnly; Secure; SameSite=None"
	data := harFile(t, harEntryOf(tokensURL, 200, [][2]string{{"Content-Type", "application/json"}, {"Set-Cookie", cookie}}, "application/json", tokensPage("x7k2m9q4p1"), ""))
	rec, back, enc := redactRoundTrip(t, "cdn.har", data, &recording.Loader{})
	if strings.Contains(string(enc), value) {
		t.Error("the cookie's value survives")
	}
	if got := back.Exchanges[0].Request.URL; got != tokensURL {
		t.Errorf("the request URL became %q", got)
	}
	c := newChecker(t)
	before, after := findingKeys(c.CheckSequence(context.Background(), rec.Exchanges)), findingKeys(c.CheckSequence(context.Background(), back.Exchanges))
	if strings.Join(before, "\n") != strings.Join(after, "\n") {
		t.Errorf("findings differ: %q, then %q", before, after)
	}
}

// TestRedactKeepsBinaryBodiesWhole: a body that is not text is kept byte for
// byte (an "x@" byte pair in it is not an email), unless it holds a secret
// the run learnt, which withholds it whole.
func TestRedactKeepsBinaryBodiesWhole(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDRx@\x00\x01\xff\xfe q@r \x00\x00")
	auth := synthetic.RandomHex(16)
	secretPNG := append(append([]byte{}, png...), []byte(auth)...)
	data := harFile(t,
		harEntryOf(tokensURL, 200, [][2]string{{"Content-Type", "application/json"}}, "application/json", tokensPage("x7k2m9q4p1"), ""),
		harEntryOf("https://cdn.example.test/logo.png", 200, [][2]string{{"Content-Type", "image/png"}}, "image/png", base64.StdEncoding.EncodeToString(png), "base64"),
		harEntryOf("https://cdn.example.test/echo.bin", 200, [][2]string{{"Content-Type", "application/octet-stream"}, {"X-Auth-Token", auth}}, "application/octet-stream", base64.StdEncoding.EncodeToString(secretPNG), "base64"),
	)
	_, back, enc := redactRoundTrip(t, "assets.har", data, &recording.Loader{})
	if len(back.Exchanges) != 3 {
		t.Fatalf("%d exchanges in the copy; want 3", len(back.Exchanges))
	}
	if got := back.Exchanges[1].Response.Body; !bytes.Equal(got, png) {
		t.Errorf("the binary body changed: %q; want it byte for byte", got)
	}
	if got := string(back.Exchanges[2].Response.Body); got != recording.BinaryWithheld {
		t.Errorf("a binary body holding the auth token became %q; want it withheld", got)
	}
	if strings.Contains(string(enc), auth) || strings.Contains(string(enc), base64.StdEncoding.EncodeToString(secretPNG)[:40]) {
		t.Error("the copy holds the auth token")
	}
}

// TestRedactReportsCorruptGzipEntry: one unrelated entry whose gzip body is
// corrupt is reported by its source and left out; the rest is redacted.
func TestRedactReportsCorruptGzipEntry(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(strings.Repeat("hello ", 100)))
	zw.Close()
	corrupt := gz.Bytes()[:gz.Len()/2]
	data := harFile(t,
		harEntryOf(tokensURL, 200, [][2]string{{"Content-Type", "application/json"}}, "application/json", tokensPage("x7k2m9q4p1"), ""),
		harEntryOf("https://cdn.example.test/app.js", 200, [][2]string{{"Content-Type", "text/javascript"}, {"Content-Encoding", "gzip"}}, "text/javascript", base64.StdEncoding.EncodeToString(corrupt), "base64"),
		harEntryOf(tokensURL, 200, [][2]string{{"Content-Type", "application/json"}}, "application/json", tokensPage("x7k2m9q4p1"), ""),
	)
	if _, err := (&recording.Loader{}).Read(context.Background(), "bad.har", bytes.NewReader(data)); err == nil {
		t.Fatal("without BadEntry, the corrupt entry loaded; the test proves nothing")
	}
	var bad []string
	l := &recording.Loader{BadEntry: func(source string, err error) { bad = append(bad, fmt.Sprint(source, ": ", err)) }}
	rec, back, _ := redactRoundTrip(t, "bad.har", data, l)
	if len(bad) != 1 || !strings.HasPrefix(bad[0], "bad.har#1") {
		t.Errorf("reported %q; want the one corrupt entry, bad.har#1", bad)
	}
	if len(rec.Exchanges) != 2 || len(back.Exchanges) != 2 {
		t.Errorf("%d exchanges loaded, %d in the copy; want the other 2", len(rec.Exchanges), len(back.Exchanges))
	}
}

// TestRedactRoundTripsNDJSON: NDJSON stays NDJSON (one compact entry per
// line) with the same findings.
func TestRedactRoundTripsNDJSON(t *testing.T) {
	var in bytes.Buffer
	for i := range 3 {
		body := tokensPage("x7k2m9q4p1")
		if i == 1 {
			body = strings.Replace(body, `"eventChannel":"app"`, `"eventChannel":"app","createdAt":1`, 1)
		}
		b, _ := json.Marshal(harEntryOf(tokensURL, 200, [][2]string{{"Content-Type", "application/json"}}, "application/json", body, ""))
		in.Write(b)
		in.WriteByte('\n')
	}
	rec, back, enc := redactRoundTrip(t, "stream.ndjson", in.Bytes(), &recording.Loader{})
	if back.Format != recording.FormatNDJSON {
		t.Errorf("the copy is %s; want NDJSON", back.Format)
	}
	lines := strings.Split(strings.TrimSuffix(string(enc), "\n"), "\n")
	if len(lines) != 3 {
		t.Errorf("the copy has %d lines; want one per entry (3)", len(lines))
	}
	for i, l := range lines {
		if !json.Valid([]byte(l)) || strings.HasPrefix(l, " ") {
			t.Errorf("line %d is not one compact JSON entry", i+1)
		}
	}
	c := newChecker(t)
	before, after := findingKeys(c.CheckSequence(context.Background(), rec.Exchanges)), findingKeys(c.CheckSequence(context.Background(), back.Exchanges))
	if strings.Join(before, "\n") != strings.Join(after, "\n") || len(before) == 0 {
		t.Errorf("findings differ (or there are none to compare): %q, then %q", before, after)
	}
}

// structure lists the JSON paths of a decoded tree with the kind of each
// value, leaving out what redaction may change by design: the items of
// cookies and headers arrays (credentials are dropped), postData.params
// (the text holds them) and content.encoding.
func structure(v any, path string, out map[string]string) {
	for _, skip := range []string{".cookies[", ".headers[", ".params", ".content.encoding"} {
		if strings.Contains(path, skip) {
			return
		}
	}
	switch x := v.(type) {
	case map[string]any:
		out[path] = "object"
		for k, c := range x {
			structure(c, path+"."+k, out)
		}
	case []any:
		out[path] = "array"
		for i, c := range x {
			structure(c, fmt.Sprintf("%s[%d]", path, i), out)
		}
	default:
		out[path] = fmt.Sprintf("%T", v)
	}
}

func structureOf(t *testing.T, data []byte, ndjson bool) map[string]string {
	t.Helper()
	out := map[string]string{}
	docs := [][]byte{data}
	if ndjson {
		docs = bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	}
	for i, d := range docs {
		var v any
		if err := json.Unmarshal(d, &v); err != nil {
			t.Fatalf("document %d does not parse: %v", i, err)
		}
		structure(v, fmt.Sprintf("#%d", i), out)
	}
	return out
}

// TestRedactFileKeepsHARStructure: redact writes a HAR as a HAR with the
// same structure (pages, httpVersion, timings, exporters' own members) and
// an NDJSON file as NDJSON, apart from secrets, and check finds the same in
// the copy; strings outside the exchanges (a page title, an exporter's
// member) are scrubbed.
func TestRedactFileKeepsHARStructure(t *testing.T) {
	email := synthetic.CanaryEmail()
	auth := synthetic.RandomHex(16)
	e := harEntryOf(tokensURL, 200, [][2]string{{"Content-Type", "application/json"}, {"Set-Cookie", "s=" + auth + "; Path=/"}}, "application/json", tokensPage("x7k2m9q4p1"), "")
	e["_initiator"] = map[string]any{"type": "script", "url": "https://app.example.test/?authToken=" + auth + "&who=" + email}
	e["serverIPAddress"] = "127.0.0.1"
	e["request"].(map[string]any)["headers"] = []map[string]string{{"name": "authToken", "value": auth}, {"name": "Accept", "value": "application/json"}}
	drifted := strings.Replace(tokensPage("x7k2m9q4p1"), `"eventChannel":"app"`, `"eventChannel":"app","createdAt":1`, 1)
	e2 := harEntryOf(tokensURL, 200, [][2]string{{"Content-Type", "application/json"}}, "application/json", drifted, "")
	inputs := map[string][]byte{"crafted.har": harFile(t, e, e2)}
	var nd bytes.Buffer
	for _, x := range []map[string]any{e, e2} {
		b, _ := json.Marshal(x)
		nd.Write(b)
		nd.WriteByte('\n')
	}
	inputs["crafted.ndjson"] = nd.Bytes()
	exports, _ := filepath.Glob("testdata/har/*.har")
	for _, p := range append([]string{"../testdata/recordings/browser-export.har", "../testdata/drift/har-content-truncated.har"}, exports...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(p)] = b
	}
	c := newChecker(t)
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			out, red, known, err := recording.RedactFile(context.Background(), name, data, "", recording.Extra{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := recording.CheckEncoded(out, known); err != nil {
				t.Fatalf("the copy fails the leak check: %v", err)
			}
			for what, v := range map[string]string{"auth token": auth, "email": email} {
				if strings.Contains(string(out), v) {
					t.Errorf("the copy holds the %s", what)
				}
			}
			ndjson := strings.HasSuffix(name, ".ndjson")
			before, after := structureOf(t, data, ndjson), structureOf(t, out, ndjson)
			for p, k := range before {
				if after[p] != k {
					t.Errorf("%s was %s, is %q in the copy", p, k, after[p])
				}
			}
			for p := range after {
				if _, ok := before[p]; !ok {
					t.Errorf("%s is new in the copy", p)
				}
			}
			orig, err := (&recording.Loader{}).Read(context.Background(), name, bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			back, err := (&recording.Loader{}).Read(context.Background(), name, bytes.NewReader(out))
			if err != nil {
				t.Fatalf("the copy does not load: %v", err)
			}
			if back.Format != orig.Format || len(back.Exchanges) != len(red.Exchanges) {
				t.Errorf("the copy is %s with %d exchanges; want %s with %d", back.Format, len(back.Exchanges), orig.Format, len(red.Exchanges))
			}
			b4, af := findingKeys(c.CheckSequence(context.Background(), orig.Exchanges)), findingKeys(c.CheckSequence(context.Background(), back.Exchanges))
			if strings.Join(b4, "\n") != strings.Join(af, "\n") {
				t.Errorf("findings differ: %q, then %q", b4, af)
			}
		})
	}
}

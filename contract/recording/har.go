package recording

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"time"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// HAR 1.2 as EncodeHAR writes it: the members the format requires, filled
// from what an Exchange holds.
type harOut struct {
	Log harLogOut `json:"log"`
}

type harLogOut struct {
	Version string `json:"version"`
	Creator struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"creator"`
	Comment string        `json:"comment,omitempty"`
	Entries []harEntryOut `json:"entries"`
}

type harEntryOut struct {
	StartedDateTime string         `json:"startedDateTime"`
	Time            int            `json:"time"`
	Request         harRequestOut  `json:"request"`
	Response        harResponseOut `json:"response"`
	Cache           struct{}       `json:"cache"`
	Timings         struct {
		Send    int `json:"send"`
		Wait    int `json:"wait"`
		Receive int `json:"receive"`
	} `json:"timings"`
}

type harNameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harRequestOut struct {
	Method      string         `json:"method"`
	URL         string         `json:"url"`
	HTTPVersion string         `json:"httpVersion"`
	Cookies     []harNameValue `json:"cookies"`
	Headers     []harNameValue `json:"headers"`
	QueryString []harNameValue `json:"queryString"`
	PostData    *struct {
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
	} `json:"postData,omitempty"`
	HeadersSize int `json:"headersSize"`
	BodySize    int `json:"bodySize"`
}

type harResponseOut struct {
	Status      int            `json:"status"`
	StatusText  string         `json:"statusText"`
	HTTPVersion string         `json:"httpVersion"`
	Cookies     []harNameValue `json:"cookies"`
	Headers     []harNameValue `json:"headers"`
	Content     struct {
		Size     int     `json:"size"`
		MimeType string  `json:"mimeType"`
		Text     *string `json:"text,omitempty"`
		Encoding string  `json:"encoding,omitempty"`
	} `json:"content"`
	RedirectURL string `json:"redirectURL"`
	HeadersSize int    `json:"headersSize"`
	BodySize    int    `json:"bodySize"`
}

// EncodeHAR renders a recording as an HTTP Archive 1.2 file that ParseHAR
// reads back into the same exchanges: methods, URLs, headers (in name
// order), bodies (base64 when they are not UTF-8), a missing body as a
// content without text, and a truncated body as a content.size one byte
// larger than its text. What an Exchange does not hold (timings, cookies
// arrays, cache data) is written empty; an entry is dated by its exchange's
// RecordedAt, else by the provenance's, else by the Unix epoch. The caller is responsible for having
// removed secrets from the exchanges.
func EncodeHAR(rec *Recording) ([]byte, error) {
	var hf harOut
	hf.Log.Version = "1.2"
	hf.Log.Creator.Name = "tokens-contract"
	hf.Log.Creator.Version = "1"
	started := time.Unix(0, 0).UTC()
	if p := rec.Provenance; p != nil {
		if !p.RecordedAt.IsZero() {
			started = p.RecordedAt.UTC()
		}
		hf.Log.Comment = p.Redacted
	}
	entries, err := harEntries(rec, started)
	if err != nil {
		return nil, err
	}
	hf.Log.Entries = entries
	var buf bytes.Buffer
	if err := jsonv2.MarshalWrite(&buf, hf, jsontext.WithIndent("  ")); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// EncodeNDJSON renders rec as NDJSON: one HAR entry per line, compact, as
// EncodeHAR writes each entry, so that an NDJSON input stays NDJSON. The
// caller is responsible for having removed secrets from the exchanges.
func EncodeNDJSON(rec *Recording) ([]byte, error) {
	started := time.Unix(0, 0).UTC()
	if p := rec.Provenance; p != nil && !p.RecordedAt.IsZero() {
		started = p.RecordedAt.UTC()
	}
	entries, err := harEntries(rec, started)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	for _, e := range entries {
		if err := jsonv2.MarshalWrite(&buf, e); err != nil {
			return nil, err
		}
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// harEntries builds the HAR entry of each exchange of rec.
func harEntries(rec *Recording, started time.Time) ([]harEntryOut, error) {
	entries := []harEntryOut{}
	for i, ex := range rec.Exchanges {
		u, err := url.Parse(ex.Request.URL)
		if err != nil {
			return nil, fmt.Errorf("exchange %d: request URL is malformed", i)
		}
		var e harEntryOut
		at := started
		if !ex.RecordedAt.IsZero() {
			at = ex.RecordedAt.UTC()
		}
		e.StartedDateTime = at.Format(time.RFC3339Nano)
		e.Request = harRequestOut{
			Method: ex.Request.Method, URL: ex.Request.URL, HTTPVersion: "HTTP/1.1",
			Cookies: []harNameValue{}, Headers: harPairs(ex.Request.Header), QueryString: []harNameValue{},
			HeadersSize: -1, BodySize: len(ex.Request.Body),
		}
		e.Request.QueryString = append(e.Request.QueryString, harQuery(u.RawQuery)...)
		if ex.Request.Body != nil {
			e.Request.PostData = &struct {
				MimeType string `json:"mimeType"`
				Text     string `json:"text"`
			}{ex.Request.Header.Get("Content-Type"), string(ex.Request.Body)}
		}
		r := &e.Response
		r.Status, r.HTTPVersion = ex.Response.Status, "HTTP/1.1"
		r.StatusText = http.StatusText(ex.Response.Status)
		r.Cookies, r.Headers = []harNameValue{}, harPairs(ex.Response.Header)
		r.HeadersSize, r.BodySize = -1, len(ex.Response.Body)
		r.Content.MimeType = ex.Response.Header.Get("Content-Type")
		r.Content.Size = len(ex.Response.Body)
		if ex.Response.Truncated {
			r.Content.Size++
		}
		if !ex.Response.BodyMissing {
			text := string(ex.Response.Body)
			if !utf8.Valid(ex.Response.Body) {
				text, r.Content.Encoding = base64.StdEncoding.EncodeToString(ex.Response.Body), "base64"
			}
			r.Content.Text = &text
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// harPairs lists a header's values in name order.
func harPairs(h http.Header) []harNameValue {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, n)
	}
	sort.Strings(names)
	out := []harNameValue{}
	for _, n := range names {
		for _, v := range h[n] {
			out = append(out, harNameValue{n, v})
		}
	}
	return out
}

// harQuery lists a query's pairs in order, decoded where they decode.
func harQuery(raw string) []harNameValue {
	var out []harNameValue
	for _, p := range bytes.Split([]byte(raw), []byte("&")) {
		if len(p) == 0 {
			continue
		}
		n, v, _ := bytes.Cut(p, []byte("="))
		name, err1 := url.QueryUnescape(string(n))
		value, err2 := url.QueryUnescape(string(v))
		if err1 != nil || err2 != nil {
			name, value = string(n), string(v)
		}
		out = append(out, harNameValue{name, value})
	}
	return out
}

// Encode renders rec in its own Format: a cassette, a HAR file or NDJSON
// (one HAR entry per line).
func Encode(rec *Recording) ([]byte, error) {
	switch rec.Format {
	case FormatNDJSON:
		return EncodeNDJSON(rec)
	case FormatHAR:
		return EncodeHAR(rec)
	case FormatCassette, "":
		return EncodeCassette(rec)
	}
	return nil, fmt.Errorf("unknown recording format %q", rec.Format)
}

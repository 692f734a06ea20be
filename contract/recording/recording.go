package recording

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/httpbody"
	"github.com/b2b-contract/s2s-tokens/internal/secrets"
)

// Recording formats.
const (
	// FormatCassette is the project's own format: a go-vcr v4 cassette
	// (format version 2) with an extra top-level "provenance" mapping, which
	// go-vcr ignores, so downstream tests can replay the file with go-vcr.
	FormatCassette = "cassette"
	// FormatHAR is an HTTP Archive 1.2 file, as browsers and proxies export.
	FormatHAR = "har"
)

// Recording is one recording file: the exchanges of one run.
type Recording struct {
	// Path is the file the recording was read from.
	Path string
	// Format is FormatCassette, FormatHAR or FormatNDJSON.
	Format string
	// Provenance is where and when the exchanges were recorded, for
	// cassettes that carry it.
	Provenance *Provenance
	// Exchanges are in recorded order. Their Source is "Path#N", N being the
	// cassette interaction id or the HAR (or NDJSON) entry index.
	Exchanges []*contract.Exchange
	// Skipped counts the entries the Loader's Keep rejected (reason
	// contract.SkipNotOperation), with the sources of the first few: they
	// are not in Exchanges, and cost no memory per entry.
	Skipped contract.Skips
	// Notes are info findings about how the recording was read (a HAR
	// content.size that disagrees with a complete body), each naming its
	// exchange in Source.
	Notes []contract.Finding
	// Unreadable are the NDJSON lines that could not be read (not JSON, not
	// a HAR entry, too large), each an error naming its line ("line 7:
	// ..."); the other lines were read. Loader.Each returns them as
	// *LoadError values of the file.
	Unreadable []error
	// Incomplete, when set, says that the last line of an NDJSON file was
	// cut off (no newline at the end and not JSON: a writer still
	// appending) and was not read. It is a note, not an error.
	Incomplete string

	unreadable int // entries told to Loader.BadEntry and left out
	batched    int // exchanges handed to Loader.Batch
}

// Provenance records where a recording came from.
type Provenance struct {
	// RecordedAt is when the run started.
	RecordedAt time.Time `yaml:"recordedAt" json:"recordedAt"`
	// Host is the server the exchanges went to ("api-b2b.bigcommerce.com",
	// "127.0.0.1:8080" for the fake).
	Host string `yaml:"host" json:"host"`
	// SpecVersion is the contract version the recorder ran with.
	SpecVersion string `yaml:"specVersion" json:"specVersion"`
	// ToolVersion is the version of the tool that recorded.
	ToolVersion string `yaml:"toolVersion" json:"toolVersion"`
	// Redacted says how secrets were handled, e.g. "tokens replaced by
	// synthetic JWTs; emails by example.com addresses; auth headers dropped".
	Redacted string `yaml:"redacted,omitempty" json:"redacted,omitempty"`
	// Note is free text, such as what a drift case demonstrates.
	Note string `yaml:"note,omitempty" json:"note,omitempty"`
	// BasePath is the path of the base URL the requests were sent to
	// ("/api/io", "/" for a server at the root), when the recorder knew
	// it: the loader gives it to every exchange (contract.Exchange.BasePath),
	// so a recording made against a server at another base path is judged
	// under that one.
	BasePath string `yaml:"basePath,omitempty" json:"basePath,omitempty"`
}

// cassetteFile is the on-disk shape: go-vcr's cassette plus provenance.
type cassetteFile struct {
	Version      int                     `yaml:"version"`
	Provenance   *Provenance             `yaml:"provenance,omitempty"`
	Interactions []*cassette.Interaction `yaml:"interactions"`
}

// LoadError is a recording that could not be read. Its message names the
// file and what is wrong.
type LoadError struct {
	Path string
	Err  error
}

func (e *LoadError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *LoadError) Unwrap() error { return e.Err }

// ParseCassette parses a go-vcr v4 cassette (format version 2).
func ParseCassette(name string, data []byte) (*Recording, error) {
	return parseCassette(name, data, nil)
}

// parseCassette parses a cassette; interactions keep rejects are read
// without headers and bodies. A YAML document whose top level is not a
// mapping with "version" or "interactions" is ErrNotRecording.
func parseCassette(name string, data []byte, keep func(method, rawURL string) bool) (*Recording, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("the file is empty")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not a cassette: %s", yamlErrorText(err))
	}
	if !looksLikeCassette(&doc) {
		return nil, notRecording(`not a cassette: a YAML document without "version" and "interactions"`)
	}
	var cf cassetteFile
	if err := doc.Decode(&cf); err != nil {
		return nil, fmt.Errorf("not a cassette: %s", yamlErrorText(err))
	}
	if cf.Version != cassette.CassetteFormatVersion {
		return nil, fmt.Errorf("cassette format version %d is not supported (want %d, go-vcr v4)", cf.Version, cassette.CassetteFormatVersion)
	}
	if len(cf.Interactions) == 0 {
		return nil, errors.New("the cassette has no interactions")
	}
	rec := &Recording{Path: name, Format: FormatCassette, Provenance: cf.Provenance}
	lines := interactionLines(&doc)
	// A cassette's exchanges are dated by its provenance (when the run
	// started): the one date a cassette records.
	var recordedAt time.Time
	basePath := ""
	if cf.Provenance != nil {
		recordedAt, basePath = cf.Provenance.RecordedAt, cf.Provenance.BasePath
	}
	for i, it := range cf.Interactions {
		if it == nil {
			return nil, fmt.Errorf("interaction %d is empty", i)
		}
		where := fmt.Sprintf("interaction %d", it.ID)
		if it.Request.Method == "" {
			return nil, fmt.Errorf("%s: request has no method", where)
		}
		_, err := url.Parse(it.Request.URL)
		if err != nil || it.Request.URL == "" {
			return nil, fmt.Errorf("%s: request URL is missing or malformed", where)
		}
		if it.Response.Code < 100 || it.Response.Code > 599 {
			return nil, fmt.Errorf("%s: response code %d is not an HTTP status", where, it.Response.Code)
		}
		source := entrySource(name, it.ID)
		if keep != nil && !keep(it.Request.Method, it.Request.URL) {
			rec.Skipped.Add(source, contract.SkipNotOperation)
			cf.Interactions[i] = nil // its bodies can go now
			continue
		}
		header := cloneHeader(it.Response.Headers)
		body, err := decodeContentEncoding(header, []byte(it.Response.Body))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		rec.Exchanges = append(rec.Exchanges, &contract.Exchange{
			Source:     source,
			Line:       line,
			RecordedAt: recordedAt,
			Request: contract.Request{
				Method: strings.ToUpper(it.Request.Method),
				URL:    it.Request.URL,
				Header: cloneHeader(it.Request.Headers),
				Body:   []byte(it.Request.Body),
			},
			Response: contract.Response{Status: it.Response.Code, Header: header, Body: body},
			BasePath: basePath,
		})
	}
	return rec, nil
}

// interactionLines returns the line each item of a cassette's
// "interactions" sequence starts on, in order.
func interactionLines(doc *yaml.Node) []int {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "interactions" && n.Content[i+1].Kind == yaml.SequenceNode {
			items := n.Content[i+1].Content
			lines := make([]int, len(items))
			for j, it := range items {
				lines[j] = it.Line
			}
			return lines
		}
	}
	return nil
}

// looksLikeCassette reports whether a YAML document's top level is a mapping
// with a "version" or an "interactions" key.
func looksLikeCassette(doc *yaml.Node) bool {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; k == "version" || k == "interactions" {
			return true
		}
	}
	return false
}

// entrySource is the Source of entry (or interaction) n of a recording:
// "name#n".
func entrySource(name string, n int) string {
	return name + "#" + strconv.Itoa(n)
}

// entries counts the entries (or interactions) read: the exchanges kept,
// those counted in Skipped and those left out as unreadable.
func (r *Recording) entries() int {
	return len(r.Exchanges) + r.batched + r.Skipped.Total() + r.unreadable
}

// yamlErrorText keeps a YAML error's position and reason but never a quoted
// chunk of the file, which could be a secret.
func yamlErrorText(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	if i := strings.Index(msg, "`"); i >= 0 {
		msg = msg[:i] + "(value omitted)"
	}
	return secrets.Cut(secrets.NewScrubber(), msg, 200)
}

// decodeContentEncoding decodes a body still carrying its Content-Encoding
// (package httpbody, bounded by contract.DefaultMaxBody), and drops the
// encoding headers that no longer describe it. A body marked gzip without
// the gzip magic number was recorded already decoded (go-vcr and HAR keep
// decoded text) and is kept.
func decodeContentEncoding(h http.Header, body []byte) ([]byte, error) {
	enc := httpbody.Normalize(h.Get("Content-Encoding"))
	if enc == "" {
		return body, nil
	}
	if (enc == "gzip" || enc == "x-gzip") && !httpbody.IsGzip(body) {
		h.Del("Content-Encoding")
		h.Del("Content-Length")
		return body, nil
	}
	out, err := httpbody.Decode(enc, body, contract.DefaultMaxBody)
	switch {
	case errors.Is(err, httpbody.ErrUnsupported):
		return nil, fmt.Errorf("response body has Content-Encoding %s, which the loader cannot decode", httpbody.Describe(enc))
	case err != nil:
		return nil, fmt.Errorf("response body claims Content-Encoding %s but does not decode", httpbody.Describe(enc))
	case len(out) > contract.DefaultMaxBody:
		return nil, fmt.Errorf("response body decompresses to more than %d bytes", contract.DefaultMaxBody)
	}
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	return out, nil
}

func cloneHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		out[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	return out
}

// jsonErrorText describes a JSON error by position only.
func jsonErrorText(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the JSON ends early"
	}
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d", se.ByteOffset)
	}
	var sem *jsonv2.SemanticError
	if errors.As(err, &sem) {
		at := string(sem.JSONPointer)
		if at == "" {
			at = "the top level"
		}
		return fmt.Sprintf("unexpected JSON %s at %s", sem.JSONKind, at)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the JSON ends early"
	}
	return "invalid JSON"
}

func harHeaders(hs []harHeader) http.Header {
	h := http.Header{}
	for _, x := range hs {
		if x.Name == "" || strings.HasPrefix(x.Name, ":") { // HTTP/2 pseudo-headers
			continue
		}
		h.Add(x.Name, x.Value)
	}
	return h
}

// EncodeCassette renders a recording in the project's format: a go-vcr v4
// cassette with the recording's provenance. The caller is responsible for
// having removed secrets from the exchanges.
func EncodeCassette(rec *Recording) ([]byte, error) {
	cf := cassetteFile{Version: cassette.CassetteFormatVersion, Provenance: rec.Provenance}
	for i, ex := range rec.Exchanges {
		u, err := url.Parse(ex.Request.URL)
		if err != nil {
			return nil, fmt.Errorf("exchange %d: request URL is malformed", i)
		}
		cf.Interactions = append(cf.Interactions, &cassette.Interaction{
			ID: i,
			Request: cassette.Request{
				Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
				ContentLength: int64(len(ex.Request.Body)),
				Host:          u.Host,
				Body:          string(ex.Request.Body),
				Headers:       nonNilHeader(ex.Request.Header),
				URL:           ex.Request.URL,
				Method:        ex.Request.Method,
			},
			Response: cassette.Response{
				Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
				ContentLength: int64(len(ex.Response.Body)),
				Body:          string(ex.Response.Body),
				Headers:       nonNilHeader(ex.Response.Header),
				Status:        fmt.Sprintf("%d %s", ex.Response.Status, http.StatusText(ex.Response.Status)),
				Code:          ex.Response.Status,
			},
		})
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(cf); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func nonNilHeader(h http.Header) http.Header {
	if h == nil {
		return http.Header{}
	}
	return h
}

// harTime parses an entry's startedDateTime, an ISO 8601 date-time (with or
// without a colon in the zone offset); empty is the zero time (unknown).
func harTime(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("is not an ISO 8601 date-time such as 2026-11-26T09:00:00.000Z")
}

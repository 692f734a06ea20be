package recording

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/httpbody"
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

// MaxRecordingSize is the largest recording file the loaders read.
const MaxRecordingSize = 64 << 20

// Recording is one recording file: the exchanges of one run.
type Recording struct {
	// Path is the file the recording was read from.
	Path string
	// Format is FormatCassette or FormatHAR.
	Format string
	// Provenance is where and when the exchanges were recorded, for
	// cassettes that carry it.
	Provenance *Provenance
	// Exchanges are in recorded order. Their Source is "Path#N", N being the
	// cassette interaction id or the HAR entry index.
	Exchanges []*contract.Exchange
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

// recordingExt lists the file endings a directory walk picks up.
var recordingExt = []string{".yaml", ".yml", ".har", ".json"}

// LoadPaths loads every recording named by paths: files, or directories
// walked for *.yaml, *.yml, *.har and *.json files. Files that cannot be read
// are returned as *LoadError values; the others still load.
func LoadPaths(paths []string) ([]*Recording, []error) {
	var recs []*Recording
	var errs []error
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, &LoadError{p, cleanFSError(err)})
			continue
		}
		if !info.IsDir() {
			rec, err := LoadFile(p)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			recs = append(recs, rec)
			continue
		}
		var files []string
		walkErr := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, &LoadError{path, cleanFSError(err)})
				return nil
			}
			if !d.IsDir() && slices.Contains(recordingExt, strings.ToLower(filepath.Ext(path))) {
				files = append(files, path)
			}
			return nil
		})
		if walkErr != nil {
			errs = append(errs, &LoadError{p, walkErr})
		}
		sort.Strings(files)
		if len(files) == 0 {
			errs = append(errs, &LoadError{p, errors.New("the directory holds no recordings (*.yaml, *.yml, *.har, *.json)")})
		}
		for _, f := range files {
			rec, err := LoadFile(f)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			recs = append(recs, rec)
		}
	}
	return recs, errs
}

func cleanFSError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// LoadFile reads one recording, a cassette or a HAR file, chosen by its
// ending (.har is HAR; .yaml and .yml are cassettes) or, for anything else, by
// its first byte.
func LoadFile(path string) (*Recording, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &LoadError{path, cleanFSError(err)}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxRecordingSize+1))
	if err != nil {
		return nil, &LoadError{path, cleanFSError(err)}
	}
	if len(data) > MaxRecordingSize {
		return nil, &LoadError{path, fmt.Errorf("the file is larger than the %d MiB limit for recordings", MaxRecordingSize>>20)}
	}
	rec, err := ParseRecording(path, data)
	if err != nil {
		return nil, &LoadError{path, err}
	}
	return rec, nil
}

// ParseRecording parses recording bytes; name is used for the format choice
// and in each exchange's Source.
func ParseRecording(name string, data []byte) (*Recording, error) {
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case ext == ".har":
		return ParseHAR(name, data)
	case ext == ".yaml" || ext == ".yml":
		return ParseCassette(name, data)
	case len(bytes.TrimSpace(data)) == 0:
		return nil, errors.New("the file is empty")
	case bytes.TrimSpace(data)[0] == '{':
		return ParseHAR(name, data)
	default:
		return ParseCassette(name, data)
	}
}

// ParseCassette parses a go-vcr v4 cassette (format version 2).
func ParseCassette(name string, data []byte) (*Recording, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("the file is empty")
	}
	var cf cassetteFile
	if err := yaml.Unmarshal(data, &cf); err != nil {
		return nil, fmt.Errorf("not a cassette: %s", yamlErrorText(err))
	}
	if cf.Version != cassette.CassetteFormatVersion {
		return nil, fmt.Errorf("cassette format version %d is not supported (want %d, go-vcr v4)", cf.Version, cassette.CassetteFormatVersion)
	}
	if len(cf.Interactions) == 0 {
		return nil, errors.New("the cassette has no interactions")
	}
	rec := &Recording{Path: name, Format: FormatCassette, Provenance: cf.Provenance}
	for i, it := range cf.Interactions {
		if it == nil {
			return nil, fmt.Errorf("interaction %d is empty", i)
		}
		where := fmt.Sprintf("interaction %d", it.ID)
		if it.Request.Method == "" {
			return nil, fmt.Errorf("%s: request has no method", where)
		}
		if _, err := url.Parse(it.Request.URL); err != nil || it.Request.URL == "" {
			return nil, fmt.Errorf("%s: request URL is missing or malformed", where)
		}
		if it.Response.Code < 100 || it.Response.Code > 599 {
			return nil, fmt.Errorf("%s: response code %d is not an HTTP status", where, it.Response.Code)
		}
		header := cloneHeader(it.Response.Headers)
		body, err := decodeContentEncoding(header, []byte(it.Response.Body))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		rec.Exchanges = append(rec.Exchanges, &contract.Exchange{
			Source: name + "#" + strconv.Itoa(it.ID),
			Request: contract.Request{
				Method: strings.ToUpper(it.Request.Method),
				URL:    it.Request.URL,
				Header: cloneHeader(it.Request.Headers),
				Body:   []byte(it.Request.Body),
			},
			Response: contract.Response{Status: it.Response.Code, Header: header, Body: body},
		})
	}
	return rec, nil
}

// yamlErrorText keeps a YAML error's position and reason but never a quoted
// chunk of the file, which could be a secret.
func yamlErrorText(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	if i := strings.Index(msg, "`"); i >= 0 {
		msg = msg[:i] + "(value omitted)"
	}
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return msg
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
		return nil, fmt.Errorf("response body has Content-Encoding %.40q, which the loader cannot decode", enc)
	case err != nil:
		return nil, fmt.Errorf("response body claims Content-Encoding %.40q but does not decode", enc)
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

// HAR 1.2, the members the checker reads.
type harFile struct {
	Log *struct {
		Version string     `json:"version"`
		Entries []harEntry `json:"entries"`
	} `json:"log"`
}

type harEntry struct {
	StartedDateTime string `json:"startedDateTime"`
	Request         struct {
		Method   string      `json:"method"`
		URL      string      `json:"url"`
		Headers  []harHeader `json:"headers"`
		PostData *struct {
			Text string `json:"text"`
		} `json:"postData"`
	} `json:"request"`
	Response struct {
		Status  int         `json:"status"`
		Headers []harHeader `json:"headers"`
		Content struct {
			Size     int64   `json:"size"`
			Text     *string `json:"text"`
			Encoding string  `json:"encoding"`
		} `json:"content"`
	} `json:"response"`
}

type harHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ParseHAR parses an HTTP Archive (HAR 1.2). Bodies with
// content.encoding "base64" are decoded; a content.text shorter than
// content.size marks the body truncated; a missing content.text marks it not
// recorded. Entries without a response (status 0) are kept and skipped by
// the checker.
func ParseHAR(name string, data []byte) (*Recording, error) {
	var hf harFile
	if err := jsonv2.Unmarshal(data, &hf); err != nil {
		return nil, fmt.Errorf("not a HAR file: %s", jsonErrorText(err))
	}
	if hf.Log == nil {
		return nil, errors.New(`not a HAR file: no "log" object`)
	}
	if len(hf.Log.Entries) == 0 {
		return nil, errors.New("the HAR file has no entries")
	}
	rec := &Recording{Path: name, Format: FormatHAR}
	for i, e := range hf.Log.Entries {
		where := fmt.Sprintf("entry %d", i)
		if e.Request.Method == "" || e.Request.URL == "" {
			return nil, fmt.Errorf("%s: request has no method or URL", where)
		}
		if _, err := url.Parse(e.Request.URL); err != nil {
			return nil, fmt.Errorf("%s: request URL is malformed", where)
		}
		if e.Response.Status != 0 && (e.Response.Status < 100 || e.Response.Status > 599) {
			return nil, fmt.Errorf("%s: response status %d is not an HTTP status", where, e.Response.Status)
		}
		started, err := harTime(e.StartedDateTime)
		if err != nil {
			return nil, fmt.Errorf("%s: startedDateTime %w", where, err)
		}
		ex := &contract.Exchange{
			Source:     name + "#" + strconv.Itoa(i),
			RecordedAt: started,
			Request:    contract.Request{Method: strings.ToUpper(e.Request.Method), URL: e.Request.URL, Header: harHeaders(e.Request.Headers)},
			Response:   contract.Response{Status: e.Response.Status, Header: harHeaders(e.Response.Headers)},
		}
		if e.Request.PostData != nil {
			ex.Request.Body = []byte(e.Request.PostData.Text)
		}
		// HAR keeps decoded content: the transfer headers no longer describe it.
		ex.Response.Header.Del("Content-Encoding")
		ex.Response.Header.Del("Content-Length")
		c := e.Response.Content
		switch {
		case c.Text == nil:
			ex.Response.BodyMissing = true
		case strings.EqualFold(c.Encoding, "base64"):
			b, err := base64.StdEncoding.DecodeString(*c.Text)
			if err != nil {
				return nil, fmt.Errorf("%s: content.text is not valid base64", where)
			}
			ex.Response.Body = b
		case c.Encoding != "":
			return nil, fmt.Errorf("%s: content.encoding %.20q is not supported (only base64)", where, c.Encoding)
		default:
			ex.Response.Body = []byte(*c.Text)
		}
		if c.Text != nil && c.Size > 0 && int64(len(ex.Response.Body)) < c.Size {
			ex.Response.Truncated = true
		}
		rec.Exchanges = append(rec.Exchanges, ex)
	}
	return rec, nil
}

// jsonErrorText describes a JSON error by position only.
func jsonErrorText(err error) string {
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

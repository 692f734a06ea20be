package recording

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/b2b-contract/s2s-tokens/contract"
)

// RedactFile makes a safe copy of the recording data (read as name): it
// loads it, redacts its exchanges as Redact does, and writes the copy in the
// input's format. A HAR file keeps its structure: pages, versions, timings,
// cache data, exporters' own members and every other member are kept, with
// their strings scrubbed as text (Redactor.Text), while each entry's request
// and response (URL, query, headers, bodies) are the redacted exchange's, and
// its cookies arrays are emptied. NDJSON stays NDJSON, one compact entry per
// line, each entry kept the same way. A cassette is encoded as Encode does.
// Member order within a JSON object is not kept.
//
// extra names secrets the built-in policy cannot know (see Extra).
//
// An entry that cannot be read (a corrupt gzip body) is told to badEntry
// (when not nil) by its source and left out of the copy. It returns the copy,
// the redacted recording (for counts) and the secrets it removed (for
// CheckEncoded).
func RedactFile(ctx context.Context, name string, data []byte, authToken string, extra Extra, badEntry func(source string, err error)) ([]byte, *Recording, []string, error) {
	bad := map[string]bool{}
	l := &Loader{BadEntry: func(source string, err error) {
		bad[source] = true
		if badEntry != nil {
			badEntry(source, err)
		}
	}}
	rec, err := l.Read(ctx, name, bytes.NewReader(data))
	if err != nil {
		if !strings.HasPrefix(err.Error(), name+":") {
			err = fmt.Errorf("%s: %w", name, err)
		}
		return nil, nil, nil, err
	}
	r := NewRedactor(authToken).WithExtra(extra)
	red := redactWith(r, rec)
	var out []byte
	switch rec.Format {
	case FormatHAR:
		out, err = r.harCopy(name, data, rec, red, bad)
	case FormatNDJSON:
		out, err = r.ndjsonCopy(name, data, rec, red, bad)
	default:
		out, err = Encode(red)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	return out, red, r.Secrets(), nil
}

// pairing maps the entries of the input to their exchanges, by source.
type pairing struct {
	name      string
	orig, red map[string]*contract.Exchange
	bad       map[string]bool
}

func newPairing(name string, rec, red *Recording, bad map[string]bool) *pairing {
	p := &pairing{name: name, orig: map[string]*contract.Exchange{}, red: map[string]*contract.Exchange{}, bad: bad}
	for i, ex := range rec.Exchanges {
		p.orig[ex.Source] = ex
		p.red[ex.Source] = red.Exchanges[i]
	}
	return p
}

// entry rewrites the k-th entry of the input; false means it is left out.
func (r *Redactor) entry(p *pairing, k int, e any) (any, bool) {
	src := entrySource(p.name, k)
	redEx, ok := p.red[src]
	if p.bad[src] || !ok {
		return nil, false
	}
	m, ok := e.(map[string]any)
	if !ok {
		return nil, false
	}
	m = r.scrubTree(m, 0).(map[string]any)
	if req, ok := m["request"].(map[string]any); ok {
		req["url"] = redEx.Request.URL
		req["cookies"] = []any{}
		req["headers"] = harHeaderList(req["headers"], redEx.Request.Header)
		// The query's pairs, from the redacted URL, where the input listed
		// them (some exporters leave queryString empty).
		if qs, _ := req["queryString"].([]any); len(qs) > 0 {
			if u, err := url.Parse(redEx.Request.URL); err == nil {
				pairs := []any{}
				for _, nv := range harQuery(u.RawQuery) {
					pairs = append(pairs, map[string]any{"name": nv.Name, "value": nv.Value})
				}
				req["queryString"] = pairs
			}
		}
		if pd, ok := req["postData"].(map[string]any); ok {
			pd["text"] = string(redEx.Request.Body)
			delete(pd, "params") // the text holds them, redacted
		}
	}
	if resp, ok := m["response"].(map[string]any); ok {
		resp["cookies"] = []any{}
		resp["headers"] = harHeaderList(resp["headers"], redEx.Response.Header)
		if content, ok := resp["content"].(map[string]any); ok && !redEx.Response.BodyMissing {
			body := redEx.Response.Body
			if enc, _ := content["encoding"].(string); strings.EqualFold(enc, "base64") || !utf8.Valid(body) {
				content["text"], content["encoding"] = base64.StdEncoding.EncodeToString(body), "base64"
			} else {
				content["text"] = string(body)
				delete(content, "encoding")
			}
			size := len(body)
			if redEx.Response.Truncated {
				size++
			}
			content["size"] = size
		}
	}
	return m, true
}

// harHeaderList rewrites a HAR headers array to the redacted header h: a
// pair whose header h no longer has is dropped, the others take h's values
// in order, HTTP/2 pseudo-headers (which an exchange does not hold) keep
// their scrubbed values, and what h has beyond the pairs is appended.
func harHeaderList(pairs any, h http.Header) []any {
	left := map[string][]string{}
	for k, vs := range h {
		left[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	out := []any{}
	list, _ := pairs.([]any)
	for _, p := range list {
		pm, ok := p.(map[string]any)
		if !ok {
			continue
		}
		name, _ := pm["name"].(string)
		if strings.HasPrefix(name, ":") {
			out = append(out, pm)
			continue
		}
		key := http.CanonicalHeaderKey(name)
		if len(left[key]) == 0 {
			continue
		}
		pm["value"], left[key] = left[key][0], left[key][1:]
		out = append(out, pm)
	}
	for _, k := range sortedKeys(left) {
		for _, v := range left[k] {
			out = append(out, map[string]any{"name": k, "value": v})
		}
	}
	return out
}

func sortedKeys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// scrubTree scrubs every string of a decoded JSON tree, member names too,
// as text.
func (r *Redactor) scrubTree(v any, depth int) any {
	if depth > 256 {
		return nil
	}
	switch x := v.(type) {
	case string:
		return r.text(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, c := range x {
			out[r.text(k)] = r.scrubTree(c, depth+1)
		}
		return out
	case []any:
		for i, c := range x {
			x[i] = r.scrubTree(c, depth+1)
		}
		return x
	}
	return v
}

// decodeJSON decodes one JSON value keeping number literals.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func encodeJSON(v any, indent bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (r *Redactor) harCopy(name string, data []byte, rec, red *Recording, bad map[string]bool) ([]byte, error) {
	doc, err := decodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	top, ok := doc.(map[string]any)
	log, ok2 := top["log"].(map[string]any)
	entries, ok3 := log["entries"].([]any)
	if !ok || !ok2 || !ok3 {
		return nil, fmt.Errorf("%s: not a HAR file", name)
	}
	delete(log, "entries")
	top = r.scrubTree(top, 0).(map[string]any)
	p := newPairing(name, rec, red, bad)
	kept := []any{}
	for k, e := range entries {
		if ne, ok := r.entry(p, k, e); ok {
			kept = append(kept, ne)
		}
	}
	top["log"].(map[string]any)["entries"] = kept
	return encodeJSON(top, true)
}

func (r *Redactor) ndjsonCopy(name string, data []byte, rec, red *Recording, bad map[string]bool) ([]byte, error) {
	p := newPairing(name, rec, red, bad)
	var out bytes.Buffer
	k := 0
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		e, err := decodeJSON(line)
		if err != nil {
			k++
			continue // the loader reported it
		}
		if ne, ok := r.entry(p, k, e); ok {
			b, err := encodeJSON(ne, false)
			if err != nil {
				return nil, err
			}
			out.Write(b)
		}
		k++
	}
	return out.Bytes(), nil
}

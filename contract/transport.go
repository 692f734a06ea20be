package contract

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// transport runs layer 1. It returns true when the body is a JSON document
// the later layers can check, with s.tree holding it decoded.
func (s *check) transport() bool {
	resp := &s.ex.Response
	status := resp.Status
	if s.op.list && (status == http.StatusNotFound || status == http.StatusGone) {
		s.add(IDEndpointGone, "status",
			"%s %s answered %d %s: the endpoint appears to be retired", s.op.method, s.op.path, status, http.StatusText(status))
		return false
	}
	rs := s.op.responses[status]
	if status >= 500 && status <= 599 && s.transient(rs) {
		return false
	}
	if rs == nil {
		s.add(IDUndocumentedStatus, "status",
			"%s %s answered %d, which the contract does not document (documented: %s)", s.op.method, s.op.path, status, s.op.statuses)
		return false
	}
	s.rs = rs
	if resp.BodyMissing {
		s.add(IDBodyNotRecorded, "$", "the recording holds no body for this %d response; only status and headers were checked", status)
		return false
	}

	ct := resp.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	switch {
	case ct == "":
		s.add(IDUndeclaredContentType, "header Content-Type", "the %d response has no Content-Type; the contract declares %s",
			status, strings.Join(rs.mediaTypes, ", "))
		return false
	case err != nil || !slices.Contains(rs.mediaTypes, mt):
		s.add(IDUndeclaredContentType, "header Content-Type", "the %d response is %s; the contract declares %s",
			status, s.cut(ct, 80), strings.Join(rs.mediaTypes, ", "))
		return false
	}

	body := resp.Body
	if len(body) > s.c.maxBody {
		s.add(IDBodyTooLarge, "$", "the body is %d bytes, over the checker's limit of %d", len(body), s.c.maxBody)
		return false
	}
	if resp.Truncated {
		s.add(IDBodyTruncated, "$", "the body was cut short before it was recorded (%d bytes kept)", len(body))
		return false
	}
	if cl := resp.Header.Get("Content-Length"); cl != "" && resp.Header.Get("Content-Encoding") == "" {
		if n, err := strconv.Atoi(cl); err == nil && n > len(body) {
			s.add(IDBodyTruncated, "$", "the body is %d bytes but Content-Length says %d", len(body), n)
			return false
		}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		s.add(IDBodyNotJSON, "$", "the %d response body is empty", status)
		return false
	}
	tree, ok := s.decode(body)
	s.tree = tree
	return ok
}

// transient reports, with an upstream-transient finding, a 5xx answer that
// is not the API's: its body is not the B2B error envelope (HTML from a CDN,
// a load balancer's own JSON, a maintenance page, nothing). A 5xx that
// carries the envelope is the API's answer and goes on through the layers.
// rs is the status's documented response, nil when undocumented; the
// envelope is its schema, or for an undocumented status the schema of the
// operation's first documented 5xx (errorSpec). An unrecorded body of a
// documented status is left to the body-not-recorded finding.
func (s *check) transient(rs *responseSpec) bool {
	resp := &s.ex.Response
	if resp.BodyMissing && rs != nil {
		return false
	}
	spec := rs
	if spec == nil {
		spec = s.op.errorSpec
	}
	what := "a body that is not the B2B error envelope"
	switch mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); {
	case resp.BodyMissing:
		what = "a body that was not recorded"
	case len(bytes.TrimSpace(resp.Body)) == 0:
		what = "an empty body"
	case spec != nil && s.isEnvelope(spec, resp.Body):
		return false
	case mt != "" && mt != "application/json":
		what = "a " + mt + " body, not the B2B error envelope"
	}
	s.add(IDUpstreamTransient, "status", "%s %s answered %s with %s: a transient failure between the caller and the API "+
		"(a gateway, a CDN, maintenance), not drift", s.op.method, s.op.path, statusText(resp.Status), what)
	return true
}

// isEnvelope reports whether body is JSON that spec's schema accepts. Only a
// 5xx pays for it, and only when its body is not empty.
func (s *check) isEnvelope(spec *responseSpec, body []byte) bool {
	if len(body) > s.c.maxBody {
		return false
	}
	var tree any
	if jsonv2.Unmarshal(body, &tree, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)) != nil {
		return false
	}
	compiled, err := spec.compiled()
	return err == nil && compiled.Validate(tree) == nil
}

// statusText renders a status code with its text, as "502 Bad Gateway".
func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return strconv.Itoa(code) + " " + t
	}
	return strconv.Itoa(code)
}

// decode parses the body into a generic tree once, for every later layer.
// It uses encoding/json/v2's engine, which is about twice as fast as
// encoding/json on a page of tokens and, unlike it, notices duplicate member
// names and invalid UTF-8. Those are reported, and the body is then decoded
// leniently so the other layers still run.
func (s *check) decode(body []byte) (any, bool) {
	var tree any
	err := jsonv2.Unmarshal(body, &tree)
	if err == nil {
		return tree, true
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		s.add(IDBodyTruncated, "$", "the JSON value ends early, after %d bytes: the body is truncated", len(body))
		return nil, false
	}
	dup := errors.Is(err, jsontext.ErrDuplicateName)
	if dup {
		s.add(IDDuplicateKey, pointerToPath(err), "an object repeats a member name; encoding/json keeps the last value, other decoders the first")
	}
	// Retry leniently. What the lenient decode accepts beyond duplicates is
	// invalid UTF-8 (its error is not exported to test for directly).
	tree = nil
	lenientErr := jsonv2.Unmarshal(body, &tree, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if lenientErr == nil {
		if !dup || jsonv2.Unmarshal(body, new(any), jsontext.AllowDuplicateNames(true)) != nil {
			s.add(IDBodyNotJSON, "$", "the body is not valid UTF-8, which JSON requires; Go decoders silently replace the bad bytes")
		}
		return tree, true
	}
	var synErr *jsontext.SyntacticError
	var semErr *jsonv2.SemanticError
	if errors.As(lenientErr, &semErr) && errors.Is(lenientErr, strconv.ErrRange) {
		// Valid JSON whose number no float64 holds (1e400, an id of 100,000
		// digits): say so, rather than call the body not JSON.
		s.add(IDBodyNotJSON, pointerToPath(lenientErr), "the body is JSON, but a number (%d characters) is out of range: "+
			"it does not fit a 64-bit float, so Go, JavaScript and most decoders reject it", numberLen(body, semErr.ByteOffset))
		return nil, false
	}
	if errors.As(lenientErr, &synErr) {
		s.add(IDBodyNotJSON, pointerToPath(lenientErr), "the body is not JSON: syntax error at byte %d", synErr.ByteOffset)
	} else {
		s.add(IDBodyNotJSON, "$", "the body cannot be decoded as JSON")
	}
	return nil, false
}

// numberLen is the length of the JSON number literal at body[off:].
func numberLen(body []byte, off int64) int {
	n := 0
	for i := off; i >= 0 && i < int64(len(body)) && strings.IndexByte("0123456789+-.eE", body[i]) >= 0; i++ {
		n++
	}
	return n
}

// pointerToPath turns the JSON pointer an encoding/json/v2 error carries into
// a JSONPath; "$" when there is none.
func pointerToPath(err error) string {
	var synErr *jsontext.SyntacticError
	if errors.As(err, &synErr) && synErr.JSONPointer != "" {
		return jsonPath(slices.Collect(synErr.JSONPointer.Tokens()))
	}
	var semErr *jsonv2.SemanticError
	if errors.As(err, &semErr) && semErr.JSONPointer != "" {
		return jsonPath(slices.Collect(semErr.JSONPointer.Tokens()))
	}
	return "$"
}

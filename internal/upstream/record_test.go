package upstream_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/upstream"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

func facts(t testing.TB, data []byte) *upstream.Facts {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatal(err)
	}
	return upstream.ExtractFacts(doc, []string{"DELETE /auth/backend", "GET /backend/tokens", "POST /auth/backend"})
}

func record(t *testing.T) *upstream.Record {
	t.Helper()
	rec, err := upstream.ReadRecord(openapi.FileName, openapi.YAML())
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestHandWrittenVendorFacts: the hand-written fixture says what the
// vendor's file says at the reviewed commit, as far as the watcher reads
// it: its digest is the recorded one, which was computed from the file.
func TestHandWrittenVendorFacts(t *testing.T) {
	b, err := os.ReadFile(handWritten)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := facts(t, b).Digest(), record(t).Source.Digest; got != want {
		t.Errorf("the hand-written vendor facts have digest %s, info.x-vendor-source.digest is %s", got, want)
	}
}

// TestKnownDifferencesCoverEde74862: info.x-vendor-differences records
// every difference between the spec and the vendor's facts at ede74862,
// and nothing else.
func TestKnownDifferencesCoverEde74862(t *testing.T) {
	res, err := upstream.Run(context.Background(), upstream.Options{Spec: openapi.YAML(), SpecName: openapi.FileName, Source: handWritten})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	if len(res.Differences) < 80 {
		t.Errorf("only %d differences: the comparison reads less than it should", len(res.Differences))
	}
	for _, f := range res.Findings {
		if f.ID != contract.IDVendorDifferenceKnown {
			t.Errorf("%s %s: %s", f.ID, f.Path, f.Message)
		}
	}
	if got, want := count(res, contract.IDVendorDifferenceKnown), len(record(t).Differences); got != want {
		t.Errorf("%d known differences listed, the record has %d entries", got, want)
	}
	// The named differences are among them.
	for _, want := range []string{"POST /auth/backend security", "GET /backend/tokens status 413", "POST /auth/backend request $.beginAt", "POST /auth/backend request $.channelId"} {
		found := false
		for _, d := range res.Differences {
			found = found || d.Where() == want
		}
		if !found {
			t.Errorf("no difference %q", want)
		}
	}
}

func TestUpstreamOfflineDigest(t *testing.T) {
	dir := t.TempDir()
	changed := dir + "/changed.json"
	if err := os.WriteFile(changed, vendorDoc(t, func(d map[string]any) { at(d, "paths", "/backend/tokens", "get")["deprecated"] = false }), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		source string
		want   []string
	}{
		{source: handWritten},
		{source: changed, want: []string{"vendor-document-unreviewed/additive", "vendor-difference-new/additive"}},
	} {
		res, err := upstream.Run(context.Background(), upstream.Options{Spec: openapi.YAML(), SpecName: openapi.FileName, Source: tt.source})
		if err != nil || len(res.Errors) > 0 {
			t.Fatalf("%s: %v %v", tt.source, err, res.Errors)
		}
		if got := ids(res); strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s: findings %v, want %v", tt.source, got, tt.want)
		}
	}
	res, _ := upstream.Run(context.Background(), upstream.Options{Spec: openapi.YAML(), SpecName: openapi.FileName, Source: dir + "/missing.yaml"})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "missing.yaml") {
		t.Errorf("a missing file: errors %v, want one naming it", res.Errors)
	}
}

// fakeGitHub answers for raw.githubusercontent.com in memory: nothing
// leaves the process.
type fakeGitHub struct {
	docs map[string][]byte
	seen []string
	t    *testing.T
}

func (f *fakeGitHub) RoundTrip(r *http.Request) (*http.Response, error) {
	f.seen = append(f.seen, r.URL.String())
	for _, h := range []string{"Authorization", "Cookie", "Authtoken", "X-Auth-Token"} {
		if r.Header.Get(h) != "" {
			f.t.Errorf("the fetch sent %s", h)
		}
	}
	body, ok := f.docs[r.URL.String()]
	status := http.StatusOK
	if !ok {
		status = http.StatusNotFound
	}
	return &http.Response{StatusCode: status, Body: io.NopCloser(bytes.NewReader(body)), Header: http.Header{}, Request: r}, nil
}

// TestUpstreamDefaultSources: without --source, the newest version and the
// recorded commit's are asked of GitHub's raw-content host over https,
// without credentials. The transport answers in memory.
func TestUpstreamDefaultSources(t *testing.T) {
	rec := record(t)
	newest := upstream.RawURL(rec.Source.Repository, "HEAD", rec.Source.File)
	reviewed := upstream.RawURL(rec.Source.Repository, rec.Source.Commit, rec.Source.File)
	if newest != "https://raw.githubusercontent.com/bigcommerce/docs/HEAD/docs/b2b-edition/specs/api-v3/authentication.yaml" ||
		reviewed != "https://raw.githubusercontent.com/bigcommerce/docs/ede74862778450ee8a33dee260a7301d85006a29/docs/b2b-edition/specs/api-v3/authentication.yaml" {
		t.Fatalf("URLs %s and %s", newest, reviewed)
	}
	gh := &fakeGitHub{t: t, docs: map[string][]byte{
		newest:   vendorDoc(t, func(d map[string]any) { delete(at(d, "paths", "/auth/backend"), "delete") }),
		reviewed: vendorDoc(t, nil),
	}}
	res, err := upstream.Run(context.Background(), upstream.Options{Spec: openapi.YAML(), SpecName: openapi.FileName, Fetcher: &upstream.Fetcher{Transport: gh}})
	if err != nil || len(res.Errors) > 0 {
		t.Fatal(err, res.Errors)
	}
	if strings.Join(gh.seen, " ") != newest+" "+reviewed {
		t.Errorf("fetched %v", gh.seen)
	}
	if f := findingOf(t, res, contract.IDVendorOperationRemoved); f.Path != "DELETE /auth/backend operation" || f.Severity != contract.Breaking {
		t.Errorf("finding %+v", f)
	}
}

// TestFetcherRefusesWithoutConnecting: URLs the rule refuses are refused
// before any connection; the transport fails the test if called.
func TestFetcherRefusesWithoutConnecting(t *testing.T) {
	never := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("connected to %s", r.URL)
		return nil, errors.New("no")
	})
	f := &upstream.Fetcher{Transport: never}
	for _, u := range []string{
		"http://example.com/spec.yaml",
		"http://192.0.2.1/spec.yaml",
		"ftp://example.com/spec.yaml",
		"https://user:secret@example.com/spec.yaml",
		"file:///etc/passwd",
	} {
		_, err := f.Get(context.Background(), u)
		if err == nil || !strings.Contains(err.Error(), "refusing to fetch it") {
			t.Errorf("%s: %v, want a refusal", u, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("the refusal repeats the URL's password: %v", err)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestReadRecordBadInput(t *testing.T) {
	spec := string(openapi.YAML())
	tests := []struct{ from, to, want string }{
		{"commit: ede74862778450ee8a33dee260a7301d85006a29", "commit: ede74862", "not a full (40-digit) commit hash"},
		{"repository: bigcommerce/docs", "repository: bigcommerce", "is not owner/name"},
		{"file: docs/b2b-edition/specs/api-v3/authentication.yaml", "file: ../../etc/passwd", "not a path inside the repository"},
		{"digest: sha256:", "digest: md5:", "is not sha256:"},
		{`lastChanged: "2025-10-31"`, "lastChanged: yesterday", "is not a date"},
		{"      contract: documented\n", "      contract: ''\n", "says the same for the vendor and the contract"},
	}
	for _, tt := range tests {
		if !strings.Contains(spec, tt.from) {
			t.Fatalf("the spec has no %q", tt.from)
		}
		_, err := upstream.ReadRecord("x.yaml", []byte(strings.Replace(spec, tt.from, tt.to, 1)))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "x.yaml: ") {
			t.Errorf("%s -> %s: %v, want an error naming x.yaml saying %q", tt.from, tt.to, err, tt.want)
		}
	}
}

// FuzzVendorDocument: whatever a vendor document holds, reading its facts
// and comparing them ends, without a panic, in facts or an error.
func FuzzVendorDocument(f *testing.F) {
	b, err := os.ReadFile(handWritten)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"openapi":"3.0.1","info":{"title":"t","version":"v"},"paths":{"/backend/tokens":{"get":{"responses":{"200":{"description":"x","content":{"application/json":{"schema":{"$ref":"#/components/schemas/A"}}}}}}}},"components":{"schemas":{"A":{"type":"object","properties":{"a":{"$ref":"#/components/schemas/A"}}}}}}`))
	f.Add([]byte("openapi: [3"))
	ours := facts(f, openapi.YAML())
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := openapi3.NewLoader().LoadFromData(data)
		if err != nil {
			return
		}
		vf := upstream.ExtractFacts(doc, []string{"DELETE /auth/backend", "GET /backend/tokens", "POST /auth/backend"})
		_ = vf.Digest()
		upstream.Compare(vf, ours)
		upstream.Compare(ours, vf)
	})
}

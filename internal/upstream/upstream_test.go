package upstream_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/upstream"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// handWritten is the hand-written fixture of the vendor's facts at the
// reviewed commit (see its header).
const handWritten = "testdata/vendor-facts-ede74862.handwritten.yaml"

// vendorDoc returns the hand-written vendor document as JSON, changed by
// mutate: the tests' vendor-like documents.
func vendorDoc(t *testing.T, mutate func(doc map[string]any)) []byte {
	t.Helper()
	b, err := os.ReadFile(handWritten)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(doc)
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// at walks a decoded document along keys.
func at(doc map[string]any, keys ...string) map[string]any {
	m := doc
	for _, k := range keys {
		m = m[k].(map[string]any)
	}
	return m
}

// vendorServer serves the reviewed document at /reviewed, newest at
// /newest, a 404 at /gone, a response that never ends at /slow, more than
// the cap at /big and a document that is not OpenAPI at /malformed. It
// listens on loopback only.
func vendorServer(t *testing.T, newest []byte) *httptest.Server {
	t.Helper()
	reviewed := vendorDoc(t, nil)
	release := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" || r.Header.Get("Cookie") != "" || r.Header.Get("authToken") != "" {
			t.Errorf("the fetch sent a credential header: %v", r.Header)
		}
		switch r.URL.Path {
		case "/reviewed":
			w.Write(reviewed)
		case "/newest":
			w.Write(newest)
		case "/gone":
			http.NotFound(w, r)
		case "/slow":
			w.Write([]byte("openapi: 3.0.1\n"))
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-release:
			}
		case "/big":
			w.Write([]byte("openapi: 3.0.1\ninfo: {title: t, version: v}\n# " + strings.Repeat("x", 70<<10) + "\npaths: {}\n"))
		case "/malformed":
			w.Write([]byte("{\"openapi\": \"3.0.1\", \"paths\": [1, 2"))
		default:
			http.Error(w, "no such document", http.StatusInternalServerError)
		}
	}))
	t.Cleanup(func() { once.Do(func() { close(release) }); srv.Close() })
	return srv
}

func run(t *testing.T, srv *httptest.Server, newest string) *upstream.Result {
	t.Helper()
	res, err := upstream.Run(context.Background(), upstream.Options{
		Spec: openapi.YAML(), SpecName: "openapi/b2b-s2s-tokens.yaml",
		Source: srv.URL + newest, BaselineSource: srv.URL + "/reviewed",
		Fetcher: &upstream.Fetcher{Timeout: 300 * time.Millisecond, MaxBytes: 64 << 10},
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// ids lists the findings' ids, with their severities, except the known
// differences (which every run lists).
func ids(res *upstream.Result) []string {
	var out []string
	for _, f := range res.Findings {
		if f.ID != contract.IDVendorDifferenceKnown {
			out = append(out, f.ID+"/"+f.Severity.String())
		}
	}
	return out
}

func findingOf(t *testing.T, res *upstream.Result, id string) contract.Finding {
	t.Helper()
	for _, f := range res.Findings {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("no %s finding in %v", id, ids(res))
	return contract.Finding{}
}

func TestUpstreamVendorChanges(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(doc map[string]any)
		want   []string // ids/severities, in order, known differences left out
		// in: text each finding of the first id's message must hold
		in []string
		// overlay: the target of the one overlay action, "" for none
		overlay string
		// wantKnown: the record entries listed as known (0: all 21)
		wantKnown int
	}{
		{name: "unchanged"},
		{
			name:    "sunset date added",
			mutate:  func(d map[string]any) { at(d, "paths", "/backend/tokens", "get")["x-sunset"] = "2027-03-31" },
			want:    []string{"vendor-retirement-announced/deprecation", "vendor-difference-new/additive"},
			in:      []string{`the newest "2027-03-31"`, "this contract disagrees", "overlay: update $.paths['/backend/tokens'].get"},
			overlay: "$.paths['/backend/tokens'].get",
		},
		{
			name:   "operation removed",
			mutate: func(d map[string]any) { delete(at(d, "paths"), "/backend/tokens") },
			want: []string{"vendor-operation-removed/breaking", "vendor-difference-new/additive",
				"vendor-difference-record-unused/info", "vendor-difference-record-unused/info", "vendor-difference-record-unused/info"},
			in:        []string{"oasdiff: breaking (api-path-removed-with-deprecation)", "this contract disagrees", "no overlay action fits"},
			wantKnown: 18,
		},
		{
			name: "field added",
			mutate: func(d map[string]any) {
				item := at(d, "paths", "/backend/tokens", "get", "responses", "200", "content", "application/json", "schema")["allOf"].([]any)[1].(map[string]any)
				at(item, "properties", "data", "items", "properties")["expiresAt"] = map[string]any{"type": "string", "format": "date-time"}
			},
			want: []string{"vendor-property-added/additive", "vendor-difference-new/additive"},
			in:   []string{"200 $.data[*].expiresAt", `the newest "string format=date-time"`, "oasdiff: not breaking", "this contract disagrees"},
		},
		{
			name: "status added",
			mutate: func(d map[string]any) {
				at(d, "paths", "/backend/tokens", "get", "responses")["401"] = map[string]any{
					"description": "no or bad authToken",
					"content":     map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/ErrorEnvelope"}}},
				}
			},
			// The contract documents 401 already; what it says about the
			// body differs from the vendor's as everywhere else, but is not
			// recorded for a status the vendor did not have.
			// The record's 401 of the list is no longer a difference.
			want: append(append([]string{"vendor-status-added/additive"}, repeat("vendor-difference-new/additive", 12)...), "vendor-difference-record-unused/info"),
			in:   []string{"response 401", "oasdiff: not breaking (response-non-success-status-added)", "this contract already says the same"},
		},
		{
			name:   "security of create changed",
			mutate: func(d map[string]any) { at(d, "paths", "/auth/backend", "post")["security"] = []any{} },
			want:   []string{"vendor-security-changed/breaking", "vendor-difference-record-unused/info"},
			// oasdiff does not resolve the inherited security: the rule rates it.
			in:        []string{`the reviewed document says "X-Auth-Token", the newest "none"`, "oasdiff reports nothing for it; rated by the rule", "this contract already says the same"},
			wantKnown: 20,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := vendorServer(t, vendorDoc(t, tt.mutate))
			res := run(t, srv, "/newest")
			if len(res.Errors) > 0 {
				t.Fatalf("errors: %v", res.Errors)
			}
			if got := ids(res); !slices.Equal(got, tt.want) {
				t.Errorf("findings %v, want %v", got, tt.want)
				for _, f := range res.Findings {
					t.Logf("%s %s: %s", f.ID, f.Path, f.Message)
				}
			}
			if len(tt.want) > 0 {
				f := findingOf(t, res, strings.Split(tt.want[0], "/")[0])
				for _, s := range tt.in {
					if !strings.Contains(f.Message, s) {
						t.Errorf("%s message lacks %q: %s", f.ID, s, f.Message)
					}
				}
			}
			var targets []string
			for _, a := range res.Overlay {
				targets = append(targets, a.Target)
			}
			if tt.overlay == "" && len(targets) > 0 || tt.overlay != "" && !slices.Equal(targets, []string{tt.overlay}) {
				t.Errorf("overlay targets %v, want %q", targets, tt.overlay)
			}
			if tt.wantKnown == 0 {
				tt.wantKnown = 21
			}
			if n := count(res, contract.IDVendorDifferenceKnown); n != tt.wantKnown {
				t.Errorf("%d known differences listed, want %d", n, tt.wantKnown)
			}
		})
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func count(res *upstream.Result, id string) int {
	n := 0
	for _, f := range res.Findings {
		if f.ID == id {
			n++
		}
	}
	return n
}

func TestUpstreamDocumentProblems(t *testing.T) {
	tests := []struct {
		path    string
		wantIDs []string
		wantErr string
	}{
		{path: "/gone", wantIDs: []string{"vendor-document-gone/breaking"}},
		{path: "/slow", wantErr: "no complete answer within 300ms"},
		{path: "/big", wantErr: "larger than the 65536-byte cap"},
		{path: "/malformed", wantErr: "is not a readable OpenAPI document"},
		{path: "/teapot", wantErr: "answered 500"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.path, "/"), func(t *testing.T) {
			srv := vendorServer(t, nil)
			start := time.Now()
			res := run(t, srv, tt.path)
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("the run took %s", d)
			}
			if got := ids(res); !slices.Equal(got, tt.wantIDs) {
				t.Errorf("findings %v, want %v", got, tt.wantIDs)
			}
			switch {
			case tt.wantErr == "" && len(res.Errors) > 0:
				t.Errorf("errors %v, want none", res.Errors)
			case tt.wantErr != "" && (len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), tt.wantErr)):
				t.Errorf("errors %v, want one saying %q", res.Errors, tt.wantErr)
			}
			for _, err := range res.Errors {
				if !strings.Contains(err.Error(), "newest vendor document") {
					t.Errorf("the error does not name the document: %v", err)
				}
			}
		})
	}
}

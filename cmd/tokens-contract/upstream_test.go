package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/b2b-contract/s2s-tokens/internal/leakscan"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// handWrittenVendor is the hand-written fixture of the vendor's facts at the
// reviewed commit (internal/upstream/testdata: see its header).
const handWrittenVendor = "../../internal/upstream/testdata/vendor-facts-ede74862.handwritten.yaml"

// vendorLike returns the hand-written vendor document as JSON, changed by
// mutate.
func vendorLike(t *testing.T, mutate func(doc map[string]any)) []byte {
	t.Helper()
	b, err := os.ReadFile(handWrittenVendor)
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

func pathOf(doc map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		doc = doc[k].(map[string]any)
	}
	return doc
}

// upstreamServer serves vendor-like documents on loopback: the reviewed one
// at /reviewed, newest at /newest, a 404 at /gone, an answer that never
// ends at /slow, and a document that is not OpenAPI at /malformed.
func upstreamServer(t *testing.T, newest []byte) string {
	t.Helper()
	reviewed := vendorLike(t, nil)
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/reviewed":
			w.Write(reviewed)
		case "/newest":
			w.Write(newest)
		case "/gone":
			http.NotFound(w, r)
		case "/slow":
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-done:
			}
		case "/malformed":
			w.Write([]byte("openapi: [3"))
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv.URL
}

func TestUpstreamExitCodes(t *testing.T) {
	sunset := func(d map[string]any) { pathOf(d, "paths", "/backend/tokens", "get")["x-sunset"] = "2027-03-31" }
	removed := func(d map[string]any) { delete(pathOf(d, "paths"), "/backend/tokens") }
	tests := []struct {
		name   string
		mutate func(map[string]any)
		newest string
		args   []string
		want   int
		stdout []string
		stderr string
	}{
		{name: "unchanged", newest: "/newest", want: 0, stdout: []string{"PASS", "vendor-difference-known"}},
		{name: "sunset added", mutate: sunset, newest: "/newest", want: 1, stdout: []string{"vendor-retirement-announced", "FAIL"}},
		{name: "sunset added, fail on breaking", mutate: sunset, newest: "/newest", args: []string{"--fail-on", "breaking"}, want: 0},
		{name: "operation removed", mutate: removed, newest: "/newest", args: []string{"--fail-on", "breaking"}, want: 1, stdout: []string{"vendor-operation-removed"}},
		{name: "document gone", newest: "/gone", want: 1, stdout: []string{"vendor-document-gone"}},
		{name: "timeout", newest: "/slow", args: []string{"--timeout", "200ms"}, want: 2, stderr: "no complete answer within 200ms"},
		{name: "oversized", newest: "/newest", args: []string{"--max-bytes", "1000"}, want: 2, stderr: "larger than the 1000-byte cap"},
		{name: "malformed", newest: "/malformed", want: 2, stderr: "not a readable OpenAPI document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := upstreamServer(t, vendorLike(t, tt.mutate))
			args := append([]string{"upstream", "--source", base + tt.newest, "--baseline-source", base + "/reviewed", "--color", "never"}, tt.args...)
			code, stdout, stderr := runCLI(t, args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.want, stdout, stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
		})
	}
}

// TestUpstreamFormats: every format renders the run, JSON with the
// finding objects, and none leaks a token or an email that a vendor
// document carries (an example value, an enum value, a sunset).
func TestUpstreamFormats(t *testing.T) {
	canary := synthetic.CanaryJWT(synthetic.CanaryEmail(), "s"+synthetic.RandomHex(4))
	email := synthetic.CanaryEmail()
	base := upstreamServer(t, vendorLike(t, func(d map[string]any) {
		get := pathOf(d, "paths", "/backend/tokens", "get")
		get["x-sunset"] = canary
		get["description"] = email
		pathOf(d, "paths", "/auth/backend", "post")["security"] = []any{map[string]any{canary: []any{}}}
	}))
	ov := filepath.Join(t.TempDir(), "overlay.yaml")
	for _, format := range []string{"text", "json", "junit", "github", "markdown", "sarif"} {
		code, stdout, stderr := runCLI(t, "upstream", "--source", base+"/newest", "--baseline-source", base+"/reviewed", "--format", format, "--suggest-overlay", ov)
		if code != 1 {
			t.Errorf("%s: exit %d, want 1; stderr %s", format, code, stderr)
		}
		if !strings.Contains(stdout, "vendor-retirement-announced") || !strings.Contains(stdout, "vendor-security-changed") {
			t.Errorf("%s: the report lacks the vendor changes:\n%s", format, stdout)
		}
		overlay, err := os.ReadFile(ov)
		if err != nil || !strings.Contains(string(overlay), "actions:") {
			t.Errorf("%s: no overlay written (%v)", format, err)
		}
		for _, out := range []string{stdout, stderr, string(overlay)} {
			if strings.Contains(out, canary) || len(leakscan.Scan([]byte(out))) > 0 || strings.Contains(out, email) {
				t.Errorf("%s: the output holds the canary token or email", format)
			}
		}
		if format == "json" {
			var rep struct {
				Findings []struct{ ID, Severity, Path, Message, Source string }
			}
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil || len(rep.Findings) == 0 {
				t.Errorf("json: %v, %d findings", err, len(rep.Findings))
			}
		}
	}
}

func TestUpstreamSuggestOverlay(t *testing.T) {
	base := upstreamServer(t, vendorLike(t, func(d map[string]any) {
		pathOf(d, "paths", "/backend/tokens", "get")["x-sunset"] = "2027-03-31"
	}))
	dir := t.TempDir()
	ov := filepath.Join(dir, "overlay.yaml")
	code, _, stderr := runCLI(t, "upstream", "--source", base+"/newest", "--baseline-source", base+"/reviewed", "--suggest-overlay", ov)
	if code != 1 || !strings.Contains(stderr, "1 action") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	patched := filepath.Join(dir, "patched.yaml")
	if code, _, stderr := runCLI(t, "spec", "--overlay", ov, "-o", patched); code != 0 {
		t.Fatalf("spec --overlay: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(patched)
	if err != nil || !strings.Contains(string(b), "x-sunset: \"2027-03-31\"") && !strings.Contains(string(b), "x-sunset: 2027-03-31") {
		t.Errorf("the patched spec lacks the sunset: %v", err)
	}
	// With the overlay applied, the same vendor change is covered.
	code, stdout, _ := runCLI(t, "upstream", "--spec", patched, "--source", base+"/newest", "--baseline-source", base+"/reviewed", "--fail-on", "breaking")
	if code != 0 || !strings.Contains(stdout, "this contract already says the same") {
		t.Errorf("after the overlay: exit %d\n%s", code, stdout)
	}
}

func TestUpstreamUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"upstream", "extra"}, `unexpected argument "extra"`},
		{[]string{"upstream", "--format", "xml"}, "--format"},
		{[]string{"upstream", "--timeout", "0s"}, "must be positive"},
		{[]string{"upstream", "--commit", "abc"}, "go with --record-review"},
		{[]string{"upstream", "--source", "http://example.com/doc.yaml"}, "refusing to fetch it"},
		{[]string{"upstream", "--spec", "/nonexistent/spec.yaml", "--source", handWrittenVendor}, "/nonexistent/spec.yaml"},
	} {
		code, _, stderr := runCLI(t, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}

// TestUpstreamRecordReview records a review of a changed vendor document
// in a copy of the spec and its changelog: refused while a difference is
// unrecorded, then written with a new patch version and an entry; the
// result passes a run against that document.
func TestUpstreamRecordReview(t *testing.T) {
	dir := t.TempDir()
	spec, changelog := filepath.Join(dir, "spec.yaml"), filepath.Join(dir, "CHANGELOG.md")
	cl, err := os.ReadFile("../../openapi/CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(spec, openapi.YAML(), 0o644)
	os.WriteFile(changelog, cl, 0o644)
	doc := filepath.Join(dir, "vendor.json")
	os.WriteFile(doc, vendorLike(t, func(d map[string]any) { pathOf(d, "paths", "/backend/tokens", "get")["x-sunset"] = "2027-03-31" }), 0o644)
	commit := strings.Repeat("ab", 20)
	args := []string{"upstream", "--record-review", "--commit", commit, "--date", "2026-12-01", "--spec", spec, "--changelog", changelog, "--source", doc}

	code, _, stderr := runCLI(t, args...)
	if code != 2 || !strings.Contains(stderr, "vendor-difference-new GET /backend/tokens sunset") {
		t.Fatalf("an unrecorded difference: exit %d, stderr %s", code, stderr)
	}
	if b, _ := os.ReadFile(spec); string(b) != string(openapi.YAML()) {
		t.Fatal("a refused review changed the spec")
	}
	// Record the difference, as a reviewer would.
	b, _ := os.ReadFile(spec)
	recorded := strings.Replace(string(b), "  x-vendor-differences:\n", "  x-vendor-differences:\n    - operation: GET /backend/tokens\n      kind: sunset\n      vendor: '2027-03-31'\n      contract: ''\n      why: test\n", 1)
	os.WriteFile(spec, []byte(recorded), 0o644)
	code, _, stderr = runCLI(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The review bumps the spec's patch version, whatever it is now.
	cur := openapi.Version()
	parts := strings.Split(cur, ".")
	patch, err := strconv.Atoi(parts[len(parts)-1])
	if err != nil {
		t.Fatalf("spec version %q", cur)
	}
	next := strings.Join(append(parts[:len(parts)-1:len(parts)-1], strconv.Itoa(patch+1)), ".")
	b, _ = os.ReadFile(spec)
	for _, want := range []string{"  version: " + next + "\n", "    commit: " + commit + "\n", "    lastChanged: \"2026-12-01\"\n", "    digest: sha256:"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the spec lacks %q", want)
		}
	}
	c, _ := os.ReadFile(changelog)
	if !strings.Contains(string(c), "## ["+next+"] - ") || !strings.Contains(string(c), "["+next+"]: https://github.com/b2b-contract/s2s-tokens/compare/spec/v"+cur+"...spec/v"+next) {
		t.Errorf("the changelog lacks the entry or its link:\n%s", c)
	}
	// The recorded document is now the reviewed one, offline.
	code, stdout, stderr := runCLI(t, "upstream", "--spec", spec, "--source", doc)
	if code != 0 || strings.Contains(stdout, "vendor-document-unreviewed") {
		t.Errorf("after the review: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// Recording it again changes nothing.
	code, _, stderr = runCLI(t, args...)
	if code != 0 || !strings.Contains(stderr, "nothing to do") {
		t.Errorf("again: exit %d, %s", code, stderr)
	}
}

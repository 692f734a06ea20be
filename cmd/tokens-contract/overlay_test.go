package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/codegentest"
	"github.com/b2b-contract/s2s-tokens/internal/specprint"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// The loop from a finding to a spec change, as a user walks it: check with
// --suggest-overlay, apply with spec --overlay, check again against the
// patched spec with --spec: clean.
func TestSuggestApplyRecheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rec := driftDir + "/field-added-item.yaml"
	ov := filepath.Join(dir, "suggested.yaml")
	patched := filepath.Join(dir, "patched.yaml")

	code, _, stderr := runCLI(t, "check", "--suggest-overlay", ov, rec)
	if code != 1 || !strings.Contains(stderr, "wrote "+ov+": 1 action;") {
		t.Fatalf("suggest: exit %d, stderr %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "spec", "--overlay", ov, "-o", patched); code != 0 {
		t.Fatalf("apply: exit %d, stderr %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "check", "--spec", patched, rec)
	if code != 0 || !strings.Contains(stdout, "PASS") {
		t.Fatalf("re-check against the patched spec: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// JSON output of a patched spec.
	if code, stdout, _ := runCLI(t, "spec", "--overlay", ov, "--format", "json"); code != 0 || !strings.Contains(stdout, `"createdAt": {`) {
		t.Errorf("spec --overlay --format json: exit %d", code)
	}
}

// TestSuggestedOverlayAtGenerationTime is the downstream path of the same
// loop: a team applies the overlay that check --suggest-overlay wrote when it
// generates its client, before this project releases a spec with the change,
// through the output-options.overlay that tokens-spec --config --overlay sets
// (internal/specprint). oapi-codegen applies it strictly, and the generated
// Token gains the field.
func TestSuggestedOverlayAtGenerationTime(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs oapi-codegen")
	}
	ov := filepath.Join(t.TempDir(), "suggested.yaml")
	if code, _, stderr := runCLI(t, "check", "--suggest-overlay", ov, driftDir+"/field-added-item.yaml"); code != 1 {
		t.Fatalf("suggest: exit %d, stderr %s", code, stderr)
	}
	cfg, err := specprint.RenderConfig(specprint.ConfigOptions{Package: "tokensclient", Overlay: "overlay/suggested.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	files := codegentest.Files{"cfg.yaml": cfg, "openapi.yaml": openapi.YAML(), "overlay/suggested.yaml": []byte(mustRead(t, ov))}
	code := codegentest.Build(t).Generate(t, files, "cfg.yaml", "openapi.yaml", "tokensclient.gen.go")
	for _, want := range []string{"package tokensclient\n", "\tCreatedAt *int `json:\"createdAt,omitempty\"`\n", "// CreatedAt Observed in the vendor's responses"} {
		if !strings.Contains(string(code), want) {
			t.Errorf("the client generated with the suggested overlay lacks %q", want)
		}
	}
}

func TestSpecAndOverlayErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stale := write("stale.yaml", "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.components.schemas.NoSuchSchema.properties\n    update: {x: {type: string}}\n")
	notOverlay := write("not-overlay.yaml", "openapi: 3.0.3\n")
	breaking := write("breaking.yaml", "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths['/auth/backend']\n    remove: true\n")
	lacking := write("lacking.yaml", strings.Replace(mustRead(t, "../../openapi/releases/v1.0.0/b2b-s2s-tokens.yaml"), "  /auth/backend:", "  x-removed:", 1))
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"spec", "--overlay", filepath.Join(dir, "missing.yaml")}, "--overlay: stat " + filepath.Join(dir, "missing.yaml") + ": no such file or directory"},
		{[]string{"spec", "--overlay", dir}, "not a regular file"},
		{[]string{"spec", "--overlay", notOverlay}, "overlay " + notOverlay},
		{[]string{"spec", "--overlay", stale}, "did not apply cleanly"},
		{[]string{"spec", "--overlay", breaking}, "the patched spec is not usable"},
		{[]string{"spec", "--overlay", stale, "--format", "xml"}, `unknown --format "xml"`},
		{[]string{"check", "--spec", filepath.Join(dir, "missing.yaml"), recordingsDir}, "--spec: stat " + filepath.Join(dir, "missing.yaml") + ": no such file or directory"},
		{[]string{"check", "--spec", notOverlay, recordingsDir}, notOverlay},
		{[]string{"check", "--spec", lacking, recordingsDir}, "lacks operations the generated client has: delete-auth-backend, post-auth-backend"},
		{[]string{"check", "--suggest-overlay", dir, recordingsDir}, "--suggest-overlay " + dir},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
	// A published release is one --spec away.
	if code, stdout, stderr := runCLI(t, "check", "--format", "json", "--spec", "../../openapi/releases/v1.0.0/b2b-s2s-tokens.yaml", recordingsDir); code != 0 || !strings.Contains(stdout, `"specVersion": "1.0.0"`) {
		t.Errorf("check --spec v1.0.0: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// canaryForms returns a canary and the encodings a leak could take.
func canaryForms(name, v string) map[string]string {
	return map[string]string{
		name:               v,
		name + " (base64)": base64.StdEncoding.EncodeToString([]byte(v)),
		name + " (url)":    url.QueryEscape(v),
		name + " (lower)":  strings.ToLower(v),
	}
}

// emailTokenCanaries is canaryForms of a canary email and token together,
// for assertNoCanary.
func emailTokenCanaries(email, token string) map[string]string {
	secrets := canaryForms("email", email)
	maps.Copy(secrets, canaryForms("token", token))
	return secrets
}

// No value from an exchange reaches a suggested overlay: not a token or an
// email in an undeclared field, not an email as an undeclared member's name,
// not a secret-looking value where an enum value is suggested.
func TestSuggestedOverlayLeaksNoSecret(t *testing.T) {
	t.Parallel()
	email := synthetic.CanaryEmail()
	token := synthetic.CanaryJWT(email, "store1")
	item := fmt.Sprintf(`{"id":1,"name":"n","email":%q,"storeHash":"store1","token":%q,"eventChannel":%q,"shadowToken":%q,%q:1,"contact":{"mail":%q}}`,
		email, token, email, token, email, email)
	body := fmt.Sprintf(`{"code":200,"data":[%s],"meta":{"message":"SUCCESS","pagination":{"totalCount":1,"offset":0,"limit":10}}}`, item)
	har := fmt.Sprintf(`{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[{"startedDateTime":"2026-11-30T10:00:00Z","time":1,`+
		`"request":{"method":"GET","url":"https://api-b2b.bigcommerce.com/api/io/backend/tokens","httpVersion":"HTTP/1.1","headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},`+
		`"response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[{"name":"Content-Type","value":"application/json"}],"cookies":[],`+
		`"content":{"size":%d,"mimeType":"application/json","text":%q},"redirectURL":"","headersSize":-1,"bodySize":%d},"cache":{},"timings":{"send":0,"wait":1,"receive":0}}]}}`,
		len(body), body, len(body))
	dir := t.TempDir()
	in := filepath.Join(dir, "canary.har")
	if err := os.WriteFile(in, []byte(har), 0o600); err != nil {
		t.Fatal(err)
	}
	ov := filepath.Join(dir, "suggested.yaml")
	code, _, stderr := runCLI(t, "check", "--suggest-overlay", ov, in)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (the canary page drifts); stderr %s", code, stderr)
	}
	doc := mustRead(t, ov)
	if !strings.Contains(doc, "shadowToken:") || !strings.Contains(doc, "contact:") {
		t.Errorf("the overlay does not declare the undeclared fields:\n%s", doc)
	}
	secrets := emailTokenCanaries(email, token)
	assertNoCanary(t, "the overlay", []byte(doc), secrets)
	assertNoCanary(t, "stderr", []byte(stderr), secrets)
}

// live and proxy take --spec too, and refuse a spec they cannot use before
// sending or serving anything.
func TestLiveAndProxySpecFlag(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	for _, args := range [][]string{
		{"live", "--base-url", "http://127.0.0.1:1", "--spec", missing},
		{"proxy", "--listen", "127.0.0.1:0", "--spec", missing},
	} {
		env, stdout, stderr := testEnv(map[string]string{envAuthToken: "t-" + synthetic.RandomHex(8)})
		code := run(t.Context(), env, args)
		if code != 2 || !strings.Contains(stderr.String(), "--spec: stat "+missing) || stdout.String() != "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %s", args, code, stderr.String(), missing)
		}
	}
}

// TestSpecOverlaysCompose pins issue 24: repeated --overlay flags apply in
// order, each to the result of the one before (the second targets what the
// first adds, so the reverse order fails); --spec patches another document
// (here the patched one again); the patched spec lists every overlay that
// made it, with its SHA-256.
func TestSpecOverlaysCompose(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	head := "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
	a := write("a.yaml", head+"  - target: $.components.schemas.Token.properties\n    update: {createdAt: {type: integer}}\n")
	b := write("b.yaml", head+"  - target: $.components.schemas.Token.properties.createdAt\n    update: {description: seconds since the epoch}\n")
	c := write("c.yaml", head+"  - target: $.components.schemas.Token.properties\n    update: {rotatedAt: {type: integer}}\n")
	patched := filepath.Join(dir, "out", "patched.yaml")
	if code, _, stderr := runCLI(t, "spec", "--overlay", a, "--overlay", b, "-o", patched); code != 0 {
		t.Fatalf("a then b: exit %d, %s", code, stderr)
	}
	got := mustRead(t, patched)
	if !strings.Contains(got, "createdAt:") || !strings.Contains(got, "seconds since the epoch") {
		t.Errorf("not both overlays applied:\n%s", got)
	}
	if code, _, stderr := runCLI(t, "spec", "--overlay", b, "--overlay", a); code != 2 || !strings.Contains(stderr, "b.yaml") {
		t.Errorf("b then a: exit %d, stderr %q; want 2 naming b.yaml, whose target does not exist yet", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "spec", "--spec", patched, "--overlay", c, "--format", "json")
	if code != 0 {
		t.Fatalf("--spec patched --overlay c: exit %d, %s", code, stderr)
	}
	var doc struct {
		Info       map[string]json.RawMessage
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	props := doc.Components.Schemas["Token"].Properties
	if props["createdAt"] == nil || props["rotatedAt"] == nil {
		t.Errorf("--spec did not start from the patched document: Token properties %v", props)
	}
	var made []struct{ File, Sha256 string }
	if err := json.Unmarshal(doc.Info["x-tokens-contract-overlays"], &made); err != nil {
		t.Fatalf("info.x-tokens-contract-overlays: %v (%s)", err, doc.Info["x-tokens-contract-overlays"])
	}
	var files []string
	for i, m := range made {
		files = append(files, m.File)
		sum := sha256.Sum256([]byte(mustRead(t, []string{a, b, c}[min(i, 2)])))
		if m.Sha256 != hex.EncodeToString(sum[:]) {
			t.Errorf("overlay %s: sha256 %s, want that of its bytes", m.File, m.Sha256)
		}
	}
	if strings.Join(files, ",") != "a.yaml,b.yaml,c.yaml" {
		t.Errorf("the patched spec lists %v, want a.yaml, b.yaml, c.yaml in order", files)
	}
	// --spec alone prints the document as given.
	if code, stdout, _ := runCLI(t, "spec", "--spec", patched); code != 0 || stdout != got {
		t.Errorf("spec --spec FILE: exit %d, and not the file as given", code)
	}
}

// TestOverlayLoopWithSpec pins issue 24's hole in the loop: for every drift
// case whose findings an overlay absorbs (nullable included), suggest the
// overlay, apply it, and check the same traffic with --spec patched.yaml:
// nothing breaking or additive is left of what was absorbed, and where the
// project's generated client (built from the embedded spec) cannot hold a
// value the patched document accepts, that is client-regenerate-needed
// (info), never client-data-loss or client-decode-failed.
func TestOverlayLoopWithSpec(t *testing.T) {
	t.Parallel()
	type finding struct{ ID, Path, Severity string }
	checkJSON := func(args ...string) (int, []finding) {
		code, stdout, stderr := runCLI(t, append([]string{"check", "--format", "json"}, args...)...)
		var rep struct{ Findings []finding }
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("check %v: %v; stderr %s", args, err, stderr)
		}
		return code, rep.Findings
	}
	// Every drift case whose findings the overlay absorbs (go doc
	// ./contract/overlay): unknown-field, unexpected-null, enum-mismatch,
	// undocumented-status, missing-field and sunset-announced.
	cases := []string{"email-null.yaml", "field-added-item.yaml", "field-added-one-item-page.yaml", "field-added-top-level.yaml",
		"event-channel-new-value.yaml", "status-418-undocumented.yaml", "field-removed-storehash.yaml", "pagination-removed.yaml",
		"field-renamed-email.yaml", "sunset-soon.yaml"}
	sawRegenerate := false
	for _, name := range cases {
		dir := t.TempDir()
		rec := driftDir + "/" + name
		ov := filepath.Join(dir, "suggested.yaml")
		patched := filepath.Join(dir, "patched.yaml")
		code, before := checkJSON("--suggest-overlay", ov, rec)
		if code == 2 || len(before) == 0 {
			t.Fatalf("%s: exit %d, findings %v; want drift", name, code, before)
		}
		if code, _, stderr := runCLI(t, "spec", "--overlay", ov, "-o", patched); code != 0 {
			t.Fatalf("%s: apply: exit %d, %s", name, code, stderr)
		}
		code, after := checkJSON("--spec", patched, rec)
		for _, f := range after {
			switch {
			case f.Severity == "breaking" || f.Severity == "additive" || f.ID == "sunset-announced":
				t.Errorf("%s: %s at %s (%s) is left under the patched spec", name, f.ID, f.Path, f.Severity)
			case f.ID == "client-regenerate-needed":
				sawRegenerate = true
			}
		}
		if code != 0 {
			t.Errorf("%s: re-check with --spec %s: exit %d, findings %v", name, patched, code, after)
		}
	}
	if !sawRegenerate {
		t.Error("no case showed client-regenerate-needed: the nullable email should (the client's email is a plain string)")
	}
	// Against the embedded spec itself, passed as --spec, the client's
	// findings stay what they are.
	code, fs := checkJSON("--spec", "../../openapi/b2b-s2s-tokens.yaml", driftDir+"/id-case-collision.yaml")
	var dataLoss bool
	for _, f := range fs {
		dataLoss = dataLoss || f.ID == "client-data-loss"
	}
	if code != 1 || !dataLoss {
		t.Errorf("--spec the embedded file: exit %d, findings %v; want client-data-loss as without --spec", code, fs)
	}
}

package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// harCanaries are the secrets a browser's HAR export of the B2B endpoints
// would hold, made at run time.
type harCanaries struct {
	auth, bearer, cookie, hash string
	emails, tokens             []string
}

func newHARCanaries() *harCanaries {
	c := &harCanaries{
		auth:   "auth-" + synthetic.RandomHex(16),
		bearer: "bearer-" + synthetic.RandomHex(16),
		cookie: "sess-" + synthetic.RandomHex(16),
		hash:   "store" + synthetic.RandomHex(4),
	}
	for range 3 {
		e := synthetic.CanaryEmail()
		c.emails = append(c.emails, e)
		c.tokens = append(c.tokens, synthetic.CanaryJWT(e, c.hash))
	}
	return c
}

// all names every canary and the encoded forms the redactor must not leave
// either: URL-encoded and base64 (standard and URL alphabets).
func (c *harCanaries) all() map[string]string {
	raw := map[string]string{"auth": c.auth, "bearer": c.bearer, "cookie": c.cookie, "storeHash": c.hash}
	for i := range c.emails {
		raw[fmt.Sprintf("email %d", i)] = c.emails[i]
		raw[fmt.Sprintf("token %d", i)] = c.tokens[i]
		// The parts of a JWT that identify it: payload and signature.
		parts := strings.Split(c.tokens[i], ".")
		raw[fmt.Sprintf("token %d payload", i)] = parts[1]
		raw[fmt.Sprintf("token %d signature", i)] = parts[2]
	}
	out := map[string]string{}
	for name, v := range raw {
		out[name] = v
		out[name+" (URL-encoded)"] = url.QueryEscape(v)
		out[name+" (base64)"] = base64.StdEncoding.EncodeToString([]byte(v))
		out[name+" (base64url)"] = base64.RawURLEncoding.EncodeToString([]byte(v))
	}
	return out
}

// har builds a HAR file as a browser exports it: credential headers and
// cookies, secrets in JSON bodies, query strings, a form body, a base64
// content and an HTML error page, with drift the checker reports.
func (c *harCanaries) har(t *testing.T) []byte {
	t.Helper()
	item := func(id int, email, token string, extra string) string {
		return fmt.Sprintf(`{"id":%d,"name":"token %d","email":%q,"storeHash":%q,"token":%q,"eventChannel":"app"%s}`,
			id, id, email, c.hash, token, extra)
	}
	page := fmt.Sprintf(`{"code":200,"data":[%s,%s,%s],"meta":{"message":"SUCCESS","pagination":{"totalCount":3,"offset":0,"limit":10}}}`,
		item(1, c.emails[0], c.tokens[0], ""),
		item(2, c.emails[1], "********", ""),                            // a masked token: token-not-jwt
		item(3, c.emails[2], c.tokens[2], `,"owner":"`+c.emails[2]+`"`)) // an undeclared field: unknown-field
	reqHeaders := []map[string]string{
		{"name": "authToken", "value": c.auth},
		{"name": "Authorization", "value": "Bearer " + c.bearer},
		{"name": "Cookie", "value": "session=" + c.cookie + "; theme=dark"},
		{"name": "Accept", "value": "application/json"},
		{"name": ":authority", "value": "api-b2b.bigcommerce.com"},
	}
	respHeaders := []map[string]string{
		{"name": "Content-Type", "value": "application/json"},
		{"name": "Set-Cookie", "value": "session=" + c.cookie + "; Path=/; HttpOnly"},
		{"name": "X-Request-Id", "value": "req-" + synthetic.RandomHex(4)},
	}
	base := "https://api-b2b.bigcommerce.com/api/io"
	entry := func(method, u string, status int, text, encoding string, post string) map[string]any {
		content := map[string]any{"size": len(text), "mimeType": "application/json", "text": text}
		if encoding != "" {
			content["encoding"] = encoding
		}
		req := map[string]any{"method": method, "url": u, "httpVersion": "HTTP/2", "headers": reqHeaders,
			"cookies":     []map[string]string{{"name": "session", "value": c.cookie}},
			"queryString": []map[string]string{{"name": "authToken", "value": c.auth}}, "headersSize": -1, "bodySize": 0}
		if post != "" {
			req["postData"] = map[string]any{"mimeType": "application/x-www-form-urlencoded", "text": post,
				"params": []map[string]string{{"name": "email", "value": c.emails[0]}}}
		}
		return map[string]any{"startedDateTime": "2026-11-30T10:00:00.000Z", "time": 12, "request": req,
			"response": map[string]any{"status": status, "statusText": "", "httpVersion": "HTTP/2", "headers": respHeaders,
				"cookies": []map[string]string{{"name": "session", "value": c.cookie}}, "content": content,
				"redirectURL": "", "headersSize": -1, "bodySize": len(text)},
			"cache": map[string]any{}, "timings": map[string]any{"send": 1, "wait": 10, "receive": 1}}
	}
	html := "<html><body>Bad gateway for " + c.emails[1] + " with " + c.tokens[1] + "</body></html>"
	doc := map[string]any{"log": map[string]any{"version": "1.2", "creator": map[string]string{"name": "Browser", "version": "1"},
		"entries": []any{
			entry("GET", base+"/backend/tokens?limit=10&offset=0&authToken="+c.auth+"&email="+url.QueryEscape(c.emails[0]), 200,
				base64.StdEncoding.EncodeToString([]byte(page)), "base64", ""),
			entry("POST", base+"/auth/backend", 502, html, "", "email="+url.QueryEscape(c.emails[0])+"&password="+c.cookie),
		}}}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkKeys runs check on path and returns its findings as sorted
// "id/severity path" keys.
func checkKeys(t *testing.T, path string) []string {
	t.Helper()
	code, stdout, stderr := runCLI(t, "check", "--format", "json", path)
	if code == exitcode.Usage {
		t.Fatalf("check %s: exit %d: %s", filepath.Base(path), code, stderr)
	}
	var keys []string
	for _, f := range parseReport(t, stdout).Findings {
		if f.ID == contract.IDContentSizeMismatch {
			continue // about the file's content.size, which a redacted copy writes truthfully
		}
		keys = append(keys, f.ID+"/"+f.Severity+" "+f.Path)
	}
	sort.Strings(keys)
	return keys
}

func TestRedactHARWritesASafeCopy(t *testing.T) {
	t.Parallel()
	c := newHARCanaries()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "export.har"), filepath.Join(dir, "safe.har")
	if err := os.WriteFile(in, c.har(t), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "redact", "-o", out, in)
	if code != exitcode.OK {
		t.Fatalf("redact: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	secrets := c.all()
	assertNoCanary(t, "the redacted HAR", data, secrets)
	assertNoCanary(t, "redact's output", []byte(stdout+stderr), secrets)

	rec, err := recording.ParseHAR(out, data)
	if err != nil {
		t.Fatalf("the redacted copy does not parse as HAR: %v", err)
	}
	if len(rec.Exchanges) != 2 {
		t.Errorf("%d exchanges in the copy, want 2", len(rec.Exchanges))
	}
	for _, ex := range rec.Exchanges {
		for _, h := range []string{"authToken", "Authorization", "Cookie"} {
			if ex.Request.Header.Get(h) != "" {
				t.Errorf("the copy keeps the request header %s", h)
			}
		}
		if ex.Response.Header.Get("Set-Cookie") != "" {
			t.Error("the copy keeps Set-Cookie")
		}
		if ex.Response.Header.Get("X-Request-Id") == "" {
			t.Error("the copy lost an ordinary header")
		}
	}

	before, after := checkKeys(t, in), checkKeys(t, out)
	if len(before) == 0 {
		t.Fatal("the input gives no finding; the comparison would prove nothing")
	}
	if strings.Join(before, "\n") != strings.Join(after, "\n") {
		t.Errorf("check finds other things in the copy:\ninput:  %q\noutput: %q", before, after)
	}
}

func TestRedactCassetteKeepsFindingsAndProvenance(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "copy.yaml")
	in := filepath.Join("..", "..", "contract", "testdata", "drift", "unknown-field.yaml")
	if _, err := os.Stat(in); err != nil {
		t.Skipf("fixture missing: %v", err)
	}
	if code, _, stderr := runCLI(t, "redact", "-o", out, in); code != exitcode.OK {
		t.Fatalf("redact: exit %d: %s", code, stderr)
	}
	rec, err := recording.LoadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Format != recording.FormatCassette || rec.Provenance == nil || rec.Provenance.Redacted != recording.RedactionNote {
		t.Errorf("the copy is not a cassette with the redaction note: format %s, provenance %+v", rec.Format, rec.Provenance)
	}
	if before, after := checkKeys(t, in), checkKeys(t, out); strings.Join(before, "\n") != strings.Join(after, "\n") || len(before) == 0 {
		t.Errorf("findings differ (or there are none): input %q, output %q", before, after)
	}
}

func TestRedactToStandardOutput(t *testing.T) {
	t.Parallel()
	c := newHARCanaries()
	in := filepath.Join(t.TempDir(), "export.har")
	os.WriteFile(in, c.har(t), 0o600)
	code, stdout, stderr := runCLI(t, "redact", "-o", "-", in)
	if code != exitcode.OK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := recording.ParseHAR("stdout.har", []byte(stdout)); err != nil {
		t.Errorf("standard output is not a HAR file: %v", err)
	}
	assertNoCanary(t, "standard output", []byte(stdout), c.all())
}

// TestRedactCreatesMissingFolders: -o into folders that do not exist yet
// creates them, as every output does.
func TestRedactCreatesMissingFolders(t *testing.T) {
	t.Parallel()
	c := newHARCanaries()
	dir := t.TempDir()
	in := filepath.Join(dir, "export.har")
	os.WriteFile(in, c.har(t), 0o600)
	out := filepath.Join(dir, "safe", "copies", "export.har")
	if code, _, stderr := runCLI(t, "redact", "-o", out, in); code != exitcode.OK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	assertNoCanary(t, out, data, c.all())
}

func TestRedactRefusesBadInvocations(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.har")
	os.WriteFile(good, newHARCanaries().har(t), 0o600)
	existing := filepath.Join(dir, "existing.har")
	os.WriteFile(existing, []byte("keep me"), 0o644)
	malformed := filepath.Join(dir, "bad.har")
	os.WriteFile(malformed, []byte(`{"log": `), 0o644)
	unreadable := filepath.Join(dir, "unreadable.har")
	os.WriteFile(unreadable, []byte(`{}`), 0o000)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no -o", []string{good}, "-o OUT is required"},
		{"no PATH", []string{"-o", filepath.Join(dir, "x.har")}, "exactly one PATH"},
		{"two PATHs", []string{"-o", filepath.Join(dir, "x.har"), good, good}, "exactly one PATH"},
		{"missing input", []string{"-o", filepath.Join(dir, "x.har"), filepath.Join(dir, "missing.har")}, "missing.har: no such file"},
		{"malformed input", []string{"-o", filepath.Join(dir, "x.har"), malformed}, "bad.har: not a HAR file"},
		{"a directory into itself", []string{"-o", filepath.Join(dir, "x.har"), dir}, "the directory being copied"},
		{"a directory to standard output", []string{"-o", "-", dir}, "not standard output"},
		{"a directory into a directory that is not empty", []string{"-o", filepath.Dir(dir), dir}, "is not empty"},
		{"existing output", []string{"-o", existing, good}, "already exists"},
		{"output over the input", []string{"-o", good, good}, "already exists"},
		{"output under a file", []string{"-o", filepath.Join(good, "x.har"), good}, "cannot write"},
		{"unknown flag", []string{"--force", "-o", filepath.Join(dir, "x.har"), good}, "unknown flag --"},
	}
	if os.Getuid() != 0 { // root reads any file
		tests = append(tests, struct {
			name string
			args []string
			want string
		}{"unreadable input", []string{"-o", filepath.Join(dir, "x.har"), unreadable}, "permission denied"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"redact"}, tt.args...)...)
			if code != exitcode.Usage || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d saying %q", code, stderr, exitcode.Usage, tt.want)
			}
		})
	}
	if b, _ := os.ReadFile(existing); !bytes.Equal(b, []byte("keep me")) {
		t.Error("an existing output file was changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "x.har")); err == nil {
		t.Error("a refused run wrote its output")
	}
}

func TestRedactHelp(t *testing.T) {
	t.Parallel()
	code, _, stderr := runCLI(t, "redact", "-h")
	if code != exitcode.OK {
		t.Errorf("exit %d, want 0", code)
	}
	for _, want := range []string{"redact -o OUT PATH", "must not exist", "HAR", "cassette", "Exit codes"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("help does not say %q", want)
		}
	}
}

// TestRedactDirectoryKeepsEachFormat: redact -o OUTDIR DIR copies every
// recording at its relative path, each in its own format, and check reports
// the same findings on the copies as on the originals.
func TestRedactDirectoryKeepsEachFormat(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	out := filepath.Join(dir, "out")
	for src, dst := range map[string]string{
		recordingsDir + "/browser-export.har":                 "in/browser.har",
		"../../contract/testdata/drift/field-added-item.yaml": "in/sub/drift.yaml",
	} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(dir, dst)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, dst), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, stderr := runCLI(t, "redact", "-o", out, in); code != exitcode.OK {
		t.Fatalf("redact: exit %d: %s", code, stderr)
	}
	for _, rel := range []string{"browser.har", "sub/drift.yaml"} {
		a, _ := os.ReadFile(filepath.Join(in, rel))
		b, err := os.ReadFile(filepath.Join(out, rel))
		if err != nil {
			t.Fatalf("no copy of %s: %v", rel, err)
		}
		if (a[0] == '{') != (b[0] == '{') {
			t.Errorf("%s changed format", rel)
		}
	}
	findings := func(path string) string {
		_, stdout, _ := runCLI(t, "check", "--format", "json", path)
		var rep struct {
			Findings []struct{ ID, Path string } `json:"findings"`
		}
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("check %s: %v", path, err)
		}
		var keys []string
		for _, f := range rep.Findings {
			keys = append(keys, f.ID+" "+f.Path)
		}
		sort.Strings(keys)
		return strings.Join(keys, "\n")
	}
	if a, b := findings(in), findings(out); a != b || a == "" {
		t.Errorf("findings differ (or there are none):\n%s\nthen\n%s", a, b)
	}
}

// TestRedactExtraNames: --header and --member redact secrets the built-in
// rules cannot know (a vendor header, a query parameter, a JSON member),
// wherever else their values appear; without the flags they are kept.
func TestRedactExtraNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key, sig, ref := "k"+synthetic.RandomHex(12), "s"+synthetic.RandomHex(12), "r"+synthetic.RandomHex(12)
	body := `{"code":200,"data":[],"meta":{"message":"SUCCESS ` + key + `","pagination":{"totalCount":0,"offset":0,"limit":10}},"internalRef":"` + ref + `"}`
	har := map[string]any{"log": map[string]any{"version": "1.2", "creator": map[string]any{"name": "t", "version": "1"}, "entries": []any{
		map[string]any{"startedDateTime": "2026-11-26T09:00:00Z", "time": 1,
			"request": map[string]any{"method": "GET", "url": "https://api-b2b.bigcommerce.com/api/io/backend/tokens?limit=10&offset=0&sig=" + sig, "httpVersion": "HTTP/1.1",
				"headers": []any{map[string]any{"name": "X-Internal-Key", "value": key}}, "queryString": []any{}, "cookies": []any{}, "headersSize": -1, "bodySize": 0},
			"response": map[string]any{"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "cookies": []any{}, "redirectURL": "", "headersSize": -1, "bodySize": -1,
				"headers": []any{map[string]any{"name": "Content-Type", "value": "application/json"}},
				"content": map[string]any{"size": len(body), "mimeType": "application/json", "text": body}},
			"cache": map[string]any{}, "timings": map[string]any{"send": 0, "wait": 1, "receive": 0}},
	}}}
	in := filepath.Join(dir, "in.har")
	b, _ := json.Marshal(har)
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain.har")
	if code, _, stderr := runCLI(t, "redact", "-o", plain, in); code != exitcode.OK {
		t.Fatalf("redact: exit %d: %s", code, stderr)
	}
	if got, _ := os.ReadFile(plain); !strings.Contains(string(got), key) || !strings.Contains(string(got), sig) || !strings.Contains(string(got), ref) {
		t.Fatal("without the flags the built-in rules already remove the values; the test proves nothing")
	}
	safe := filepath.Join(dir, "safe.har")
	if code, _, stderr := runCLI(t, "redact", "--header", "x-internal-key", "--member", "sig", "--member", "internalRef", "-o", safe, in); code != exitcode.OK {
		t.Fatalf("redact: exit %d: %s", code, stderr)
	}
	got, _ := os.ReadFile(safe)
	for what, v := range map[string]string{"the header's value (also in the message)": key, "the parameter": sig, "the member": ref} {
		if strings.Contains(string(got), v) {
			t.Errorf("the copy holds %s", what)
		}
	}
	if !strings.Contains(string(got), "internalRef") || !strings.Contains(string(got), "sig=") {
		t.Error("the names themselves were removed; only their values should be")
	}
}

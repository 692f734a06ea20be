package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// TestCheckSkipsSavedReportsInADirectory pins issue 14: the tool's own
// reports saved next to the recordings do not fail a directory scan; named
// explicitly, a report is still unreadable input.
func TestCheckSkipsSavedReportsInADirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{"delete-200.yaml", "browser-export.har"} {
		b, err := os.ReadFile(filepath.Join(recordingsDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Save every report format next to the recordings, as a CI job would.
	var args []string
	for _, f := range []string{"json=report.json", "sarif=report.sarif.json", "junit=report.xml", "markdown=report.md"} {
		format, file, _ := strings.Cut(f, "=")
		args = append(args, "--report", format+"="+filepath.Join(dir, file))
	}
	code, _, stderr := runCLI(t, append(append([]string{"check"}, args...), dir)...)
	if code != exitcode.OK {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "check", dir)
	if code != exitcode.OK {
		t.Errorf("a directory holding saved reports: exit %d, want 0\nstderr: %s", code, stderr)
	}
	for _, skipped := range []string{"report.json", "report.sarif.json"} {
		if !strings.Contains(stderr, "skipped "+filepath.Join(dir, skipped)) {
			t.Errorf("stderr does not note that %s was skipped: %s", skipped, stderr)
		}
	}
	if !strings.Contains(stdout, "browser-export.har") {
		t.Errorf("the recordings were not checked:\n%s", stdout)
	}
	code, _, stderr = runCLI(t, "check", filepath.Join(dir, "report.json"))
	if code != exitcode.Usage || !strings.Contains(stderr, "report.json: not a HAR file") {
		t.Errorf("report.json named explicitly: exit %d, stderr %q; want exit 2 naming it", code, stderr)
	}
}

// TestCheckReadsNDJSONFromStdin: "check -" reads NDJSON of HAR entries from
// standard input.
func TestCheckReadsNDJSONFromStdin(t *testing.T) {
	t.Parallel()
	entry := `{"request":{"method":"DELETE","url":"https://api-b2b.bigcommerce.com/api/io/auth/backend"},` +
		`"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],` +
		`"content":{"size":-1,"text":"{\"code\":200,\"message\":\"SUCCESS\",\"data\":{}}"}}}`
	other := `{"request":{"method":"GET","url":"https://store.example.test/"},"response":{"status":200,"content":{"size":5,"text":"hello"}}}`
	env, stdout, stderr := testEnv(nil)
	env.stdin = strings.NewReader(other + "\n" + entry + "\n")
	code := run(context.Background(), env, []string{"check", "--format", "json", "-"})
	if code == exitcode.Usage {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep struct {
		Summary struct{ Exchanges, Skipped, Unreadable int } `json:"summary"`
	}
	if err := json.Unmarshal([]byte(stdout.String()), &rep); err != nil {
		t.Fatalf("stdout is not a JSON report: %v", err)
	}
	if rep.Summary.Exchanges != 1 || rep.Summary.Skipped != 1 || rep.Summary.Unreadable != 0 {
		t.Errorf("summary %+v, want 1 exchange checked, 1 skipped", rep.Summary)
	}
}

// TestCheckSummarisesSkippedEntries: a HAR whose entries are nearly all for
// other endpoints, each holding canary secrets in its URL, headers and body,
// is reported with exact skipped counts (summary, coverage, the JSON
// "skipped" entry, JUnit's property) but never entry by entry, and no
// canary reaches stdout, stderr or a report file.
func TestCheckSummarisesSkippedEntries(t *testing.T) {
	t.Parallel()
	const others = 5000
	email := synthetic.CanaryEmail()
	jwt := synthetic.CanaryJWT(email, "s"+synthetic.RandomHex(5))
	opaque := "opq" + synthetic.RandomHex(16)
	canaries := map[string]string{"email": email, "jwt": jwt, "opaque auth": opaque}
	b, err := os.ReadFile(filepath.Join(recordingsDir, "browser-export.har"))
	if err != nil {
		t.Fatal(err)
	}
	var har struct {
		Log struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(b, &har); err != nil {
		t.Fatal(err)
	}
	entries := []json.RawMessage{har.Log.Entries[0]} // a token page; browser-export.har's others follow
	for i := range others {
		entries = append(entries, json.RawMessage(fmt.Sprintf(`{"startedDateTime":"2026-11-01T10:00:00Z",`+
			`"request":{"method":"GET","url":"https://store.example.test/session/%s/%d?email=%s","headers":[{"name":"Authorization","value":"Bearer %s"}]},`+
			`"response":{"status":200,"headers":[],"content":{"size":-1,"mimeType":"application/json","text":%q}}}`,
			opaque, i, email, jwt, `{"token":"`+jwt+`","email":"`+email+`"}`)))
	}
	entries = append(entries, har.Log.Entries[1:]...)
	doc, err := json.Marshal(map[string]any{"log": map[string]any{"version": "1.2", "creator": map[string]string{"name": "t", "version": "1"}, "entries": entries}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "proxy.har")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"check", "--format", "json", "--coverage"}
	files := map[string]string{}
	for _, format := range []string{"text", "junit", "github", "markdown", "sarif"} {
		files[format] = filepath.Join(dir, "report."+format)
		args = append(args, "--report", format+"="+files[format])
	}
	code, stdout, stderr := runCLI(t, append(args, path)...)
	if code != exitcode.OK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Summary struct{ Exchanges, Skipped int }
		Skipped []struct {
			Source, Reason, Run string
			Count               int
			Sources             []string
		}
		Coverage struct{ Exchanges, Skipped int }
		Evidence struct{ Oldest time.Time }
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	const skipped = others + 1 // browser-export.har has one entry of another endpoint
	if rep.Summary.Exchanges != 2 || rep.Summary.Skipped != skipped || rep.Coverage.Exchanges != 2 || rep.Coverage.Skipped != skipped {
		t.Errorf("summary %+v, coverage %+v; want 2 exchanges and %d skipped in both", rep.Summary, rep.Coverage, skipped)
	}
	if len(rep.Skipped) != 1 || rep.Skipped[0].Count != skipped || rep.Skipped[0].Reason != contract.SkipNotOperation ||
		rep.Skipped[0].Source != path+"#1" || len(rep.Skipped[0].Sources) != contract.MaxSkipExamples || rep.Skipped[0].Run != path {
		t.Errorf("skipped %+v, want one entry of %d, from %s#1, with %d examples", rep.Skipped, skipped, path, contract.MaxSkipExamples)
	}
	// The evidence is dated by the entries checked, not by the skipped ones
	// (dated 2026-11-01, before the token pages).
	if rep.Evidence.Oldest.Before(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("evidence oldest %s: dated by a skipped entry", rep.Evidence.Oldest)
	}
	outputs := map[string][]byte{"stdout": []byte(stdout), "stderr": []byte(stderr)}
	for format, file := range files {
		if outputs[format], err = os.ReadFile(file); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(outputs[format]), fmt.Sprint(skipped)) {
			t.Errorf("the %s report lacks the skipped count %d", format, skipped)
		}
		if size := reportSize(t, format, outputs[format]); size > 64<<10 {
			t.Errorf("the %s report is %d bytes: skipped entries are listed one by one", format, size)
		}
	}
	for what, text := range outputs {
		assertNoCanary(t, what, text, canaries)
	}
}

// TestCheckNDJSONLineByLine pins issue 24: an NDJSON stream with a
// malformed middle line and a half-written last line (a proxy still
// writing) checks every other line; the bad line is an unreadable input
// named by its line number (exit 2), the cut-off line only a note; from a
// file and from standard input alike.
func TestCheckNDJSONLineByLine(t *testing.T) {
	t.Parallel()
	entry := `{"request":{"method":"DELETE","url":"https://api-b2b.bigcommerce.com/api/io/auth/backend"},` +
		`"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],` +
		`"content":{"size":-1,"text":"{\"code\":200,\"message\":\"SUCCESS\",\"data\":{}}"}}}`
	stream := entry + "\n" + `{"request": {"method": "GET", oops}` + "\n" + entry + "\n" + entry[:50]
	path := filepath.Join(t.TempDir(), "proxy.ndjson")
	if err := os.WriteFile(path, []byte(stream), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{path, "-"} {
		env, stdout, stderr := testEnv(nil)
		env.stdin = strings.NewReader(stream)
		code := run(context.Background(), env, []string{"check", "--format", "json", arg})
		var rep struct {
			Summary struct{ Exchanges, Unreadable int } `json:"summary"`
		}
		if err := json.Unmarshal([]byte(stdout.String()), &rep); err != nil {
			t.Fatalf("%s: stdout is not a JSON report: %v", arg, err)
		}
		if code != exitcode.Usage || rep.Summary.Exchanges != 2 || rep.Summary.Unreadable != 1 {
			t.Errorf("%s: exit %d, summary %+v; want exit 2, 2 exchanges checked, 1 unreadable", arg, code, rep.Summary)
		}
		if !strings.Contains(stderr.String(), arg+": line 2: not JSON") {
			t.Errorf("%s: stderr does not name line 2: %s", arg, stderr)
		}
		if !strings.Contains(stderr.String(), "note: ") || !strings.Contains(stderr.String(), "line 4, the last, is cut off") {
			t.Errorf("%s: stderr does not note the cut-off last line: %s", arg, stderr)
		}
	}
}

// reportSize is the size of a report without what does not depend on the
// run: SARIF's catalogue of rules, which grows with every finding id.
func reportSize(t *testing.T, format string, report []byte) int {
	t.Helper()
	if format != "sarif" {
		return len(report)
	}
	var doc map[string]any
	if err := json.Unmarshal(report, &doc); err != nil {
		t.Fatalf("the sarif report is not JSON: %v", err)
	}
	runs, _ := doc["runs"].([]any)
	for _, r := range runs {
		if driver, ok := r.(map[string]any)["tool"].(map[string]any)["driver"].(map[string]any); ok {
			delete(driver, "rules")
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return len(b)
}

// TestCheckStdinInBatchesKeepsOneRun: check - reads a long NDJSON stream in
// batches (checkBatchSize exchanges at a time, so memory holds a batch, not
// the stream), and the cross-page invariants still span the batches: a
// totalCount that changes exactly where a batch starts is reported, at that
// entry, once.
func TestCheckStdinInBatchesKeepsOneRun(t *testing.T) {
	t.Parallel()
	page := func(total int) string {
		body := fmt.Sprintf(`{"code":200,"data":[],"meta":{"message":"SUCCESS","pagination":{"totalCount":%d,"offset":0,"limit":10}}}`, total)
		return `{"request":{"method":"GET","url":"https://api-b2b.bigcommerce.com/api/io/backend/tokens?limit=10&offset=0"},` +
			`"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"size":-1,"text":` +
			strconv.Quote(body) + `}}}` + "\n"
	}
	var stream strings.Builder
	n := 2*checkBatchSize + 10
	for i := range n {
		total := 25
		if i >= checkBatchSize {
			total = 24
		}
		stream.WriteString(page(total))
	}
	env, stdout, stderr := testEnv(nil)
	env.stdin = strings.NewReader(stream.String())
	code := run(context.Background(), env, []string{"check", "--format", "json", "-"})
	var rep struct {
		Summary  struct{ Exchanges int } `json:"summary"`
		Findings []struct{ ID, Source string }
	}
	if err := json.Unmarshal([]byte(stdout.String()), &rep); err != nil {
		t.Fatalf("stdout is not a JSON report: %v (%s)", err, stderr)
	}
	want := fmt.Sprintf("stdin#%d", checkBatchSize)
	if code != exitcode.Findings || rep.Summary.Exchanges != n || len(rep.Findings) != 1 ||
		rep.Findings[0].ID != contract.IDTotalCountChanged || rep.Findings[0].Source != want {
		t.Errorf("exit %d, %d exchanges, findings %+v; want exit 1, %d exchanges, one total-count-changed at %s",
			code, rep.Summary.Exchanges, rep.Findings, n, want)
	}
}

package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
)

// TestCheckSkipsSavedReportsInADirectory pins issue 14: the tool's own
// reports saved next to the recordings do not fail a directory scan; named
// explicitly, a report is still unreadable input.
func TestCheckSkipsSavedReportsInADirectory(t *testing.T) {
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

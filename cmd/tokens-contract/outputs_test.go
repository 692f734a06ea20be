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

// copyInto copies the file at src into dir and returns the copy's path.
func copyInto(t *testing.T, src, dir string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, filepath.Base(src))
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestOutputsNeverReplaceInputs pins issue 24: no output of any writing
// command replaces one of the run's inputs, even through a link or inside a
// directory being checked, and no two outputs share a file. Each is a usage
// error before anything runs, and the input is left as it was.
func TestOutputsNeverReplaceInputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rec := copyInto(t, driftDir+"/field-added-item.yaml", dir)
	link := filepath.Join(t.TempDir(), "alias.yaml")
	if err := os.Symlink(rec, link); err != nil {
		t.Fatal(err)
	}
	overlayFile := filepath.Join(t.TempDir(), "o.yaml")
	os.WriteFile(overlayFile, []byte("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []\n"), 0o644)
	out := filepath.Join(t.TempDir(), "out.xml")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"--report over the recording", []string{"check", "--report", "junit=" + rec, rec}, "is an input"},
		{"--report over a recording in the checked directory", []string{"check", "--report", "sarif=" + rec, dir}, "is an input"},
		{"--suggest-overlay through a link to the recording", []string{"check", "--suggest-overlay", link, rec}, "is an input"},
		{"--update-baseline over the recording", []string{"check", "--update-baseline", rec, rec}, "is an input"},
		{"--report over --spec", []string{"check", "--spec", rec, "--report", "json=" + rec, recordingsDir}, "is an input"},
		{"two reports, one file", []string{"check", "--report", "junit=" + out, "--report", "json=" + out, rec}, "writes the same file"},
		{"a report and the suggested overlay", []string{"check", "--report", "json=" + out, "--suggest-overlay", out, rec}, "writes the same file"},
		{"spec -o over its overlay", []string{"spec", "--overlay", overlayFile, "-o", overlayFile}, "is an input"},
		{"spec -o over its --spec", []string{"spec", "--spec", rec, "-o", link}, "is an input"},
		{"live --report over its --spec", []string{"live", "--base-url", "http://127.0.0.1:1", "--spec", rec, "--report", "junit=" + link}, "is an input"},
	}
	before, _ := os.ReadFile(rec)
	beforeOverlay, _ := os.ReadFile(overlayFile)
	for _, tt := range tests {
		env, _, stderr := testEnv(map[string]string{envAuthToken: "unused"})
		code := run(context.Background(), env, tt.args)
		if code != exitcode.Usage || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 saying %q", tt.name, code, stderr, tt.want)
		}
		if now, _ := os.ReadFile(rec); string(now) != string(before) {
			t.Fatalf("%s: the recording was changed", tt.name)
		}
		if now, _ := os.ReadFile(overlayFile); string(now) != string(beforeOverlay) {
			t.Fatalf("%s: the overlay was changed", tt.name)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%s: an output was written although the run was refused", tt.name)
		}
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link to the recording is no longer a link")
	}
}

// TestCheckStdoutRedirectedIntoCheckedDir: "check DIR --format json >
// DIR/report.json", the first thing a CI author tries, checks DIR and
// skips the report being written with a note, instead of failing on the
// shell's empty file; a second run skips last run's report likewise.
func TestCheckStdoutRedirectedIntoCheckedDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copyInto(t, recordingsDir+"/delete-200.yaml", dir)
	report := filepath.Join(dir, "report.json")
	for range 2 {
		f, err := os.Create(report)
		if err != nil {
			t.Fatal(err)
		}
		env, _, stderr := testEnv(nil)
		env.stdout = f
		code := run(context.Background(), env, []string{"check", "--format", "json", dir})
		f.Close()
		if code != exitcode.OK {
			t.Fatalf("exit %d, want 0; stderr %s", code, stderr)
		}
		if !strings.Contains(stderr.String(), "skipped "+report) || !strings.Contains(stderr.String(), "this run's outputs") {
			t.Errorf("stderr %q does not note that %s was skipped as this run's output", stderr, report)
		}
		var rep struct {
			Summary struct{ Exchanges int }
		}
		data, _ := os.ReadFile(report)
		if err := json.Unmarshal(data, &rep); err != nil || rep.Summary.Exchanges == 0 {
			t.Errorf("the report is not a JSON report of the checked recording (%v):\n%s", err, data)
		}
	}
	// Named as a PATH, the redirected file is an error, not silently empty.
	f, _ := os.Create(report)
	defer f.Close()
	env, _, stderr := testEnv(nil)
	env.stdout = f
	if code := run(context.Background(), env, []string{"check", report}); code != exitcode.Usage || !strings.Contains(stderr.String(), "this run's outputs") {
		t.Errorf("check REPORT > REPORT: exit %d, stderr %q", code, stderr)
	}
	// A --report on the file standard output is redirected to is two
	// outputs on one file.
	env, _, stderr = testEnv(nil)
	env.stdout = f
	if code := run(context.Background(), env, []string{"check", "--report", "junit=" + report, recordingsDir + "/delete-200.yaml"}); code != exitcode.Usage || !strings.Contains(stderr.String(), "standard output") {
		t.Errorf("--report on redirected stdout: exit %d, stderr %q", code, stderr)
	}
}

// TestOutputsCreateFoldersAndWriteThroughLinks: every output gets its
// missing folders before the run, and a symbolic link is written through.
func TestOutputsCreateFoldersAndWriteThroughLinks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rec := driftDir + "/field-added-item.yaml"
	ledger := filepath.Join(dir, "a", "b", "accepted.yaml")
	ov := filepath.Join(dir, "c", "suggested.yaml")
	rep := filepath.Join(dir, "d", "report.xml")
	code, _, stderr := runCLI(t, "check", "--write-baseline", ledger, "--suggest-overlay", ov, "--report", "junit="+rep, rec)
	if code != exitcode.Findings {
		t.Fatalf("exit %d, want 1 (the drift); stderr %s", code, stderr)
	}
	for _, p := range []string{ledger, ov, rep} {
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
			t.Errorf("%s was not written: %v", p, err)
		}
	}
	target := filepath.Join(dir, "real.yaml")
	os.WriteFile(target, []byte("old"), 0o644)
	link := filepath.Join(dir, "spec.yaml")
	if err := os.Symlink("real.yaml", link); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "spec", "-o", link); code != exitcode.OK {
		t.Fatalf("spec -o link: exit %d, %s", code, stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("spec -o replaced the link: %v", err)
	}
	if data, _ := os.ReadFile(target); !strings.Contains(string(data), "openapi:") {
		t.Errorf("the link's target was not written: %q", data)
	}
}

// TestWriteBaselineNeverReplacesALedger: --write-baseline on an existing
// file is refused before the run and points to --update-baseline.
func TestWriteBaselineNeverReplacesALedger(t *testing.T) {
	t.Parallel()
	ledger := filepath.Join(t.TempDir(), "accepted.yaml")
	os.WriteFile(ledger, []byte("accepted: []\n"), 0o644)
	code, _, stderr := runCLI(t, "check", "--baseline", ledger, "--write-baseline", ledger, driftDir+"/field-added-item.yaml")
	if code != exitcode.Usage || !strings.Contains(stderr, "--update-baseline "+ledger) {
		t.Errorf("exit %d, stderr %q; want 2 pointing to --update-baseline", code, stderr)
	}
	if data, _ := os.ReadFile(ledger); string(data) != "accepted: []\n" {
		t.Errorf("the ledger was replaced: %q", data)
	}
}

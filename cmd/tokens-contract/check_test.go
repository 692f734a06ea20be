package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	recordingsDir = "../../contract/testdata/recordings"
	driftDir      = "../../contract/testdata/drift"
)

func TestCheckExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		stdout   string // must appear in stdout
		stderr   string // must appear in stderr
	}{
		{"recordings are clean", []string{"check", recordingsDir}, 0, "PASS: nothing at or above additive", ""},
		{"drift fails", []string{"check", driftDir}, 1, "FAIL:", ""},
		{"breaking fails at breaking", []string{"check", "--fail-on", "breaking", driftDir + "/field-removed-storehash.yaml"}, 1, "missing-field", ""},
		{"additive passes at breaking", []string{"check", "--fail-on", "breaking", driftDir + "/field-added-item.yaml"}, 0, "unknown-field", ""},
		{"additive fails by default", []string{"check", driftDir + "/field-added-item.yaml"}, 1, "ADDITIVE (1)", ""},
		{"deprecation passes by default", []string{"check", driftDir + "/deprecation-header.yaml"}, 0, "deprecation-announced", ""},
		{"deprecation fails at deprecation", []string{"check", "--fail-on=deprecation", driftDir + "/deprecation-header.yaml"}, 1, "DEPRECATION (1)", ""},
		{"second opinion", []string{"check", "--second-opinion", driftDir + "/email-not-an-email.yaml"}, 1, "validators-disagree", ""},
		{"unknown flag", []string{"check", "--strict", recordingsDir}, 2, "", "unknown flag --strict"},
		{"bad format", []string{"check", "--format", "xml", recordingsDir}, 2, "", `--format "xml" is not one of`},
		{"bad fail-on", []string{"check", "--fail-on", "info", recordingsDir}, 2, "", `--fail-on "info"`},
		{"bad report spec", []string{"check", "--report", "junit", recordingsDir}, 2, "", "want FORMAT=FILE"},
		{"no path", []string{"check"}, 2, "", "no PATH given"},
		{"missing file, others still checked", []string{"check", "nope.yaml", recordingsDir + "/delete-200.yaml"}, 2, "delete-200.yaml", "nope.yaml: no such file or directory"},
		{"flags after the path", []string{"check", driftDir + "/deprecation-header.yaml", "--fail-on", "deprecation"}, 1, "DEPRECATION (1)", ""},
		{"flags between paths", []string{"check", driftDir + "/field-added-item.yaml", "--fail-on=breaking", recordingsDir + "/delete-200.yaml"}, 0, "2 runs", ""},
		{"single-dash flag after the path", []string{"check", driftDir + "/field-added-item.yaml", "-fail-on", "breaking"}, 0, "unknown-field", ""},
		{"unknown flag after the path", []string{"check", recordingsDir, "--strict"}, 2, "", "unknown flag --strict"},
		{"flag after the path lacks its value", []string{"check", recordingsDir, "--format"}, 2, "", "flag --format needs a value"},
		{"-- ends the flags", []string{"check", "--", "--format"}, 2, "", "--format: no such file"},
		{"help", []string{"check", "-h"}, 0, "", "Usage: tokens-contract check"},
		{"help after the path", []string{"check", recordingsDir, "--help"}, 0, "", "Usage: tokens-contract check"},
		{"unknown command", []string{"verify"}, 2, "", `unknown command "verify"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstderr: %s", code, tt.wantCode, stderr)
			}
			if !strings.Contains(stdout, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, stdout)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
		})
	}
}

// TestCheckColor: colour only when asked or on a terminal, never in a pipe
// (the tests' stdout is a buffer) and never with NO_COLOR under auto.
func TestCheckColor(t *testing.T) {
	t.Parallel()
	file := driftDir + "/field-added-item.yaml"
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		code    int
		colored bool
	}{
		{"auto in a pipe", nil, []string{"check", file}, 1, false},
		{"always", nil, []string{"check", file, "--color=always"}, 1, true},
		{"always beats NO_COLOR", map[string]string{"NO_COLOR": "1"}, []string{"check", "--color", "always", file}, 1, true},
		{"never", nil, []string{"check", file, "--color", "never"}, 1, false},
		{"not for json", nil, []string{"check", file, "--color=always", "--format", "json"}, 1, false},
		{"bad value", nil, []string{"check", file, "--color", "rainbow"}, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, stdout, stderr := testEnv(tt.env)
			code := run(context.Background(), env, tt.args)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, stderr)
			}
			if got := strings.Contains(stdout.String(), "\x1b["); got != tt.colored {
				t.Errorf("coloured %v, want %v:\n%q", got, tt.colored, stdout.String())
			}
			if tt.code == 2 && !strings.Contains(stderr.String(), `--color "rainbow" is not one of auto, always, never`) {
				t.Errorf("stderr: %s", stderr)
			}
		})
	}
}

func TestCheckMalformedFileIsNamedAndOthersReported(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.har")
	os.WriteFile(bad, []byte(`{"log": {"entries": [`), 0o644)
	code, stdout, stderr := runCLI(t, "check", "--format", "json", bad, recordingsDir+"/delete-404.yaml")
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(stderr, bad+": not a HAR file") {
		t.Errorf("stderr does not name the file and the problem: %s", stderr)
	}
	var rep struct {
		ExitCode int `json:"exitCode"`
		Summary  struct {
			Exchanges, Unreadable int
		} `json:"summary"`
		Errors []struct{ Path, Message string } `json:"errors"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("stdout is not one JSON object: %v", err)
	}
	if rep.ExitCode != 2 || rep.Summary.Exchanges != 1 || rep.Summary.Unreadable != 1 || len(rep.Errors) != 1 || rep.Errors[0].Path != bad {
		t.Errorf("report = %+v", rep)
	}
}

func TestCheckWritesReportFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	junit, md := filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.md")
	code, _, stderr := runCLI(t, "check", "--format", "github", "--report", "junit="+junit, "--report", "markdown="+md, driftDir+"/token-masked.yaml")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	raw, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(raw, &suites); err != nil || suites.Tests != 1 || suites.Failures != 1 {
		t.Errorf("junit file: %+v, %v", suites, err)
	}
	if b, _ := os.ReadFile(md); !strings.Contains(string(b), "token-not-jwt") {
		t.Error("markdown file lacks the finding")
	}
}

func TestCheckReportFolderIsCreated(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "reports", "nightly", "r.json")
	code, _, stderr := runCLI(t, "check", driftDir+"/token-masked.yaml", "--report", "json="+out)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, stderr)
	}
	var rep struct{ ExitCode int }
	if raw, err := os.ReadFile(out); err != nil || json.Unmarshal(raw, &rep) != nil || rep.ExitCode != 1 {
		t.Errorf("report file: %v %+v", err, rep)
	}
}

// A report that cannot be written stops the run before anything is printed
// on stdout, and names the file and the reason.
func TestCheckUnwritableReportFailsFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "kept.json")
	if err := os.WriteFile(existing, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, stderr string
	}{
		{"folder is a file", filepath.Join(blocker, "r.json"), "not a directory"},
		{"file is a folder", dir, "it is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "check", driftDir+"/token-masked.yaml",
				"--report", "json="+existing, "--report", "junit="+tt.file)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if stdout != "" {
				t.Errorf("something was printed before the error:\n%s", stdout)
			}
			if !strings.Contains(stderr, "--report "+tt.file+": ") || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr does not name the file and the reason %q: %s", tt.stderr, stderr)
			}
			if b, _ := os.ReadFile(existing); string(b) != "old" {
				t.Errorf("a report file was written although the run did not start: %q", b)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("the check left files behind: %v", entries)
	}
}

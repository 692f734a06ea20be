package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/report"
)

// TestCheckCoverageInEveryFormat checks that --coverage reaches every format.
func TestCheckCoverageInEveryFormat(t *testing.T) {
	t.Parallel()
	want := map[string]func(t *testing.T, out string){
		"text":     contains("COVERAGE ", "get-backend-tokens", "eventChannel = admin", "EVIDENCE: oldest 2026-11-26T09:00:00Z"),
		"markdown": contains("### Coverage: ", "| `get-backend-tokens` | status |", "### Evidence: oldest"),
		"github":   contains("::notice title=coverage::coverage ", "::notice title=evidence::oldest 2026-11-26T09:00:00Z"),
		"json": func(t *testing.T, out string) {
			var rep struct {
				Coverage *contract.CoverageReport `json:"coverage"`
				Evidence *struct {
					Oldest     time.Time      `json:"oldest"`
					Recordings []contract.Age `json:"recordings"`
				} `json:"evidence"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			if rep.Coverage == nil || rep.Coverage.Total == 0 || rep.Coverage.Covered == 0 || len(rep.Coverage.Operations) != 3 {
				t.Errorf("json coverage: %+v", rep.Coverage)
			}
			if rep.Evidence == nil || len(rep.Evidence.Recordings) != 11 || rep.Evidence.Oldest.IsZero() {
				t.Errorf("json evidence: %+v", rep.Evidence)
			}
		},
		"junit": func(t *testing.T, out string) {
			var suites struct {
				Suites []struct {
					Name       string `xml:"name,attr"`
					Properties []struct {
						Name  string `xml:"name,attr"`
						Value string `xml:"value,attr"`
					} `xml:"properties>property"`
				} `xml:"testsuite"`
			}
			if err := xml.Unmarshal([]byte(out), &suites); err != nil {
				t.Fatal(err)
			}
			props := map[string]string{}
			for _, s := range suites.Suites {
				if s.Name == "coverage" {
					for _, p := range s.Properties {
						props[p.Name] = p.Value
					}
				}
			}
			if props["coverage.percent"] == "" || props["evidence.oldest"] != "2026-11-26T09:00:00Z" || props["coverage.get-backend-tokens.status.200"] == "" {
				t.Errorf("junit coverage properties: %v", props)
			}
		},
		"sarif": contains(`"coverage": {`, `"percent":`, `"evidence": {`),
	}
	for _, format := range report.Formats {
		check, ok := want[format]
		if !ok {
			t.Fatalf("no expectation for format %s", format)
		}
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "check", "--coverage", "--format", format, recordingsDir)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			check(t, stdout)
		})
	}
}

func contains(subs ...string) func(t *testing.T, out string) {
	return func(t *testing.T, out string) {
		t.Helper()
		for _, s := range subs {
			if !strings.Contains(out, s) {
				t.Errorf("output lacks %q:\n%s", s, out)
			}
		}
	}
}

func TestCheckMinCoverage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		out, err string
	}{
		{"below the floor fails", []string{"--coverage", "--min-coverage", "99"}, 1, "FAIL: coverage", ""},
		{"above the floor passes", []string{"--coverage", "--min-coverage", "1"}, 0, "PASS", ""},
		{"below the floor in JUnit", []string{"--coverage", "--min-coverage", "99.5", "--format", "junit"}, 1, `type="coverage-below-floor"`, ""},
		{"not a percentage", []string{"--coverage", "--min-coverage", "101"}, 2, "", "--min-coverage 101 is not a percentage"},
		{"negative", []string{"--coverage", "--min-coverage=-1"}, 2, "", "is not a percentage"},
		{"not a number", []string{"--coverage", "--min-coverage", "most"}, 2, "", "invalid value"},
		{"needs --coverage", []string{"--min-coverage", "10"}, 2, "", "--min-coverage needs --coverage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append(append([]string{"check"}, tt.args...), recordingsDir)...)
			if code != tt.wantCode || !strings.Contains(stdout, tt.out) || !strings.Contains(stderr, tt.err) {
				t.Errorf("exit %d (want %d), stdout lacks %q or stderr lacks %q:\n%s\n%s", code, tt.wantCode, tt.out, tt.err, stdout, stderr)
			}
		})
	}
}

func TestCheckMaxAge(t *testing.T) {
	t.Parallel()
	recorded := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) // the shipped recordings' date
	tests := []struct {
		name      string
		now       time.Time
		maxAge    string
		wantCode  int
		wantStale int
		err       string
	}{
		{"fresh", recorded.Add(24 * time.Hour), "30d", 0, 0, ""},
		{"stale", recorded.AddDate(0, 2, 0), "30d", 0, 11, ""},
		{"a Go duration", recorded.Add(3 * time.Hour), "2h", 0, 11, ""},
		{"not a duration", recorded, "soon", 2, 0, "is not a duration"},
		{"not positive", recorded, "-1h", 2, 0, "is not a positive duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, stdout, stderr := testEnv(nil)
			env.clock = func() time.Time { return tt.now }
			code := run(context.Background(), env, []string{"check", "--format", "json", "--max-age", tt.maxAge, recordingsDir})
			if code != tt.wantCode || !strings.Contains(stderr.String(), tt.err) {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.wantCode, stderr)
			}
			if tt.wantCode == 2 {
				return
			}
			var rep struct {
				Findings []struct {
					contract.Finding
					Count   int      `json:"count"`
					Sources []string `json:"sources"`
				} `json:"findings"`
			}
			if err := json.Unmarshal([]byte(stdout.String()), &rep); err != nil {
				t.Fatal(err)
			}
			// Recordings stale by the same message are one finding with a
			// count and the recordings as its sources.
			stale := 0
			for _, f := range rep.Findings {
				if f.ID == contract.IDRecordingStale {
					if len(f.Sources) != f.Count {
						t.Errorf("recording-stale: count %d but %d sources", f.Count, len(f.Sources))
					}
					stale += f.Count
					if f.Severity != contract.Info {
						t.Errorf("recording-stale is %s, want info", f.Severity)
					}
				}
			}
			if stale != tt.wantStale {
				t.Errorf("%d recording-stale findings, want %d", stale, tt.wantStale)
			}
		})
	}
}

// TestCheckCoverageSuggestsMarkingAssumedObserved checks that with
// --coverage, --suggest-overlay marks an assumed response that the evidence
// shows conforming as observed, and that the spec then says so.
func TestCheckCoverageSuggestsMarkingAssumedObserved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ov := dir + "/ov.yaml"
	code, _, stderr := runCLI(t, "check", "--coverage", "--suggest-overlay", ov, recordingsDir+"/list-401-unauthorized.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	patched := dir + "/patched.yaml"
	if code, _, stderr := runCLI(t, "spec", "--overlay", ov, "-o", patched); code != 0 {
		t.Fatalf("spec --overlay: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "check", "--coverage", "--spec", patched, "--format", "json", recordingsDir+"/list-401-unauthorized.yaml")
	if code != 0 {
		t.Fatalf("re-check: exit %d: %s", code, stderr)
	}
	var rep struct {
		Coverage contract.CoverageReport `json:"coverage"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	for _, o := range rep.Coverage.Operations {
		for _, r := range o.Responses {
			if r.Component == "Unauthorized" && r.Source != "observed" {
				t.Errorf("%s %d: source %q after the overlay, want observed", o.Operation, r.Status, r.Source)
			}
		}
	}
}

// TestCheckSeverityOverride: --severity gives a finding id another severity,
// so stale evidence can fail a run; a bad override is a usage error.
func TestCheckSeverityOverride(t *testing.T) {
	t.Parallel()
	recorded := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) // the shipped recordings' date
	tests := []struct {
		name     string
		args     []string
		wantCode int
		err      string
	}{
		{"stale stays info", []string{"--max-age", "30d"}, 0, ""},
		{"stale raised to additive fails", []string{"--max-age", "30d", "--severity", "recording-stale=additive"}, 1, ""},
		{"flag after the path", []string{"--max-age", "30d", recordingsDir, "--severity", "recording-stale=breaking"}, 1, ""},
		{"not a finding id", []string{"--severity", "stale=additive"}, 2, "is not a finding id"},
		{"not a severity", []string{"--severity", "recording-stale=fatal"}, 2, "unknown severity"},
		{"no severity", []string{"--severity", "recording-stale"}, 2, "want ID=SEVERITY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _, stderr := testEnv(nil)
			env.clock = func() time.Time { return recorded.AddDate(0, 2, 0) }
			args := append([]string{"check", "--format", "json"}, tt.args...)
			if !slices.Contains(args, recordingsDir) {
				args = append(args, recordingsDir)
			}
			code := run(context.Background(), env, args)
			if code != tt.wantCode || !strings.Contains(stderr.String(), tt.err) {
				t.Errorf("exit %d, want %d; stderr %s", code, tt.wantCode, stderr)
			}
		})
	}
}

// TestCheckCoverageScope: a list-only recording gets a per-operation figure
// in every format, and --min-coverage applies to the --coverage-scope
// chosen (the called scope ignores create and delete).
func TestCheckCoverageScope(t *testing.T) {
	t.Parallel()
	listOnly := recordingsDir + "/list-first-middle-last.yaml"
	_, stdout, stderr := runCLI(t, "check", "--coverage", "--format", "json", listOnly)
	var rep struct {
		Coverage contract.CoverageReport `json:"coverage"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	cr := rep.Coverage
	var list contract.OperationCoverage
	for _, o := range cr.Operations {
		if o.Exchanges > 0 {
			list = o
		}
		if o.Total > 0 && o.Percent != float64(o.Covered)*100/float64(o.Total) {
			t.Errorf("%s: percent %v for %d of %d", o.Operation, o.Percent, o.Covered, o.Total)
		}
	}
	if list.Operation != "get-backend-tokens" || cr.Called.Total != list.Total || cr.Called.Total >= cr.Total {
		t.Fatalf("called scope %+v, list %+v, all %d", cr.Called, list, cr.Total)
	}
	// A floor between two scopes' figures passes one and fails the other.
	between := func(lo, hi float64) string { return strconv.FormatFloat((lo+hi)/2, 'f', 2, 64) }
	if !(cr.Percent < cr.Called.Percent) || cr.AssumedConfirmed.Percent != 0 || !(cr.Documented.Percent > cr.Percent) {
		t.Fatalf("scopes all %v called %v documented %v assumed %v", cr.Percent, cr.Called.Percent, cr.Documented.Percent, cr.AssumedConfirmed.Percent)
	}
	tests := []struct {
		scope, floor string
		wantCode     int
		out          string
	}{
		{"", between(cr.Percent, cr.Called.Percent), 1, "FAIL: coverage (all)"},
		{"all", between(cr.Percent, cr.Called.Percent), 1, "FAIL: coverage (all)"},
		{"called", between(cr.Percent, cr.Called.Percent), 0, "PASS"},
		{"called", between(cr.Called.Percent, 100), 1, "FAIL: coverage (called)"},
		{"documented", between(cr.Percent, cr.Documented.Percent), 0, "PASS"},
		{"documented", between(cr.Documented.Percent, 100), 1, "FAIL: coverage (documented)"},
		{"assumed", "1", 1, "FAIL: coverage (assumed) 0.0%"},
	}
	for _, tt := range tests {
		t.Run(tt.scope+"_"+tt.floor, func(t *testing.T) {
			args := []string{"check", "--coverage", "--min-coverage", tt.floor}
			if tt.scope != "" {
				args = append(args, "--coverage-scope", tt.scope)
			}
			code, stdout, stderr := runCLI(t, append(args, listOnly)...)
			if code != tt.wantCode || !strings.Contains(stdout, tt.out) {
				t.Errorf("exit %d (want %d), stdout lacks %q:\n%s\n%s", code, tt.wantCode, tt.out, stdout, stderr)
			}
		})
	}
	t.Run("bad scope", func(t *testing.T) {
		code, _, stderr := runCLI(t, "check", "--coverage", "--coverage-scope", "mine", listOnly)
		if code != 2 || !strings.Contains(stderr, `"mine" is not a coverage scope`) {
			t.Errorf("exit %d: %s", code, stderr)
		}
	})
	perOp := fmt.Sprintf("%.1f%% (%d of %d) get-backend-tokens", list.Percent, list.Covered, list.Total)
	for format, want := range map[string]string{
		"text":     perOp,
		"markdown": fmt.Sprintf("| `get-backend-tokens` | 3 | %.1f%% (%d of %d) |", list.Percent, list.Covered, list.Total),
		"github":   strings.ReplaceAll(perOp, "%", "%25"), // a workflow command escapes %
		"junit":    `name="coverage.get-backend-tokens.percent" value="` + strconv.FormatFloat(list.Percent, 'f', 1, 64) + `"`,
		"sarif":    `"get-backend-tokens": {`,
	} {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "check", "--coverage", "--format", format, listOnly)
			if code != 0 || !strings.Contains(stdout, want) || !strings.Contains(stdout, "called") {
				t.Errorf("exit %d, %s output lacks %q or the called scope:\n%s\n%s", code, format, want, stdout, stderr)
			}
		})
	}
}

package contract_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/kin"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
)

// testNow is the clock of every corpus test, so Sunset distances are stable.
var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func newChecker(t testing.TB, opts ...contract.Option) *contract.Checker {
	t.Helper()
	c, err := contract.New(append([]contract.Option{contract.WithClock(func() time.Time { return testNow })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// regressionCases are drift files added by hand (from real captures, say)
// rather than generated: file → the exact ids and severities expected.
var regressionCases = map[string]map[string]contract.Severity{
	"har-content-truncated.har": {contract.IDBodyTruncated: B},
}

// TestDriftCorpus checks every file of testdata/drift and asserts the exact
// set of finding ids and severities: the expected drift must be found, and
// nothing else may be reported.
func TestDriftCorpus(t *testing.T) {
	c := newChecker(t, contract.WithSecondOpinion(kin.New))
	want := map[string]driftCase{}
	for _, dc := range driftCases() {
		want[dc.file] = dc
	}
	for file, ids := range regressionCases {
		want[file] = driftCase{file: file, want: ids}
	}
	entries, err := os.ReadDir(filepath.Join("testdata", "drift"))
	if err != nil {
		t.Fatal(err)
	}
	var onDisk []string
	for _, e := range entries {
		if !e.IsDir() && e.Name() != "README.md" {
			onDisk = append(onDisk, e.Name())
		}
	}
	if len(onDisk) < 25 {
		t.Errorf("the drift corpus has %d cases; the contract suite promises at least 25", len(onDisk))
	}
	for _, name := range onDisk {
		if _, ok := want[name]; !ok {
			t.Errorf("testdata/drift/%s has no expectation: add it to regressionCases", name)
		}
	}
	for name, dc := range want {
		t.Run(name, func(t *testing.T) {
			rec, err := recording.LoadFile(filepath.Join("testdata", "drift", name))
			if err != nil {
				t.Fatal(err)
			}
			results := c.CheckSequence(context.Background(), rec.Exchanges)
			got := map[string]contract.Severity{}
			var msgs []string
			for _, r := range results {
				if r.Skipped {
					t.Errorf("%s was skipped: %s", r.Source, r.SkipReason)
				}
				for _, f := range r.Findings {
					if prev, ok := got[f.ID]; ok && prev != f.Severity {
						t.Errorf("id %s reported with two severities", f.ID)
					}
					got[f.ID] = f.Severity
					if f.ID == dc.messageID {
						msgs = append(msgs, f.Message)
					}
					if f.Source == "" || f.Path == "" || f.Message == "" {
						t.Errorf("finding %s lacks source, path or message", f.ID)
					}
				}
			}
			if !sameSeverities(got, dc.want) {
				t.Errorf("findings = %v, want exactly %v", describe(got), describe(dc.want))
			}
			if dc.messageHas != "" && !slices.ContainsFunc(msgs, func(m string) bool { return strings.Contains(m, dc.messageHas) }) {
				t.Errorf("no %s message says %q", dc.messageID, dc.messageHas)
			}
		})
	}
}

func sameSeverities(a, b map[string]contract.Severity) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func describe(m map[string]contract.Severity) string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v.String())
	}
	sort.Strings(out)
	return "[" + strings.Join(out, " ") + "]"
}

// TestRecordingsPassClean checks every shipped recording: nothing but info
// findings, and every exchange matched to an operation except the HAR
// file's unrelated request.
func TestRecordingsPassClean(t *testing.T) {
	c := newChecker(t, contract.WithSecondOpinion(kin.New))
	recs, errs := recording.LoadPaths([]string{filepath.Join("testdata", "recordings")})
	for _, err := range errs {
		t.Error(err)
	}
	if len(recs) < 10 {
		t.Fatalf("only %d recordings found", len(recs))
	}
	checked := 0
	var infos []string
	for _, rec := range recs {
		for _, r := range c.CheckSequence(context.Background(), rec.Exchanges) {
			if r.Skipped {
				if !strings.HasSuffix(rec.Path, ".har") {
					t.Errorf("%s skipped: %s", r.Source, r.SkipReason)
				}
				continue
			}
			checked++
			for _, f := range r.Findings {
				if f.Severity > contract.Info {
					t.Errorf("%s: %s %s at %s: %s", r.Source, f.Severity, f.ID, f.Path, f.Message)
				} else {
					infos = append(infos, f.ID)
				}
			}
		}
	}
	if checked < 12 {
		t.Errorf("only %d exchanges checked", checked)
	}
	// The 401 recording is credentials rejected, which is info, not drift.
	if !slices.Contains(infos, contract.IDCredentialsRejected) {
		t.Errorf("the 401 recording did not give credentials-rejected; info findings: %v", infos)
	}
}

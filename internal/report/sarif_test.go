package report_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/report"
)

// validSARIF parses out as SARIF 2.1.0 and validates it against the official
// SARIF 2.1.0 JSON schema (OASIS errata01, as go-sarif embeds it), failing
// the test on any schema error.
func validSARIF(t *testing.T, out []byte) *sarif.Report {
	t.Helper()
	log, err := sarif.FromBytes(out, sarif.WithStrictValidation())
	if err != nil {
		t.Fatalf("the SARIF output is not JSON: %v", err)
	}
	if err := log.Validate(); err != nil {
		t.Fatalf("the SARIF output fails the SARIF 2.1.0 schema: %v", err)
	}
	return log
}

func TestSARIF(t *testing.T) {
	in := sample(contract.Additive)
	in.ToolVersion = "v1.2.3"
	out := []byte(render(t, "sarif", in))
	log := validSARIF(t, out)
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs; want 2.1.0 and 1", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if got := *run.Tool.Driver.SemanticVersion; got != "1.2.3" {
		t.Errorf("driver semanticVersion %q, want 1.2.3", got)
	}
	// One rule per registered finding id, each with its help and level.
	if len(run.Tool.Driver.Rules) != len(contract.Rules()) {
		t.Errorf("%d rules, want %d (one per finding id)", len(run.Tool.Driver.Rules), len(contract.Rules()))
	}
	for i, r := range contract.Rules() {
		got := run.Tool.Driver.Rules[i]
		if *got.ID != r.ID || got.Help == nil || *got.Help.Text != r.Advice || got.DefaultConfiguration.Level != wantLevel[r.Severity] {
			t.Errorf("rule %d = %s (level %s), want %s with its advice and level %s", i, *got.ID, got.DefaultConfiguration.Level, r.ID, wantLevel[r.Severity])
		}
	}
	var want []contract.Finding
	for _, s := range in.Sources {
		for _, res := range s.Results {
			want = append(want, res.Findings...)
		}
	}
	if len(run.Results) != len(want) {
		t.Fatalf("%d results, want %d", len(run.Results), len(want))
	}
	byID := map[string]*sarif.Result{}
	for _, r := range run.Results {
		byID[*r.RuleID] = r
		if *run.Tool.Driver.Rules[r.RuleIndex].ID != *r.RuleID {
			t.Errorf("result %s: ruleIndex does not point at its rule", *r.RuleID)
		}
		if len(r.PartialFingerprints) != 1 {
			t.Errorf("result %s: partialFingerprints %v, want one", *r.RuleID, r.PartialFingerprints)
		}
	}
	mf := byID[contract.IDMissingField]
	if mf == nil || mf.Level != "error" {
		t.Fatalf("missing-field: %+v, want an error", mf)
	}
	loc := mf.Locations[0]
	if *loc.PhysicalLocation.ArtifactLocation.URI != "drift/a.yaml" || *loc.LogicalLocations[0].Name != "0" ||
		*loc.LogicalLocations[0].FullyQualifiedName != "drift/a.yaml#0" {
		t.Errorf("missing-field location = %s / %s, want drift/a.yaml entry 0",
			*loc.PhysicalLocation.ArtifactLocation.URI, *loc.LogicalLocations[0].FullyQualifiedName)
	}
	inv := run.Invocations[0]
	if inv.ExitCode == nil || *inv.ExitCode != report.ExitCode(in) || inv.ExecutionSuccessful == nil || *inv.ExecutionSuccessful ||
		len(inv.ToolExecutionNotifications) != len(in.Errors) {
		t.Errorf("invocation = exit %v, successful %v, %d notifications; want exit %d, false, %d",
			inv.ExitCode, inv.ExecutionSuccessful, len(inv.ToolExecutionNotifications), report.ExitCode(in), len(in.Errors))
	}
}

// The partial fingerprint identifies a finding by id, JSON path and file: the
// same finding in another run, at another entry, with another count in its
// message, keeps it; another path or file changes it.
func TestSARIFFingerprintsAreStable(t *testing.T) {
	fp := func(f contract.Finding) string {
		in := report.Input{Tool: "t", SpecVersion: "1", FailOn: contract.Additive,
			Sources: []report.Source{{Name: "r", Results: []contract.Result{{Source: f.Source, Findings: []contract.Finding{f}}}}}}
		var buf bytes.Buffer
		if err := report.Write(&buf, "sarif", in); err != nil {
			t.Fatal(err)
		}
		log := validSARIF(t, buf.Bytes())
		for _, v := range log.Runs[0].Results[0].PartialFingerprints {
			return v
		}
		t.Fatal("no fingerprint")
		return ""
	}
	base := finding(contract.IDUnknownField, contract.Additive, "$.data[*].x", "undeclared (3 occurrences)", "rec/a.har#3")
	same := finding(contract.IDUnknownField, contract.Additive, "$.data[*].x", "undeclared (9 occurrences)", "rec/a.har#7")
	if fp(base) != fp(same) {
		t.Error("the fingerprint changed with the entry index or the message")
	}
	for _, other := range []contract.Finding{
		finding(contract.IDUnknownField, contract.Additive, "$.data[*].y", "m", "rec/a.har#3"),
		finding(contract.IDUnknownField, contract.Additive, "$.data[*].x", "m", "rec/b.har#3"),
		finding(contract.IDTypeMismatch, contract.Breaking, "$.data[*].x", "m", "rec/a.har#3"),
	} {
		if fp(other) == fp(base) {
			t.Errorf("%s %s %s has the same fingerprint as the base", other.ID, other.Path, other.Source)
		}
	}
}

// A live source has no file: the result is located logically, and a file
// name that URIs cannot hold as it is gets percent-encoded.
func TestSARIFLocations(t *testing.T) {
	in := report.Input{Tool: "t", SpecVersion: "1", FailOn: contract.Additive, Sources: []report.Source{{Name: "live", Results: []contract.Result{
		{Source: "live GET /backend/tokens?limit=250", Findings: []contract.Finding{finding(contract.IDSunsetAnnounced, contract.Deprecation, "header Sunset", "m", "live GET /backend/tokens?limit=250")}},
	}}, {Name: "my recs/50% [x].har", Results: []contract.Result{
		{Source: "my recs/50% [x].har#2", Findings: []contract.Finding{finding(contract.IDSunsetAnnounced, contract.Deprecation, "header Sunset", "m", "my recs/50% [x].har#2")}},
	}}}, Errors: []error{errors.New("plain error without a file")}}
	var buf bytes.Buffer
	if err := report.Write(&buf, "sarif", in); err != nil {
		t.Fatal(err)
	}
	run := validSARIF(t, buf.Bytes()).Runs[0]
	if l := run.Results[0].Locations[0]; l.PhysicalLocation != nil || *l.LogicalLocations[0].Name != "live GET /backend/tokens?limit=250" {
		t.Errorf("live result location = %+v", l)
	}
	if u := *run.Results[1].Locations[0].PhysicalLocation.ArtifactLocation.URI; u != "my%20recs/50%25%20%5Bx%5D.har" {
		t.Errorf("artifact URI %q", u)
	}
	var raw map[string]any
	if err := json.Unmarshal(buf.Bytes(), &raw); err != nil || raw["$schema"] == nil {
		t.Errorf("the log names no $schema (%v)", err)
	}
}

// wantLevel is the mapping the SARIF writer documents: breaking is an
// error, additive and deprecation warnings, info a note.
var wantLevel = map[contract.Severity]string{
	contract.Breaking: "error", contract.Additive: "warning", contract.Deprecation: "warning", contract.Info: "note",
}

// TestSARIFURIsAndRegions pins what code scanning needs of a location: an
// absolute recording path is a file:// URI (never one that begins with a
// slash, which the Multitool's SARIF1004 rejects), a relative one stays
// relative, and every result located on a file has a region at the line
// where its entry starts (line 1 when the finding is about the whole file
// or the line is not known), related locations too. The GitHub annotation
// of the same finding names the same line (none when it is not known).
func TestSARIFURIsAndRegions(t *testing.T) {
	tests := []struct {
		name     string
		source   string // the finding's source
		line     int    // the exchange's line in its recording
		wantURI  string
		wantLine int
	}{
		{"relative path", "recs/a.har#3", 41, "recs/a.har", 41},
		{"absolute path", "/home/runner/work/repo/recs/a.har#0", 7, "file:///home/runner/work/repo/recs/a.har", 7},
		{"absolute path to encode", "/ci/my recs/50%.ndjson#2", 3, "file:///ci/my%20recs/50%25.ndjson", 3},
		{"cassette interaction", "contract/testdata/recordings/list-200.yaml#1", 58, "contract/testdata/recordings/list-200.yaml", 58},
		{"line not known", "recs/b.har#1", 0, "recs/b.har", 1},
		{"the whole file", "/ci/recs/c.har", 0, "file:///ci/recs/c.har", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := finding(contract.IDUnknownField, contract.Additive, "$.data[*].x", "m", tt.source)
			other := tt.source + "9" // a second exchange (or file) with the same finding
			in := report.Input{Tool: "t", SpecVersion: "1", FailOn: contract.Additive, Sources: []report.Source{{Name: "r", Results: []contract.Result{
				{Source: tt.source, Line: tt.line, Findings: []contract.Finding{f}},
				{Source: other, Line: tt.line + 100, Findings: []contract.Finding{finding(contract.IDUnknownField, contract.Additive, "$.data[*].x", "m", other)}},
			}}}}
			var buf bytes.Buffer
			if err := report.Write(&buf, "sarif", in); err != nil {
				t.Fatal(err)
			}
			run := validSARIF(t, buf.Bytes()).Runs[0]
			if len(run.Results) != 1 {
				t.Fatalf("%d results, want the two exchanges' findings merged into 1", len(run.Results))
			}
			res := run.Results[0]
			pl := res.Locations[0].PhysicalLocation
			if pl == nil || pl.ArtifactLocation == nil || pl.ArtifactLocation.URI == nil {
				t.Fatalf("no physical location: %s", buf.Bytes())
			}
			if *pl.ArtifactLocation.URI != tt.wantURI {
				t.Errorf("URI %q, want %q", *pl.ArtifactLocation.URI, tt.wantURI)
			}
			if pl.Region == nil || pl.Region.StartLine == nil || *pl.Region.StartLine != tt.wantLine {
				t.Errorf("region %+v, want start line %d", pl.Region, tt.wantLine)
			}
			if len(res.RelatedLocations) != 1 {
				t.Fatalf("%d related locations, want 1", len(res.RelatedLocations))
			}
			rl := res.RelatedLocations[0].PhysicalLocation
			if rl == nil || rl.Region == nil || rl.Region.StartLine == nil || *rl.Region.StartLine < 1 {
				t.Errorf("related location without a region: %s", buf.Bytes())
			}
			for _, a := range run.Artifacts {
				if u := *a.Location.URI; u[0] == '/' {
					t.Errorf("artifact URI %q begins with a slash", u)
				}
			}
			buf.Reset()
			if err := report.Write(&buf, "github", in); err != nil {
				t.Fatal(err)
			}
			annotation, _, _ := strings.Cut(buf.String(), "\n")
			want := fmt.Sprintf(",line=%d,", tt.line)
			if tt.line > 0 && !strings.Contains(annotation, want) || tt.line == 0 && strings.Contains(annotation, ",line=") {
				t.Errorf("annotation %q; want the line %d (none when 0)", annotation, tt.line)
			}
		})
	}
}

// TestSARIFFingerprintOfAnAbsolutePathIsUnchanged: a recording named by an
// absolute path is a file:// URI now, but its partial fingerprint hashes the
// path as before (id, JSON path, file), so code scanning keeps its alerts.
func TestSARIFFingerprintOfAnAbsolutePathIsUnchanged(t *testing.T) {
	const source, path = "/home/runner/work/repo/recs/a.har#2", "$.data[*].x"
	in := report.Input{Tool: "t", SpecVersion: "1", FailOn: contract.Additive, Sources: []report.Source{{Name: "r", Results: []contract.Result{
		{Source: source, Line: 12, Findings: []contract.Finding{finding(contract.IDUnknownField, contract.Additive, path, "m", source)}},
	}}}}
	var buf bytes.Buffer
	if err := report.Write(&buf, "sarif", in); err != nil {
		t.Fatal(err)
	}
	res := validSARIF(t, buf.Bytes()).Runs[0].Results[0]
	sum := sha256.Sum256([]byte(contract.IDUnknownField + "\x00" + path + "\x00" + "/home/runner/work/repo/recs/a.har"))
	if got, want := res.PartialFingerprints["tokensContractFinding/v1"], hex.EncodeToString(sum[:16]); got != want {
		t.Errorf("fingerprint %v, want %s", got, want)
	}
}

package report_test

import (
	"bytes"
	"encoding/json"
	"errors"
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

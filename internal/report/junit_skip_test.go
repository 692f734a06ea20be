package report_test

import (
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/report"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// TestJUnitSkippedNameHidesAuthToken: a skipped exchange whose URL path
// holds the recording's auth token (an opaque value no pattern knows) is
// named by source, method and status, never by its path.
func TestJUnitSkippedNameHidesAuthToken(t *testing.T) {
	auth := "opq" + synthetic.RandomHex(16)
	in := report.Input{Tool: "tokens-contract check", SpecVersion: "1.0.0", FailOn: contract.Additive,
		Sources: []report.Source{{Name: "rec.har", Results: []contract.Result{
			{Source: "rec.har#4", Method: "GET", Path: "/api/session/" + auth, Status: 200, Skipped: true,
				SkipReason: "not an operation of the contract", Findings: []contract.Finding{}},
		}}}}
	out := render(t, "junit", in)
	if strings.Contains(out, auth) {
		t.Fatal("the JUnit report names the skipped exchange by a path holding the auth token")
	}
	if !strings.Contains(out, `rec.har#4 GET`) || !strings.Contains(out, "<skipped") {
		t.Fatalf("the skipped case lost its name or its skipped element:\n%s", out)
	}
}

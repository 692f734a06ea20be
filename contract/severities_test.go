package contract_test

import (
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
)

func TestSeveritiesSet(t *testing.T) {
	tests := []struct {
		in, err string
	}{
		{"recording-stale=additive", ""},
		{"recording-stale=BREAKING", ""},
		{"recording-stale", "want ID=SEVERITY"},
		{"=info", "want ID=SEVERITY"},
		{"no-such-id=info", "is not a finding id"},
		{"recording-stale=fatal", "unknown severity"},
	}
	for _, tt := range tests {
		var s contract.Severities
		err := s.Set(tt.in)
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("Set(%q) = %v, want an error containing %q", tt.in, err, tt.err)
		}
	}
}

func TestSeveritiesApply(t *testing.T) {
	var s contract.Severities
	for _, v := range []string{"recording-stale=additive", "unknown-field=info"} {
		if err := s.Set(v); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.String(); got != "recording-stale=additive,unknown-field=info" {
		t.Errorf("String() = %q", got)
	}
	results := []contract.Result{{Findings: []contract.Finding{
		{ID: "recording-stale", Severity: contract.Info},
		{ID: "unknown-field", Severity: contract.Additive},
		{ID: "type-mismatch", Severity: contract.Breaking},
	}}}
	s.ApplyResults(results)
	want := []contract.Severity{contract.Additive, contract.Info, contract.Breaking}
	for i, f := range results[0].Findings {
		if f.Severity != want[i] {
			t.Errorf("%s: severity %s, want %s", f.ID, f.Severity, want[i])
		}
	}
	var none contract.Severities
	none.Apply(results[0].Findings) // the zero value changes nothing
	if results[0].Findings[0].Severity != contract.Additive {
		t.Error("the zero value changed a severity")
	}
}

package overlay_test

import (
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/overlay"
)

func TestConfirmAssumed(t *testing.T) {
	resp := func(status int, source, component string, seen, conforming int) contract.ResponseCoverage {
		return contract.ResponseCoverage{Status: status, Source: source, Component: component, Seen: seen, Conforming: conforming}
	}
	op := func(id, method, path string, rs ...contract.ResponseCoverage) contract.OperationCoverage {
		return contract.OperationCoverage{Operation: id, Method: method, Path: path, Responses: rs}
	}
	tests := []struct {
		name    string
		cov     contract.CoverageReport
		targets []string
		descHas string
	}{
		{"nothing seen", contract.CoverageReport{Operations: []contract.OperationCoverage{
			op("list", "GET", "/backend/tokens", resp(401, "assumed", "Unauthorized", 0, 0)),
		}}, nil, ""},
		{"seen but not conforming", contract.CoverageReport{Operations: []contract.OperationCoverage{
			op("list", "GET", "/backend/tokens", resp(401, "assumed", "Unauthorized", 2, 0)),
		}}, nil, ""},
		{"documented responses are left alone", contract.CoverageReport{Operations: []contract.OperationCoverage{
			op("list", "GET", "/backend/tokens", resp(200, "documented", "", 2, 2)),
		}}, nil, ""},
		{"an inline response", contract.CoverageReport{Operations: []contract.OperationCoverage{
			op("list", "GET", "/backend/tokens", resp(418, "assumed", "", 1, 1)),
		}}, []string{"$.paths['/backend/tokens'].get.responses['418']"}, "1 exchange(s)"},
		{"a shared component is marked once and says who shares it", contract.CoverageReport{Operations: []contract.OperationCoverage{
			op("del", "DELETE", "/auth/backend", resp(401, "assumed", "Unauthorized", 0, 0)),
			op("list", "GET", "/backend/tokens", resp(401, "assumed", "Unauthorized", 3, 2)),
		}}, []string{"$.components.responses.Unauthorized"}, "shared by del 401, list 401"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			actions := overlay.ConfirmAssumed(tt.cov)
			var targets []string
			for _, a := range actions {
				targets = append(targets, a.Target)
				if u, ok := a.Update.(map[string]any); !ok || u["x-contract-source"] != "observed" {
					t.Errorf("%s: update %v, want x-contract-source: observed", a.Target, a.Update)
				}
				if a.Why == nil || a.Why.Finding != overlay.CoverageFinding {
					t.Errorf("%s: reason %+v", a.Target, a.Why)
				}
				if !strings.Contains(a.Description, tt.descHas) {
					t.Errorf("%s: description %q lacks %q", a.Target, a.Description, tt.descHas)
				}
			}
			if strings.Join(targets, " ") != strings.Join(tt.targets, " ") {
				t.Errorf("targets %v, want %v", targets, tt.targets)
			}
		})
	}
}

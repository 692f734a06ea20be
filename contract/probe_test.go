package contract_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// TestErrorProbesReadTheSpec: the probes' bounds come from the spec's
// paging, and each expects a status the list operation documents.
func TestErrorProbesReadTheSpec(t *testing.T) {
	probes, err := contract.ErrorProbes()
	if err != nil {
		t.Fatal(err)
	}
	p, err := openapi.ListPaging()
	if err != nil {
		t.Fatal(err)
	}
	op, err := openapi.ListOperation()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		query  string
		expect int
	}{
		"limit-over-maximum":   {"limit=" + strconv.Itoa(p.MaxLimit+1), 413},
		"limit-below-minimum":  {"limit=" + strconv.Itoa(p.MinLimit-1), 422},
		"offset-below-minimum": {"offset=" + strconv.Itoa(p.MinOffset-1), 422},
		"limit-wrong-type":     {"limit=ten", 422},
		"credentials-invalid":  {"", 401},
	}
	if len(probes) != len(want) {
		t.Fatalf("%d probes: %+v", len(probes), probes)
	}
	for _, pr := range probes {
		w, ok := want[pr.Name]
		if !ok || pr.Query != w.query || pr.Expect != w.expect || pr.BadToken != (pr.Name == "credentials-invalid") || pr.Why == "" {
			t.Errorf("probe %+v, want %+v", pr, w)
		}
		documented := false
		for _, st := range op.Statuses {
			documented = documented || st == pr.Expect
		}
		if !documented {
			t.Errorf("%s expects %d, which %s does not document", pr.Name, pr.Expect, op)
		}
	}
}

// TestCheckerJudgesProbes: an exchange whose User-Agent names a probe is
// judged against what the spec expects; one that names none, or names an
// unknown probe, is not.
func TestCheckerJudgesProbes(t *testing.T) {
	c := newChecker(t)
	tooLarge := envelope(413, "The limit parameter exceeded the maximum of 250.", "Request Entity Too Large")
	invalid := envelope(422, obj{{"limit", []any{"Ensure this value is less than or equal to 250."}}}, "Validation Error")
	unauthorized := envelope(401, "Invalid token header. The token is wrong or has been deleted.", "Unauthorized")
	tests := []struct {
		name, probe, query string
		status             int
		body               any
		wantID             string
		wantMsg            string
	}{
		{"413 as expected", "limit-over-maximum", "limit=251", 413, tooLarge, "", ""},
		{"422 for a limit over the maximum", "limit-over-maximum", "limit=251", 422, invalid, contract.IDProbeStatusDiffers, "limit-over-maximum (limit 251, over the maximum of 250) expected 413, got 422"},
		{"200 to a bad token", "credentials-invalid", "", 200, listBody(3, 10, 0), contract.IDProbeRefuted, "credentials-invalid (an authToken no store issued) expected 401, got 200"},
		{"401 as expected", "credentials-invalid", "", 401, unauthorized, "", ""},
		{"undocumented status", "limit-wrong-type", "limit=ten", 418, envelope(418, "teapot", "teapot"), contract.IDProbeRefuted, "got 418, which the operation does not document"},
		{"expected status, wrong envelope", "limit-below-minimum", "limit=0", 422, obj{{"error", "bad"}}, contract.IDProbeRefuted, "answered the expected 422, but not with the response"},
		{"no probe named", "", "limit=251", 422, invalid, "", ""},
		{"unknown probe", "limit-sideways", "limit=251", 422, invalid, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := list(tt.query, tt.status, tt.body, 1)
			if tt.probe != "" {
				ex.Request.Header.Set("User-Agent", contract.ProbeUserAgent("tokens-contract/test (live probe)", tt.probe))
			}
			var got []contract.Finding
			for _, f := range c.Check(ex).Findings {
				if f.ID == contract.IDProbeRefuted || f.ID == contract.IDProbeStatusDiffers {
					got = append(got, f)
				}
				// The bad token's 401 is what the probe asked for, not news.
				if f.ID == contract.IDCredentialsRejected && tt.probe == "credentials-invalid" {
					t.Errorf("the credentials-invalid probe's 401 gave %s", f.ID)
				}
			}
			switch {
			case tt.wantID == "" && len(got) != 0:
				t.Errorf("probe findings %+v, want none", got)
			case tt.wantID != "" && (len(got) != 1 || got[0].ID != tt.wantID || !strings.Contains(got[0].Message, tt.wantMsg)):
				t.Errorf("probe findings %+v, want one %s with %q", got, tt.wantID, tt.wantMsg)
			}
		})
	}
}

// The error probes live --probe-errors sends, read from the spec.
func ExampleErrorProbes() {
	probes, err := contract.ErrorProbes()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range probes {
		fmt.Printf("%s %q expects %d\n", p.Name, p.Query, p.Expect)
	}
	// Output:
	// limit-over-maximum "limit=251" expects 413
	// limit-below-minimum "limit=0" expects 422
	// offset-below-minimum "offset=-1" expects 422
	// limit-wrong-type "limit=ten" expects 422
	// credentials-invalid "" expects 401
}

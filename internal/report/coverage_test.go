package report_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/report"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// withCoverage adds to in the coverage of one list page and the age of two
// recordings, one of them named with a canary token.
func withCoverage(t *testing.T, in report.Input, canary string) report.Input {
	t.Helper()
	c, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	cv, err := contract.NewCoverage(c)
	if err != nil {
		t.Fatal(err)
	}
	ex := &contract.Exchange{
		Request: contract.Request{Method: "GET", URL: "https://x.test/api/io/backend/tokens"},
		Response: contract.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: []byte(`{"code":200,"data":[],"meta":{"message":"SUCCESS","pagination":{"totalCount":0,"offset":0,"limit":10}}}`)},
	}
	cv.Observe(ex, c.Check(ex))
	rep := cv.Report()
	in.Coverage = &rep
	at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	in.Ages = []contract.Age{
		contract.NewAge("a/"+canary+".yaml", []*contract.Exchange{{RecordedAt: at}}, "0.9.0", "1.1.0"),
		contract.NewAge("b.har", nil, "", "1.1.0"),
	}
	return in
}

func TestCoverageInEveryFormat(t *testing.T) {
	canary := synthetic.CanaryJWT(synthetic.CanaryEmail(), "s"+synthetic.RandomHex(5))
	in := withCoverage(t, sample(contract.Breaking), canary)
	want := map[string][]string{
		"text":     {"COVERAGE ", "$.data[*].eventChannel = admin", "EVIDENCE: oldest 2026-11-26T09:00:00Z, newest 2026-11-26T09:00:00Z", "under spec 0.9.0 (an older major version)", "b.har: undated, under spec unknown"},
		"markdown": {"### Coverage: ", "### Evidence: oldest 2026-11-26T09:00:00Z", "| 0.9.0 (older major version) |"},
		"json":     {`"coverage": {`, `"evidence": {`, `"olderMajor": true`},
		"junit":    {`<testsuite name="coverage"`, `<property name="coverage.percent"`, `<property name="evidence.oldest" value="2026-11-26T09:00:00Z">`},
		"github":   {"::notice title=coverage::coverage ", "::notice title=evidence::oldest 2026-11-26T09:00:00Z"},
		"sarif":    {`"coverage": {`, `"evidence": {`},
	}
	for _, format := range report.Formats {
		t.Run(format, func(t *testing.T) {
			out := render(t, format, in)
			if format == "sarif" {
				validSARIF(t, []byte(out))
			}
			if len(want[format]) == 0 {
				t.Fatalf("no expectation for %s", format)
			}
			for _, w := range want[format] {
				if !strings.Contains(out, w) {
					t.Errorf("%s lacks %q:\n%s", format, w, out)
				}
			}
			for _, part := range strings.Split(canary, ".") {
				if strings.Contains(out, part) {
					t.Errorf("%s holds the canary token from a recording's name", format)
				}
			}
		})
	}
}

func TestCoverageFloor(t *testing.T) {
	in := withCoverage(t, report.Input{Tool: "t", SpecVersion: "1", FailOn: contract.Additive}, "x")
	for _, tt := range []struct {
		floor    float64
		wantCode int
		verdict  string
	}{
		{0, exitcode.OK, "PASS"},
		{in.Coverage.Percent, exitcode.OK, "PASS"},
		{in.Coverage.Percent + 0.1, exitcode.Findings, "FAIL: coverage"},
		{100, exitcode.Findings, "FAIL: coverage"},
	} {
		in.MinCoverage = tt.floor
		if got := report.ExitCode(in); got != tt.wantCode {
			t.Errorf("floor %g with %.2f%%: exit %d, want %d", tt.floor, in.Coverage.Percent, got, tt.wantCode)
		}
		if out := render(t, "text", in); !strings.Contains(out, tt.verdict) {
			t.Errorf("floor %g: the text report lacks %q", tt.floor, tt.verdict)
		}
	}
}

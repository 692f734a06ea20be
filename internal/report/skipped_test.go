package report_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/report"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// TestJUnitSkippedNameHidesAuthToken: a skipped exchange whose URL path
// holds the recording's auth token (an opaque value no pattern knows) is
// counted under its reason and named by its source, never by its path.
func TestJUnitSkippedNameHidesAuthToken(t *testing.T) {
	auth := "opq" + synthetic.RandomHex(16)
	in := report.Input{Tool: "tokens-contract check", SpecVersion: "1.0.0", FailOn: contract.Additive,
		Sources: []report.Source{{Name: "rec.har", Results: []contract.Result{
			{Source: "rec.har#4", Method: "GET", Path: "/api/session/" + auth, Status: 200, Skipped: true,
				SkipReason: contract.SkipNotOperation, Findings: []contract.Finding{}},
		}}}}
	for _, format := range report.Formats {
		if out := render(t, format, in); strings.Contains(out, auth) {
			t.Errorf("the %s report names the skipped exchange by a path holding the auth token", format)
		}
	}
	out := render(t, "junit", in)
	if !strings.Contains(out, `<testcase name="skipped: not an operation of the contract" classname="rec.har">`) ||
		!strings.Contains(out, `<skipped message="1 exchange skipped: not an operation of the contract">the first: rec.har#4</skipped>`) {
		t.Fatalf("the skipped case lost its name, count or example:\n%s", out)
	}
}

// manySkipped is one HAR run with two checked exchanges (one with a
// breaking finding), n entries of other endpoints that its loader counted,
// and two checked-then-skipped exchanges (no response), plus a clean
// cassette run. Names and sources come from name.
func manySkipped(n int, name string) report.Input {
	var loader contract.Skips
	for i := range n {
		loader.Add(fmt.Sprintf("%s#%d", name, i+2), contract.SkipNotOperation)
	}
	return report.Input{Tool: "tokens-contract check", SpecVersion: "1.0.0", FailOn: contract.Additive,
		Sources: []report.Source{
			{Name: name, Skipped: loader, Results: []contract.Result{
				{Source: name + "#0", Method: "GET", Path: "/backend/tokens", Operation: "get-backend-tokens", Status: 200, Findings: []contract.Finding{
					finding(contract.IDMissingField, contract.Breaking, "$.data[*].storeHash", "required field \"storeHash\" is missing", name+"#0"),
				}},
				{Source: name + "#1", Method: "GET", Path: "/backend/tokens", Operation: "get-backend-tokens", Status: 200, Findings: []contract.Finding{}},
				{Source: name + "#x", Method: "GET", Skipped: true, SkipReason: contract.SkipNoResponse, Findings: []contract.Finding{}},
				{Source: name + "#y", Method: "GET", Skipped: true, SkipReason: contract.SkipNoResponse, Findings: []contract.Finding{}},
			}},
			{Name: "b.yaml", Results: []contract.Result{{Source: "b.yaml#0", Method: "DELETE", Path: "/auth/backend", Operation: "delete-auth-backend", Status: 200, Findings: []contract.Finding{}}}},
		}}
}

// TestManySkippedInEveryFormat: a run with a million skipped entries gives
// the exact counts in every format, and a report no larger than one with a
// hundred: skipped exchanges are summarised per reason, never listed.
func TestManySkippedInEveryFormat(t *testing.T) {
	const n = 1_000_000
	in := manySkipped(n, "proxy.har")
	if s := report.Summarize(in); s.Exchanges != 3 || s.Skipped != n+2 || s.Runs != 2 || s.Breaking != 1 {
		t.Fatalf("summary %+v, want 3 exchanges, %d skipped, 2 runs, 1 breaking", s, n+2)
	}
	want := map[string][]string{
		"text": {"3 exchanges checked in 2 runs (1000002 skipped)\n",
			"proxy.har: 2 exchanges (+1000002 skipped), 1 breaking"},
		"markdown": {"| 2 | 3 | 1000002 | 1 | 0 |"},
		"json":     {`"skipped": 1000002`},
		"junit": {`<testsuites name="tokens-contract check" tests="5" failures="1" errors="0" skipped="2">`,
			`<property name="skipped-exchanges" value="1000002">`,
			`<skipped message="1000000 exchanges skipped: not an operation of the contract">the first: proxy.har#2, proxy.har#3, proxy.har#4 and 999997 more</skipped>`,
			`<skipped message="2 exchanges skipped: no response was recorded (status 0: the request failed or was blocked)">the first: proxy.har#x, proxy.har#y</skipped>`},
		"github": {"::notice title=tokens-contract check::3 exchanges (1000002 skipped): 1 breaking"},
		"sarif":  {`"exchanges": 3`, `"skipped": 1000002`},
	}
	small := manySkipped(100, "proxy.har")
	for _, format := range report.Formats {
		t.Run(format, func(t *testing.T) {
			out := render(t, format, in)
			if format == "sarif" {
				validSARIF(t, []byte(out))
			}
			for _, w := range want[format] {
				if !strings.Contains(out, w) {
					t.Errorf("%s lacks %q:\n%s", format, w, out)
				}
			}
			if len(want[format]) == 0 {
				t.Fatalf("no expectation for %s", format)
			}
			// The counts' digits are the only difference from a run of 100.
			if base := render(t, format, small); len(out) > len(base)+64 {
				t.Errorf("%s: %d bytes for a million skipped entries, %d for a hundred", format, len(out), len(base))
			}
			if strings.Contains(out, "proxy.har#5") {
				t.Errorf("%s lists a skipped entry beyond the first %d", format, contract.MaxSkipExamples)
			}
		})
	}
}

// TestJSONSkipped: "skipped" has one object per run and reason, with the
// fields it always had (source, reason) and the count, examples and run.
func TestJSONSkipped(t *testing.T) {
	out := render(t, "json", manySkipped(5, "proxy.har"))
	var rep struct {
		Summary report.Summary
		Skipped []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"source": "proxy.har#2", "reason": contract.SkipNotOperation, "count": 5.0, "run": "proxy.har",
			"sources": []any{"proxy.har#2", "proxy.har#3", "proxy.har#4"}},
		{"source": "proxy.har#x", "reason": contract.SkipNoResponse, "count": 2.0, "run": "proxy.har",
			"sources": []any{"proxy.har#x", "proxy.har#y"}},
	}
	if !reflect.DeepEqual(rep.Skipped, want) {
		t.Errorf("skipped:\n%v\nwant\n%v", rep.Skipped, want)
	}
	total := 0
	for _, s := range rep.Skipped {
		total += int(s["count"].(float64))
	}
	if total != rep.Summary.Skipped || total != 7 {
		t.Errorf("the counts sum to %d, summary.skipped is %d, want 7", total, rep.Summary.Skipped)
	}
	// A run that skipped nothing has no entry, and the array is never null.
	out = render(t, "json", report.Input{Sources: []report.Source{{Name: "b.yaml"}}})
	if !strings.Contains(out, `"skipped": []`) {
		t.Errorf("no skipped exchanges: want an empty array:\n%s", out)
	}
}

// TestJUnitSkippedCounts: the JUnit document stays consistent (tests and
// skipped count its test cases) while the property gives the exact total.
func TestJUnitSkippedCounts(t *testing.T) {
	out := render(t, "junit", manySkipped(10, "proxy.har"))
	var doc struct {
		Tests   int `xml:"tests,attr"`
		Skipped int `xml:"skipped,attr"`
		Suites  []struct {
			Name       string `xml:"name,attr"`
			Tests      int    `xml:"tests,attr"`
			Skipped    int    `xml:"skipped,attr"`
			Properties []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	cases, skipped := 0, 0
	for _, s := range doc.Suites {
		n := 0
		for _, c := range s.Cases {
			if c.Skipped != nil {
				n++
			}
		}
		if len(s.Cases) != s.Tests || n != s.Skipped {
			t.Errorf("suite %s: %d cases (%d skipped), attributes say %d (%d)", s.Name, len(s.Cases), n, s.Tests, s.Skipped)
		}
		cases += len(s.Cases)
		skipped += n
	}
	if doc.Tests != cases || doc.Skipped != skipped {
		t.Errorf("testsuites: tests %d skipped %d, want %d and %d", doc.Tests, doc.Skipped, cases, skipped)
	}
	p := doc.Suites[0].Properties
	if len(p) != 1 || p[0].Name != "skipped-exchanges" || p[0].Value != "12" {
		t.Errorf("proxy.har properties %+v, want skipped-exchanges 12", p)
	}
	if len(doc.Suites[1].Properties) != 0 {
		t.Errorf("a run that skipped nothing has properties %+v", doc.Suites[1].Properties)
	}
}

// TestSkippedSummaryLeaksNothing: a canary token and email in the run's
// name, in the sources of skipped entries and in a skip reason reach no
// format.
func TestSkippedSummaryLeaksNothing(t *testing.T) {
	email := synthetic.CanaryEmail()
	canary := synthetic.CanaryJWT(email, "s"+synthetic.RandomHex(5))
	name := "exports/" + canary + ".har"
	in := manySkipped(1000, name)
	in.Sources[0].Results = append(in.Sources[0].Results, contract.Result{Source: name + "#z", Skipped: true,
		SkipReason: "refused for " + email + " with " + canary, Findings: []contract.Finding{}})
	for _, format := range report.Formats {
		out := render(t, format, in)
		for _, part := range append(strings.Split(canary, "."), email) {
			if strings.Contains(out, part) {
				t.Errorf("%s holds a canary secret from a skipped entry", format)
			}
		}
		if s := report.Summarize(in); !strings.Contains(out, fmt.Sprint(s.Skipped)) {
			t.Errorf("%s lost the skipped count %d", format, s.Skipped)
		}
	}
}

package report

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	sarif "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/ghannot"
)

// coverageRow is one line of the coverage table: one documented behaviour
// and what the evidence showed of it.
type coverageRow struct {
	op      string
	kind    string // status, property, enum, parameter, header
	item    string
	seen    string
	note    string
	covered bool
}

// coverageRows flattens a coverage report into the table every format
// shows. Properties, enum values and headers are listed for the responses
// that were seen; a response never seen is one status row.
func coverageRows(cr *contract.CoverageReport) []coverageRow {
	var rows []coverageRow
	for _, o := range cr.Operations {
		add := func(kind, item, seen, note string, covered bool) {
			rows = append(rows, coverageRow{op: o.Operation, kind: kind, item: item, seen: seen, note: note, covered: covered})
		}
		for _, r := range o.Responses {
			note := r.Source
			if r.Component != "" {
				note += " (" + r.Component + ")"
			}
			if r.Confirmed() {
				note += ": seen conforming, may be marked observed (--suggest-overlay)"
			}
			if r.Seen == 0 {
				note += fmt.Sprintf(": never seen (%d properties, %d headers uncovered)", len(r.Properties), len(r.Headers))
			}
			add("status", strconv.Itoa(r.Status), fmt.Sprintf("%d (%d conforming)", r.Seen, r.Conforming), strings.TrimPrefix(note, ": "), r.Seen > 0)
		}
		for _, u := range o.Undocumented {
			add("status", strconv.Itoa(u.Status), strconv.Itoa(u.Seen), "undocumented (see the findings)", false)
		}
		for _, r := range o.Responses {
			if r.Seen == 0 {
				continue
			}
			for _, p := range r.Properties {
				add("property", fmt.Sprintf("%d %s", r.Status, p.Path),
					fmt.Sprintf("present %d, absent %d, null %d", p.Present, p.Absent, p.Null), "", p.Present > 0)
			}
			for _, e := range r.Enums {
				for _, v := range e.Values {
					add("enum", fmt.Sprintf("%d %s = %s", r.Status, e.Path, v.Value), strconv.Itoa(v.Seen), "", v.Seen > 0)
				}
				if e.Other > 0 {
					add("enum", fmt.Sprintf("%d %s outside the enum", r.Status, e.Path), strconv.Itoa(e.Other), "see enum-mismatch findings", false)
				}
			}
			for _, h := range r.Headers {
				add("header", fmt.Sprintf("%d %s", r.Status, h.Name), fmt.Sprintf("%d of %d", h.Seen, r.Seen), "", h.Seen > 0)
			}
		}
		for _, p := range o.Parameters {
			add("parameter", p.Describe(), strconv.Itoa(p.Seen), "", p.Seen > 0)
		}
	}
	return rows
}

func coverageHeadline(in Input) string {
	cr := in.Coverage
	s := fmt.Sprintf("%.1f%% (%d of %d behaviours seen in %s); %s", cr.Percent, cr.Covered, cr.Total, plural(cr.Exchanges, "exchange"), scopedTotals(cr))
	if in.MinCoverage > 0 {
		s += fmt.Sprintf("; floor %g%% of %s", in.MinCoverage, scopeOf(in))
		if belowFloor(in) {
			s += ": BELOW THE FLOOR"
		}
	}
	return s
}

// scopedTotals renders the called-scope totals (contract.Coverage's doc
// defines them).
func scopedTotals(cr *contract.CoverageReport) string {
	return fmt.Sprintf("called operations %s, documented behaviours seen %s, assumed behaviours confirmed %s",
		totalText(cr.Called), totalText(cr.Documented), totalText(cr.AssumedConfirmed))
}

func totalText(t contract.CoverageTotal) string {
	return fmt.Sprintf("%.1f%% (%d of %d)", t.Percent, t.Covered, t.Total)
}

// operationLine is one operation's figures.
func operationLine(o contract.OperationCoverage) string {
	return fmt.Sprintf("%s %s (%s): documented %s, assumed confirmed %s",
		totalText(contract.CoverageTotal{Covered: o.Covered, Total: o.Total, Percent: o.Percent}),
		o.Operation, plural(o.Exchanges, "exchange"), totalText(o.Documented), totalText(o.AssumedConfirmed))
}

// scopeOf is the scope the floor applies to.
func scopeOf(in Input) contract.CoverageScope {
	if in.CoverageScope == "" {
		return contract.ScopeAll
	}
	return in.CoverageScope
}

// floorTotal is the total the floor is compared with.
func floorTotal(in Input) contract.CoverageTotal {
	return in.Coverage.Scope(scopeOf(in))
}

// belowFloor reports whether --min-coverage fails the run.
func belowFloor(in Input) bool {
	return in.Coverage != nil && in.MinCoverage > 0 && floorTotal(in).Percent < in.MinCoverage
}

func mark(covered bool) string {
	if covered {
		return "yes"
	}
	return "no"
}

func writeCoverageText(b *bufio.Writer, in Input) {
	if in.Coverage == nil {
		return
	}
	fmt.Fprintf(b, "\nCOVERAGE %s\n", coverageHeadline(in))
	for _, o := range in.Coverage.Operations {
		fmt.Fprintf(b, "  %s\n", operationLine(o))
	}
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  operation\tkind\titem\tseen\tcovered\tnote\n")
	for _, r := range coverageRows(in.Coverage) {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", r.op, r.kind, terminalSafe(r.item), r.seen, mark(r.covered), r.note)
	}
	_ = tw.Flush()
	for line := range strings.Lines(table.String()) {
		b.WriteString(strings.TrimRight(line, " \n") + "\n")
	}
}

func writeCoverageMarkdown(b *bufio.Writer, in Input) {
	if in.Coverage == nil {
		return
	}
	fmt.Fprintf(b, "\n### Coverage: %s\n\n", mdEscape(coverageHeadline(in)))
	fmt.Fprintf(b, "| operation | exchanges | coverage | documented seen | assumed confirmed |\n|---|---:|---:|---:|---:|\n")
	for _, o := range in.Coverage.Operations {
		fmt.Fprintf(b, "| `%s` | %d | %s | %s | %s |\n", o.Operation, o.Exchanges,
			totalText(contract.CoverageTotal{Covered: o.Covered, Total: o.Total, Percent: o.Percent}), totalText(o.Documented), totalText(o.AssumedConfirmed))
	}
	b.WriteString("\n")
	fmt.Fprintf(b, "| operation | kind | item | seen | covered | note |\n|---|---|---|---:|---|---|\n")
	for _, r := range coverageRows(in.Coverage) {
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s | %s |\n", r.op, r.kind, mdCode(r.item), r.seen, mark(r.covered), mdEscape(r.note))
	}
}

// evidence is the report's account of how old the evidence is.
type evidence struct {
	Oldest     time.Time      `json:"oldest,omitzero"`
	Newest     time.Time      `json:"newest,omitzero"`
	Recordings []contract.Age `json:"recordings"`
}

func evidenceOf(in Input) *evidence {
	if len(in.Ages) == 0 {
		return nil
	}
	e := &evidence{}
	e.Oldest, e.Newest = contract.Span(in.Ages)
	for _, a := range in.Ages {
		a.Name = clean(a.Name)
		e.Recordings = append(e.Recordings, a)
	}
	return e
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format(time.RFC3339)
}

func writeEvidenceText(b *bufio.Writer, in Input) {
	e := evidenceOf(in)
	if e == nil {
		return
	}
	fmt.Fprintf(b, "\nEVIDENCE: oldest %s, newest %s\n", stamp(e.Oldest), stamp(e.Newest))
	for _, a := range e.Recordings {
		fmt.Fprintf(b, "  %s: %s\n", terminalSafe(a.Name), a.Describe())
	}
}

func writeEvidenceMarkdown(b *bufio.Writer, in Input) {
	e := evidenceOf(in)
	if e == nil {
		return
	}
	fmt.Fprintf(b, "\n### Evidence: oldest %s, newest %s\n\n", stamp(e.Oldest), stamp(e.Newest))
	fmt.Fprintf(b, "| recording | recorded | spec version |\n|---|---|---|\n")
	for _, a := range e.Recordings {
		when := stamp(a.Oldest)
		if !a.Oldest.Equal(a.Newest) {
			when += " to " + stamp(a.Newest)
		}
		spec := mdEscape(a.SpecVersion)
		if a.OlderMajor {
			spec += " (older major version)"
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", mdCode(a.Name), when, spec)
	}
}

// coverageProperties are the JUnit and SARIF properties of the coverage and
// evidence: name, value pairs in a stable order.
func coverageProperties(in Input) [][2]string {
	var out [][2]string
	if cr := in.Coverage; cr != nil {
		out = append(out,
			[2]string{"coverage.percent", strconv.FormatFloat(cr.Percent, 'f', 1, 64)},
			[2]string{"coverage.covered", strconv.Itoa(cr.Covered)},
			[2]string{"coverage.total", strconv.Itoa(cr.Total)})
		for _, sc := range contract.CoverageScopes[1:] {
			t := cr.Scope(sc)
			out = append(out,
				[2]string{"coverage." + string(sc) + ".percent", strconv.FormatFloat(t.Percent, 'f', 1, 64)},
				[2]string{"coverage." + string(sc) + ".covered", strconv.Itoa(t.Covered)},
				[2]string{"coverage." + string(sc) + ".total", strconv.Itoa(t.Total)})
		}
		if in.MinCoverage > 0 {
			out = append(out, [2]string{"coverage.floor", strconv.FormatFloat(in.MinCoverage, 'g', -1, 64)},
				[2]string{"coverage.floor.scope", string(scopeOf(in))})
		}
		for _, o := range cr.Operations {
			out = append(out, [2]string{"coverage." + o.Operation + ".percent", strconv.FormatFloat(o.Percent, 'f', 1, 64)})
		}
		for _, r := range coverageRows(cr) {
			out = append(out, [2]string{fmt.Sprintf("coverage.%s.%s.%s", r.op, r.kind, r.item), r.seen})
		}
	}
	if e := evidenceOf(in); e != nil {
		out = append(out, [2]string{"evidence.oldest", stamp(e.Oldest)}, [2]string{"evidence.newest", stamp(e.Newest)})
	}
	return out
}

// junitCoverageSuite is the suite that carries the coverage and evidence as
// properties, with one test case for the floor when --min-coverage is set.
func junitCoverageSuite(in Input) (junitSuite, bool) {
	props := coverageProperties(in)
	if len(props) == 0 {
		return junitSuite{}, false
	}
	s := junitSuite{Name: "coverage"}
	if in.Coverage == nil {
		s.Name = "evidence"
	}
	for _, p := range props {
		s.Properties = append(s.Properties, junitProperty{Name: clean(p[0]), Value: clean(p[1])})
	}
	if in.Coverage != nil && in.MinCoverage > 0 {
		tc := junitCase{Name: fmt.Sprintf("coverage at least %g%%", in.MinCoverage), Classname: "coverage"}
		if belowFloor(in) {
			tc.Failure = &junitMessage{Message: coverageHeadline(in), Type: "coverage-below-floor"}
			s.Failures++
		}
		s.Cases = append(s.Cases, tc)
		s.Tests++
	}
	return s, true
}

func sarifCoverageProperties(in Input, props *sarif.PropertyBag) {
	if cr := in.Coverage; cr != nil {
		ops := map[string]any{}
		for _, o := range cr.Operations {
			ops[o.Operation] = map[string]any{"percent": o.Percent, "covered": o.Covered, "total": o.Total, "exchanges": o.Exchanges,
				"documented": o.Documented, "assumedConfirmed": o.AssumedConfirmed}
		}
		props.Add("coverage", map[string]any{"percent": cr.Percent, "covered": cr.Covered, "total": cr.Total,
			"called": cr.Called, "documented": cr.Documented, "assumedConfirmed": cr.AssumedConfirmed,
			"operations": ops, "uncovered": cr.Uncovered()})
		if in.MinCoverage > 0 {
			props.Add("minCoverage", in.MinCoverage)
			props.Add("coverageScope", string(scopeOf(in)))
		}
	}
	if e := evidenceOf(in); e != nil {
		props.Add("evidence", e)
	}
}

// writeCoverageGitHub writes the coverage headline and the evidence span as
// notices (an error when the coverage is below the floor).
func writeCoverageGitHub(b *bufio.Writer, in Input) {
	if e := evidenceOf(in); e != nil {
		fmt.Fprintf(b, "::notice title=%s::%s\n", ghannot.Property("evidence"),
			ghannot.Data(fmt.Sprintf("oldest %s, newest %s, in %s", stamp(e.Oldest), stamp(e.Newest), plural(len(e.Recordings), "recording"))))
	}
	if in.Coverage == nil {
		return
	}
	level := "notice"
	if belowFloor(in) {
		level = "error"
	}
	msg := "coverage " + coverageHeadline(in)
	var per []string
	for _, o := range in.Coverage.Operations {
		per = append(per, operationLine(o))
	}
	msg += ". Per operation: " + strings.Join(per, "; ")
	if un := in.Coverage.Uncovered(); len(un) > 0 {
		msg += ". Not seen: " + strings.Join(un, "; ")
	}
	fmt.Fprintf(b, "::%s title=%s::%s\n", level, ghannot.Property("coverage"), ghannot.Data(msg))
}

package overlay

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/b2b-contract/s2s-tokens/contract"
)

// CoverageFinding is the Finding of the x-tokens-contract reason of an
// action ConfirmAssumed makes: it comes from coverage, not from a finding.
const CoverageFinding = "coverage"

// ConfirmAssumed returns one action per response that the spec marks
// x-contract-source: assumed and that the evidence (a coverage report,
// contract.Coverage) shows conforming: the action sets x-contract-source to
// observed. A response the operation takes from components/responses is
// marked there, since an OpenAPI 3.0 $ref has no siblings; the action's
// description names every operation that shares it, and a component is
// marked once however many of them confirm it.
func ConfirmAssumed(cov contract.CoverageReport) []Action {
	type comp struct {
		seen, conforming int
		confirmedBy      []string
		sharedBy         []string
	}
	comps := map[string]*comp{}
	var order []string
	var out []Action
	for _, a := range cov.Assumed() {
		r := a.Response
		label := fmt.Sprintf("%s %d", a.Operation, r.Status)
		if r.Component != "" {
			c := comps[r.Component]
			if c == nil {
				c = &comp{}
				comps[r.Component] = c
				order = append(order, r.Component)
			}
			c.sharedBy = append(c.sharedBy, label)
			if r.Confirmed() {
				c.seen += r.Seen
				c.conforming += r.Conforming
				c.confirmedBy = append(c.confirmedBy, label)
			}
			continue
		}
		if !r.Confirmed() {
			continue
		}
		out = append(out, Action{
			Target:      "$.paths" + member(a.Path) + member(strings.ToLower(a.Method)) + ".responses" + member(strconv.Itoa(r.Status)),
			Description: fmt.Sprintf("Mark the %d response observed: %d exchange(s) showed it conforming.", r.Status, r.Conforming),
			Update:      map[string]any{"x-contract-source": "observed"},
			Why:         &Reason{Finding: CoverageFinding, Operation: a.Operation, Path: strconv.Itoa(r.Status), Exchanges: r.Conforming, Sources: []string{}},
		})
	}
	for _, name := range order {
		c := comps[name]
		if len(c.confirmedBy) == 0 {
			continue
		}
		desc := fmt.Sprintf("Mark the shared response %s observed: %d exchange(s) of %s showed it conforming.",
			name, c.conforming, strings.Join(c.confirmedBy, ", "))
		if len(c.sharedBy) > len(c.confirmedBy) {
			desc += fmt.Sprintf(" It is shared by %s: the others are not confirmed yet; give them a copy marked assumed if that matters.",
				strings.Join(c.sharedBy, ", "))
		}
		out = append(out, Action{
			Target:      "$.components.responses" + member(name),
			Description: desc,
			Update:      map[string]any{"x-contract-source": "observed"},
			Why:         &Reason{Finding: CoverageFinding, Operation: strings.Join(c.confirmedBy, ", "), Path: "#/components/responses/" + name, Exchanges: c.conforming, Sources: []string{}},
		})
	}
	return out
}

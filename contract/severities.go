package contract

import (
	"fmt"
	"sort"
	"strings"
)

// Severities overrides the severity of findings by id: a team that wants
// stale evidence (recording-stale, info by default) to fail its run raises it
// to additive, and one that tolerates a known deprecation lowers it to info.
// Only ids of the rule table may be named. The zero value overrides nothing.
//
// A *Severities is a flag.Value: each "ID=SEVERITY" adds one override
// (tokens-contract check and live take it as --severity, repeatable).
type Severities map[string]Severity

// Set adds one override written as ID=SEVERITY, as a flag gives it.
func (s *Severities) Set(v string) error {
	id, name, ok := strings.Cut(v, "=")
	if !ok || id == "" {
		return fmt.Errorf("%q: want ID=SEVERITY, such as recording-stale=additive", v)
	}
	if _, known := rules[id]; !known {
		return fmt.Errorf("%q: %q is not a finding id (tokens-contract check --help lists where they are documented)", v, id)
	}
	sev, err := ParseSeverity(name)
	if err != nil {
		return fmt.Errorf("%q: %w", v, err)
	}
	if *s == nil {
		*s = Severities{}
	}
	(*s)[id] = sev
	return nil
}

// String lists the overrides as ID=SEVERITY, sorted by id.
func (s *Severities) String() string {
	if s == nil {
		return ""
	}
	out := make([]string, 0, len(*s))
	for id, sev := range *s {
		out = append(out, id+"="+sev.String())
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// Apply sets the overridden severities on findings, in place.
func (s Severities) Apply(findings []Finding) {
	if len(s) == 0 {
		return
	}
	for i := range findings {
		if sev, ok := s[findings[i].ID]; ok {
			findings[i].Severity = sev
		}
	}
}

// ApplyResults sets the overridden severities on every finding of results.
func (s Severities) ApplyResults(results []Result) {
	for i := range results {
		s.Apply(results[i].Findings)
	}
}

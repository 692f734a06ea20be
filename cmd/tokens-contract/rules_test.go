package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
)

// TestRulesListTheRegistry: "rules --format json" lists every rule of the
// registry the reports use, once, with its layer, severity, summary and
// advice, and nothing else; the text format names every id under its layer.
func TestRulesListTheRegistry(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "rules", "--format", "json")
	if code != exitcode.OK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Rules []ruleJSON `json:"rules"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	want := contract.Rules()
	if len(got.Rules) != len(want) {
		t.Errorf("%d rules listed, the registry has %d", len(got.Rules), len(want))
	}
	seen := map[string]bool{}
	for _, r := range got.Rules {
		reg, ok := contract.RuleFor(r.ID)
		switch {
		case !ok:
			t.Errorf("%s is listed but not in the registry", r.ID)
		case seen[r.ID]:
			t.Errorf("%s is listed twice", r.ID)
		case r.Severity != reg.Severity.String() || r.Layer != string(reg.Layer) || r.Summary != reg.Summary || r.Advice != reg.Advice:
			t.Errorf("%s: listed %+v, registry %+v", r.ID, r, reg)
		}
		seen[r.ID] = true
	}
	for _, r := range want {
		if !seen[r.ID] {
			t.Errorf("%s is in the registry but not listed", r.ID)
		}
	}

	code, text, stderr := runCLI(t, "rules")
	if code != exitcode.OK {
		t.Fatalf("text: exit %d: %s", code, stderr)
	}
	for _, r := range want {
		if !strings.Contains(text, "  "+r.ID+" ("+r.Severity.String()+")\n") || !strings.Contains(text, strings.ToUpper(string(r.Layer))+"\n") {
			t.Errorf("the text listing lacks %s (%s) under %s", r.ID, r.Severity, r.Layer)
		}
	}
}

func TestRulesRefusesBadInvocations(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"rules", "--format", "yaml"}, {"rules", "extra"}, {"rules", "--nope"}} {
		if code, stdout, _ := runCLI(t, args...); code != exitcode.Usage || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q; want exit %d and nothing on stdout", args, code, stdout, exitcode.Usage)
		}
	}
}

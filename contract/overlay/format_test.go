package overlay_test

import (
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract/overlay"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// TestApplyKeepsUntouchedLines: applying an overlay rewrites only what its
// actions target: every line of the spec is still there, in order (a folded
// description stays folded, a quoted status stays quoted, comments stay),
// and the only lines added are the action's.
func TestApplyKeepsUntouchedLines(t *testing.T) {
	doc := []byte(`overlay: 1.0.0
info:
  title: one action
  version: 1.0.0
actions:
  - target: $.paths['/backend/tokens'].get
    description: Record a sunset.
    update:
      x-sunset: "2027-01-01T00:00:00Z"
`)
	patched, _, err := overlay.Apply(openapi.YAML(), "one.yaml", doc)
	if err != nil {
		t.Fatal(err)
	}
	orig := strings.Split(strings.TrimSuffix(string(openapi.YAML()), "\n"), "\n")
	got := strings.Split(strings.TrimSuffix(string(patched), "\n"), "\n")
	// orig must be a subsequence of got, and what got adds is the action.
	var added []string
	i := 0
	for _, line := range got {
		if i < len(orig) && line == orig[i] {
			i++
			continue
		}
		added = append(added, line)
	}
	if i < len(orig) {
		t.Errorf("line %d of the spec is gone or rewritten: %q (%d lines added before it: %q)", i+1, orig[i], len(added), first(added, 5))
	}
	if len(added) != 1 || !strings.Contains(added[0], "x-sunset") {
		t.Errorf("the patch added %d lines %q; want only the x-sunset line", len(added), first(added, 5))
	}
}

func first(s []string, n int) []string { return s[:min(n, len(s))] }

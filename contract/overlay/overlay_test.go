package overlay_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/overlay"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/specguard"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

const driftDir = "../testdata/drift"

var embedded = sync.OnceValues(func() (*contract.Checker, error) { return contract.New() })

// check checks one recording with c and returns its evidence.
func check(t *testing.T, c *contract.Checker, rec *recording.Recording) []overlay.Evidence {
	t.Helper()
	results := c.CheckSequence(context.Background(), rec.Exchanges)
	ev := make([]overlay.Evidence, len(results))
	for i, r := range results {
		ev[i] = overlay.Evidence{Result: r, Exchange: rec.Exchanges[i]}
		if rec.Provenance != nil {
			ev[i].At = rec.Provenance.RecordedAt
		}
	}
	return ev
}

// findingKeys lists "id at path" for every finding of the evidence.
func findingKeys(ev []overlay.Evidence) []string {
	var out []string
	for _, e := range ev {
		for _, f := range e.Result.Findings {
			out = append(out, f.ID+" at "+f.Path)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestRoundTripOverTheDriftCorpus walks the loop for every drift case:
// suggest an overlay from the findings, apply it to the spec, check the same
// recording against the patched spec. For every case whose findings the spec
// can absorb, the absorbed findings are gone and nothing new appears; for
// every case it cannot absorb, no action is suggested.
func TestRoundTripOverTheDriftCorpus(t *testing.T) {
	c, err := embedded()
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := recording.LoadPaths([]string{driftDir})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	absorbedCases := 0
	for _, rec := range recs {
		t.Run(filepath.Base(rec.Path), func(t *testing.T) {
			before := check(t, c, rec)
			sug, err := overlay.Suggest(openapi.YAML(), "test", before)
			if err != nil {
				t.Fatal(err)
			}
			absorbable := false
			for _, k := range findingKeys(before) {
				id, _, _ := strings.Cut(k, " at ")
				absorbable = absorbable || overlay.Absorbable(id)
			}
			if !absorbable {
				if len(sug.Document.Actions) > 0 {
					t.Fatalf("findings %v are not absorbable, yet %d actions were suggested", findingKeys(before), len(sug.Document.Actions))
				}
				return
			}
			if len(sug.Document.Actions) == 0 {
				t.Fatalf("absorbable findings %v, but no action (warnings: %v)", findingKeys(before), sug.Warnings)
			}
			doc, err := sug.YAML()
			if err != nil {
				t.Fatal(err)
			}
			patched, warnings, err := overlay.Apply(openapi.YAML(), "suggested.yaml", doc)
			if err != nil {
				t.Fatalf("applying the suggestion: %v\n%s", err, doc)
			}
			if len(warnings) > 0 {
				t.Errorf("the engine warned: %v\n%s", warnings, doc)
			}
			pc, err := contract.New(contract.WithSpec("patched.yaml", patched))
			if err != nil {
				t.Fatalf("the patched spec does not build a checker: %v\n%s", err, doc)
			}
			after := findingKeys(check(t, pc, rec))
			for _, k := range after {
				id, _, _ := strings.Cut(k, " at ")
				if overlay.Absorbable(id) {
					t.Errorf("%s survived the patch:\n%s", k, doc)
				}
				// The generated client is this build's, made from the
				// unpatched spec: until it is regenerated it may lose what
				// the patch now allows (a null in a Go string). That is
				// the client layer's job to say; anything else is new.
				if r, _ := contract.RuleFor(id); !slices.Contains(findingKeys(before), k) && r.Layer != contract.LayerClient {
					t.Errorf("%s is new after the patch:\n%s", k, doc)
				}
			}
			absorbedCases++
		})
	}
	if absorbedCases < 8 {
		t.Errorf("only %d drift cases were absorbed; the corpus has more absorbable drift", absorbedCases)
	}
}

// The suggested overlay for a new field: an optional property with the type
// and format of what was observed, and the evidence; never a value.
func TestSuggestNewField(t *testing.T) {
	c, err := embedded()
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := recording.LoadPaths([]string{filepath.Join(driftDir, "field-added-item.yaml")})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	ev := check(t, c, recs[0])
	sug, err := overlay.Suggest(openapi.YAML(), "test", ev)
	if err != nil {
		t.Fatal(err)
	}
	if len(sug.Document.Actions) != 1 {
		t.Fatalf("%d actions, want 1", len(sug.Document.Actions))
	}
	a := sug.Document.Actions[0]
	prop := a.Update.(map[string]any)["createdAt"].(map[string]any)
	if a.Target != "$.components.schemas.Token.properties" || prop["type"] != "integer" || prop["format"] != nil || prop["x-contract-source"] != "observed" {
		t.Errorf("action = %s %+v", a.Target, prop)
	}
	if a.Why.Finding != contract.IDUnknownField || a.Why.Exchanges != 1 || a.Why.FirstSeen == "" || len(a.Why.Sources) != 1 {
		t.Errorf("why = %+v", a.Why)
	}
	doc, _ := sug.YAML()
	var back map[string]any
	if err := yaml.Unmarshal(doc, &back); err != nil || back["overlay"] != "1.0.0" {
		t.Errorf("the document does not read back as an Overlay 1.0.0: %v\n%s", err, doc)
	}
}

// Type inference over observed values.
func TestInfer(t *testing.T) {
	body := func(v string) *contract.Exchange {
		return &contract.Exchange{Response: contract.Response{Status: 200, Body: []byte(`{"code":200,"data":[{"x":` + v + `}]}`)}}
	}
	tests := []struct {
		values []string
		want   map[string]any
	}{
		{[]string{"1", "2"}, map[string]any{"type": "integer"}},
		{[]string{"1", "2.5"}, map[string]any{"type": "number"}},
		{[]string{"1", "null"}, map[string]any{"type": "integer", "nullable": true}},
		{[]string{"null", "null"}, map[string]any{"nullable": true}},
		{[]string{`"a@example.com"`}, map[string]any{"type": "string", "format": "email"}},
		{[]string{`"https://example.test/x"`}, map[string]any{"type": "string", "format": "uri"}},
		{[]string{`"123e4567-e89b-12d3-a456-426614174000"`}, map[string]any{"type": "string", "format": "uuid"}},
		{[]string{`"2026-01-02T03:04:05Z"`, `"2026-01-02T03:04:05+02:00"`}, map[string]any{"type": "string", "format": "date-time"}},
		{[]string{`"2026-01-02T03:04:05Z"`, `"soon"`}, map[string]any{"type": "string"}},
		{[]string{"true"}, map[string]any{"type": "boolean"}},
		{[]string{"1", `"a"`}, map[string]any{}},
		{[]string{`{"a":1}`}, map[string]any{"type": "object"}},
		{[]string{`[1]`}, map[string]any{"type": "array", "items": map[string]any{"type": "integer"}}},
		{[]string{`[]`}, map[string]any{"type": "array", "items": map[string]any{}}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.values, ","), func(t *testing.T) {
			var ev []overlay.Evidence
			for i, v := range tt.values {
				ev = append(ev, overlay.Evidence{
					Result: contract.Result{Source: fmt.Sprintf("r#%d", i), Operation: "get-backend-tokens", Status: 200,
						Findings: []contract.Finding{{ID: contract.IDUnknownField, Path: "$.data[*].x"}}},
					Exchange: body(v),
				})
			}
			sug, err := overlay.Suggest(openapi.YAML(), "t", ev)
			if err != nil || len(sug.Document.Actions) != 1 {
				t.Fatalf("%v, %+v", err, sug)
			}
			prop := sug.Document.Actions[0].Update.(map[string]any)["x"].(map[string]any)
			for k, v := range tt.want {
				if fmt.Sprint(prop[k]) != fmt.Sprint(v) {
					t.Errorf("%s = %v, want %v (schema %v)", k, prop[k], v, prop)
				}
			}
			for _, k := range []string{"type", "format", "nullable"} {
				if _, want := tt.want[k]; !want && prop[k] != nil {
					t.Errorf("%s = %v, want none (schema %v)", k, prop[k], prop)
				}
			}
		})
	}
}

// A patch made only of additive findings (undeclared fields) is not a
// breaking change of the spec: the spec-diff gate (oasdiff, through
// internal/specguard) lets it through with a minor version bump.
func TestAdditivePatchIsNotBreaking(t *testing.T) {
	c, err := embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"field-added-item.yaml", "field-added-top-level.yaml"} {
		t.Run(name, func(t *testing.T) {
			recs, errs := recording.LoadPaths([]string{filepath.Join(driftDir, name)})
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			ev := check(t, c, recs[0])
			for _, k := range findingKeys(ev) {
				if !strings.HasPrefix(k, contract.IDUnknownField+" ") {
					t.Fatalf("%s has a finding that is not additive: %s", name, k)
				}
			}
			sug, err := overlay.Suggest(openapi.YAML(), "t", ev)
			if err != nil {
				t.Fatal(err)
			}
			doc, _ := sug.YAML()
			patched, _, err := overlay.Apply(openapi.YAML(), "s.yaml", doc)
			if err != nil {
				t.Fatal(err)
			}
			version := openapi.Version()
			major, rest, _ := strings.Cut(version, ".")
			minor, _, _ := strings.Cut(rest, ".")
			n, _ := strconv.Atoi(minor)
			bumped := fmt.Sprintf("%s.%d.0", major, n+1)
			patched = []byte(strings.Replace(string(patched), "version: "+version, "version: "+bumped, 1))
			rep, err := specguard.CompareSpecs(specguard.Spec{Name: "base.yaml", Data: openapi.YAML()}, specguard.Spec{Name: "patched.yaml", Data: patched})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Changes) == 0 {
				t.Error("oasdiff sees no change at all")
			}
			for _, ch := range rep.Changes {
				if ch.Level == specguard.Breaking {
					t.Errorf("breaking change: %s %s: %s", ch.ID, ch.Where, ch.Message)
				}
			}
			for _, v := range rep.Violations {
				if v.ID != "changelog-missing" && !strings.Contains(v.ID, "changelog") {
					t.Errorf("violation: %s %s", v.ID, v.Message)
				}
			}
		})
	}
}

package specguard_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/b2b-contract/s2s-tokens/internal/specguard"
	"github.com/b2b-contract/s2s-tokens/openapi"
	"github.com/b2b-contract/s2s-tokens/openapi/releases"
)

const revName = "openapi/b2b-s2s-tokens.yaml"

func baseline(t *testing.T) specguard.Spec {
	t.Helper()
	r, err := releases.Get("1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	return specguard.Spec{Name: "openapi/releases/" + r.Dir + "/" + releases.SpecFile, Data: r.Spec}
}

// edit returns the 1.0.0 spec changed by fn, which gets the document's root
// mapping, with info.version set to version.
func edit(t *testing.T, version string, fn func(t *testing.T, root *yaml.Node)) specguard.Spec {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(baseline(t).Data, &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	get(t, root, "info", "version").Value = version
	if fn != nil {
		fn(t, root)
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	return specguard.Spec{Name: revName, Data: out}
}

// get walks mapping keys from n.
func get(t *testing.T, n *yaml.Node, keys ...string) *yaml.Node {
	t.Helper()
	for _, k := range keys {
		i := keyIndex(n, k)
		if i < 0 {
			t.Fatalf("no key %q in the spec (path %v)", k, keys)
		}
		n = n.Content[i+1]
	}
	return n
}

func keyIndex(n *yaml.Node, key string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return i
		}
	}
	return -1
}

// deleteKey removes key from the mapping at keys under root.
func deleteKey(t *testing.T, root *yaml.Node, key string, keys ...string) {
	t.Helper()
	m := get(t, root, keys...)
	i := keyIndex(m, key)
	if i < 0 {
		t.Fatalf("no key %q at %v", key, keys)
	}
	m.Content = slices.Delete(m.Content, i, i+2)
}

// deleteItem removes the scalar item value from the sequence at keys.
func deleteItem(t *testing.T, root *yaml.Node, value string, keys ...string) {
	t.Helper()
	s := get(t, root, keys...)
	i := slices.IndexFunc(s.Content, func(n *yaml.Node) bool { return n.Value == value })
	if i < 0 {
		t.Fatalf("no item %q at %v", value, keys)
	}
	s.Content = slices.Delete(s.Content, i, i+1)
}

func addProperty(t *testing.T, root *yaml.Node, schema, name, yamlSchema string) {
	t.Helper()
	var v yaml.Node
	if err := yaml.Unmarshal([]byte(yamlSchema), &v); err != nil {
		t.Fatal(err)
	}
	props := get(t, root, "components", "schemas", schema, "properties")
	props.Content = append(props.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}, v.Content[0])
}

var (
	removeResponseField = func(t *testing.T, root *yaml.Node) {
		deleteKey(t, root, "name", "components", "schemas", "Token", "properties")
		deleteItem(t, root, "name", "components", "schemas", "Token", "required")
	}
	removeOperation = func(t *testing.T, root *yaml.Node) {
		deleteKey(t, root, "delete", "paths", "/auth/backend")
	}
	narrowEnum = func(t *testing.T, root *yaml.Node) {
		deleteItem(t, root, "admin", "components", "schemas", "EventChannel", "enum")
	}
	addOptionalResponseField = func(t *testing.T, root *yaml.Node) {
		addProperty(t, root, "Token", "createdAt", "type: string\ndescription: When the token was created.\n")
	}
	rewordDescription = func(t *testing.T, root *yaml.Node) {
		get(t, root, "paths", "/backend/tokens", "get", "summary").Value = "List the server-to-server tokens"
	}
	tightenLimitMaximum = func(t *testing.T, root *yaml.Node) {
		get(t, root, "components", "parameters", "Limit", "schema", "maximum").Value = "100"
	}
)

func ids(fs []specguard.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

func TestCompareSpecs(t *testing.T) {
	tests := []struct {
		name           string
		rev            specguard.Spec
		wantFail       bool
		wantViolations []string // exactly these rule ids
		wantChange     string   // an oasdiff rule id the report must hold
		wantLevel      specguard.Level
	}{
		{
			name: "unchanged release passes",
			rev:  edit(t, "1.0.0", nil),
		},
		{
			name:           "removing a response field fails",
			rev:            edit(t, "1.1.0", removeResponseField),
			wantFail:       true,
			wantViolations: []string{specguard.RuleMajorVersionNotBumped},
			wantChange:     "response-required-property-removed",
			wantLevel:      specguard.Breaking,
		},
		{
			name:           "removing an operation fails",
			rev:            edit(t, "1.1.0", removeOperation),
			wantFail:       true,
			wantViolations: []string{specguard.RuleMajorVersionNotBumped},
			wantChange:     "api-removed-with-deprecation",
			wantLevel:      specguard.Breaking,
		},
		{
			name:           "narrowing an enum fails",
			rev:            edit(t, "1.0.1", narrowEnum),
			wantFail:       true,
			wantViolations: []string{specguard.RuleMajorVersionNotBumped},
			wantChange:     "response-property-enum-value-removed",
			wantLevel:      specguard.Breaking,
		},
		{
			name:           "a breaking change without any version change fails twice",
			rev:            edit(t, "1.0.0", removeOperation),
			wantFail:       true,
			wantViolations: []string{specguard.RuleVersionNotBumped, specguard.RuleMajorVersionNotBumped},
			wantChange:     "api-removed-with-deprecation",
			wantLevel:      specguard.Breaking,
		},
		{
			name:       "removing a response field passes with a new major version",
			rev:        edit(t, "2.0.0", removeResponseField),
			wantChange: "response-required-property-removed",
			wantLevel:  specguard.Breaking,
		},
		{
			name:       "narrowing an enum passes with a major pre-release",
			rev:        edit(t, "2.0.0-rc.1", narrowEnum),
			wantChange: "response-property-enum-value-removed",
			wantLevel:  specguard.Breaking,
		},
		{
			name:       "adding an optional response field passes",
			rev:        edit(t, "1.1.0", addOptionalResponseField),
			wantChange: "response-optional-property-added",
			wantLevel:  specguard.Info,
		},
		{
			name:           "adding an optional response field without a new version fails",
			rev:            edit(t, "1.0.0", addOptionalResponseField),
			wantFail:       true,
			wantViolations: []string{specguard.RuleVersionNotBumped},
			wantChange:     "response-optional-property-added",
			wantLevel:      specguard.Info,
		},
		{
			name: "rewording passes with a patch version",
			rev:  edit(t, "1.0.1", rewordDescription),
		},
		{
			name:           "rewording without a new version fails",
			rev:            edit(t, "1.0.0", rewordDescription),
			wantFail:       true,
			wantViolations: []string{specguard.RuleVersionNotBumped},
		},
		{
			name:           "narrowing a request parameter fails",
			rev:            edit(t, "1.1.0", tightenLimitMaximum),
			wantFail:       true,
			wantViolations: []string{specguard.RuleMajorVersionNotBumped},
			wantChange:     "request-parameter-max-decreased",
			wantLevel:      specguard.Breaking,
		},
		{
			name:           "a lower version fails",
			rev:            edit(t, "0.9.0", nil),
			wantFail:       true,
			wantViolations: []string{specguard.RuleVersionDecreased},
		},
		{
			name:           "a version that is not semver fails",
			rev:            edit(t, "1.1", addOptionalResponseField),
			wantFail:       true,
			wantViolations: []string{specguard.RuleVersionInvalid},
		},
		{
			name:           "a v prefix is not semver",
			rev:            edit(t, "v1.1.0", nil),
			wantFail:       true,
			wantViolations: []string{specguard.RuleVersionInvalid},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := specguard.CompareSpecs(baseline(t), tt.rev)
			if err != nil {
				t.Fatal(err)
			}
			var text bytes.Buffer
			if err := r.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if r.Failed() != tt.wantFail {
				t.Errorf("Failed() = %v, want %v; report:\n%s", r.Failed(), tt.wantFail, text.String())
			}
			if got := ids(r.Violations); !slices.Equal(got, tt.wantViolations) {
				t.Errorf("violations %v, want %v; report:\n%s", got, tt.wantViolations, text.String())
			}
			if tt.wantChange != "" {
				i := slices.IndexFunc(r.Changes, func(f specguard.Finding) bool { return f.ID == tt.wantChange })
				if i < 0 {
					t.Fatalf("no %s change; report:\n%s", tt.wantChange, text.String())
				}
				if c := r.Changes[i]; c.Level != tt.wantLevel {
					t.Errorf("%s has level %s, want %s", c.ID, c.Level, tt.wantLevel)
				}
			}
			for _, v := range r.Violations {
				if v.File != revName || v.Line == 0 {
					t.Errorf("violation %s is not located at info.version of %s: %s:%d", v.ID, revName, v.File, v.Line)
				}
			}
		})
	}
}

func TestCompareSpecsIgnoresFormatting(t *testing.T) {
	// Re-encoding changes indentation, quoting and anchors, not content.
	r, err := specguard.CompareSpecs(baseline(t), edit(t, "1.0.0", nil))
	if err != nil {
		t.Fatal(err)
	}
	if r.Failed() || len(r.Changes) != 0 {
		t.Errorf("a re-encoded but equal spec is reported: %+v %+v", r.Changes, r.Violations)
	}
	// The JSON rendering of the spec is the same spec.
	js, err := openapi.JSON()
	if err != nil {
		t.Fatal(err)
	}
	r, err = specguard.CompareSpecs(specguard.Spec{Name: revName, Data: openapi.YAML()}, specguard.Spec{Name: "b2b-s2s-tokens.json", Data: js})
	if err != nil {
		t.Fatal(err)
	}
	if r.Failed() || len(r.Changes) != 0 {
		t.Errorf("the JSON form differs from the YAML form: %+v %+v", r.Changes, r.Violations)
	}
}

// TestWorkingSpecAgainstLatestRelease is the guard itself, as make spec-diff
// runs it: the working spec must be compatible with the last release, or
// carry a new major version.
func TestWorkingSpecAgainstLatestRelease(t *testing.T) {
	latest, err := releases.Latest()
	if err != nil {
		t.Fatal(err)
	}
	r, err := specguard.CompareSpecs(
		specguard.Spec{Name: "openapi/releases/" + latest.Dir + "/" + releases.SpecFile, Data: latest.Spec},
		specguard.Spec{Name: revName, Data: openapi.YAML()},
	)
	if err != nil {
		t.Fatal(err)
	}
	if r.Failed() {
		var b bytes.Buffer
		_ = r.WriteText(&b)
		t.Errorf("the working spec breaks the rules against release %s (run make spec-diff):\n%s", latest.Version, b.String())
	}
}

func TestCompareSpecsRejectsUnreadableSpecs(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"not yaml", "openapi: [3.0.3\n", "broken.yaml"},
		{"not openapi", "just: a map\n", "broken.yaml"},
		{"empty", "", "broken.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := specguard.CompareSpecs(baseline(t), specguard.Spec{Name: "broken.yaml", Data: []byte(tt.data)})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one naming %s", err, tt.want)
			}
		})
	}
}

func release100Spec() []byte {
	r, err := releases.Get("1.0.0")
	if err != nil {
		panic(err)
	}
	return r.Spec
}

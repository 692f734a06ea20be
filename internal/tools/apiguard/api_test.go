package apiguard_test

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/b2b-contract/s2s-tokens/internal/specguard"
	"github.com/b2b-contract/s2s-tokens/internal/tools/apiguard"
	"github.com/b2b-contract/s2s-tokens/openapi"
	"github.com/b2b-contract/s2s-tokens/openapi/releases"
)

// repoRoot is the library module's directory: the generated package is
// loaded as the go command sees it there, not from the tools module, whose
// go.sum covers only what the tools import.
const repoRoot = "../../.."

const releaseGenDir = "openapi/releases/v1.0.0/generated/"

// baseAPI type-checks the generated package of release 1.0.0 once.
var baseAPI = sync.OnceValues(func() (apiguard.API, error) {
	r, err := releases.Get("1.0.0")
	if err != nil {
		return apiguard.API{}, err
	}
	return apiguard.SourceAPI(repoRoot, apiguard.GeneratedPackage, renamed(r.Generated),
		specguard.Spec{Name: "openapi/releases/v1.0.0/" + releases.SpecFile, Data: r.Spec})
})

func renamed(files map[string][]byte) map[string][]byte {
	out := map[string][]byte{}
	for name, src := range files {
		out[releaseGenDir+name+releases.GoSuffix] = src
	}
	return out
}

func mustBaseAPI(t *testing.T) apiguard.API {
	t.Helper()
	a, err := baseAPI()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// revisedAPI is release 1.0.0's generated package with each old string
// replaced by its new one, paired with the 1.0.0 spec set to version.
func revisedAPI(t *testing.T, version string, replacements ...string) apiguard.API {
	t.Helper()
	r, err := releases.Get("1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	src := string(r.Generated["tokensapi.gen.go"])
	for i := 0; i+1 < len(replacements); i += 2 {
		if n := strings.Count(src, replacements[i]); n != 1 {
			t.Fatalf("the generated code holds %q %d times, want once", replacements[i], n)
		}
		src = strings.Replace(src, replacements[i], replacements[i+1], 1)
	}
	files := maps.Clone(r.Generated)
	files["tokensapi.gen.go"] = []byte(src)
	a, err := apiguard.SourceAPI(repoRoot, apiguard.GeneratedPackage, renamed(files), edit(t, version))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestCompareAPI(t *testing.T) {
	tests := []struct {
		name         string
		version      string
		replacements []string
		wantFail     bool
		wantWhere    string
		wantID       string
	}{
		{
			name: "unchanged", version: "1.0.0",
		},
		{
			name: "removing a field fails", version: "1.1.0",
			replacements: []string{"\tName string `json:\"name\"`\n\n\t// StoreHash", "\t// StoreHash"},
			wantFail:     true, wantWhere: "Token.Name", wantID: apiguard.RuleAPIIncompatible,
		},
		{
			name: "removing a field passes with a new major version", version: "2.0.0",
			replacements: []string{"\tName string `json:\"name\"`\n\n\t// StoreHash", "\t// StoreHash"},
			wantWhere:    "Token.Name", wantID: apiguard.RuleAPIIncompatible,
		},
		{
			name: "removing an enum constant fails", version: "1.0.1",
			replacements: []string{"\tEventChannelAdmin EventChannel = \"admin\"\n", "", "\tcase EventChannelAdmin:\n\t\treturn true\n", ""},
			wantFail:     true, wantWhere: "EventChannelAdmin", wantID: apiguard.RuleAPIIncompatible,
		},
		{
			name: "changing a field's type fails", version: "1.1.0",
			replacements: []string{"// Example: 123\n\tID int `json:\"id\"`", "// Example: 123\n\tID int64 `json:\"id\"`"},
			wantFail:     true, wantWhere: "Token.ID", wantID: apiguard.RuleAPIIncompatible,
		},
		{
			name: "adding an identifier passes", version: "1.1.0",
			replacements: []string{"// Defines values for EventChannel.", "// Added is new.\nfunc Added() {}\n\n// Defines values for EventChannel."},
			wantWhere:    "Added", wantID: apiguard.RuleAPICompatible,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := apiguard.CompareAPI(mustBaseAPI(t), revisedAPI(t, tt.version, tt.replacements...))
			var text bytes.Buffer
			_ = r.WriteText(&text)
			if r.Failed() != tt.wantFail {
				t.Errorf("Failed() = %v, want %v:\n%s", r.Failed(), tt.wantFail, text.String())
			}
			if tt.wantFail && !slices.Equal(ids(r.Violations), []string{specguard.RuleMajorVersionNotBumped}) {
				t.Errorf("violations %v, want [%s]", ids(r.Violations), specguard.RuleMajorVersionNotBumped)
			}
			if tt.wantWhere == "" {
				if len(r.Changes) != 0 {
					t.Errorf("unexpected changes:\n%s", text.String())
				}
				return
			}
			i := slices.IndexFunc(r.Changes, func(f specguard.Finding) bool { return f.Where == tt.wantWhere })
			if i < 0 {
				t.Fatalf("no change at %s:\n%s", tt.wantWhere, text.String())
			}
			c := r.Changes[i]
			if c.ID != tt.wantID {
				t.Errorf("%s: id %s, want %s", c.Where, c.ID, tt.wantID)
			}
			if !strings.HasPrefix(c.File, releaseGenDir) || c.Line == 0 {
				t.Errorf("%s is located at %s:%d, want a line of %s", c.Where, c.File, c.Line, releaseGenDir)
			}
		})
	}
}

// TestWorkingAPIAgainstLatestRelease is the guard itself, as make api-diff
// runs it: the generated package must be compatible with the last release,
// or the spec must carry a new major version.
func TestWorkingAPIAgainstLatestRelease(t *testing.T) {
	latest, err := releases.Latest()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for name, src := range latest.Generated {
		files["openapi/releases/"+latest.Dir+"/generated/"+name+releases.GoSuffix] = src
	}
	base, err := apiguard.SourceAPI(repoRoot, apiguard.GeneratedPackage, files,
		specguard.Spec{Name: "openapi/releases/" + latest.Dir + "/" + releases.SpecFile, Data: latest.Spec})
	if err != nil {
		t.Fatal(err)
	}
	rev, err := apiguard.LoadAPI(repoRoot, apiguard.GeneratedPackage, specguard.Spec{Name: "openapi/b2b-s2s-tokens.yaml", Data: openapi.YAML()})
	if err != nil {
		t.Fatal(err)
	}
	r := apiguard.CompareAPI(base, rev)
	if r.Failed() {
		var b bytes.Buffer
		_ = r.WriteText(&b)
		t.Errorf("the generated package breaks the rules against release %s (run make api-diff):\n%s", latest.Version, b.String())
	}
}

func TestSourceAPIRejectsBadSource(t *testing.T) {
	spec := edit(t, "1.0.0")
	tests := []struct {
		name  string
		files map[string][]byte
		want  string
	}{
		{"no files", nil, "no Go files"},
		{"syntax error", map[string][]byte{"a.go": []byte("package tokensapi\nfunc {")}, "parsing a.go"},
		{"type error", map[string][]byte{"a.go": []byte("package tokensapi\nvar X int = \"s\"\n")}, "type-checking"},
		{"unknown import", map[string][]byte{"a.go": []byte("package tokensapi\nimport _ \"example.com/no/such/pkg\"\n")}, "example.com/no/such/pkg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := apiguard.SourceAPI(repoRoot, apiguard.GeneratedPackage, tt.files, spec)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

// edit returns release 1.0.0's spec with info.version set to version.
func edit(t *testing.T, version string) specguard.Spec {
	t.Helper()
	r, err := releases.Get("1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(r.Spec, &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "info" {
			continue
		}
		info := root.Content[i+1]
		for j := 0; j+1 < len(info.Content); j += 2 {
			if info.Content[j].Value == "version" {
				info.Content[j+1].Value = version
			}
		}
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	return specguard.Spec{Name: "openapi/b2b-s2s-tokens.yaml", Data: out}
}

func ids(fs []specguard.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

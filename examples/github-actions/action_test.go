package githubactions_test

import (
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/b2b-contract/s2s-tokens/internal/report"
)

// actionRef is how the examples name the composite action: this
// repository, pinned by the full SHA of a commit, or by the placeholder
// their header tells a consumer to replace (no release exists to pin yet).
const (
	actionRepo  = "b2b-contract/s2s-tokens@"
	placeholder = "REPLACE-WITH-A-COMMIT-SHA"
)

var fullSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)

// action is what the tests read of action.yml.
type action struct {
	Inputs map[string]struct {
		Required bool   `yaml:"required"`
		Default  string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			ID   string            `yaml:"id"`
			If   string            `yaml:"if"`
			Uses string            `yaml:"uses"`
			Env  map[string]string `yaml:"env"`
			With map[string]string `yaml:"with"`
			Run  string            `yaml:"run"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

func readAction(t *testing.T) (action, string) {
	t.Helper()
	raw, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	return a, string(raw)
}

// TestActionOutputs: the action's outputs are those check --github-output
// writes (report.OutputKeys) and the two its script adds, each the check
// step's output of the same name.
func TestActionOutputs(t *testing.T) {
	a, _ := readAction(t)
	want := append(slices.Clone(report.OutputKeys), "sarif-file", "sarif-category")
	var got []string
	for name, o := range a.Outputs {
		got = append(got, name)
		if o.Value != "${{ steps.check.outputs."+name+" }}" {
			t.Errorf("output %s is %q, want the check step's output %s", name, o.Value, name)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("action.yml outputs %q, want %q", got, want)
	}
}

// TestActionInputsReachTheScript: every input is used, by the check step's
// environment (as TC_<NAME>, which scripts/action.sh reads) or, for
// setup-go, by the setup-go step's condition; every action it uses is
// pinned by a full commit SHA.
func TestActionInputsReachTheScript(t *testing.T) {
	a, _ := readAction(t)
	script, err := os.ReadFile("../../scripts/action.sh")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	conditions := ""
	for _, s := range a.Runs.Steps {
		if s.ID == "check" {
			env = s.Env
		}
		conditions += s.If + "\n"
		if s.Uses != "" {
			_, ref, _ := strings.Cut(s.Uses, "@")
			if !fullSHA.MatchString(ref) {
				t.Errorf("step uses %s: not pinned by a full commit SHA", s.Uses)
			}
		}
	}
	for name := range a.Inputs {
		if name == "setup-go" {
			if !strings.Contains(conditions, "inputs.setup-go == 'true'") {
				t.Errorf("input setup-go is in no step's condition")
			}
			continue
		}
		v := "TC_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		if env[v] != "${{ inputs."+name+" }}" {
			t.Errorf("input %s: the check step's %s is %q", name, v, env[v])
		}
		if !strings.Contains(string(script), v) {
			t.Errorf("input %s: scripts/action.sh never reads %s", name, v)
		}
	}
	if len(env) != len(a.Inputs)-1 {
		t.Errorf("the check step has %d variables for %d inputs (less setup-go)", len(env), len(a.Inputs))
	}
}

// TestExamplesUseTheAction: the workflows a consumer copies use this
// repository's action pinned by commit (the header says what to replace),
// give only inputs it has and every one it requires, name no release
// version (none exists yet: the action builds from the pinned commit), and
// read only outputs it sets.
func TestExamplesUseTheAction(t *testing.T) {
	a, _ := readAction(t)
	outputRef := regexp.MustCompile(`steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)`)
	for _, file := range []string{"check-recordings.yml", "pr-recordings.yml"} {
		t.Run(file, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var wf struct {
				Jobs map[string]struct {
					Steps []struct {
						ID   string            `yaml:"id"`
						Uses string            `yaml:"uses"`
						With map[string]string `yaml:"with"`
					} `yaml:"steps"`
				} `yaml:"jobs"`
			}
			if err := yaml.Unmarshal(raw, &wf); err != nil {
				t.Fatal(err)
			}
			ids := map[string]bool{}
			for _, job := range wf.Jobs {
				for _, s := range job.Steps {
					ref, ok := strings.CutPrefix(s.Uses, actionRepo)
					if !ok {
						if strings.HasPrefix(s.Uses, "./") || strings.Contains(s.Uses, "s2s-tokens") {
							t.Errorf("step uses %q: a consumer's workflow uses %s<commit>", s.Uses, actionRepo)
						}
						continue
					}
					ids[s.ID] = true
					switch {
					case ref == placeholder && !strings.Contains(string(raw), "replace\n# "+placeholder):
						t.Errorf("uses %s, and the header does not say to replace %s", s.Uses, placeholder)
					case ref != placeholder && !fullSHA.MatchString(ref):
						t.Errorf("uses %s: pin the action by a full commit SHA", s.Uses)
					}
					for k := range s.With {
						if _, ok := a.Inputs[k]; !ok {
							t.Errorf("input %s: action.yml has no such input", k)
						}
					}
					for k, in := range a.Inputs {
						if _, ok := s.With[k]; in.Required && !ok {
							t.Errorf("the required input %s is not given", k)
						}
					}
					if v, ok := s.With["version"]; ok {
						t.Errorf("version: %s: no release exists yet; the action builds from the pinned commit", v)
					}
				}
			}
			if len(ids) == 0 {
				t.Fatalf("no step uses %s", actionRepo)
			}
			for _, m := range outputRef.FindAllStringSubmatch(string(raw), -1) {
				if _, ok := a.Outputs[m[2]]; ids[m[1]] && !ok {
					t.Errorf("steps.%s.outputs.%s: action.yml has no output %s", m[1], m[2], m[2])
				}
			}
		})
	}
}

package yamljson

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pb33f/go-yaml"
)

func TestNodeJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{"code: 200\ndata: []\nmeta: {message: SUCCESS}\n", `{"code":200,"data":[],"meta":{"message":"SUCCESS"}}`},
		{"z: 1\na: 2\n", `{"z":1,"a":2}`}, // the spec's order, not sorted
		{"a: &x {b: true}\nc: *x\n", `{"a":{"b":true},"c":{"b":true}}`},
		{"n: ~\nf: 1.5\ns: '007'\nbig: 12345678901234\n", `{"n":null,"f":1.5,"s":"007","big":12345678901234}`},
		{"- yes\n- 'no'\n", `["yes","no"]`},
	}
	for _, tt := range tests {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(tt.in), &n); err != nil {
			t.Fatal(err)
		}
		raw, err := Indented(&n)
		got := string(raw)
		if err != nil {
			t.Errorf("Indented(%q): %v", tt.in, err)
			continue
		}
		if compact := strings.Join(strings.Fields(got), ""); compact != strings.ReplaceAll(tt.want, " ", "") {
			t.Errorf("Indented(%q) = %s, want %s", tt.in, compact, tt.want)
		}
	}
	for _, bad := range []string{"x: .inf\n", "x: .nan\n"} {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(bad), &n); err != nil {
			t.Fatal(err)
		}
		if _, err := Indented(&n); err == nil {
			t.Errorf("Indented(%q) gave JSON for a number JSON cannot hold", bad)
		}
	}
}

// FuzzNodeJSON feeds arbitrary YAML to the renderer: it must never
// panic, and whatever it returns must be valid JSON.
func FuzzNodeJSON(f *testing.F) {
	for _, s := range []string{"a: 1\n", "- [1, {b: c}]\n", "a: &x [*x]\n", "x: !!binary aGk=\n", "? [a]\n: b\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var n yaml.Node
		if yaml.Unmarshal([]byte(in), &n) != nil {
			return
		}
		out, err := Indented(&n)
		if err == nil && !json.Valid(out) {
			t.Errorf("Indented(%q) = %q, not JSON", in, out)
		}
	})
}

package contract

import (
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// ParsePath reads back every path the checker renders.
func TestParsePathRoundTrip(t *testing.T) {
	tests := []struct {
		segs []string
		want []PathStep
	}{
		{nil, nil},
		{[]string{"data", "0", "email"}, []PathStep{{Name: "data"}, {Index: 0, IsIndex: true}, {Name: "email"}}},
		{[]string{"odd.key", "it's", `back\slash`, "12"}, []PathStep{{Name: "odd.key"}, {Name: "it's"}, {Name: `back\slash`}, {Index: 12, IsIndex: true}}},
		{[]string{"meta", "pagination", "totalCount"}, []PathStep{{Name: "meta"}, {Name: "pagination"}, {Name: "totalCount"}}},
	}
	for _, tt := range tests {
		p := jsonPath(tt.segs)
		got, err := ParsePath(p)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParsePath(%q) = %+v, %v; want %+v", p, got, err, tt.want)
		}
	}
	got, err := ParsePath(wildcardPath(jsonPath([]string{"data", "3", "x"})))
	if err != nil || !reflect.DeepEqual(got, []PathStep{{Name: "data"}, {Wildcard: true}, {Name: "x"}}) {
		t.Errorf("wildcard path: %+v, %v", got, err)
	}
	for _, bad := range []string{"status", "header Sunset", "$.", "$['x", "$[1", "$[-1]", "$[a]", "$x"} {
		if _, err := ParsePath(bad); err == nil {
			t.Errorf("ParsePath(%q) accepted it", bad)
		}
	}
}

// TestWildcardPath: every "[" digits "]" becomes [*], leftmost first and
// without overlap, exactly as the regular expression \[[0-9]+\] replaced
// them before wildcardPath became a linear scan (it is the oracle for random
// paths without quotes); a bracketed member name (['a[1]']) is a name, and
// its brackets stay as they are.
func TestWildcardPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"status", "status"},
		{"$", "$"},
		{"$.data[3].x", "$.data[*].x"},
		{"$[0][12][345]", "$[*][*][*]"},
		{"$.data[*].x", "$.data[*].x"},
		{"$['a[1]'].b[2]", "$['a[1]'].b[*]"},
		{`$['it\'s [0]'][3]`, `$['it\'s [0]'][*]`},
		{"$['unterminated[0]", "$['unterminated[0]"},
		{"$.data[2]['x'][4]", "$.data[*]['x'][*]"},
		{"$[]", "$[]"},
		{"$[1", "$[1"},
		{"$[1a]", "$[1a]"},
		{"$[[2]]", "$[[*]]"},
		{"[7]", "[*]"},
	}
	for _, tt := range tests {
		if got := wildcardPath(tt.in); got != tt.want {
			t.Errorf("wildcardPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	re := regexp.MustCompile(`\[[0-9]+\]`)
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "[]01.a$"
	for range 5000 {
		b := make([]byte, rng.IntN(16))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if got, want := wildcardPath(string(b)), re.ReplaceAllString(string(b), "[*]"); got != want {
			t.Fatalf("wildcardPath(%q) = %q, the regular expression gives %q", b, got, want)
		}
	}
	deep := strings.Repeat("[0]", 10000)
	if got := wildcardPath("$" + deep); got != "$"+strings.Repeat("[*]", 10000) {
		t.Errorf("a 10,000-step path: got %d bytes", len(got))
	}
}

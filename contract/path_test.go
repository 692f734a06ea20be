package contract

import (
	"reflect"
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

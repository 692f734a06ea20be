package contract_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
)

// TestSkips: counts are exact per reason, in the order reasons are first
// seen, and each reason keeps at most MaxSkipExamples sources, the first.
func TestSkips(t *testing.T) {
	many := func(n int, reason string) [][2]string {
		var out [][2]string
		for i := range n {
			out = append(out, [2]string{fmt.Sprintf("a.har#%d", i), reason})
		}
		return out
	}
	tests := []struct {
		name  string
		adds  [][2]string // source, reason
		want  []contract.SkipCount
		total int
	}{
		{"none", nil, []contract.SkipCount{}, 0},
		{"one", [][2]string{{"a.har#1", contract.SkipNotOperation}},
			[]contract.SkipCount{{contract.SkipNotOperation, 1, []string{"a.har#1"}}}, 1},
		{"a million of one reason keeps three examples", many(1_000_000, contract.SkipNotOperation),
			[]contract.SkipCount{{contract.SkipNotOperation, 1_000_000, []string{"a.har#0", "a.har#1", "a.har#2"}}}, 1_000_000},
		{"reasons in order of first occurrence", [][2]string{
			{"a#1", contract.SkipNoResponse}, {"a#2", contract.SkipNotOperation}, {"a#3", contract.SkipNoResponse},
			{"a#4", contract.SkipCancelled}, {"a#5", contract.SkipNotOperation},
		}, []contract.SkipCount{
			{contract.SkipNoResponse, 2, []string{"a#1", "a#3"}},
			{contract.SkipNotOperation, 2, []string{"a#2", "a#5"}},
			{contract.SkipCancelled, 1, []string{"a#4"}},
		}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s contract.Skips
			for _, a := range tt.adds {
				s.Add(a[0], a[1])
			}
			if got := s.Reasons(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Reasons() = %+v, want %+v", got, tt.want)
			}
			if got := s.Total(); got != tt.total {
				t.Errorf("Total() = %d, want %d", got, tt.total)
			}
		})
	}
}

// TestSkipsMergeAndResults: Merge adds counts and fills examples up to the
// bound without changing its argument; AddResults counts only skipped
// results; Reasons returns a copy.
func TestSkipsMergeAndResults(t *testing.T) {
	var a, b contract.Skips
	a.Add("a#1", contract.SkipNotOperation)
	a.Add("a#2", contract.SkipNotOperation)
	for i := range 10 {
		b.Add(fmt.Sprintf("b#%d", i), contract.SkipNotOperation)
	}
	b.Add("b#x", contract.SkipNoResponse)
	a.Merge(b)
	want := []contract.SkipCount{
		{contract.SkipNotOperation, 12, []string{"a#1", "a#2", "b#0"}},
		{contract.SkipNoResponse, 1, []string{"b#x"}},
	}
	if got := a.Reasons(); !reflect.DeepEqual(got, want) {
		t.Errorf("merged: %+v, want %+v", got, want)
	}
	if b.Total() != 11 || len(b.Reasons()[0].Examples) != contract.MaxSkipExamples {
		t.Errorf("Merge changed its argument: %+v", b.Reasons())
	}

	var r contract.Skips
	r.AddResults([]contract.Result{
		{Source: "r#0"},
		{Source: "r#1", Skipped: true, SkipReason: contract.SkipCancelled},
		{Source: "r#2", Findings: []contract.Finding{{ID: contract.IDUnknownField}}},
		{Source: "r#3", Skipped: true, SkipReason: contract.SkipCancelled},
	})
	want = []contract.SkipCount{{contract.SkipCancelled, 2, []string{"r#1", "r#3"}}}
	got := r.Reasons()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("AddResults: %+v, want %+v", got, want)
	}
	got[0].Count, got[0].Examples[0] = 99, "changed"
	if again := r.Reasons(); !reflect.DeepEqual(again, want) {
		t.Errorf("changing what Reasons returned changed the Skips: %+v", again)
	}
}

// TestCheckSkipReasons: the checker gives the Skip* constants as reasons.
func TestCheckSkipReasons(t *testing.T) {
	c, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url    string
		status int
		want   string
	}{
		{"https://store.example.test/app.js", 200, contract.SkipNotOperation},
		{"https://api-b2b.bigcommerce.com/api/io/backend/tokens", 0, contract.SkipNoResponse},
		{"http://[::1", 200, contract.SkipBadURL},
	}
	for _, tt := range tests {
		res := c.Check(&contract.Exchange{Source: "x#0", Request: contract.Request{Method: "GET", URL: tt.url}, Response: contract.Response{Status: tt.status}})
		if !res.Skipped || res.SkipReason != tt.want {
			t.Errorf("%s → %d: skipped %v, reason %q, want %q", tt.url, tt.status, res.Skipped, res.SkipReason, tt.want)
		}
	}
}

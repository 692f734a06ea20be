package watch

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

func TestCoverageOfWhatWasChecked(t *testing.T) {
	paging, err := openapi.ListPaging()
	if err != nil {
		t.Fatal(err)
	}
	base, auth := fakeServer(t, "", 5)
	w, _, _ := newWatch(t, http.DefaultTransport, WithSampleRate(1), WithCoverage())
	for _, q := range []string{"", fmt.Sprintf("?limit=%d", paging.MinLimit), fmt.Sprintf("?limit=%d", paging.MaxLimit), "?offset=50"} {
		get(t, w, base+"/backend/tokens"+q, auth)
	}
	w.Close()
	cov, ok := w.Coverage()
	if !ok {
		t.Fatal("Coverage says the transport keeps none")
	}
	if cov.Exchanges != 4 {
		t.Errorf("coverage of %d exchanges, want 4", cov.Exchanges)
	}
	seen := map[string]int{}
	for _, o := range cov.Operations {
		if o.Operation != "get-backend-tokens" {
			continue
		}
		for _, p := range o.Parameters {
			seen[p.Name+" "+p.Case] = p.Seen
		}
		for _, r := range o.Responses {
			if r.Status == 200 && (r.Seen != 4 || r.Conforming != 4) {
				t.Errorf("200 seen %d, conforming %d; want 4 and 4", r.Seen, r.Conforming)
			}
		}
	}
	want := map[string]int{"limit default": 2, "limit minimum": 1, "limit maximum": 1, "offset past-end": 1}
	for k, n := range want {
		if seen[k] != n {
			t.Errorf("%s seen %d, want %d (all: %v)", k, seen[k], n, seen)
		}
	}
}

func TestCoverageOffByDefault(t *testing.T) {
	w, _, _ := newWatch(t, http.DefaultTransport)
	if _, ok := w.Coverage(); ok {
		t.Error("a transport without WithCoverage reports coverage")
	}
}

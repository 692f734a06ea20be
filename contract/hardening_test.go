package contract_test

import (
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
)

func findingOf(t *testing.T, fs []contract.Finding, id string) contract.Finding {
	t.Helper()
	for _, f := range fs {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("no %s finding among %d", id, len(fs))
	return contract.Finding{}
}

// TestNumberOutOfRangeIsNamed: a body that is valid JSON but holds a number
// no float64 holds is reported as such, not as "cannot be decoded as JSON".
func TestNumberOutOfRangeIsNamed(t *testing.T) {
	c := newChecker(t)
	for name, num := range map[string]string{"1e400": "1e400", "100,000-digit id": strings.Repeat("9", 100000)} {
		t.Run(name, func(t *testing.T) {
			body := `{"code":200,"data":[{"id":` + num + `}],"meta":{"message":"SUCCESS","pagination":{"totalCount":1,"offset":0,"limit":10}}}`
			res := c.Check(list("limit=10&offset=0", 200, body, 1))
			f := findingOf(t, res.Findings, contract.IDBodyNotJSON)
			if !strings.Contains(f.Message, "out of range") || f.Path != "$.data[*].id" || !strings.HasSuffix(f.Message, "(at $.data[0].id)") {
				t.Errorf("finding at %s says %q; want the number out of range at $.data[*].id, naming $.data[0].id", f.Path, f.Message)
			}
		})
	}
}

// TestFindingPathBounded: a 10,000-deep body gives a path of at most
// MaxPathLen bytes (plus the elision marker), keeping its head and tail.
func TestFindingPathBounded(t *testing.T) {
	c := newChecker(t)
	deep := strings.Repeat(`{"x":`, 10000) + "1" + strings.Repeat("}", 10000)
	body := `{"code":200,"data":[{"id":1,"name":"n","deep":` + deep + `}],"meta":{"message":"SUCCESS","pagination":{"totalCount":1,"offset":0,"limit":10}}}`
	res := c.Check(list("limit=10&offset=0", 200, body, 1))
	if len(res.Findings) == 0 {
		t.Fatal("no finding for a 10,000-deep undeclared member")
	}
	for _, f := range res.Findings {
		if len(f.Path) > contract.MaxPathLen+len(contract.PathElision) {
			t.Errorf("%s path is %d bytes, over MaxPathLen %d", f.ID, len(f.Path), contract.MaxPathLen)
		}
		if len(f.Message) > 4096 {
			t.Errorf("%s message is %d bytes", f.ID, len(f.Message))
		}
	}
}

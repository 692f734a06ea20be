package contract_test

import (
	"os"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
)

// TestReadmeNamesEveryFindingID keeps the README's table of finding ids in
// agreement with the rules the checker has.
func TestReadmeNamesEveryFindingID(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range contract.Rules() {
		if !strings.Contains(string(readme), "`"+r.ID+"`") {
			t.Errorf("README.md does not mention finding id %s", r.ID)
		}
	}
}

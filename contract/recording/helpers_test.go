package recording_test

import (
	"sync"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
)

// sharedChecker is built once for the package's tests: a Checker is safe for
// concurrent use.
var sharedChecker = sync.OnceValues(func() (*contract.Checker, error) { return contract.New() })

func newChecker(t testing.TB) *contract.Checker {
	t.Helper()
	c, err := sharedChecker()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

package contract_test

import (
	"fmt"

	"github.com/b2b-contract/s2s-tokens/contract"
)

// ExampleSkips counts a million entries of other endpoints in one run: the
// summary keeps a count per reason and the first few sources, not a row
// per entry.
func ExampleSkips() {
	var s contract.Skips
	for i := range 1_000_000 {
		s.Add(fmt.Sprintf("proxy.har#%d", i+1), contract.SkipNotOperation)
	}
	s.AddResults([]contract.Result{{Source: "proxy.har#0", Skipped: true, SkipReason: contract.SkipNoResponse}})
	for _, c := range s.Reasons() {
		fmt.Printf("%d %s, e.g. %v\n", c.Count, c.Reason, c.Examples)
	}
	fmt.Println(s.Total(), "skipped")
	// Output:
	// 1000000 not an operation of the contract, e.g. [proxy.har#1 proxy.har#2 proxy.har#3]
	// 1 no response was recorded (status 0: the request failed or was blocked), e.g. [proxy.har#0]
	// 1000001 skipped
}

package capture_test

import (
	"log"
	"net/http"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/capture"
	"github.com/b2b-contract/s2s-tokens/contract/watch"
)

// A service keeps its own production exchanges worth keeping, redacted, in
// a directory that "tokens-contract check" reads.
func ExampleNew() {
	checker, err := contract.New()
	if err != nil {
		log.Fatal(err)
	}
	cp, err := capture.New("captured", checker, "billing-service",
		capture.Limits{PerHour: capture.DefaultPerHour, MaxBytes: capture.DefaultMaxBytes})
	if err != nil {
		log.Fatal(err)
	}
	w, err := watch.New(http.DefaultTransport, watch.WithChecker(checker), watch.WithExchangeSink(cp.Observe))
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()
	_ = &http.Client{Transport: w}
}

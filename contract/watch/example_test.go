package watch_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"

	"github.com/b2b-contract/s2s-tokens/client"
	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/watch"
	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// The hand-written client, watched: a fake that adds an undeclared field to
// every token, and the findings a sink receives.
func Example() {
	auth := synthetic.RandomHex(16)
	f, _ := fake.New(fake.Options{AuthToken: auth, SeedTokens: 3, Scenario: fake.ScenarioUnknownField})
	srv := httptest.NewServer(f)
	defer srv.Close()

	var mu sync.Mutex
	var ids []string
	w, err := watch.New(http.DefaultTransport,
		watch.WithSampleRate(0), // first of each kind, signals and errors only
		watch.WithLogger(slog.New(slog.DiscardHandler)),
		watch.WithSink(func(_ context.Context, res contract.Result) {
			mu.Lock()
			defer mu.Unlock()
			for _, f := range res.Findings {
				if !slices.Contains(ids, f.ID) {
					ids = append(ids, f.ID)
				}
			}
		}))
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := client.New(client.WithBaseURL(srv.URL+"/api/io"), client.WithAuthToken(auth),
		client.WithTransportWrapper(w.Wrap)) // or client.WithHTTPClient(&http.Client{Transport: w})
	if err != nil {
		fmt.Println(err)
		return
	}
	for range 3 {
		//lint:ignore SA1019 the example calls the deprecated endpoint on purpose: it is what the transport watches
		if _, err := c.List(context.Background(), client.ListOptions{Limit: 2}); err != nil {
			fmt.Println(err)
		}
	}
	w.Close() // waits for the checks
	fmt.Println(ids)
	// Output: [unknown-field]
}

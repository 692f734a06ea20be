// Command watch is what a service that keeps the contract in production
// builds: package client with package contract/watch's transport checking the
// responses it receives.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/b2b-contract/s2s-tokens/client"
	"github.com/b2b-contract/s2s-tokens/contract/watch"
)

func main() {
	var transport *watch.Transport
	c, err := client.New(
		client.WithAuthToken(os.Getenv("B2B_AUTH_TOKEN")),
		client.WithTransportWrapper(func(base http.RoundTripper) http.RoundTripper {
			t, err := watch.New(base)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			transport = t
			return t
		}),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer transport.Close()
	n := 0
	for _, err := range c.All(context.Background()) {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		n++
	}
	fmt.Println(n, "tokens")
}

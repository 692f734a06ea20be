// Command client is what a team that only calls the endpoints builds: it
// lists the tokens with package client.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/b2b-contract/s2s-tokens/client"
)

func main() {
	c, err := client.New(client.WithAuthToken(os.Getenv("B2B_AUTH_TOKEN")))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
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

package fake_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/b2b-contract/s2s-tokens/fake"
	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// ExampleNew serves a fake with three seeded tokens and lists them with the
// generated client, as a test of client code would.
func ExampleNew() {
	authToken := synthetic.RandomHex(16) // any value; the fake accepts only this one
	s, err := fake.New(fake.Options{AuthToken: authToken, SeedTokens: 3})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()

	c, err := tokensapi.NewClientWithResponses(srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	limit := 2
	//lint:ignore SA1019 the fake serves the deprecated endpoint; calling it is the point of the example
	resp, err := c.GetBackendTokensWithResponse(context.Background(), &tokensapi.GetBackendTokensParams{Limit: &limit},
		func(_ context.Context, req *http.Request) error {
			req.Header.Set("authToken", authToken)
			return nil
		})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode(), resp.HTTPResponse.Header.Get("X-Requests-Remaining"))
	p := resp.JSON200.Meta.Pagination
	fmt.Printf("totalCount %d, limit %d, offset %d\n", p.TotalCount, p.Limit, p.Offset)
	for _, t := range resp.JSON200.Data {
		fmt.Println(t.ID, t.Name, t.Email, t.EventChannel, synthetic.IsJWT(t.Token))
	}
	// Output:
	// 200 149 times
	// totalCount 3, limit 2, offset 0
	// 1 token 1 user-1@example.com app true
	// 2 token 2 user-2@example.com admin true
}

// ExampleScenarios lists the drift scenarios the fake can inject.
func ExampleScenarios() {
	for _, s := range fake.Scenarios() {
		fmt.Printf("%-22s %s\n", s, s.Description())
	}
	// Output:
	// field-removed          token items lose storeHash
	// type-changed           token ids are served as strings
	// masked-token           token values are masked (no longer JWTs)
	// unknown-field          token items gain an undeclared field, lastUsedAt
	// enum-added             eventChannel takes the undeclared value "storefront"
	// null-field             token names are null
	// sunset                 list responses carry Deprecation, Sunset and Link headers
	// endpoint-gone          the list endpoint answers 410 Gone with an HTML body
	// limit-over-maximum-422 a limit over the maximum is answered 422 instead of 413
	// bad-token-accepted     a wrong authToken gets the list page instead of 401
}

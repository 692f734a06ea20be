package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"time"

	"github.com/b2b-contract/s2s-tokens/client"
	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// exampleAuthToken stands in for the real token, which a program reads from
// its environment (B2B_AUTH_TOKEN): a synthetic JWT, not a credential.
var exampleAuthToken = synthetic.NewJWT(synthetic.Claims{Email: "owner@example.com", StoreHash: "abc123"})

// newExampleServer stands in for api-b2b.bigcommerce.com: a store of n
// synthetic tokens behind GET /backend/tokens, which also answers with the
// given headers.
func newExampleServer(n int, hdr map[string]string) *httptest.Server {
	tokens := make([]tokensapi.Token, n)
	for i := range tokens {
		email := fmt.Sprintf("user%d@example.com", i+1)
		tokens[i] = tokensapi.Token{
			ID: i + 1, Name: fmt.Sprintf("token %d", i+1), Email: email, StoreHash: "abc123",
			Token:        synthetic.NewJWT(synthetic.Claims{Email: email, StoreHash: "abc123", ID: strconv.Itoa(i + 1)}),
			EventChannel: tokensapi.EventChannelApp,
		}
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range hdr {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("authToken") != exampleAuthToken {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"code":401,"data":{"errMsg":"Invalid token header."},"meta":{"message":"Unauthorized"}}`))
			return
		}
		limit, offset := 10, 0
		if v := r.URL.Query().Get("limit"); v != "" {
			limit, _ = strconv.Atoi(v)
		}
		if v := r.URL.Query().Get("offset"); v != "" {
			offset, _ = strconv.Atoi(v)
		}
		page := tokensapi.TokenList{Code: 200, Data: tokens[min(offset, n):min(offset+limit, n)]}
		page.Meta.Message = "SUCCESS"
		page.Meta.Pagination = tokensapi.Pagination{TotalCount: n, Offset: offset, Limit: limit}
		_ = json.NewEncoder(w).Encode(page)
	}))
}

func ExampleNew() {
	srv := newExampleServer(3, nil) // stands in for the vendor
	defer srv.Close()

	c, err := client.New(
		client.WithBaseURL(srv.URL), // leave out to use client.DefaultBaseURL
		client.WithAuthToken(exampleAuthToken),
		client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 3, MaxWait: 30 * time.Second}),
		client.WithUserAgent("token-audit/1.0"),
		client.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, nil))),
	)
	if err != nil {
		log.Fatal(err)
	}
	page, err := c.List(context.Background(), client.ListOptions{Limit: 1})
	if err != nil {
		log.Fatal(err)
	}
	// Token values print masked; only Reveal returns them.
	fmt.Printf("%+v\n", page.Tokens[0])

	// Plain http is refused, except on a loopback host.
	_, err = client.New(client.WithBaseURL("http://api-b2b.bigcommerce.com/api/io"))
	fmt.Println(errors.Is(err, client.ErrInvalidArgument))
	// Output:
	// {ID:1 Name:token 1 Email:user1@example.com StoreHash:abc123 Token:[REDACTED] EventChannel:app}
	// true
}

func ExampleClient_List() {
	srv := newExampleServer(25, nil)
	defer srv.Close()
	c, err := client.New(client.WithBaseURL(srv.URL), client.WithAuthToken(exampleAuthToken))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	page, err := c.List(ctx, client.ListOptions{Limit: 10, Offset: 20})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d tokens of %d, from offset %d\n", len(page.Tokens), page.Pagination.TotalCount, page.Pagination.Offset)
	for _, t := range page.Tokens {
		fmt.Println(t.ID, t.Name, t.EventChannel)
	}

	// Bad options are rejected before anything is sent.
	_, err = c.List(ctx, client.ListOptions{Limit: 500})
	fmt.Println(err)
	// Output:
	// 5 tokens of 25, from offset 20
	// 21 token 21 app
	// 22 token 22 app
	// 23 token 23 app
	// 24 token 24 app
	// 25 token 25 app
	// client: GET /backend/tokens (get-backend-tokens): invalid argument: ListOptions.Limit is 500; it must be between 1 and 250 (0 sends none, and the vendor uses 10)
}

func ExampleClient_All() {
	srv := newExampleServer(600, nil)
	defer srv.Close()
	c, err := client.New(client.WithBaseURL(srv.URL), client.WithAuthToken(exampleAuthToken))
	if err != nil {
		log.Fatal(err)
	}

	n := 0
	for t, err := range c.All(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		if t.Name == "token 512" {
			fmt.Println("found", t.ID, "after", n, "others")
			break // stops fetching
		}
		n++
	}
	// Output: found 512 after 511 others
}

func ExampleClient_FetchAll() {
	srv := newExampleServer(1234, nil)
	defer srv.Close()
	c, err := client.New(client.WithBaseURL(srv.URL), client.WithAuthToken(exampleAuthToken))
	if err != nil {
		log.Fatal(err)
	}

	// The first page gives totalCount; the other four pages of 250 are
	// fetched four at a time, and come back in order.
	tokens, err := c.FetchAll(context.Background(), client.FetchOptions{Concurrency: 4})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(tokens), tokens[0].ID, tokens[len(tokens)-1].ID)
	// Output: 1234 1 1234
}

func ExampleAPIError() {
	srv := newExampleServer(3, nil)
	defer srv.Close()
	c, err := client.New(client.WithBaseURL(srv.URL), client.WithAuthToken(synthetic.NewJWT(synthetic.Claims{Email: "old@example.com"})))
	if err != nil {
		log.Fatal(err)
	}

	_, err = c.List(context.Background(), client.ListOptions{})
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.ErrMsg)
	}
	fmt.Println(errors.Is(err, client.ErrUnauthorized))
	fmt.Println(err)
	// Output:
	// 401 Invalid token header.
	// true
	// client: GET /backend/tokens (get-backend-tokens): HTTP 401 Unauthorized: Invalid token header.
}

func ExampleWithDeprecationHandler() {
	srv := newExampleServer(3, map[string]string{
		"Deprecation": "@1759190400",
		"Sunset":      "Thu, 31 Dec 2026 23:59:59 GMT",
	})
	defer srv.Close()
	c, err := client.New(client.WithBaseURL(srv.URL), client.WithAuthToken(exampleAuthToken),
		client.WithDeprecationHandler(func(n client.DeprecationNotice) {
			fmt.Println(n.Operation, "deprecated on", n.DeprecatedAt.Format(time.DateOnly), "sunset on", n.Sunset.Format(time.DateOnly))
		}))
	if err != nil {
		log.Fatal(err)
	}
	for range 3 { // the handler runs once per operation
		if _, err := c.List(context.Background(), client.ListOptions{}); err != nil {
			log.Fatal(err)
		}
	}
	// Output: GET /backend/tokens (get-backend-tokens) deprecated on 2025-09-30 sunset on 2026-12-31
}

package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/b2b-contract/s2s-tokens/client"
	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

type countingRT struct {
	n    atomic.Int64
	base http.RoundTripper
}

func (c *countingRT) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

func TestWithTransportWrapper(t *testing.T) {
	auth := synthetic.RandomHex(16)
	f, err := fake.New(fake.Options{AuthToken: auth, SeedTokens: 3})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f)
	defer srv.Close()

	t.Run("wraps the default transport", func(t *testing.T) {
		var got http.RoundTripper
		rt := &countingRT{}
		c, err := client.New(client.WithBaseURL(srv.URL+"/api/io"), client.WithAuthToken(auth),
			client.WithTransportWrapper(func(base http.RoundTripper) http.RoundTripper { got, rt.base = base, base; return rt }))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := got.(*http.Transport); !ok {
			t.Fatalf("the wrapper got %T, want the client's *http.Transport", got)
		}
		if _, err := c.List(context.Background(), client.ListOptions{}); err != nil {
			t.Fatal(err)
		}
		if rt.n.Load() != 1 {
			t.Errorf("the wrapper saw %d requests, want 1", rt.n.Load())
		}
	})
	t.Run("wraps a given client without changing it", func(t *testing.T) {
		hc := &http.Client{}
		rt := &countingRT{}
		_, err := client.New(client.WithBaseURL(srv.URL+"/api/io"), client.WithAuthToken(auth), client.WithHTTPClient(hc),
			client.WithTransportWrapper(func(base http.RoundTripper) http.RoundTripper {
				if base != http.DefaultTransport {
					t.Errorf("a client without a transport should be wrapped around http.DefaultTransport, got %T", base)
				}
				rt.base = base
				return rt
			}))
		if err != nil {
			t.Fatal(err)
		}
		if hc.Transport != nil {
			t.Error("the caller's *http.Client was changed")
		}
	})
	for name, wrap := range map[string]func(http.RoundTripper) http.RoundTripper{
		"nil wrapper":         nil,
		"wrapper returns nil": func(http.RoundTripper) http.RoundTripper { return nil },
	} {
		t.Run(name, func(t *testing.T) {
			_, err := client.New(client.WithTransportWrapper(wrap))
			if !errors.Is(err, client.ErrInvalidArgument) {
				t.Errorf("err = %v, want ErrInvalidArgument", err)
			}
		})
	}
}

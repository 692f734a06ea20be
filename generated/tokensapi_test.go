package tokensapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// seedPage is the vendor's documented example response for
// GET /backend/tokens (see the seed page), with the token left as a
// placeholder that each test fills with a synthetic JWT made at run time.
const seedPage = `{
  "code": 200,
  "data": [
    {
      "id": 123,
      "name": "customer storefront token",
      "email": "user@example.com",
      "storeHash": "1234abcd",
      "token": %q,
      "eventChannel": "app"
    }
  ],
  "meta": {
    "message": "SUCCESS",
    "pagination": {
      "totalCount": 25,
      "offset": 0,
      "limit": 10
    }
  }
}`

func newServer(t *testing.T, handler http.HandlerFunc) *tokensapi.ClientWithResponses {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	c, err := tokensapi.NewClientWithResponses(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGeneratedClientDecodesTheSeedExample(t *testing.T) {
	token := synthetic.Token("user@example.com", "1234abcd")
	authToken := synthetic.RandomHex(16)
	var gotQuery, gotAuth, gotPath string
	c := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotQuery, gotAuth = r.URL.Path, r.URL.RawQuery, r.Header.Get("authToken")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-1")
		w.Header().Set("X-Requests-Remaining", "147 times")
		body, _ := json.Marshal(json.RawMessage(fmt.Sprintf(seedPage, token)))
		_, _ = w.Write(body)
	})
	limit, offset := 10, 0
	resp, err := c.GetBackendTokensWithResponse(context.Background(),
		&tokensapi.GetBackendTokensParams{Limit: &limit, Offset: &offset},
		func(_ context.Context, req *http.Request) error {
			req.Header.Set("authToken", authToken)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if gotPath != "/backend/tokens" || gotQuery != "limit=10&offset=0" {
		t.Errorf("request went to %s?%s, want /backend/tokens?limit=10&offset=0", gotPath, gotQuery)
	}
	if gotAuth != authToken {
		t.Error("the authToken header did not reach the server")
	}
	if resp.StatusCode() != http.StatusOK || resp.JSON200 == nil {
		t.Fatalf("status %d, JSON200 %v: the 200 body was not decoded", resp.StatusCode(), resp.JSON200)
	}
	page := resp.JSON200
	if page.Code != 200 || page.Meta.Message != "SUCCESS" {
		t.Errorf("envelope: code %d, message %q", page.Code, page.Meta.Message)
	}
	if p := page.Meta.Pagination; p.TotalCount != 25 || p.Offset != 0 || p.Limit != 10 {
		t.Errorf("pagination = %+v, want totalCount 25, offset 0, limit 10", p)
	}
	if len(page.Data) != 1 {
		t.Fatalf("data has %d items, want 1", len(page.Data))
	}
	tok := page.Data[0]
	want := tokensapi.Token{
		ID:           123,
		Name:         "customer storefront token",
		Email:        "user@example.com",
		StoreHash:    "1234abcd",
		Token:        token,
		EventChannel: tokensapi.EventChannelApp,
	}
	if tok != want {
		// Never print tok itself: it carries the token.
		t.Errorf("decoded item differs from the example (id %d, name %q, storeHash %q, channel %q; token equal: %v)",
			tok.ID, tok.Name, tok.StoreHash, tok.EventChannel, tok.Token == token)
	}
	if !tok.EventChannel.Valid() {
		t.Error("eventChannel app is not a valid enum value")
	}
	if h := resp.Headers200; h == nil || h.XRequestID == nil || *h.XRequestID != "req-1" ||
		h.XRequestsRemaining == nil || *h.XRequestsRemaining != "147 times" {
		t.Error("rate-limit headers were not decoded")
	}
}

func TestGeneratedClientDecodesTheErrorEnvelope(t *testing.T) {
	c := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"code":404,"data":{"errMsg":"No matching token was found."},"meta":{"message":"Not Found Error"}}`))
	})
	resp, err := c.DeleteAuthBackendWithResponse(context.Background(), tokensapi.DeleteTokenRequest{ID: 7})
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON404 == nil {
		t.Fatalf("status %d: the 404 envelope was not decoded", resp.StatusCode())
	}
	msg, err := resp.JSON404.Data.ErrMsg.AsErrorMessage0()
	if err != nil || msg != "No matching token was found." || resp.JSON404.Meta.Message != "Not Found Error" {
		t.Errorf("envelope decoded as errMsg %q (%v), message %q", msg, err, resp.JSON404.Meta.Message)
	}
}

func TestGeneratedClientDecodesFieldErrors(t *testing.T) {
	c := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = w.Write([]byte(`{"code":422,"data":{"errMsg":{"offset":["must be >= 0"]}},"meta":{"message":"Validation Error"}}`))
	})
	resp, err := c.GetBackendTokensWithResponse(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON422 == nil {
		t.Fatalf("status %d: the 422 envelope was not decoded", resp.StatusCode())
	}
	fields, err := resp.JSON422.Data.ErrMsg.AsFieldErrors()
	if err != nil || len(fields["offset"]) != 1 || fields["offset"][0] != "must be >= 0" {
		t.Errorf("field errors = %v (%v)", fields, err)
	}
}

// TestGeneratedClientIsSilentOnUndocumentedStatus pins a known limitation of
// the generated client that the hand-written client and the contract suite
// exist to cover: an undocumented status leaves every JSON field nil and
// returns no error.
func TestGeneratedClientIsSilentOnUndocumentedStatus(t *testing.T) {
	c := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusGone)
		_, _ = w.Write([]byte("<html>gone</html>"))
	})
	resp, err := c.GetBackendTokensWithResponse(context.Background(), nil)
	if err != nil {
		t.Fatalf("generated client returned an error on 410: %v", err)
	}
	if resp.JSON200 != nil || resp.StatusCode() != http.StatusGone {
		t.Errorf("want status 410 with nothing decoded, got %d", resp.StatusCode())
	}
}

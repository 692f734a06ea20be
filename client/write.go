package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
)

// Delete deletes the token with the given id (Token.ID).
//
// It wraps DELETE /auth/backend (delete-auth-backend): the id travels in the
// JSON body. It sends the client's authToken. A write is never retried. An
// id below 1 is rejected before anything is sent. A 404 (no token has that
// id) matches ErrNotFound; a 200 whose body is not JSON matches
// ErrUnexpectedResponse.
//
// Deprecated: B2B Edition authToken credentials are deprecated since
// 2025-09-30. Migrate server-to-server calls to a BigCommerce store-level API
// account: send X-Auth-Token together with X-Store-Hash instead of authToken
// (never send X-Store-Hash with authToken). No sunset date is announced;
// existing tokens stay valid until they are deleted.
//
//meta:operation DELETE /auth/backend
func (c *Client) Delete(ctx context.Context, id int) error {
	if id < 1 {
		return fmt.Errorf("client: %s: %w: the token id is %d; ids are 1 or more", opDelete, ErrInvalidArgument, id)
	}
	ex, err := c.send(ctx, opDelete, func() (*http.Request, error) {
		return tokensapi.NewDeleteAuthBackendRequest(c.server, tokensapi.DeleteTokenRequest{ID: id})
	}, c.known())
	if err != nil {
		return err
	}
	if ex.resp.StatusCode != http.StatusOK {
		return c.newAPIError(opDelete, ex, "", nil)
	}
	if !isJSON(ex.resp.Header) {
		return c.newAPIError(opDelete, ex, "the body is not JSON ("+contentType(ex.resp.Header, ex.scrubber())+")", nil)
	}
	var res tokensapi.DeleteTokenResult
	if err := json.Unmarshal(ex.body, &res); err != nil {
		return c.newAPIError(opDelete, ex, "the body is not the delete result", err)
	}
	return nil
}

// Create creates a server-to-server token for a backend user (an
// Administrator or Store Owner) and returns it.
//
// It wraps POST /auth/backend (post-auth-backend). The backend user's email
// and password in the body are the credentials, so, as the spec decides,
// Create does not send the client's authToken: a Client made without
// WithAuthToken can call it. Missing fields are rejected before anything is
// sent. The password never appears in an error or a log line, even if the
// server echoes it. A write is never retried. Wrong credentials come back as
// a 400 *APIError whose ErrMsg says so.
//
// Deprecated: B2B Edition authToken credentials are deprecated since
// 2025-09-30. Migrate server-to-server calls to a BigCommerce store-level API
// account: send X-Auth-Token together with X-Store-Hash instead of authToken
// (never send X-Store-Hash with authToken). No sunset date is announced;
// existing tokens stay valid until they are deleted.
//
//meta:operation POST /auth/backend
func (c *Client) Create(ctx context.Context, r CreateRequest) (*CreatedToken, error) {
	var missing []string
	for _, f := range []struct {
		name  string
		empty bool
	}{
		{"StoreHash", r.StoreHash == ""},
		{"Email", r.Email == ""},
		{"Password", r.Password.IsZero()},
		{"Name", r.Name == ""},
	} {
		if f.empty {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("client: %s: %w: CreateRequest lacks %s", opCreate, ErrInvalidArgument, strings.Join(missing, ", "))
	}
	body := tokensapi.CreateTokenRequest{
		StoreHash: r.StoreHash,
		Email:     r.Email,
		Password:  r.Password.Reveal(),
		Name:      r.Name,
		ChannelID: r.ChannelID,
	}
	if r.BeginAt != "" {
		body.BeginAt = &r.BeginAt
	}
	if r.EndAt != "" {
		body.EndAt = &r.EndAt
	}
	ex, err := c.send(ctx, opCreate, func() (*http.Request, error) {
		return tokensapi.NewPostAuthBackendRequest(c.server, body)
	}, c.known(r.Password.Reveal()))
	if err != nil {
		return nil, err
	}
	if ex.resp.StatusCode != http.StatusOK {
		return nil, c.newAPIError(opCreate, ex, "", nil)
	}
	if !isJSON(ex.resp.Header) {
		return nil, c.newAPIError(opCreate, ex, "the body is not JSON ("+contentType(ex.resp.Header, ex.scrubber())+")", nil)
	}
	var res tokensapi.CreateTokenResult
	if err := json.Unmarshal(ex.body, &res); err != nil {
		return nil, c.newAPIError(opCreate, ex, "the body is not the create result (data must be an array of {name, token})", err)
	}
	if len(res.Data) == 0 || res.Data[0].Token == "" {
		return nil, c.newAPIError(opCreate, ex, "the body holds no token", nil)
	}
	return &CreatedToken{Name: res.Data[0].Name, Token: NewSecret(res.Data[0].Token)}, nil
}

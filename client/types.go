package client

import (
	"log/slog"

	"github.com/b2b-contract/s2s-tokens/client/headers"
	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// EventChannel says where a token was created. It is the generated enum
// type, so its Valid method reports values the contract does not know.
type EventChannel = tokensapi.EventChannel

// The event channels the contract knows.
const (
	// EventChannelApp is the B2B Edition control panel.
	EventChannelApp = tokensapi.EventChannelApp
	// EventChannelAdmin is the BigCommerce control panel.
	EventChannelAdmin = tokensapi.EventChannelAdmin
	// EventChannelAPI is the API.
	EventChannelAPI = tokensapi.EventChannelAPI
)

// Token is one server-to-server token of the store.
//
// Token.Token is a live credential, wrapped in a Secret: printing, marshalling
// or logging a Token masks it. Email is personal data: it is a plain string
// here, because the caller asked for it, and fmt and encoding/json show it;
// LogValue masks it, so slog does not log it (slog does not look inside a
// []Token, though: log a Page, or each Token, instead).
type Token struct {
	// ID is the internal token id; Delete takes it.
	ID int `json:"id"`
	// Name is the name the token was given when it was created.
	Name string `json:"name"`
	// Email is the email of the backend user the token belongs to.
	Email string `json:"email"`
	// StoreHash is the BigCommerce store hash.
	StoreHash string `json:"storeHash"`
	// Token is the credential, an HS256 JWT. Reveal it only to send it.
	Token Secret `json:"token"`
	// EventChannel says where the token was created. A value the contract
	// does not know is kept as sent (EventChannel.Valid reports it).
	EventChannel EventChannel `json:"eventChannel"`
}

// LogValue implements slog.LogValuer: the token value and the email are
// masked.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int("id", t.ID),
		slog.String("name", t.Name),
		slog.String("email", maskPersonal(t.Email)),
		slog.String("storeHash", t.StoreHash),
		slog.Any("token", t.Token),
		slog.String("eventChannel", string(t.EventChannel)),
	)
}

func tokenFromAPI(t tokensapi.Token) Token {
	return Token{
		ID:           t.ID,
		Name:         t.Name,
		Email:        t.Email,
		StoreHash:    t.StoreHash,
		Token:        NewSecret(t.Token),
		EventChannel: t.EventChannel,
	}
}

// maskPersonal masks a personal value (an email) for logs.
func maskPersonal(s string) string {
	if s == "" {
		return ""
	}
	return Masked
}

// The bounds of ListOptions.Limit and FetchOptions.Limit: the list
// operation's limit parameter, read from the embedded spec (package
// openapi). The client checks against the spec, not these variables, so
// changing them changes nothing.
var (
	MinLimit = listPaging.MinLimit
	MaxLimit = listPaging.MaxLimit
)

// listPaging is what the spec says about the list operation's limit and
// offset.
var listPaging = mustListPaging()

func mustListPaging() openapi.Paging {
	p, err := openapi.ListPaging()
	if err != nil {
		panic("client: " + err.Error())
	}
	return p
}

// ListOptions selects one page.
type ListOptions struct {
	// Limit is the page size, MinLimit to MaxLimit. Zero sends no limit,
	// and the vendor uses the spec's default.
	Limit int
	// Offset is how many tokens to skip, 0 or more.
	Offset int
}

// Pagination is where a page sits, as the response's meta.pagination says.
type Pagination struct {
	// TotalCount is how many tokens the store has in all. It is meaningful
	// only when HasTotalCount is true.
	TotalCount int `json:"totalCount"`
	// HasTotalCount is false when the response carried no
	// meta.pagination.totalCount.
	HasTotalCount bool `json:"-"`
	// Offset and Limit echo the request's (the vendor fills in 0 and 10 when
	// the request gave none); zero when the response left them out.
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// Page is one page of tokens.
type Page struct {
	// Tokens are the page's tokens, in the order the server sent them. Never
	// nil on success.
	Tokens []Token `json:"tokens"`
	// Pagination is the response's meta.pagination.
	Pagination Pagination `json:"pagination"`
	// RequestID is the vendor's X-Request-Id, for support tickets.
	RequestID string `json:"requestId,omitempty"`
	// RateLimit is the store's request allowance as the response's headers
	// describe it.
	RateLimit headers.RateLimit `json:"-"`
}

// LogValue implements slog.LogValuer: a page logs as its size and position,
// never its tokens.
func (p Page) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int("tokens", len(p.Tokens)),
		slog.Int("offset", p.Pagination.Offset),
		slog.Int("limit", p.Pagination.Limit),
		slog.Int("totalCount", p.Pagination.TotalCount),
		slog.String("requestId", p.RequestID),
	)
}

// FetchOptions tunes FetchAll.
type FetchOptions struct {
	// Concurrency is how many pages are fetched at once after the first.
	// Zero means DefaultConcurrency; 1 fetches every page in turn. At most
	// MaxConcurrency.
	Concurrency int
	// Limit is the page size, MinLimit to MaxLimit. Zero means MaxLimit.
	Limit int
}

// Bounds of FetchOptions.Concurrency. The store's rate limit (150 requests a
// minute, shared by every integration) is the reason for the small maximum.
const (
	DefaultConcurrency = 4
	MaxConcurrency     = 16
)

// CreateRequest is the body of POST /auth/backend: a backend user's
// credentials and a name for the new token.
type CreateRequest struct {
	// StoreHash is the BigCommerce store hash. Required.
	StoreHash string
	// Email is the backend user's email (an Administrator or Store Owner).
	// Required.
	Email string
	// Password is the backend user's password. Required. It is sent in the
	// body and never logged or put in an error.
	Password Secret
	// Name is the new token's name. Required.
	Name string
	// ChannelID, BeginAt and EndAt are optional; the vendor's guides send
	// them (BeginAt and EndAt bound the token's validity), although the
	// vendor's schema does not declare them. They are sent as given.
	ChannelID *int
	BeginAt   string
	EndAt     string
}

// LogValue implements slog.LogValuer: the email and password are masked.
func (r CreateRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("storeHash", r.StoreHash),
		slog.String("email", maskPersonal(r.Email)),
		slog.Any("password", r.Password),
		slog.String("name", r.Name),
	)
}

// CreatedToken is the token POST /auth/backend made.
type CreatedToken struct {
	// Name is the name given in the request.
	Name string `json:"name"`
	// Token is the new credential.
	Token Secret `json:"token"`
}

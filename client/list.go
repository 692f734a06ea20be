package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"

	"golang.org/x/sync/errgroup"

	"github.com/b2b-contract/s2s-tokens/client/headers"
	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
)

// maxPages bounds how many pages one All or FetchAll walks (over 16 million
// tokens at 250 a page), so that a server that never ends its list cannot
// keep a caller busy for ever.
const maxPages = 1 << 16

func (o ListOptions) validate() error {
	p := listPaging
	if o.Limit != 0 && (o.Limit < p.MinLimit || o.Limit > p.MaxLimit) {
		return fmt.Errorf("client: %s: %w: ListOptions.Limit is %d; it must be between %d and %d (0 sends none, and the vendor uses %d)",
			opList, ErrInvalidArgument, o.Limit, p.MinLimit, p.MaxLimit, p.DefaultLimit)
	}
	if o.Offset < p.MinOffset {
		return fmt.Errorf("client: %s: %w: ListOptions.Offset is %d; it must be %d or more", opList, ErrInvalidArgument, o.Offset, p.MinOffset)
	}
	return nil
}

// List fetches one page of the store's server-to-server tokens.
//
// It wraps GET /backend/tokens (get-backend-tokens). The limit and offset
// are checked before anything is sent. The call is a read: it is retried as
// the client's RetryPolicy says. It returns a non-nil *Page or an error,
// never both nil: an error status is an *APIError, and a success that is not
// a JSON token list is an *APIError matching ErrUnexpectedResponse. A 404 or
// 410 matches ErrEndpointGone.
//
// Deprecated: B2B Edition authToken credentials are deprecated since
// 2025-09-30. Migrate server-to-server calls to a BigCommerce store-level API
// account: send X-Auth-Token together with X-Store-Hash instead of authToken
// (never send X-Store-Hash with authToken). No sunset date is announced;
// existing tokens stay valid until they are deleted.
//
//meta:operation GET /backend/tokens
func (c *Client) List(ctx context.Context, opts ListOptions) (*Page, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	return c.list(ctx, opts.Limit, opts.Offset)
}

// list fetches one page; limit 0 sends no limit.
func (c *Client) list(ctx context.Context, limit, offset int) (*Page, error) {
	params := &tokensapi.GetBackendTokensParams{Offset: &offset}
	if limit != 0 {
		params.Limit = &limit
	}
	ex, err := c.send(ctx, opList, func() (*http.Request, error) {
		return tokensapi.NewGetBackendTokensRequest(c.server, params)
	}, c.known())
	if err != nil {
		return nil, err
	}
	return c.decodePage(ex)
}

// listBody is the 200 body of GET /backend/tokens: the generated token type
// for the items, pointers to tell a missing member from a zero one.
type listBody struct {
	Data *[]tokensapi.Token `json:"data"`
	Meta *struct {
		Pagination *struct {
			TotalCount *int `json:"totalCount"`
			Offset     *int `json:"offset"`
			Limit      *int `json:"limit"`
		} `json:"pagination"`
	} `json:"meta"`
}

func (c *Client) decodePage(ex *exchange) (*Page, error) {
	if ex.resp.StatusCode != http.StatusOK {
		return nil, c.newAPIError(opList, ex, "", nil)
	}
	if !isJSON(ex.resp.Header) {
		return nil, c.newAPIError(opList, ex, "the body is not JSON ("+contentType(ex.resp.Header, ex.scrubber())+")", nil)
	}
	var body listBody
	if err := json.Unmarshal(ex.body, &body); err != nil {
		return nil, c.newAPIError(opList, ex, "the body is not a token list", err)
	}
	if body.Data == nil {
		return nil, c.newAPIError(opList, ex, `the body has no "data" array`, nil)
	}
	p := &Page{
		Tokens:    make([]Token, len(*body.Data)),
		RequestID: cleanMessage(ex.resp.Header.Get(headers.RequestID), ex.known...),
	}
	for i, t := range *body.Data {
		p.Tokens[i] = tokenFromAPI(t)
	}
	if body.Meta != nil && body.Meta.Pagination != nil {
		pg := body.Meta.Pagination
		if pg.TotalCount != nil {
			p.Pagination.TotalCount, p.Pagination.HasTotalCount = *pg.TotalCount, true
		}
		if pg.Offset != nil {
			p.Pagination.Offset = *pg.Offset
		}
		if pg.Limit != nil {
			p.Pagination.Limit = *pg.Limit
		}
	}
	p.RateLimit, _ = headers.ParseRateLimit(ex.resp.Header)
	return p, nil
}

// All returns an iterator over every token of the store, fetching pages of
// MaxLimit in turn as the loop asks for them. A token whose id was already
// yielded (it moved to a later page because tokens were added meanwhile) is
// skipped. The walk ends at an empty page, or when a page's own totalCount
// says it is the last (when a page has no totalCount, or one the page
// contradicts, a page shorter than the limit is the last). A page of tokens
// all seen before ends the walk with ErrUnexpectedResponse (the server is
// ignoring offset), and so does a list longer than 65,536 pages. On an error the iterator yields a zero Token and
// the error, and stops. Breaking out of the loop stops fetching.
//
// It wraps GET /backend/tokens (get-backend-tokens); see List for errors and
// retries.
//
// Deprecated: B2B Edition authToken credentials are deprecated since
// 2025-09-30. Migrate server-to-server calls to a BigCommerce store-level API
// account: send X-Auth-Token together with X-Store-Hash instead of authToken
// (never send X-Store-Hash with authToken). No sunset date is announced;
// existing tokens stay valid until they are deleted.
//
//meta:operation GET /backend/tokens
func (c *Client) All(ctx context.Context) iter.Seq2[Token, error] {
	return func(yield func(Token, error) bool) {
		stopped := false
		err := c.walk(ctx, listPaging.MaxLimit, 0, make(map[int]struct{}), func(t Token) bool {
			stopped = !yield(t, nil)
			return !stopped
		})
		if err != nil && !stopped {
			yield(Token{}, err)
		}
	}
}

// walk fetches pages in turn from offset, handing each token not seen before
// to emit, until the list ends (see All) or emit returns false.
func (c *Client) walk(ctx context.Context, limit, offset int, seen map[int]struct{}, emit func(Token) bool) error {
	for range maxPages {
		p, err := c.list(ctx, limit, offset)
		if err != nil {
			return err
		}
		n := len(p.Tokens)
		fresh := 0
		for _, t := range p.Tokens {
			if _, dup := seen[t.ID]; dup {
				continue
			}
			seen[t.ID] = struct{}{}
			fresh++
			if !emit(t) {
				return nil
			}
		}
		if lastPage(p, offset, limit) {
			return nil
		}
		if fresh == 0 {
			return fmt.Errorf("client: %s: %w: the page at offset %d holds only tokens already seen; the server seems to ignore offset",
				opList, ErrUnexpectedResponse, offset)
		}
		offset += n
	}
	return fmt.Errorf("client: %s: %w: the list did not end after %d pages", opList, ErrUnexpectedResponse, maxPages)
}

// lastPage reports whether p, fetched at offset with limit, ends the list:
// it is empty, or its totalCount says nothing follows, or (without a
// totalCount) it is shorter than the page size.
func lastPage(p *Page, offset, limit int) bool {
	n := len(p.Tokens)
	switch {
	case n == 0:
		return true
	case p.Pagination.HasTotalCount && offset+n <= p.Pagination.TotalCount:
		return offset+n == p.Pagination.TotalCount
	}
	// No totalCount, or one the page itself contradicts: a page shorter
	// than the page size is the last.
	size := limit
	if l := p.Pagination.Limit; l > 0 && l < size {
		size = l // the server caps the page size lower than asked
	}
	return n < size
}

func (o FetchOptions) resolve() (concurrency, limit int, err error) {
	concurrency, limit = o.Concurrency, o.Limit
	if concurrency == 0 {
		concurrency = DefaultConcurrency
	}
	if limit == 0 {
		limit = listPaging.MaxLimit
	}
	switch {
	case concurrency < 1 || concurrency > MaxConcurrency:
		err = fmt.Errorf("FetchOptions.Concurrency is %d; it must be between 1 and %d (0 means %d)", o.Concurrency, MaxConcurrency, DefaultConcurrency)
	case limit < listPaging.MinLimit || limit > listPaging.MaxLimit:
		err = fmt.Errorf("FetchOptions.Limit is %d; it must be between %d and %d (0 means %d)", o.Limit, listPaging.MinLimit, listPaging.MaxLimit, listPaging.MaxLimit)
	}
	if err != nil {
		err = fmt.Errorf("client: %s: %w: %w", opList, ErrInvalidArgument, err)
	}
	return concurrency, limit, err
}

// FetchAll returns every token of the store, in the server's order, each id
// once.
//
// It fetches the first page serially. If that page is full and its
// totalCount T says more follow, it plans the pages at offsets Limit,
// 2*Limit, ... below T and fetches them up to opts.Concurrency at a time
// (an errgroup with a limit). The result keeps the server's order whatever
// order the pages arrive in. A token whose id already appeared on an earlier
// page (it shifted because tokens were added meanwhile) is dropped: the
// first occurrence wins.
//
// It falls back to fetching one page at a time, until the list ends (see
// All), when the plan cannot be made (the first page has no totalCount, or
// is short although T says more follow, or T is smaller than the page) or
// stops fitting: when a planned page reports a totalCount other than T or
// holds a number of tokens other than min(Limit, T-offset). Such a page
// stops the concurrent stage (no new page is started), and the sequential
// walk starts from the first planned page that did not come back as
// planned. A server that reports a wildly wrong totalCount therefore costs a
// few extra requests, not one per page it claims. FetchAll is a best-effort
// snapshot: a token deleted while it runs may shift another one onto a page
// already fetched, and that one is then missed, as with any offset paging.
//
// An error from any page cancels the others and is returned with a nil
// slice. An empty store gives an empty, non-nil slice.
//
// It wraps GET /backend/tokens (get-backend-tokens); see List for errors and
// retries.
//
// Deprecated: B2B Edition authToken credentials are deprecated since
// 2025-09-30. Migrate server-to-server calls to a BigCommerce store-level API
// account: send X-Auth-Token together with X-Store-Hash instead of authToken
// (never send X-Store-Hash with authToken). No sunset date is announced;
// existing tokens stay valid until they are deleted.
//
//meta:operation GET /backend/tokens
func (c *Client) FetchAll(ctx context.Context, opts FetchOptions) ([]Token, error) {
	concurrency, limit, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	first, err := c.list(ctx, limit, 0)
	if err != nil {
		return nil, err
	}
	// Sized from what has arrived, never from the server's totalCount: one
	// small page claiming 2^31 tokens must not cost gigabytes.
	out := make([]Token, 0, len(first.Tokens))
	seen := make(map[int]struct{}, len(first.Tokens))
	appendNew := func(ts []Token) {
		for _, t := range ts {
			if _, dup := seen[t.ID]; !dup {
				seen[t.ID] = struct{}{}
				out = append(out, t)
			}
		}
	}
	// finish abandons the plan: it walks the list from offset on, one page
	// at a time.
	finish := func(offset int) ([]Token, error) {
		err := c.walk(ctx, limit, offset, seen, func(t Token) bool {
			out = append(out, t)
			return true
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	}

	appendNew(first.Tokens)
	n0, total := len(first.Tokens), first.Pagination.TotalCount
	switch {
	case lastPage(first, 0, limit):
		return out, nil
	case !first.Pagination.HasTotalCount || n0 != limit || total <= n0:
		return finish(n0)
	}

	// The plan: every page below total, concurrently. A page that does not
	// fit the plan stops it (no new page is started), and the walk takes
	// over from the first page that did not come back as planned.
	var offsets []int
	for o := limit; o < total && len(offsets) < maxPages; o += limit {
		offsets = append(offsets, o)
	}
	fits := func(i int, p *Page) bool {
		return p.Pagination.HasTotalCount && p.Pagination.TotalCount == total && len(p.Tokens) == min(limit, total-offsets[i])
	}
	pages := make([]*Page, len(offsets))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(concurrency)
	for i, o := range offsets {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			p, err := c.list(gctx, limit, o)
			if err != nil {
				return err
			}
			pages[i] = p
			if !fits(i, p) {
				return errOffPlan
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil && err != errOffPlan {
		return nil, err
	}
	for i, p := range pages {
		if p == nil || !fits(i, p) {
			return finish(offsets[i])
		}
		appendNew(p.Tokens)
	}
	return out, nil
}

// errOffPlan stops FetchAll's concurrent stage when a page does not fit the
// plan made from the first page. It never reaches the caller.
var errOffPlan = errors.New("client: a page does not fit the plan")

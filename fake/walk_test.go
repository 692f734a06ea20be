package fake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"

	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// Exchange is one request that Walk sent to the fake and the response it got.
type Exchange struct {
	// Step says what the request exercises, for example
	// "list limit=7 offset=14" or "delete unknown id". It never holds a token.
	Step string
	// Operation is the spec's operationId of the request.
	Operation string
	// WantStatus is the status a fake without injected drift or failures
	// answers this step with.
	WantStatus int

	// Request is the request as sent; its Body is already read, see
	// RequestBody.
	Request *http.Request
	// RequestBody is the request's body (nil when it had none).
	RequestBody []byte

	// Status, Header and Body are the response.
	Status int
	Header http.Header
	Body   []byte
}

// Response returns the exchange's response as an *http.Response with a fresh
// reader over Body and Request set, so that each consumer (a validator, a
// generated Parse…Response function) can read the body in full.
func (e Exchange) Response() *http.Response {
	return &http.Response{
		Status:        strconv.Itoa(e.Status) + " " + http.StatusText(e.Status),
		StatusCode:    e.Status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        e.Header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(e.Body)),
		ContentLength: int64(len(e.Body)),
		Request:       e.Request,
	}
}

// walkBase is the origin of the requests Walk builds, which go to the
// operations' paths under the spec's server path, as a client's do; they
// never leave the process.
const walkBase = "http://fake.invalid"

// Walk drives the fake through every behaviour the contract describes and
// hands each exchange to visit, in order. It runs in-process (through
// ServeHTTP, no network) and changes the store: it creates one token and
// deletes one, and it uses up the rate-limit window. In order, it:
//
//   - lists every page at limits 1, 7, the default (no limit parameter) and
//     the spec's maximum, then a page past the end;
//   - sends the 401s (no token, a wrong token), the 413 (a limit over the
//     spec's maximum) and the 422s (a limit or offset below the spec's
//     minimum, limit "ten", limit given twice);
//   - creates a token with the wrong password (400), with no fields (422),
//     with malformed JSON (422), with a body over MaxBodyBytes (413) and with
//     the backend user's credentials (200), then lists the page that holds
//     the new token;
//   - deletes without a token (401), with a malformed body (422), with a body
//     over MaxBodyBytes (413), an unknown
//     id (404), the created token (200) and the same id again (404);
//   - lists until the rate limit answers 429.
//
// Exchange.WantStatus says what each step expects of a fake without drift or
// injected failures; Walk itself does not judge the responses, visit does.
//
// Walk needs Options.UserEmail and UserPassword (to create a token) and enough
// of the rate-limit window for its paging (about twice SeedTokens requests
// plus thirty); it returns an error when either is missing, when the fake
// answers 429 before the last step, when no 429 comes at the end, or when ctx
// ends.
func (s *Server) Walk(ctx context.Context, visit func(Exchange)) error {
	if s.opts.UserEmail == "" {
		return errors.New("fake: Walk needs Options.UserEmail and Options.UserPassword to exercise create")
	}
	w := &walker{s: s, ctx: ctx, visit: visit, remaining: -1}
	var err error
	if w.listOp, err = openapi.ListOperation(); err != nil {
		return err
	}
	if w.deleteOp, err = openapi.FindOperation(http.MethodDelete, "/auth/backend"); err != nil {
		return err
	}
	if w.createOp, err = openapi.FindOperation(http.MethodPost, "/auth/backend"); err != nil {
		return err
	}
	steps := []func() error{w.listAllPages, w.listErrors, w.creates, w.deletes, w.exhaustRateLimit}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

type walker struct {
	s                          *Server
	listOp, deleteOp, createOp openapi.Operation
	ctx                        context.Context
	visit                      func(Exchange)
	total                      int // totalCount as last seen
	remaining                  int // X-Requests-Remaining as last seen; -1 when unreadable
}

// request describes one request of the walk.
type request struct {
	step       string
	op         openapi.Operation
	query      string
	body       []byte
	auth       string // the authToken header; "" sends none
	wantStatus int
}

// errRateLimited reports a 429 before the walk's last step.
var errRateLimited = errors.New("fake: Walk was refused with 429 before its rate-limit step; raise Options.RateLimit or lower SeedTokens")

func (w *walker) do(rq request) (Exchange, error) {
	if err := w.ctx.Err(); err != nil {
		return Exchange{}, err
	}
	target := walkBase + w.s.basePath + rq.op.Path
	if rq.query != "" {
		target += "?" + rq.query
	}
	req, err := http.NewRequestWithContext(w.ctx, rq.op.Method, target, bytes.NewReader(rq.body))
	if err != nil {
		return Exchange{}, fmt.Errorf("fake: Walk step %q: %w", rq.step, err)
	}
	if rq.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if rq.auth != "" {
		req.Header.Set("authToken", rq.auth)
	}
	rec := httptest.NewRecorder()
	w.s.ServeHTTP(rec, req)
	if err := w.ctx.Err(); err != nil {
		return Exchange{}, err
	}
	// Hand out a request whose body can be read again.
	sent := req.Clone(w.ctx)
	sent.Body = io.NopCloser(bytes.NewReader(rq.body))
	sent.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(rq.body)), nil }
	res := rec.Result()
	ex := Exchange{
		Step:        rq.step,
		Operation:   rq.op.ID,
		WantStatus:  rq.wantStatus,
		Request:     sent,
		RequestBody: rq.body,
		Status:      res.StatusCode,
		Header:      res.Header,
		Body:        rec.Body.Bytes(),
	}
	w.remaining = -1
	if n, ok := strings.CutSuffix(ex.Header.Get("X-Requests-Remaining"), " times"); ok {
		if v, err := strconv.Atoi(n); err == nil {
			w.remaining = v
		}
	}
	w.visit(ex)
	return ex, nil
}

// listPage is the part of a list response that paging needs, decoded
// leniently so that paging survives the drift scenarios.
type listPage struct {
	Data []json.RawMessage `json:"data"`
	Meta struct {
		Pagination struct {
			TotalCount int `json:"totalCount"`
		} `json:"pagination"`
	} `json:"meta"`
}

// list requests one page with the auth token, expecting a 200.
func (w *walker) list(step, query string) (Exchange, error) {
	ex, err := w.do(request{step: step, op: w.listOp, query: query, auth: w.s.opts.AuthToken, wantStatus: http.StatusOK})
	if err == nil && ex.Status == http.StatusTooManyRequests {
		err = errRateLimited
	}
	return ex, err
}

// listAllPages pages through the store at several limits.
func (w *walker) listAllPages() error {
	for _, limit := range []int{1, 7, 0, w.s.paging.MaxLimit} {
		pageSize := limit
		if limit == 0 {
			pageSize = w.s.paging.DefaultLimit
		}
		for offset, pages := 0, 0; ; pages++ {
			query := fmt.Sprintf("limit=%d&offset=%d", limit, offset)
			if limit == 0 {
				query = fmt.Sprintf("offset=%d", offset)
				if offset == 0 {
					query = "" // both defaults
				}
			}
			ex, err := w.listRetrying(fmt.Sprintf("list %s", orDefault(query)), query)
			if err != nil {
				return err
			}
			var page listPage
			if ex.Status != http.StatusOK || json.Unmarshal(ex.Body, &page) != nil {
				break // a drift scenario or an injected failure; visit judges it
			}
			w.total = page.Meta.Pagination.TotalCount
			offset += pageSize
			if offset >= w.total || len(page.Data) == 0 || pages > MaxSeedTokens {
				break
			}
		}
	}
	_, err := w.list("list past the end", fmt.Sprintf("limit=10&offset=%d", w.total+3))
	return err
}

// listRetrying lists a page, retrying twice on a 5xx so that paging survives
// injected failures.
func (w *walker) listRetrying(step, query string) (Exchange, error) {
	for attempt := 0; ; attempt++ {
		ex, err := w.list(step, query)
		if err != nil || ex.Status < 500 || attempt == 2 {
			return ex, err
		}
	}
}

func orDefault(query string) string {
	if query == "" {
		return "(defaults)"
	}
	return strings.ReplaceAll(query, "&", " ")
}

// listErrors sends the list requests that the contract answers with errors.
func (w *walker) listErrors() error {
	tok, wrong := w.s.opts.AuthToken, "wrong-"+synthetic.RandomHex(16)
	p := w.s.paging
	for _, rq := range []request{
		{step: "list without authToken", wantStatus: http.StatusUnauthorized},
		{step: "list with a wrong authToken", auth: wrong, wantStatus: http.StatusUnauthorized},
		{step: "list limit over the maximum", query: fmt.Sprintf("limit=%d", p.MaxLimit+1), auth: tok, wantStatus: http.StatusRequestEntityTooLarge},
		{step: "list limit below the minimum", query: fmt.Sprintf("limit=%d", p.MinLimit-1), auth: tok, wantStatus: http.StatusUnprocessableEntity},
		{step: "list offset below the minimum", query: fmt.Sprintf("offset=%d", p.MinOffset-1), auth: tok, wantStatus: http.StatusUnprocessableEntity},
		{step: "list limit not an integer", query: "limit=ten", auth: tok, wantStatus: http.StatusUnprocessableEntity},
		{step: "list limit given twice", query: "limit=5&limit=6", auth: tok, wantStatus: http.StatusUnprocessableEntity},
	} {
		rq.op = w.listOp
		if err := w.doAdmitted(rq); err != nil {
			return err
		}
	}
	return nil
}

// doAdmitted sends rq and fails the walk if the rate limit refuses it.
func (w *walker) doAdmitted(rq request) error {
	ex, err := w.do(rq)
	if err == nil && ex.Status == http.StatusTooManyRequests {
		err = errRateLimited
	}
	return err
}

// creates exercises POST /auth/backend, then lists the page with the new
// token.
func (w *walker) creates() error {
	o := w.s.opts
	body := func(password string) []byte {
		b, _ := json.Marshal(map[string]string{
			"storeHash": o.StoreHash, "email": o.UserEmail, "password": password, "name": "walk token",
		})
		return b
	}
	for _, rq := range []request{
		{step: "create with a wrong password", body: body("wrong-" + synthetic.RandomHex(8)), wantStatus: http.StatusBadRequest},
		{step: "create with no fields", body: []byte(`{}`), wantStatus: http.StatusUnprocessableEntity},
		{step: "create with malformed JSON", body: []byte(`{"name":`), wantStatus: http.StatusUnprocessableEntity},
		{step: "create with a body over 1 MiB", body: oversizedBody(), wantStatus: http.StatusRequestEntityTooLarge},
		{step: "create", body: body(o.UserPassword), wantStatus: http.StatusOK},
	} {
		rq.op = w.createOp
		if err := w.doAdmitted(rq); err != nil {
			return err
		}
	}
	_, err := w.list("list the created token", fmt.Sprintf("limit=%d&offset=%d", w.s.paging.MaxLimit, w.total))
	return err
}

// oversizedBody is a JSON object one member larger than MaxBodyBytes.
func oversizedBody() []byte {
	b := append([]byte(`{"name":"`), bytes.Repeat([]byte("x"), MaxBodyBytes)...)
	return append(b, `"}`...)
}

// deletes exercises DELETE /auth/backend on the token that creates made.
func (w *walker) deletes() error {
	w.s.mu.Lock()
	created := w.s.nextID - 1
	unknown := w.s.nextID + 1000
	w.s.mu.Unlock()
	idBody := func(id int) []byte { return []byte(fmt.Sprintf(`{"id":%d}`, id)) }
	tok := w.s.opts.AuthToken
	for _, rq := range []request{
		{step: "delete without authToken", body: idBody(created), wantStatus: http.StatusUnauthorized},
		{step: "delete with a malformed body", body: []byte(`{"id":"one"}`), auth: tok, wantStatus: http.StatusUnprocessableEntity},
		{step: "delete with a body over 1 MiB", body: oversizedBody(), auth: tok, wantStatus: http.StatusRequestEntityTooLarge},
		{step: "delete unknown id", body: idBody(unknown), auth: tok, wantStatus: http.StatusNotFound},
		{step: "delete", body: idBody(created), auth: tok, wantStatus: http.StatusOK},
		{step: "delete the same id again", body: idBody(created), auth: tok, wantStatus: http.StatusNotFound},
	} {
		rq.op = w.deleteOp
		if err := w.doAdmitted(rq); err != nil {
			return err
		}
	}
	return nil
}

// exhaustRateLimit lists until the fake answers 429. It reads
// X-Requests-Remaining, as a client would, to know which request should be
// refused.
func (w *walker) exhaustRateLimit() error {
	for range w.s.opts.RateLimit + 1 {
		want := http.StatusOK
		if w.remaining == 0 {
			want = http.StatusTooManyRequests
		}
		ex, err := w.do(request{step: "list until rate limited", op: w.listOp, query: "limit=1", auth: w.s.opts.AuthToken, wantStatus: want})
		if err != nil {
			return err
		}
		if ex.Status == http.StatusTooManyRequests {
			return nil
		}
	}
	return fmt.Errorf("fake: Walk sent %d requests without a 429", w.s.opts.RateLimit+1)
}

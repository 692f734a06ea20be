package fake_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/fake"
	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// clock is a fake clock for the rate-limit window and the Sunset header.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2026, time.March, 14, 9, 26, 53, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is a fake with known secrets and a fake clock.
type harness struct {
	t     *testing.T
	s     *fake.Server
	opts  fake.Options
	clock *clock
}

func newHarness(t *testing.T, adjust func(*fake.Options)) *harness {
	t.Helper()
	c := newClock()
	opts := fake.Options{
		AuthToken:    "auth-" + synthetic.RandomHex(16),
		SeedTokens:   25,
		UserEmail:    "owner@example.com",
		UserPassword: "pw-" + synthetic.RandomHex(8),
		Now:          c.Now,
	}
	if adjust != nil {
		adjust(&opts)
	}
	s, err := fake.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &harness{t: t, s: s, opts: opts, clock: c}
}

// response is a recorded response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request in-process. auth "" sends no authToken header.
func (h *harness) do(method, target, auth string, body []byte) response {
	h.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	} else {
		rd = bytes.NewReader(nil)
	}
	req := httptest.NewRequest(method, target, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("authToken", auth)
	}
	rec := httptest.NewRecorder()
	h.s.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

func (h *harness) list(query string) response {
	h.t.Helper()
	target := "/backend/tokens"
	if query != "" {
		target += "?" + query
	}
	return h.do(http.MethodGet, target, h.opts.AuthToken, nil)
}

func (h *harness) createBody(over map[string]any) []byte {
	b := map[string]any{
		"storeHash": h.s.StoreHash(), "email": h.opts.UserEmail, "password": h.opts.UserPassword, "name": "new token",
	}
	for k, v := range over {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	out, _ := json.Marshal(b)
	return out
}

// decodeList decodes a 200 list body with the generated type.
func decodeList(t *testing.T, r response) tokensapi.TokenList {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200", r.status)
	}
	var l tokensapi.TokenList
	if err := json.Unmarshal(r.body, &l); err != nil {
		t.Fatalf("list body does not decode: %v", err)
	}
	return l
}

// envelope is an error response, decoded with the generated type.
type envelope struct {
	code   int
	meta   string
	text   string                // errMsg when it is a string
	fields tokensapi.FieldErrors // errMsg when it is an object
}

func decodeError(t *testing.T, r response) envelope {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q, want application/json", ct)
	}
	var e tokensapi.ErrorEnvelope
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body does not decode as the envelope: %v", err)
	}
	if e.Data.ErrMsg == nil {
		t.Fatal("error envelope without errMsg")
	}
	out := envelope{code: e.Code, meta: e.Meta.Message}
	raw, _ := e.Data.ErrMsg.MarshalJSON()
	if bytes.HasPrefix(raw, []byte(`"`)) {
		out.text, _ = e.Data.ErrMsg.AsErrorMessage0()
	} else if fe, err := e.Data.ErrMsg.AsFieldErrors(); err == nil {
		out.fields = fe
	} else {
		t.Fatalf("errMsg is neither a string nor field errors")
	}
	if out.code != r.status {
		t.Errorf("body code %d, HTTP status %d", out.code, r.status)
	}
	return out
}

func ids(l tokensapi.TokenList) []int {
	var out []int
	for _, t := range l.Data {
		out = append(out, t.ID)
	}
	return out
}

func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func TestNewRejectsBadOptions(t *testing.T) {
	valid := func() fake.Options { return fake.Options{AuthToken: "a"} }
	tests := []struct {
		name   string
		adjust func(*fake.Options)
		want   string // a word the error must contain
	}{
		{"no auth token", func(o *fake.Options) { o.AuthToken = "" }, "AuthToken"},
		{"negative seed", func(o *fake.Options) { o.SeedTokens = -1 }, "SeedTokens"},
		{"too many seed tokens", func(o *fake.Options) { o.SeedTokens = fake.MaxSeedTokens + 1 }, "SeedTokens"},
		{"email without password", func(o *fake.Options) { o.UserEmail = "owner@example.com" }, "UserPassword"},
		{"password without email", func(o *fake.Options) { o.UserPassword = "p" }, "UserEmail"},
		{"bad user email", func(o *fake.Options) { o.UserEmail, o.UserPassword = "Owner <owner@example.com>", "p" }, "UserEmail"},
		{"negative latency", func(o *fake.Options) { o.Latency = -time.Second }, "Latency"},
		{"negative rate limit", func(o *fake.Options) { o.RateLimit = -1 }, "RateLimit"},
		{"negative window", func(o *fake.Options) { o.RateWindow = -time.Second }, "RateWindow"},
		{"negative fail every", func(o *fake.Options) { o.FailEvery = -2 }, "FailEvery"},
		{"fail status not 5xx", func(o *fake.Options) { o.FailStatus = 404 }, "FailStatus"},
		{"unknown scenario", func(o *fake.Options) { o.Scenario = "field-renamed" }, "field-removed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := valid()
			tt.adjust(&o)
			s, err := fake.New(o)
			if err == nil {
				t.Fatalf("New accepted the options (server %v)", s != nil)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name %q", err, tt.want)
			}
		})
	}
	if _, err := fake.New(valid()); err != nil {
		t.Fatalf("New rejected minimal options: %v", err)
	}
}

func TestParseScenario(t *testing.T) {
	for _, name := range []string{"", "none"} {
		if s, err := fake.ParseScenario(name); err != nil || s != fake.ScenarioNone {
			t.Errorf("ParseScenario(%q) = %q, %v; want ScenarioNone", name, s, err)
		}
	}
	for _, s := range fake.Scenarios() {
		got, err := fake.ParseScenario(s.String())
		if err != nil || got != s {
			t.Errorf("ParseScenario(%q) = %q, %v", s, got, err)
		}
		if s.Description() == "" {
			t.Errorf("scenario %s has no description", s)
		}
	}
	_, err := fake.ParseScenario("bogus")
	if err == nil {
		t.Fatal("ParseScenario accepted an unknown name")
	}
	for _, s := range append(fake.Scenarios(), fake.ScenarioNone) {
		if !strings.Contains(err.Error(), s.String()) {
			t.Errorf("the error for an unknown scenario does not list %q: %v", s, err)
		}
	}
	if len(fake.Scenarios()) < 6 {
		t.Errorf("only %d scenarios", len(fake.Scenarios()))
	}
}

func TestSeedIsStableAndWellFormed(t *testing.T) {
	a := newHarness(t, func(o *fake.Options) { o.SeedTokens = 7 })
	b := newHarness(t, func(o *fake.Options) { o.SeedTokens = 7 })
	ra, rb := a.list("limit=250"), b.list("limit=250")
	if !bytes.Equal(ra.body, rb.body) {
		t.Fatal("two fakes seeded with the same count serve different tokens")
	}
	l := decodeList(t, ra)
	if got := ids(l); !slices.Equal(got, seq(1, 7)) {
		t.Fatalf("ids %v, want 1..7", got)
	}
	channels := []tokensapi.EventChannel{"app", "admin", "api"}
	seen := map[string]bool{}
	for i, tok := range l.Data {
		n := i + 1
		if tok.Name != fmt.Sprintf("token %d", n) || tok.Email != fmt.Sprintf("user-%d@example.com", n) {
			t.Errorf("item %d: name %q, or the email, is not the seeded one", n, tok.Name) // never print an email
		}
		if tok.EventChannel != channels[i%3] || tok.StoreHash != fake.DefaultStoreHash {
			t.Errorf("item %d: eventChannel %q storeHash %q", n, tok.EventChannel, tok.StoreHash)
		}
		if !synthetic.IsJWT(tok.Token) {
			t.Errorf("item %d: token is not a synthetic JWT", n)
		}
		if seen[tok.Token] {
			t.Errorf("item %d: token repeats an earlier one", n)
		}
		seen[tok.Token] = true
		claims := jwtClaims(t, tok.Token)
		if claims.StoreHash != tok.StoreHash || claims.Email != tok.Email {
			t.Errorf("item %d: the JWT payload's store_hash and email do not match the item", n)
		}
	}
}

func jwtClaims(t *testing.T, token string) synthetic.Claims {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatal("token does not have three segments")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal("token payload is not base64url")
	}
	var c synthetic.Claims
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal("token payload is not JSON")
	}
	return c
}

func TestListPaging(t *testing.T) {
	h := newHarness(t, nil) // 25 tokens
	tests := []struct {
		query         string
		limit, offset int
		ids           []int
	}{
		{"", 10, 0, seq(1, 10)},
		{"limit=3", 3, 0, seq(1, 3)},
		{"offset=20", 10, 20, seq(21, 25)},
		{"limit=5&offset=5", 5, 5, seq(6, 10)},
		{"limit=250", 250, 0, seq(1, 25)},
		{"limit=1&offset=24", 1, 24, []int{25}},
		{"offset=25", 10, 25, nil},
		{"offset=1000", 10, 1000, nil},
		{"offset=9223372036854775807", 10, 9223372036854775807, nil},
		{"limit=4&offset=010", 4, 10, seq(11, 14)},
		{"limit=2&unknown=x", 2, 0, seq(1, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := h.list(tt.query)
			l := decodeList(t, r)
			if !slices.Equal(ids(l), tt.ids) {
				t.Errorf("ids %v, want %v", ids(l), tt.ids)
			}
			if l.Data == nil || !bytes.Contains(r.body, []byte(`"data":[`)) {
				t.Error("data is not an array")
			}
			want := tokensapi.Pagination{TotalCount: 25, Limit: tt.limit, Offset: tt.offset}
			if l.Meta.Pagination != want || l.Code != 200 || l.Meta.Message != "SUCCESS" {
				t.Errorf("code %d meta %+v, want 200 SUCCESS %+v", l.Code, l.Meta, want)
			}
		})
	}
}

func TestListRejectsBadParameters(t *testing.T) {
	h := newHarness(t, func(o *fake.Options) { o.RateLimit = 1000 })
	tests := []struct {
		query  string
		status int
		fields []string // field errors expected (422 only)
	}{
		{"limit=251", 413, nil},
		{"limit=99999999999999999999", 413, nil},
		{"limit=0", 422, []string{"limit"}},
		{"limit=-1", 422, []string{"limit"}},
		{"limit=-99999999999999999999", 422, []string{"limit"}},
		{"limit=abc", 422, []string{"limit"}},
		{"limit=1.5", 422, []string{"limit"}},
		{"limit=", 422, []string{"limit"}},
		{"limit=1&limit=2", 422, []string{"limit"}},
		{"offset=-1", 422, []string{"offset"}},
		{"offset=x", 422, []string{"offset"}},
		{"offset=99999999999999999999", 422, []string{"offset"}},
		{"limit=0&offset=-1", 422, []string{"limit", "offset"}},
		{"limit=300&offset=-1", 422, []string{"offset"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := h.list(tt.query)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d", r.status, tt.status)
			}
			e := decodeError(t, r)
			if tt.status == 413 {
				if !strings.Contains(e.text, "250") || e.meta != "Request Entity Too Large" {
					t.Errorf("413 errMsg %q meta %q; want the maximum named", e.text, e.meta)
				}
				return
			}
			var got []string
			for f, msgs := range e.fields {
				got = append(got, f)
				if len(msgs) == 0 || msgs[0] == "" {
					t.Errorf("field %s has no message", f)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.fields) || e.meta != "Validation Error" {
				t.Errorf("field errors for %v meta %q, want %v", got, e.meta, tt.fields)
			}
		})
	}
	r := h.list("limit=%zz")
	if e := decodeError(t, r); r.status != 422 || !strings.Contains(e.text, "query string") {
		t.Errorf("malformed query: status %d errMsg %q", r.status, e.text)
	}
}

func TestAuthentication(t *testing.T) {
	h := newHarness(t, func(o *fake.Options) { o.SeedTokens = 3 })
	seeded := decodeList(t, h.list("")).Data[1].Token
	wrong := "wrong-" + synthetic.RandomHex(16)
	tests := []struct {
		name, auth string
		header     string // header name to send the token in
		status     int
		errMsg     string
	}{
		{"no token", "", "authToken", 401, "Invalid token header. No credentials provided."},
		{"wrong token", wrong, "authToken", 401, "Invalid token header. The token is wrong or has been deleted."},
		{"auth token", h.opts.AuthToken, "authToken", 200, ""},
		{"header name in another case", h.opts.AuthToken, "AUTHTOKEN", 200, ""},
		{"a listed token", seeded, "authToken", 200, ""},
		{"token in X-Auth-Token", h.opts.AuthToken, "X-Auth-Token", 401, "Invalid token header. No credentials provided."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/backend/tokens", "/api/io/backend/tokens"} {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				if tt.auth != "" {
					req.Header.Set(tt.header, tt.auth)
				}
				rec := httptest.NewRecorder()
				h.s.ServeHTTP(rec, req)
				r := response{rec.Code, rec.Header(), rec.Body.Bytes()}
				if r.status != tt.status {
					t.Fatalf("%s: status %d, want %d", path, r.status, tt.status)
				}
				if tt.status == 401 {
					if e := decodeError(t, r); e.text != tt.errMsg {
						t.Errorf("%s: errMsg %q, want %q", path, e.text, tt.errMsg)
					}
				}
				for _, secret := range []string{wrong, h.opts.AuthToken} {
					if strings.Contains(string(r.body), secret) {
						t.Errorf("%s: the response repeats the token that was sent", path)
					}
				}
			}
		})
	}
}

func TestRouting(t *testing.T) {
	h := newHarness(t, nil)
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{"GET", "/backend/token", 404, ""},
		{"GET", "/backend/tokens/", 404, ""},
		{"GET", "/api/iox/backend/tokens", 404, ""},
		{"GET", "/api/v3/io/backend/tokens", 404, ""},
		{"GET", "/", 404, ""},
		// An escaped slash: the path decodes to the list operation's, but
		// the generated router does not match it as sent.
		{"GET", "/backend%2Ftokens", 404, ""},
		{"POST", "/backend/tokens", 405, "GET"},
		{"PUT", "/api/io/auth/backend", 405, "DELETE, POST"},
		{"GET", "/auth/backend", 405, "DELETE, POST"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := h.do(tt.method, tt.path, h.opts.AuthToken, nil)
			if r.status != tt.status || r.header.Get("Allow") != tt.allow {
				t.Fatalf("status %d Allow %q, want %d %q", r.status, r.header.Get("Allow"), tt.status, tt.allow)
			}
			decodeError(t, r)
		})
	}
}

func TestDelete(t *testing.T) {
	h := newHarness(t, func(o *fake.Options) { o.SeedTokens = 5 })
	del := func(auth string, body string) response {
		return h.do(http.MethodDelete, "/auth/backend", auth, []byte(body))
	}
	r := del(h.opts.AuthToken, `{"id":3,"email":"user-3@example.com","name":"token 3"}`)
	if r.status != 200 || string(r.body) != `{"code":200,"data":[],"meta":{"message":"SUCCESS"}}` {
		t.Fatalf("delete: status %d body %s", r.status, r.body)
	}
	if got := ids(decodeList(t, h.list(""))); !slices.Equal(got, []int{1, 2, 4, 5}) {
		t.Errorf("after deleting 3, ids %v", got)
	}
	r = del(h.opts.AuthToken, `{"id":3}`)
	if e := decodeError(t, r); r.status != 404 || e.text != "No matching token was found." || e.meta != "Not Found Error" {
		t.Errorf("second delete: status %d errMsg %q meta %q", r.status, e.text, e.meta)
	}
	// 1.0 is an integer in JSON Schema.
	if r := del(h.opts.AuthToken, `{"id":1.0}`); r.status != 200 {
		t.Errorf(`{"id":1.0}: status %d, want 200`, r.status)
	}
	// A listed token authenticates until it is deleted, even by itself.
	tok4 := decodeList(t, h.list("")).Data[1].Token
	if r := del(tok4, `{"id":4}`); r.status != 200 {
		t.Fatalf("token 4 deleting itself: status %d", r.status)
	}
	if r := h.do(http.MethodGet, "/backend/tokens", tok4, nil); r.status != 401 {
		t.Errorf("a deleted token still authenticates: status %d", r.status)
	}
	if r := del("", `{"id":5}`); r.status != 401 {
		t.Errorf("delete without authToken: status %d", r.status)
	}
	if h.s.Len() != 2 {
		t.Errorf("store holds %d tokens, want 2", h.s.Len())
	}
}

func TestDeleteRejectsBadBodies(t *testing.T) {
	h := newHarness(t, func(o *fake.Options) { o.RateLimit = 1000 })
	huge := `{"id":1,"name":"` + strings.Repeat("x", fake.MaxBodyBytes) + `"}`
	tests := []struct {
		name, body  string
		contentType string
		field       string // "" when errMsg is a string
	}{
		{"empty", "", "application/json", ""},
		{"whitespace", " \n", "application/json", ""},
		{"malformed", `{"id":`, "application/json", ""},
		{"not JSON", `id=1`, "application/json", ""},
		{"array", `[{"id":1}]`, "application/json", ""},
		{"null", `null`, "application/json", ""},
		{"string", `"1"`, "application/json", ""},
		{"trailing data", `{"id":1} {"id":2}`, "application/json", ""},
		{"huge", huge, "application/json", ""},
		{"form content type", `{"id":1}`, "application/x-www-form-urlencoded", ""},
		{"bad content type", `{"id":1}`, "application/json; charset", ""},
		{"no id", `{}`, "application/json", "id"},
		{"id null", `{"id":null}`, "application/json", "id"},
		{"id string", `{"id":"1"}`, "application/json", "id"},
		{"id fraction", `{"id":1.5}`, "application/json", "id"},
		{"id bool", `{"id":true}`, "application/json", "id"},
		{"id too large", `{"id":1e300}`, "application/json", "id"},
		{"email not a string", `{"id":1,"email":7}`, "application/json", "email"},
		{"name null", `{"id":1,"name":null}`, "application/json", "name"},
		{"id null with spaces", "{ \"id\" :  null  }", "application/json", "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodDelete, "/auth/backend", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			req.Header.Set("authToken", h.opts.AuthToken)
			rec := httptest.NewRecorder()
			h.s.ServeHTTP(rec, req)
			r := response{rec.Code, rec.Header(), rec.Body.Bytes()}
			want := 422
			if tt.name == "huge" {
				want = 413 // the spec documents 413 for a body too large
			}
			if r.status != want {
				t.Fatalf("status %d, want %d", r.status, want)
			}
			e := decodeError(t, r)
			if tt.field == "" && e.text == "" {
				t.Error("errMsg is not a message")
			}
			if tt.field != "" && len(e.fields[tt.field]) == 0 {
				t.Errorf("no field error for %s (got %v)", tt.field, e.fields)
			}
			if len(r.body) > 1024 {
				t.Errorf("the error body is %d bytes; it must not echo the request", len(r.body))
			}
		})
	}
	if h.s.Len() != 25 {
		t.Errorf("a rejected delete changed the store: %d tokens", h.s.Len())
	}
}

func TestCreate(t *testing.T) {
	h := newHarness(t, func(o *fake.Options) { o.SeedTokens = 2 })
	r := h.do(http.MethodPost, "/auth/backend", "", h.createBody(map[string]any{
		"email": strings.ToUpper(h.opts.UserEmail), "channelId": 1, "beginAt": "2026-01-01", "endAt": "2027-01-01",
	}))
	if r.status != 200 {
		t.Fatalf("create: status %d", r.status)
	}
	var res tokensapi.CreateTokenResult
	if err := json.Unmarshal(r.body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Code != 200 || res.Meta.Message != "SUCCESS" || len(res.Data) != 1 || res.Data[0].Name != "new token" {
		t.Fatalf("create result: code %d meta %q %d items", res.Code, res.Meta.Message, len(res.Data))
	}
	tok := res.Data[0].Token
	if !synthetic.IsJWT(tok) {
		t.Fatal("the created token is not a synthetic JWT")
	}
	if c := jwtClaims(t, tok); c.StoreHash != h.s.StoreHash() || c.Email != h.opts.UserEmail {
		t.Error("the created token's payload does not carry the store hash and the user's email")
	}
	l := decodeList(t, h.list(""))
	last := l.Data[len(l.Data)-1]
	if l.Meta.Pagination.TotalCount != 3 || last.ID != 3 || last.Token != tok || last.EventChannel != tokensapi.EventChannelAPI ||
		last.Email != h.opts.UserEmail || last.Name != "new token" {
		t.Errorf("the created token is not listed as id 3, eventChannel api, with its name and the user's email")
	}
	if r := h.do(http.MethodGet, "/backend/tokens", tok, nil); r.status != 200 {
		t.Errorf("the created token does not authenticate: status %d", r.status)
	}
	r2 := h.do(http.MethodPost, "/api/io/auth/backend", "", h.createBody(nil))
	var res2 tokensapi.CreateTokenResult
	_ = json.Unmarshal(r2.body, &res2)
	if r2.status != 200 || len(res2.Data) != 1 || res2.Data[0].Token == tok {
		t.Errorf("a second create: status %d; it must return a fresh token", r2.status)
	}
	// Ids are never reused.
	h.do(http.MethodDelete, "/auth/backend", h.opts.AuthToken, []byte(`{"id":4}`))
	h.do(http.MethodPost, "/auth/backend", "", h.createBody(nil))
	if got := ids(decodeList(t, h.list(""))); !slices.Equal(got, []int{1, 2, 3, 5}) {
		t.Errorf("ids after delete and create: %v, want [1 2 3 5]", got)
	}
}

func TestCreateRejects(t *testing.T) {
	h := newHarness(t, func(o *fake.Options) { o.RateLimit = 1000 })
	wrongCreds := "The email or password you have entered is incorrect. Please try again."
	tests := []struct {
		name   string
		body   []byte
		status int
		fields []string // 422 field errors
		errMsg string   // string errMsg, when checked
	}{
		{"wrong password", h.createBody(map[string]any{"password": "nope"}), 400, nil, wrongCreds},
		{"wrong email", h.createBody(map[string]any{"email": "other@example.com"}), 400, nil, wrongCreds},
		{"another store", h.createBody(map[string]any{"storeHash": "other"}), 400, nil, wrongCreds},
		{"no fields", []byte(`{}`), 422, []string{"email", "name", "password", "storeHash"}, ""},
		{"blank name", h.createBody(map[string]any{"name": "  "}), 422, []string{"name"}, ""},
		{"bad email", h.createBody(map[string]any{"email": "not-an-email"}), 422, []string{"email"}, ""},
		{"email with display name", h.createBody(map[string]any{"email": "Owner <owner@example.com>"}), 422, []string{"email"}, ""},
		{"password a number", h.createBody(map[string]any{"password": 1234}), 422, []string{"password"}, ""},
		{"channelId a string", h.createBody(map[string]any{"channelId": "1"}), 422, []string{"channelId"}, ""},
		{"endAt a number", h.createBody(map[string]any{"endAt": 5}), 422, []string{"endAt"}, ""},
		{"malformed", []byte(`{"email":`), 422, nil, ""},
		{"array", []byte(`[]`), 422, nil, ""},
		{"huge", append(append([]byte(`{"name":"`), bytes.Repeat([]byte("y"), fake.MaxBodyBytes)...), `"}`...), 413, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do(http.MethodPost, "/auth/backend", "", tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d", r.status, tt.status)
			}
			e := decodeError(t, r)
			if tt.errMsg != "" && e.text != tt.errMsg {
				t.Errorf("errMsg %q, want %q", e.text, tt.errMsg)
			}
			if tt.status == 400 && e.meta != "API logic error" {
				t.Errorf("meta %q, want API logic error", e.meta)
			}
			if tt.fields != nil {
				var got []string
				for f := range e.fields {
					got = append(got, f)
				}
				slices.Sort(got)
				if !slices.Equal(got, tt.fields) {
					t.Errorf("field errors for %v, want %v", got, tt.fields)
				}
			}
			if strings.Contains(string(r.body), h.opts.UserPassword) {
				t.Error("the response repeats the password")
			}
		})
	}
	if h.s.Len() != 25 {
		t.Errorf("a rejected create changed the store: %d tokens", h.s.Len())
	}
}

func TestCreateWithoutBackendUser(t *testing.T) {
	h := newHarness(t, func(o *fake.Options) { o.UserEmail, o.UserPassword = "", "" })
	r := h.do(http.MethodPost, "/auth/backend", "", h.createBody(map[string]any{"email": "owner@example.com", "password": "anything"}))
	if e := decodeError(t, r); r.status != 400 || !strings.Contains(e.text, "incorrect") {
		t.Errorf("status %d errMsg %q, want the 400 wrong-credentials envelope", r.status, e.text)
	}
}

func TestRateLimit(t *testing.T) {
	h := newHarness(t, func(o *fake.Options) { o.RateLimit = 3 })
	type want struct {
		status                        int
		remaining, resets, retryAfter string
	}
	check := func(step string, r response, w want) {
		t.Helper()
		got := want{r.status, r.header.Get("X-Requests-Remaining"), r.header.Get("X-Request-Window-Resets-After"), r.header.Get("Retry-After")}
		if got != w {
			t.Errorf("%s: got %+v, want %+v", step, got, w)
		}
		if a, l := r.header.Get("X-Requests-Allocated"), r.header.Get("X-Requests-Window-Length"); a != "3 times/60 s" || l != "60 s" {
			t.Errorf("%s: X-Requests-Allocated %q X-Requests-Window-Length %q", step, a, l)
		}
	}
	check("1st", h.list(""), want{200, "2 times", "60.000 s", ""})
	h.clock.Advance(603 * time.Millisecond)
	check("2nd, a 401", h.do(http.MethodGet, "/backend/tokens", "", nil), want{401, "1 times", "59.397 s", ""})
	check("3rd, a 404", h.do(http.MethodGet, "/nowhere", "", nil), want{404, "0 times", "59.397 s", ""})
	r := h.list("")
	check("4th", r, want{429, "0 times", "59.397 s", "60"})
	if e := decodeError(t, r); e.meta != "Too Many Requests" {
		t.Errorf("429 meta %q", e.meta)
	}
	h.clock.Advance(30 * time.Second)
	check("5th, still limited", h.list(""), want{429, "0 times", "29.397 s", "30"})
	h.clock.Advance(29397 * time.Millisecond)
	check("6th, a new window", h.list(""), want{200, "2 times", "60.000 s", ""})
	// Create is counted too.
	check("7th, a create", h.do(http.MethodPost, "/auth/backend", "", h.createBody(nil)), want{200, "1 times", "60.000 s", ""})
}

func TestRequestIDs(t *testing.T) {
	h := newHarness(t, func(o *fake.Options) { o.RateLimit = 1 })
	var got []string
	for range 3 {
		got = append(got, h.list("").header.Get("X-Request-Id"))
	}
	if !slices.Equal(got, []string{"fake-1", "fake-2", "fake-3"}) {
		t.Errorf("X-Request-Id %v, want fake-1..3 (also on 429)", got)
	}
}

func TestInjectedFailures(t *testing.T) {
	for _, tt := range []struct {
		failStatus, want int
		meta             string
	}{
		{0, 500, "Internal Server Error"},
		{500, 500, "Internal Server Error"},
		{503, 503, "Service Unavailable"},
	} {
		t.Run(fmt.Sprint(tt.failStatus), func(t *testing.T) {
			h := newHarness(t, func(o *fake.Options) { o.FailEvery, o.FailStatus, o.RateLimit = 3, tt.failStatus, 7 })
			var statuses []int
			for range 8 {
				r := h.list("")
				statuses = append(statuses, r.status)
				if r.status == tt.want {
					if e := decodeError(t, r); e.meta != tt.meta {
						t.Errorf("meta %q, want %q", e.meta, tt.meta)
					}
				}
			}
			// The 8th request is refused by the rate limit and is not counted.
			want := []int{200, 200, tt.want, 200, 200, tt.want, 200, 429}
			if !slices.Equal(statuses, want) {
				t.Errorf("statuses %v, want %v", statuses, want)
			}
		})
	}
}

func TestLatency(t *testing.T) {
	h := newHarness(t, func(o *fake.Options) { o.Latency = 20 * time.Millisecond })
	start := time.Now()
	if r := h.list(""); r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Errorf("answered after %v, before the configured latency", d)
	}
	// A client that gives up is not kept waiting, and gets nothing.
	slow := newHarness(t, func(o *fake.Options) { o.Latency = time.Hour })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/backend/tokens", nil)
	rec := httptest.NewRecorder()
	slow.s.ServeHTTP(rec, req)
	if rec.Body.Len() != 0 {
		t.Error("a request whose context ended got a body")
	}
}

func TestScenarios(t *testing.T) {
	type scenarioCase struct {
		scenario fake.Scenario
		check    func(t *testing.T, r response, items []map[string]any)
	}
	tests := []scenarioCase{
		{fake.ScenarioNone, func(t *testing.T, r response, items []map[string]any) {
			for _, it := range items {
				if len(it) != 6 {
					t.Errorf("an item has %d fields, want 6", len(it))
				}
			}
		}},
		{fake.ScenarioFieldRemoved, func(t *testing.T, r response, items []map[string]any) {
			for _, it := range items {
				if _, ok := it["storeHash"]; ok || len(it) != 5 {
					t.Error("storeHash is still served, or another field went too")
				}
			}
		}},
		{fake.ScenarioTypeChanged, func(t *testing.T, r response, items []map[string]any) {
			for i, it := range items {
				if it["id"] != fmt.Sprint(i+1) {
					t.Errorf("id %v, want the string %q", it["id"], fmt.Sprint(i+1))
				}
			}
		}},
		{fake.ScenarioMaskedToken, func(t *testing.T, r response, items []map[string]any) {
			for _, it := range items {
				if s, ok := it["token"].(string); !ok || s == "" || synthetic.IsJWT(s) || strings.Contains(s, "eyJ") {
					t.Error("the token is not masked")
				}
			}
		}},
		{fake.ScenarioUnknownField, func(t *testing.T, r response, items []map[string]any) {
			for _, it := range items {
				if it["lastUsedAt"] != "2026-03-14T09:26:53Z" || len(it) != 7 {
					t.Errorf("lastUsedAt %v, %d fields", it["lastUsedAt"], len(it))
				}
			}
		}},
		{fake.ScenarioEnumAdded, func(t *testing.T, r response, items []map[string]any) {
			for _, it := range items {
				if it["eventChannel"] != "storefront" {
					t.Errorf("eventChannel %v", it["eventChannel"])
				}
			}
		}},
		{fake.ScenarioNullField, func(t *testing.T, r response, items []map[string]any) {
			for _, it := range items {
				if v, ok := it["name"]; !ok || v != nil {
					t.Errorf("name %v, want null", v)
				}
			}
		}},
		{fake.ScenarioSunset, func(t *testing.T, r response, items []map[string]any) {
			if got := r.header.Get("Deprecation"); got != "@1759190400" {
				t.Errorf("Deprecation %q, want @1759190400 (2025-09-30)", got)
			}
			if got := r.header.Get("Sunset"); got != "Mon, 13 Apr 2026 00:00:00 GMT" {
				t.Errorf("Sunset %q, want 30 days after the clock's day", got)
			}
			links := r.header.Values("Link")
			if len(links) != 2 || !strings.HasSuffix(links[0], `>; rel="deprecation"`) || !strings.HasSuffix(links[1], `>; rel="sunset"`) ||
				!strings.HasPrefix(links[1], "<https://") {
				t.Errorf("Link %q", links)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario.String(), func(t *testing.T) {
			h := newHarness(t, func(o *fake.Options) { o.Scenario, o.SeedTokens = tt.scenario, 3 })
			r := h.list("")
			if r.status != 200 {
				t.Fatalf("status %d", r.status)
			}
			var body struct {
				Data []map[string]any `json:"data"`
			}
			if err := json.Unmarshal(r.body, &body); err != nil || len(body.Data) != 3 {
				t.Fatalf("body does not decode to 3 items: %v", err)
			}
			tt.check(t, r, body.Data)
			// Delete and create are not affected.
			if r := h.do(http.MethodDelete, "/auth/backend", h.opts.AuthToken, []byte(`{"id":1}`)); r.status != 200 || r.header.Get("Sunset") != "" {
				t.Errorf("delete under %s: status %d", tt.scenario, r.status)
			}
			if r := h.do(http.MethodPost, "/auth/backend", "", h.createBody(nil)); r.status != 200 || bytes.Contains(r.body, []byte("lastUsedAt")) {
				t.Errorf("create under %s: status %d", tt.scenario, r.status)
			}
		})
	}
	t.Run("every scenario is tested", func(t *testing.T) {
		for _, sc := range append(fake.Scenarios(), fake.ScenarioNone) {
			covered := slices.ContainsFunc(tests, func(tt scenarioCase) bool { return tt.scenario == sc })
			// TestEndpointGone and TestProbeScenarios cover the others.
			if !covered && sc != fake.ScenarioEndpointGone && sc != fake.ScenarioLimitOver422 && sc != fake.ScenarioBadTokenAccepted {
				t.Errorf("scenario %s has no case here", sc)
			}
		}
	})
}

func TestEndpointGone(t *testing.T) {
	h := newHarness(t, func(o *fake.Options) { o.Scenario = fake.ScenarioEndpointGone })
	for _, auth := range []string{h.opts.AuthToken, ""} {
		r := h.do(http.MethodGet, "/backend/tokens", auth, nil)
		if r.status != http.StatusGone || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") ||
			!bytes.Contains(r.body, []byte("<html>")) {
			t.Errorf("status %d Content-Type %q, want 410 with an HTML body", r.status, r.header.Get("Content-Type"))
		}
		if r.header.Get("X-Requests-Remaining") == "" {
			t.Error("the 410 lacks the rate headers")
		}
	}
	if r := h.do(http.MethodDelete, "/auth/backend", h.opts.AuthToken, []byte(`{"id":1}`)); r.status != 200 {
		t.Errorf("delete: status %d, want 200 (only the list endpoint is gone)", r.status)
	}
}

func TestConcurrentUse(t *testing.T) {
	h := newHarness(t, func(o *fake.Options) { o.SeedTokens, o.RateLimit = 100, 100_000 })
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				id := g*10 + i + 1
				h.do(http.MethodDelete, "/auth/backend", h.opts.AuthToken, []byte(fmt.Sprintf(`{"id":%d}`, id)))
				h.do(http.MethodPost, "/auth/backend", "", h.createBody(nil))
				h.list("limit=250")
			}
		})
	}
	wg.Wait()
	l := decodeList(t, h.list("limit=250"))
	if l.Meta.Pagination.TotalCount != 100 || h.s.Len() != 100 {
		t.Fatalf("after 80 deletes and 80 creates: totalCount %d, Len %d; want 100", l.Meta.Pagination.TotalCount, h.s.Len())
	}
	if got := ids(l); !slices.Equal(got, seq(81, 180)) {
		t.Errorf("ids %v, want 81..180 in order", got)
	}
}

func TestExchangeResponseCanBeReadTwice(t *testing.T) {
	h := newHarness(t, nil)
	var first fake.Exchange
	_ = h.s.Walk(context.Background(), func(ex fake.Exchange) {
		if first.Request == nil {
			first = ex
		}
	})
	for range 2 {
		var l tokensapi.TokenList
		if err := json.NewDecoder(first.Response().Body).Decode(&l); err != nil || len(l.Data) != 1 {
			t.Fatalf("reading the exchange's response: %v", err)
		}
	}
	if first.Response().Request != first.Request {
		t.Error("Response().Request is not the exchange's request")
	}
}

func TestWalkNeedsABackendUser(t *testing.T) {
	h := newHarness(t, func(o *fake.Options) { o.UserEmail, o.UserPassword = "", "" })
	if err := h.s.Walk(context.Background(), func(fake.Exchange) {}); err == nil || !strings.Contains(err.Error(), "UserEmail") {
		t.Errorf("Walk without a backend user: %v", err)
	}
}

func TestWalkStopsWhenRateLimitIsTooSmall(t *testing.T) {
	h := newHarness(t, func(o *fake.Options) { o.RateLimit = 10 })
	if err := h.s.Walk(context.Background(), func(fake.Exchange) {}); err == nil || !strings.Contains(err.Error(), "RateLimit") {
		t.Errorf("Walk with a tiny rate limit: %v", err)
	}
}

func TestWalkStopsWhenContextEnds(t *testing.T) {
	h := newHarness(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := h.s.Walk(ctx, func(fake.Exchange) {
		n++
		if n == 3 {
			cancel()
		}
	})
	if err != context.Canceled || n != 3 {
		t.Errorf("Walk after cancel: err %v after %d exchanges; want context.Canceled after 3", err, n)
	}
}

func BenchmarkList250(b *testing.B) {
	s, err := fake.New(fake.Options{AuthToken: "a", SeedTokens: 1000, RateLimit: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/backend/tokens?limit=250&offset=500", nil)
	req.Header.Set("authToken", "a")
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// TestProbeScenarios: the fake answers every error probe as the spec says,
// and each probe scenario changes one answer only.
func TestProbeScenarios(t *testing.T) {
	wrong := "wrong-" + synthetic.RandomHex(12)
	tests := []struct {
		scenario fake.Scenario
		query    string
		auth     string // "" the fake's token, "-" none, else this one
		want     int
	}{
		{fake.ScenarioNone, "limit=251", "", 413},
		{fake.ScenarioNone, "limit=0", "", 422},
		{fake.ScenarioNone, "offset=-1", "", 422},
		{fake.ScenarioNone, "limit=ten", "", 422},
		{fake.ScenarioNone, "", wrong, 401},
		{fake.ScenarioLimitOver422, "limit=251", "", 422},
		{fake.ScenarioLimitOver422, "limit=0", "", 422},
		{fake.ScenarioLimitOver422, "limit=250", "", 200},
		{fake.ScenarioLimitOver422, "", wrong, 401},
		{fake.ScenarioBadTokenAccepted, "", wrong, 200},
		{fake.ScenarioBadTokenAccepted, "", "-", 401},
		{fake.ScenarioBadTokenAccepted, "limit=251", "", 413},
	}
	for _, tt := range tests {
		t.Run(tt.scenario.String()+"_"+tt.query+"_"+tt.auth[:min(1, len(tt.auth))], func(t *testing.T) {
			h := newHarness(t, func(o *fake.Options) { o.Scenario = tt.scenario; o.SeedTokens = 3 })
			auth := h.opts.AuthToken
			switch tt.auth {
			case "":
			case "-":
				auth = ""
			default:
				auth = tt.auth
			}
			path := "/backend/tokens"
			if tt.query != "" {
				path += "?" + tt.query
			}
			if r := h.do(http.MethodGet, path, auth, nil); r.status != tt.want {
				t.Errorf("GET %s: status %d, want %d: %s", path, r.status, tt.want, r.body)
			}
		})
	}
	t.Run("delete keeps refusing a wrong token", func(t *testing.T) {
		h := newHarness(t, func(o *fake.Options) { o.Scenario = fake.ScenarioBadTokenAccepted })
		if r := h.do(http.MethodDelete, "/auth/backend", wrong, []byte(`{"id":1}`)); r.status != 401 {
			t.Errorf("delete with a wrong token: status %d, want 401", r.status)
		}
	})
}

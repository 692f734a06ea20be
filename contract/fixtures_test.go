package contract_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// This file builds the exchanges behind contract/testdata: realistic,
// synthetic (every token a synthetic JWT, every email at example.com), with
// members in the vendor's order.

// kv is one member of an ordered JSON object.
type kv struct {
	k string
	v any
}

// obj is a JSON object that keeps its member order and allows repeated
// names (a drift case needs them).
type obj []kv

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (o obj) get(k string) any {
	for _, m := range o {
		if m.k == k {
			return m.v
		}
	}
	return nil
}

// set replaces a member in place, or appends it.
func (o obj) set(k string, v any) obj {
	for i, m := range o {
		if m.k == k {
			o[i].v = v
			return o
		}
	}
	return append(o, kv{k, v})
}

func (o obj) del(k string) obj {
	out := obj{}
	for _, m := range o {
		if m.k != k {
			out = append(out, m)
		}
	}
	return out
}

// rename renames a member in place.
func (o obj) rename(from, to string) obj {
	for i, m := range o {
		if m.k == from {
			o[i].k = to
		}
	}
	return o
}

// rawNumber is a JSON number written exactly as given (1.0, 1e2).
type rawNumber string

func (r rawNumber) MarshalJSON() ([]byte, error) { return []byte(r), nil }

const fixtureStore = "x7k2m9q4p1"

var channels = []string{"app", "admin", "api"}

// tokenItem is the n-th token of the fixture store (n from 1).
func tokenItem(n int) obj {
	email := fmt.Sprintf("user-%d@example.com", n)
	return obj{
		{"id", 1000 + n},
		{"name", fmt.Sprintf("integration token %d", n)},
		{"email", email},
		{"storeHash", fixtureStore},
		{"token", synthetic.NewJWT(synthetic.Claims{Email: email, StoreHash: fixtureStore, ID: "fixture-" + strconv.Itoa(n)})},
		{"eventChannel", channels[n%3]},
	}
}

// listBody is a healthy page of a store with total tokens.
func listBody(total, limit, offset int) obj {
	data := []any{}
	for n := offset + 1; n <= total && n <= offset+limit; n++ {
		data = append(data, tokenItem(n))
	}
	return obj{
		{"code", 200},
		{"data", data},
		{"meta", obj{{"message", "SUCCESS"}, {"pagination", obj{{"totalCount", total}, {"offset", offset}, {"limit", limit}}}}},
	}
}

func envelope(code int, errMsg any, message string) obj {
	data := obj{}
	if errMsg != nil {
		data = obj{{"errMsg", errMsg}}
	}
	return obj{{"code", code}, {"data", data}, {"meta", obj{{"message", message}}}}
}

const baseURL = "https://api-b2b.bigcommerce.com/api/io"

// b2bHeaders are the response headers of a healthy exchange.
func b2bHeaders(n int) http.Header {
	return http.Header{
		"Content-Type":                  {"application/json"},
		"X-Request-Id":                  {fmt.Sprintf("c0ffee%04d-synthetic", n)},
		"X-Requests-Allocated":          {"150 times/60 s"},
		"X-Requests-Remaining":          {fmt.Sprintf("%d times", 149-n)},
		"X-Requests-Window-Length":      {"60 s"},
		"X-Request-Window-Resets-After": {"42.917 s"},
	}
}

// exchange builds an exchange with a JSON body (or raw bytes) and a correct
// Content-Length.
func exchange(method, query string, path string, status int, body any, n int) *contract.Exchange {
	var raw []byte
	switch b := body.(type) {
	case []byte:
		raw = b
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			panic(err)
		}
	}
	u := baseURL + path
	if query != "" {
		u += "?" + query
	}
	h := b2bHeaders(n)
	h.Set("Content-Length", strconv.Itoa(len(raw)))
	return &contract.Exchange{
		Request:  contract.Request{Method: method, URL: u, Header: http.Header{"Accept": {"application/json"}}},
		Response: contract.Response{Status: status, Header: h, Body: raw},
	}
}

func list(query string, status int, body any, n int) *contract.Exchange {
	return exchange(http.MethodGet, query, "/backend/tokens", status, body, n)
}

func withRequestBody(ex *contract.Exchange, body any) *contract.Exchange {
	raw, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	ex.Request.Body = raw
	ex.Request.Header.Set("Content-Type", "application/json")
	return ex
}

func fixtureProvenance(note string) *recording.Provenance {
	return &recording.Provenance{
		RecordedAt:  time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC),
		Host:        "api-b2b.bigcommerce.com",
		SpecVersion: "1.0.0",
		ToolVersion: "contract/fixtures_test.go",
		Redacted:    "synthetic fixture: every token is a synthetic JWT (kid synthetic), every email at example.com, no credentials",
		Note:        note,
	}
}

// recordingFixture is one file under testdata/recordings.
type recordingFixture struct {
	file, note string
	exchanges  []*contract.Exchange
}

func recordingFixtures() []recordingFixture {
	createdToken := synthetic.NewJWT(synthetic.Claims{Email: "owner@example.com", StoreHash: fixtureStore, ID: "fixture-created"})
	return []recordingFixture{
		{"list-first-middle-last.yaml", "one walk of a 25-token store at limit 10: the first, middle and last page",
			[]*contract.Exchange{
				list("limit=10&offset=0", 200, listBody(25, 10, 0), 1),
				list("limit=10&offset=10", 200, listBody(25, 10, 10), 2),
				list("limit=10&offset=20", 200, listBody(25, 10, 20), 3),
			}},
		{"list-empty-store.yaml", "a store without tokens",
			[]*contract.Exchange{list("limit=10&offset=0", 200, listBody(0, 10, 0), 1)}},
		{"list-full-page-250.yaml", "a full page at the maximum limit from a 600-token store",
			[]*contract.Exchange{list("limit=250&offset=0", 200, listBody(600, 250, 0), 1)}},
		{"list-no-query.yaml", "no query parameters: the documented defaults (limit 10, offset 0) apply",
			[]*contract.Exchange{list("", 200, listBody(25, 10, 0), 1)}},
		{"list-401-unauthorized.yaml", "a deleted authToken: the documented 401 envelope",
			[]*contract.Exchange{list("limit=10&offset=0", 401,
				envelope(401, "Invalid token header. No credentials provided.", "Invalid token header. No credentials provided."), 1)}},
		{"delete-200.yaml", "deleting an existing token",
			[]*contract.Exchange{withRequestBody(exchange(http.MethodDelete, "", "/auth/backend", 200,
				obj{{"code", 200}, {"data", []any{}}, {"meta", obj{{"message", "SUCCESS"}}}}, 1), obj{{"id", 1003}})}},
		{"delete-404.yaml", "deleting an id that does not exist",
			[]*contract.Exchange{withRequestBody(exchange(http.MethodDelete, "", "/auth/backend", 404,
				envelope(404, "No matching token was found.", "Not Found Error"), 1), obj{{"id", 999999}})}},
		{"create-200.yaml", "creating a token for a backend user",
			[]*contract.Exchange{withRequestBody(exchange(http.MethodPost, "", "/auth/backend", 200,
				obj{{"code", 200}, {"data", []any{obj{{"name", "nightly audit"}, {"token", createdToken}}}}, {"meta", obj{{"message", "SUCCESS"}}}}, 1),
				obj{{"storeHash", fixtureStore}, {"email", "owner@example.com"}, {"password", "synthetic-password"}, {"name", "nightly audit"}})}},
		{"create-400.yaml", "creating a token with wrong credentials",
			[]*contract.Exchange{withRequestBody(exchange(http.MethodPost, "", "/auth/backend", 400,
				envelope(400, "The email or password you have entered is incorrect. Please try again.", "API logic error"), 1),
				obj{{"storeHash", fixtureStore}, {"email", "owner@example.com"}, {"password", "wrong-synthetic-password"}, {"name", "nightly audit"}})}},
	}
}

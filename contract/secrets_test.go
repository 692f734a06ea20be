package contract_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/kin"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/report"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// canaries are secret-shaped values made at run time: a real-shaped JWT (not
// marked synthetic), an email, an auth header value and a password.
type canaries struct {
	token, email, auth, password, storeHash string
}

func newCanaries() canaries {
	b64 := base64.RawURLEncoding
	email := "canary-" + synthetic.RandomHex(6) + "@leak.test"
	store := "s" + synthetic.RandomHex(5)
	token := b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." +
		b64.EncodeToString([]byte(fmt.Sprintf(`{"email":%q,"store_hash":%q,"db":"default","n":"%s"}`, email, store, synthetic.RandomHex(8)))) + "." +
		b64.EncodeToString([]byte(synthetic.RandomHex(32)))
	return canaries{token: token, email: email, auth: "Auth-" + strings.ToUpper(synthetic.RandomHex(20)), password: "pw-" + synthetic.RandomHex(12), storeHash: store}
}

// all lists every value that must not leak, with the JWT's segments and
// the encoded forms of the auth value and the email.
func (c canaries) all() []string {
	out := []string{c.token, c.email, c.auth, c.password}
	out = append(out, strings.Split(c.token, ".")...)
	for _, v := range []string{c.auth, c.email} {
		out = append(out, encodedForms(v)...)
	}
	return out
}

// encodedForms are the ways a server hides a value from a plain search:
// base64 and base64url, URL-encoded, HTML entities, JSON escapes and
// lower case.
func encodedForms(v string) []string {
	return []string{
		base64.StdEncoding.EncodeToString([]byte(v)),
		base64.RawURLEncoding.EncodeToString([]byte(v)),
		url.QueryEscape(v),
		strings.NewReplacer("@", "&#64;", "-", "&#45;").Replace(v),
		strings.NewReplacer("@", `\u0040`, "-", `\u002d`).Replace(v),
		strings.ToLower(v),
	}
}

// leakExchanges plants the canaries in healthy and broken exchanges, and in
// places no contract names: a key, an enum value, an error message, a
// header, an HTML page, an undeclared field.
func leakExchanges(c canaries) []*contract.Exchange {
	item := func(mut func(obj) obj) obj {
		it := obj{{"id", 1}, {"name", "n"}, {"email", c.email}, {"storeHash", c.storeHash}, {"token", c.token}, {"eventChannel", "app"}}
		if mut != nil {
			it = mut(it)
		}
		return it
	}
	page := func(items ...obj) obj {
		data := []any{}
		for _, it := range items {
			data = append(data, it)
		}
		return obj{{"code", 200}, {"data", data}, {"meta", obj{{"message", "SUCCESS"}, {"pagination", obj{{"totalCount", len(items)}, {"offset", 0}, {"limit", 10}}}}}}
	}
	mk := func(status int, body any, mut func(*contract.Exchange)) *contract.Exchange {
		ex := list("limit=10&offset=0", status, body, 1)
		ex.Request.Header.Set("authToken", c.auth)
		ex.Request.Header.Set("Cookie", "session="+c.auth)
		if mut != nil {
			mut(ex)
		}
		return ex
	}
	raw, _ := json.Marshal(page(item(nil)))
	exs := []*contract.Exchange{
		mk(200, page(item(nil)), nil),
		mk(200, page(item(func(o obj) obj { return o.set("email", c.token) })), nil),                                       // a token where an email goes
		mk(200, page(item(func(o obj) obj { return o.set("eventChannel", c.email) })), nil),                                // an email as enum value
		mk(200, page(item(func(o obj) obj { return o.set("eventChannel", c.auth) })), nil),                                 // the auth value as enum value
		mk(200, page(item(func(o obj) obj { return o.set("id", c.token) })), nil),                                          // a token where an integer goes
		mk(200, page(item(func(o obj) obj { return append(o, kv{c.token, 1}) })), nil),                                     // a token as a member name
		mk(200, page(item(func(o obj) obj { return append(o, kv{c.email, c.password}) })), nil),                            // an email as a member name
		mk(200, page(item(func(o obj) obj { return append(o, kv{"password", c.password}) })), nil),                         // an undeclared secret
		mk(200, page(item(func(o obj) obj { return o.set("token", c.token[:strings.LastIndexByte(c.token, '.')]) })), nil), // a token cut to two segments
		mk(200, page(item(func(o obj) obj { return append(o, kv{"ID", 2}) })), nil),
		mk(200, raw[:len(raw)-40], nil),   // truncated mid-token
		mk(200, append(raw, raw...), nil), // trailing data
		mk(401, envelope(401, "bad token "+c.auth+" for "+c.email, c.token), nil),
		mk(401, obj{{"code", 401}, {"data", c.token}, {"meta", obj{{"message", c.email}}}}, nil),
		mk(200, "<html>token="+c.token+" user="+c.email+"</html>", func(ex *contract.Exchange) {
			ex.Response.Header.Set("Content-Type", "text/html; user="+c.email)
		}),
		mk(200, page(item(nil)), func(ex *contract.Exchange) {
			ex.Response.Header.Set("Sunset", c.token)
			ex.Response.Header.Set("Deprecation", c.email)
			ex.Response.Header.Set("Link", "<https://x.example/"+c.token+">; rel=\"sunset\", <"+c.email+">; rel=deprecation")
			ex.Response.Header.Set("Set-Cookie", "s="+c.auth)
		}),
		mk(418, page(item(nil)), nil),
		withRequestBody(exchange(http.MethodPost, "", "/auth/backend", 400,
			envelope(400, "The password "+c.password+" is wrong", "API logic error"), 1),
			obj{{"storeHash", c.storeHash}, {"email", c.email}, {"password", c.password}, {"name", "n"}}),
		withRequestBody(exchange(http.MethodPost, "", "/auth/backend", 200,
			obj{{"code", 200}, {"data", obj{{"name", "n"}, {"token", c.token}}}, {"meta", obj{{"message", "SUCCESS"}}}}, 1),
			obj{{"storeHash", c.storeHash}, {"email", c.email}, {"password", c.password}, {"name", "n"}}),
	}
	// The encoded forms, in the quoted headers and in undeclared member
	// names, which findings quote.
	forms := append(encodedForms(c.auth), encodedForms(c.email)...)
	for i, form := range forms {
		exs = append(exs,
			mk(200, "<html>x</html>", func(ex *contract.Exchange) {
				ex.Response.Header.Set("Content-Type", "text/html; x="+form)
			}),
			mk(200, page(item(nil)), func(ex *contract.Exchange) {
				ex.Response.Header.Set("Deprecation", form)
				ex.Response.Header.Set("Sunset", "soon "+form)
				ex.Response.Header.Set("Link", "<https://x.example/n?v="+form+">; rel=deprecation, <"+form+">; rel=sunset")
			}),
			mk(200, page(item(func(o obj) obj { return append(o, kv{form, i}) })), nil),
		)
	}
	return exs
}

// TestNoSecretInAnyOutput plants canaries and asserts that neither the
// findings nor any report format carries one, with and without the second
// opinion.
func TestNoSecretInAnyOutput(t *testing.T) {
	c := newCanaries()
	exs := leakExchanges(c)
	for _, second := range []contract.NewSecondOpinion{nil, kin.New} {
		checker := newChecker(t, contract.WithSecondOpinion(second))
		results := checker.CheckSequence(context.Background(), exs)
		total := 0
		for i, r := range results {
			total += len(r.Findings)
			healthy := i == 0 || i == 17 // the clean page and the documented create 400
			if !healthy && len(r.Findings) == 0 {
				t.Errorf("exchange %d (a broken body) gave no finding", i)
			}
			for _, f := range r.Findings {
				assertNoCanary(t, fmt.Sprintf("finding %s of exchange %d", f.ID, i), f.ID+f.Path+f.Message+f.Source, c)
			}
		}
		if total < len(exs) {
			t.Fatalf("only %d findings for %d exchanges: the planted bodies are not being checked", total, len(exs))
		}
		in := report.Input{Tool: "test", SpecVersion: "1.0.0", FailOn: contract.Additive,
			Sources: []report.Source{{Name: "leak.yaml", Results: results}},
			Errors:  []error{&recording.LoadError{Path: "x.yaml", Err: fmt.Errorf("bad value %s", c.token)}}}
		for _, format := range report.Formats {
			var buf bytes.Buffer
			if err := report.Write(&buf, format, in); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			assertNoCanary(t, "the "+format+" report", buf.String(), c)
		}
	}
}

func assertNoCanary(t *testing.T, where, text string, c canaries) {
	t.Helper()
	for _, s := range c.all() {
		if s != "" && strings.Contains(text, s) {
			// Never print the text or the canary itself.
			t.Errorf("%s contains a planted secret (%d bytes long)", where, len(s))
		}
	}
}

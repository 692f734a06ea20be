package recording_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/leakscan"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// canaries is a set of secrets made at run time, and a check that none of
// them is in some text.
type canaries struct {
	auth, hash string
	emails     []string
	tokens     []string
}

func newCanaries(n int) *canaries {
	c := &canaries{auth: "auth-" + synthetic.RandomHex(16), hash: "h" + synthetic.RandomHex(5)}
	for range n {
		e := synthetic.CanaryEmail()
		c.emails = append(c.emails, e)
		c.tokens = append(c.tokens, synthetic.CanaryJWT(e, c.hash))
	}
	return c
}

// all lists every canary, the JWTs' payload and signature segments included.
func (c *canaries) all() []string {
	out := []string{c.auth, c.hash}
	out = append(out, c.emails...)
	for _, tok := range c.tokens {
		parts := strings.Split(tok, ".")
		out = append(out, tok, parts[0], parts[1], parts[2])
	}
	return out
}

// assertAbsent fails if any canary, or a JWT that is not synthetic, is in
// text. It never prints the canary.
func (c *canaries) assertAbsent(t *testing.T, what string, text []byte) {
	t.Helper()
	for i, s := range c.all() {
		if bytes.Contains(text, []byte(s)) {
			t.Errorf("%s holds canary #%d", what, i)
		}
	}
	if hits := leakscan.Scan(text); len(hits) > 0 {
		t.Errorf("%s holds a JWT that is not synthetic: %v", what, hits)
	}
}

func listExchange(source, query string, status int, body string, hdr ...string) *contract.Exchange {
	h := http.Header{"Content-Type": {"application/json"}, "Content-Length": {strconv.Itoa(len(body))}}
	for i := 0; i+1 < len(hdr); i += 2 {
		h.Add(hdr[i], hdr[i+1])
	}
	u := "https://api-b2b.bigcommerce.com/api/io/backend/tokens"
	if query != "" {
		u += "?" + query
	}
	return &contract.Exchange{
		Source:   source,
		Request:  contract.Request{Method: "GET", URL: u, Header: http.Header{"Accept": {"application/json"}}},
		Response: contract.Response{Status: status, Header: h, Body: []byte(body)},
	}
}

func item(id int, email, hash, token string) string {
	return fmt.Sprintf(`{"id":%d,"name":"token %d","email":%q,"storeHash":%q,"token":%q,"eventChannel":"app"}`, id, id, email, hash, token)
}

func page(total, offset, limit int, items ...string) string {
	return fmt.Sprintf(`{"code":200,"data":[%s],"meta":{"message":"SUCCESS","pagination":{"totalCount":%d,"offset":%d,"limit":%d}}}`,
		strings.Join(items, ","), total, offset, limit)
}

// TestRedactRemovesCanaries redacts exchanges that carry canaries in every
// place a secret can hide, and checks that none survives while the shapes the
// checker judges do.
func TestRedactRemovesCanaries(t *testing.T) {
	c := newCanaries(4)
	c.tokens[2] = synthetic.CanaryJWT(c.emails[0], c.hash) // a second token of the same user
	masked := "****" + synthetic.RandomHex(2)              // partly masked, still a secret
	opaque := "b2b_" + synthetic.RandomHex(20)
	escapedEmail := strings.Replace(c.emails[3], "@", `\u0040`, 1)
	exs := []*contract.Exchange{
		// A healthy page: tokens, emails, store hashes.
		listExchange("a", "", 200, page(4, 0, 10,
			item(1, c.emails[0], c.hash, c.tokens[0]),
			item(2, c.emails[1], c.hash, c.tokens[1]),
			item(3, c.emails[0], c.hash, c.tokens[2])),
			"Set-Cookie", "session="+synthetic.RandomHex(8)+"; HttpOnly",
			"X-Echo", "you sent "+c.auth,
			"X-User", c.emails[2]),
		// Drift: masked and opaque tokens, a token where it does not belong,
		// an escaped email, an email as a member name, a nested authToken.
		listExchange("b", "limit=250", 200, `{"code":200,"data":[`+
			item(1, c.emails[0], c.hash, "********")+`,`+
			item(2, c.emails[1], c.hash, masked)+`,`+
			item(3, c.emails[2], c.hash, opaque)+`,`+
			`{"id":4,"name":"note: `+c.tokens[3]+` for `+escapedEmail+`","email":"`+escapedEmail+`","storeHash":"`+c.hash+`","token":"`+c.tokens[3]+`","eventChannel":"app","`+c.emails[1]+`":true}`+
			`],"meta":{"message":"`+c.tokens[0]+`","pagination":{"totalCount":4,"offset":0,"limit":250}},"debug":{"authToken":"`+c.auth+`","password":"`+c.auth+`"}}`),
		// An HTML page that echoes everything.
		listExchange("c", "limit=250&offset=4", 502,
			"<html><body>Bad gateway for "+c.auth+" ("+c.emails[0]+") token="+c.tokens[1]+" store "+c.hash+"</body></html>",
			"Content-Type", "text/html"),
		// JSON cut short in the middle of a token.
		listExchange("d", "limit=250&offset=250", 200,
			page(4, 250, 250, item(1, c.emails[0], c.hash, c.tokens[0]))[:120+len(c.emails[0])]),
	}
	exs[0].Request.Header.Set("authToken", c.auth)
	exs[0].Request.Header.Set("Cookie", "a="+c.auth)
	exs[3].Response.Header.Set("Content-Length", "99999")
	r := recording.NewRedactor(c.auth)
	red := r.Redact(exs)
	data, err := recording.EncodeCassette(&recording.Recording{Exchanges: red})
	if err != nil {
		t.Fatal(err)
	}
	c.assertAbsent(t, "the redacted cassette", data)
	for _, s := range r.Secrets() {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("a value the redactor learnt (%d bytes) is still in its output", len(s))
		}
	}
	// The originals are untouched.
	if !bytes.Contains(exs[0].Response.Body, []byte(c.tokens[0])) || exs[0].Request.Header.Get("authToken") != c.auth {
		t.Error("Redact changed its input")
	}

	// Headers: credentials and anything holding the auth token are gone.
	for _, h := range []string{"Authtoken", "Cookie"} {
		if red[0].Request.Header.Get(h) != "" {
			t.Errorf("request header %s kept", h)
		}
	}
	for _, h := range []string{"Set-Cookie", "X-Echo"} {
		if red[0].Response.Header.Get(h) != "" {
			t.Errorf("response header %s kept", h)
		}
	}
	if got := red[0].Response.Header.Get("X-User"); !strings.HasSuffix(got, "@example.test") {
		t.Errorf("X-User header %q: want a reserved address", got)
	}

	// Page 1: consistent mappings.
	var p1 struct {
		Data []struct {
			Email, StoreHash, Token string
		}
	}
	if err := json.Unmarshal(red[0].Response.Body, &p1); err != nil {
		t.Fatalf("page 1 is no longer JSON: %v", err)
	}
	if p1.Data[0].Email != p1.Data[2].Email || p1.Data[0].Email == p1.Data[1].Email {
		t.Error("emails are not mapped one to one")
	}
	tokens := map[string]bool{}
	for i, it := range p1.Data {
		if !synthetic.IsJWT(it.Token) {
			t.Errorf("item %d: the token is not a synthetic JWT", i)
		}
		tokens[it.Token] = true
		claims := payload(t, it.Token)
		if claims["email"] != it.Email || claims["store_hash"] != it.StoreHash {
			t.Errorf("item %d: the synthetic token's payload does not carry the item's fake email and store hash", i)
		}
		if !strings.HasSuffix(it.Email, "@example.test") || it.StoreHash == c.hash {
			t.Errorf("item %d: email or store hash not replaced", i)
		}
	}
	if len(tokens) != 3 {
		t.Errorf("%d distinct synthetic tokens for 3 distinct tokens", len(tokens))
	}
	if got := red[0].Response.Header.Get("Content-Length"); got != strconv.Itoa(len(red[0].Response.Body)) {
		t.Errorf("Content-Length %s for a body of %d bytes", got, len(red[0].Response.Body))
	}

	// Page 2: the drift survives redaction.
	var p2 struct {
		Data []map[string]any
		Meta struct{ Message string }
	}
	if err := json.Unmarshal(red[1].Response.Body, &p2); err != nil {
		t.Fatalf("page 2 is no longer JSON: %v", err)
	}
	if p2.Data[0]["token"] != "********" {
		t.Error("a fully masked token should stay as it is")
	}
	for i := 1; i <= 2; i++ {
		tok, _ := p2.Data[i]["token"].(string)
		if tok == "" || synthetic.IsJWT(tok) || strings.Count(tok, ".") > 0 {
			t.Errorf("item %d: a token that was not a JWT must stay a non-JWT", i)
		}
	}
	if p2.Data[0]["email"] != p1.Data[0].Email {
		t.Error("the same real email became two fake ones across exchanges")
	}
	if p2.Data[3]["email"] == nil || !strings.HasSuffix(p2.Data[3]["email"].(string), "@example.test") {
		t.Error("an escaped email was not replaced by a reserved address")
	}
	if !synthetic.IsJWT(p2.Meta.Message) {
		t.Error("a token in an unexpected field should become a synthetic JWT")
	}

	// The HTML page and the truncated page keep what the checker judges.
	if !bytes.HasPrefix(red[2].Response.Body, []byte("<html><body>Bad gateway for "+contract.Redacted)) {
		t.Errorf("the HTML body changed more than its secrets")
	}
	n, _ := strconv.Atoi(red[3].Response.Header.Get("Content-Length"))
	if n <= len(red[3].Response.Body) {
		t.Errorf("a truncated body's Content-Length must still exceed the body")
	}
}

func payload(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// findingKeys lists "exchange index: id severity path" for every finding of
// a run, sorted, for comparing two runs.
func findingKeys(results []contract.Result) []string {
	var keys []string
	for i, r := range results {
		for _, f := range r.Findings {
			keys = append(keys, fmt.Sprintf("#%d %s %s %s", i, f.ID, f.Severity, f.Path))
		}
		if r.Skipped {
			keys = append(keys, fmt.Sprintf("#%d skipped", i))
		}
	}
	sort.Strings(keys)
	return keys
}

// TestRedactKeepsFindings redacts every recording and drift case the
// contract suite ships and checks that the checker finds exactly the same
// things (ids, severities, paths) in the redacted copy: redaction must never
// hide drift or invent it.
func TestRedactKeepsFindings(t *testing.T) {
	c := newChecker(t)
	recs, errs := recording.LoadPaths([]string{
		filepath.Join("..", "testdata", "drift"), filepath.Join("..", "testdata", "recordings"),
	})
	for _, err := range errs {
		t.Error(err)
	}
	if len(recs) < 40 {
		t.Fatalf("only %d recordings found", len(recs))
	}
	ids := map[string]bool{}
	for _, rec := range recs {
		t.Run(filepath.Base(rec.Path), func(t *testing.T) {
			before := findingKeys(c.CheckSequence(context.Background(), rec.Exchanges))
			red := recording.NewRedactor("").Redact(rec.Exchanges)
			after := findingKeys(c.CheckSequence(context.Background(), red))
			if strings.Join(before, "\n") != strings.Join(after, "\n") {
				t.Errorf("findings differ after redaction\nbefore: %q\nafter:  %q", before, after)
			}
			for _, k := range before {
				ids[strings.Fields(k)[1]] = true
			}
		})
	}
	// The corpus covers the shapes redaction touches; make sure it still does.
	for _, id := range []string{contract.IDTokenNotJWT, contract.IDFormatMismatch, contract.IDUnexpectedNull,
		contract.IDDuplicateKey, contract.IDBodyNotJSON, contract.IDBodyTruncated, contract.IDClientDecodeFailed,
		contract.IDClientDataLoss, contract.IDDuplicateIDAcross, contract.IDTotalCountChanged} {
		if !ids[id] {
			t.Errorf("no shipped recording gives %s; the comparison no longer covers it", id)
		}
	}
}

// TestRedactKeepsVerdicts pins the rule behind TestRedactKeepsFindings for
// each kind of value: what the checker accepted stays accepted, what it
// rejected stays rejected.
func TestRedactKeepsVerdicts(t *testing.T) {
	c := newChecker(t)
	e := synthetic.CanaryEmail()
	tests := []struct {
		name  string
		token string
		email any
		want  []string
	}{
		{"healthy", synthetic.CanaryJWT(e, "abc123"), e, nil},
		{"masked token", "********", e, []string{contract.IDTokenNotJWT}},
		{"opaque token", "b2b_" + synthetic.RandomHex(12), e, []string{contract.IDTokenNotJWT}},
		{"unsigned JWT", strings.Join(strings.Split(synthetic.CanaryJWT(e, "abc123"), ".")[:2], ".") + ".", e, []string{contract.IDTokenNotJWT}},
		{"empty token", "", e, []string{contract.IDTokenNotJWT}},
		{"email without @", synthetic.CanaryJWT(e, "abc123"), "user." + synthetic.RandomHex(3), []string{contract.IDFormatMismatch}},
		{"email with a display name", synthetic.CanaryJWT(e, "abc123"), "Alice <" + e + ">", []string{contract.IDFormatMismatch}},
		{"empty email", synthetic.CanaryJWT(e, "abc123"), "", []string{contract.IDFormatMismatch}},
		{"null email", synthetic.CanaryJWT(e, "abc123"), nil, []string{contract.IDUnexpectedNull}},
		{"numeric email", synthetic.CanaryJWT(e, "abc123"), 42, []string{contract.IDTypeMismatch}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			em, _ := json.Marshal(tt.email)
			body := fmt.Sprintf(`{"code":200,"data":[{"id":1,"name":"n","email":%s,"storeHash":"abc123","token":%q,"eventChannel":"app"}],"meta":{"message":"SUCCESS","pagination":{"totalCount":1,"offset":0,"limit":10}}}`, em, tt.token)
			ex := listExchange("x", "", 200, body)
			before := findingKeys([]contract.Result{c.Check(ex)})
			after := findingKeys([]contract.Result{c.Check(recording.NewRedactor("").Redact([]*contract.Exchange{ex})[0])})
			if strings.Join(before, ",") != strings.Join(after, ",") {
				t.Errorf("before %q, after %q", before, after)
			}
			var got []string
			for _, k := range before {
				got = append(got, strings.Fields(k)[1])
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("the original gives %v, want %v (the case no longer tests what it says)", got, tt.want)
			}
		})
	}
}

func TestRedactIsConsistentAcrossCalls(t *testing.T) {
	c := newCanaries(1)
	ex := listExchange("a", "", 200, page(1, 0, 10, item(1, c.emails[0], c.hash, c.tokens[0])))
	r := recording.NewRedactor(c.auth)
	a := r.Redact([]*contract.Exchange{ex})[0]
	b := r.Redact([]*contract.Exchange{ex})[0]
	if !bytes.Equal(a.Response.Body, b.Response.Body) {
		t.Error("the same exchange redacted twice by one Redactor differs")
	}
	other := recording.NewRedactor(c.auth).Redact([]*contract.Exchange{ex})[0]
	if !bytes.Equal(a.Response.Body, other.Response.Body) {
		t.Error("redaction should be deterministic for the same input")
	}
}

func TestRedactWithholdsUndecodableBodies(t *testing.T) {
	c := newCanaries(1)
	ex := listExchange("a", "", 200, "\x28\xb5\x2f\xfd binary zstd with "+c.tokens[0], "Content-Encoding", "zstd")
	red := recording.NewRedactor(c.auth).Redact([]*contract.Exchange{ex})[0]
	c.assertAbsent(t, "the withheld body", red.Response.Body)
	if red.Response.Header.Get("Content-Encoding") != "" || red.Response.Header.Get("Content-Length") != "" {
		t.Error("a withheld body keeps no encoding headers")
	}
	if !bytes.Contains(red.Response.Body, []byte("withheld")) {
		t.Error("the placeholder should say the body was withheld")
	}
}

// FuzzRedactBody: whatever the body, redaction never panics, keeps valid
// JSON valid, and removes a canary token and email planted in it as JSON
// values or as text.
func FuzzRedactBody(f *testing.F) {
	f.Add([]byte(`{"code":200,"data":[{"token":"%T","email":"%E"}]}`))
	f.Add([]byte(`<html>%T %E</html>`))
	f.Add([]byte(`{"a":[1.0,{"b":"%E"}],"a":null}`))
	f.Add([]byte("{\"x\":\"\xff%T\"}"))
	f.Add([]byte(`{"token":{"v":["%T"]}, "trunc": "%T`))
	f.Fuzz(func(t *testing.T, tmpl []byte) {
		if len(tmpl) > 1<<16 {
			return
		}

		e := "c" + synthetic.RandomHex(4) + "@corp-" + synthetic.RandomHex(3) + ".com"
		tok := synthetic.CanaryJWT(e, "h"+synthetic.RandomHex(5))
		body := bytes.ReplaceAll(tmpl, []byte("%T"), []byte(tok))
		body = bytes.ReplaceAll(body, []byte("%E"), []byte(e))
		ex := listExchange("f", "", 200, string(body))
		red := recording.NewRedactor("").Redact([]*contract.Exchange{ex})[0]
		if json.Valid(body) && !json.Valid(red.Response.Body) {
			t.Fatalf("valid JSON became invalid")
		}
		// A planted value is only guaranteed gone when it stands whole: glued
		// to base64url or email characters it is part of a longer word.
		if bytes.Contains(red.Response.Body, []byte(tok)) && standsAlone(body, tok) {
			t.Fatalf("the planted token survived")
		}
		if bytes.Contains(red.Response.Body, []byte(e)) && standsAlone(body, e) {
			t.Fatalf("the planted email survived")
		}
	})
}

// standsAlone reports whether every occurrence of s in b is delimited by
// characters that cannot continue a token or an email.
func standsAlone(b []byte, s string) bool {
	word := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.%+@\\", c) >= 0
	}
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(s))
		if j < 0 {
			return true
		}
		start, end := i+j, i+j+len(s)
		if start > 0 && word(b[start-1]) || end < len(b) && word(b[end]) {
			return false
		}
		i = end
	}
}

func ExampleRedactor() {
	// A page as the live endpoint might answer it, with a real-looking token
	// (a JWT without kid synthetic) and a real-looking email.
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	p := base64.RawURLEncoding.EncodeToString([]byte(`{"email":"jane@corp.example.org","store_hash":"q1w2e3r4t5"}`))
	token := h + "." + p + ".c2lnbmF0dXJlLWJ5dGVz"
	body := `{"code":200,"data":[{"id":7,"name":"erp sync","email":"jane@corp.example.org","storeHash":"q1w2e3r4t5",` +
		`"token":"` + token + `","eventChannel":"api"}],"meta":{"message":"SUCCESS","pagination":{"totalCount":1,"offset":0,"limit":10}}}`
	ex := &contract.Exchange{
		Request:  contract.Request{Method: "GET", URL: "https://api-b2b.bigcommerce.com/api/io/backend/tokens", Header: http.Header{"Authtoken": {"the-real-auth-token"}}},
		Response: contract.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)},
	}
	red := recording.NewRedactor("the-real-auth-token").Redact([]*contract.Exchange{ex})[0]

	var page struct {
		Data []struct {
			Email, StoreHash, Token string
		}
	}
	_ = json.Unmarshal(red.Response.Body, &page)
	it := page.Data[0]
	fmt.Println("email:", it.Email)
	fmt.Println("storeHash:", it.StoreHash)
	fmt.Println("token is synthetic:", synthetic.IsJWT(it.Token))
	fmt.Println("auth header kept:", red.Request.Header.Get("authToken") != "")
	// Output:
	// email: user-1@example.test
	// storeHash: fake-store-1
	// token is synthetic: true
	// auth header kept: false
}

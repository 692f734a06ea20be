package client

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// FuzzResponse covers the client's own parser boundary: turning a status, a
// content type and a body into a page or an *APIError. A synthetic token,
// made at run time (so it never lands in a corpus), is planted between the
// two halves of the body. Whatever the input, the result is a page or an
// error, never both or neither, and nothing the error keeps contains the
// token or any JWT-shaped string. (The header parsers have their own fuzz
// targets in package headers.)
func FuzzResponse(f *testing.F) {
	f.Add(200, "application/json", `{"code":200,"data":[{"id":1,"token":"`, `"}],"meta":{"pagination":{"totalCount":1}}}`)
	f.Add(400, "application/json", `{"code":400,"data":{"errMsg":"bad `, `"},"meta":{"message":"API logic error"}}`)
	f.Add(422, "application/json", `{"code":422,"data":{"errMsg":{"`, `":["x"]}},"meta":{}}`)
	f.Add(503, "text/html", "<html>", "</html>")
	f.Add(200, "application/json", "", "")
	f.Add(429, "application/problem+json", `{"password":"`, `"}`)
	f.Add(404, "", strings.Repeat("y", 4090), "")
	f.Add(int(200), "text/html; x=eyJhbGciOiJIUzI1NiJ9", "", "")

	c, err := New(WithAuthToken(synthetic.RandomHex(16)))
	if err != nil {
		f.Fatal(err)
	}
	planted := synthetic.Token(synthetic.Email(), "abc123")
	f.Fuzz(func(t *testing.T, status int, contentType, before, after string) {
		if status < 100 || status > 999 {
			status = 200
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		if contentType != "" {
			resp.Header.Set("Content-Type", contentType)
		}
		body := []byte(before + planted + after)
		page, err := c.decodePage(&exchange{resp: resp, body: body, attempts: 1, known: c.known()})
		if (page == nil) == (err == nil) {
			t.Fatalf("page set %v, error %v: exactly one must be set", page != nil, err)
		}
		if err == nil {
			return
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("error is not an *APIError: %v", err)
		}
		if len(apiErr.Body) > ExcerptLimit || len(apiErr.Message) > messageLimit || len(apiErr.ErrMsg) > messageLimit {
			t.Fatalf("excerpt or message over its bound: %d, %d, %d bytes", len(apiErr.Body), len(apiErr.Message), len(apiErr.ErrMsg))
		}
		for _, s := range []string{err.Error(), apiErr.Body, apiErr.Message, apiErr.ErrMsg, strings.Join(mapKeys(apiErr.FieldErrors), " ")} {
			if strings.Contains(s, planted) || strings.Contains(s, c.auth.Reveal()) || strings.Contains(s, "eyJ") {
				t.Fatal("the error keeps a secret")
			}
		}
	})
}

func mapKeys(m map[string][]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k)
		out = append(out, v...)
	}
	return out
}

package recording_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// encodedExchange is a live exchange whose secrets are hidden by
// encodings: the auth token in base64 in a header and a body string, a
// learnt email URL-encoded in a Link header and HTML-escaped in a message,
// an opaque token inside a nested JSON string and inside a URL parameter.
func encodedExchange(auth, email, opaque string) *contract.Exchange {
	inner := fmt.Sprintf(`{"authToken":%q,"n":1}`, opaque)
	body := fmt.Sprintf(`{"code":200,"data":[{"id":1,"email":%q,"note":%q,"payload":%q,"callback":%q}],`+
		`"meta":{"message":%q,"pagination":{"totalCount":1,"offset":0,"limit":10}}}`,
		email,
		"debug "+base64.StdEncoding.EncodeToString([]byte(auth)),
		inner,
		"https://hooks.test/cb?x=1&token="+opaque,
		"sent to "+strings.ReplaceAll(html.EscapeString(email), "@", "&#64;"))
	return &contract.Exchange{
		Source: "encoded",
		Request: contract.Request{Method: "GET", URL: "https://api-b2b.bigcommerce.com/api/io/backend/tokens?limit=10&offset=0",
			Header: http.Header{"Authtoken": {auth}}},
		Response: contract.Response{Status: 200, Body: []byte(body), Header: http.Header{
			"Content-Type": {"application/json"},
			"Link":         {"<https://docs.test/notice?who=" + url.QueryEscape(email) + ">; rel=deprecation"},
			"X-Debug":      {base64.RawURLEncoding.EncodeToString([]byte(auth))},
		}},
	}
}

func TestRedactorRemovesEncodedSecrets(t *testing.T) {
	auth := "Auth" + synthetic.RandomHex(16)
	email := synthetic.CanaryEmail()
	opaque := "opq" + synthetic.RandomHex(12)
	rec := &recording.Recording{Exchanges: []*contract.Exchange{encodedExchange(auth, email, opaque)}}
	red, known := recording.Redact(rec, auth)
	data, err := recording.EncodeCassette(red)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	local, _, _ := strings.Cut(email, "@")
	for name, form := range map[string]string{
		"base64 auth token":    base64.StdEncoding.EncodeToString([]byte(auth))[:16],
		"base64url auth token": base64.RawURLEncoding.EncodeToString([]byte(auth))[:16],
		"email local part":     local,
		"opaque token":         opaque,
	} {
		if strings.Contains(text, form) {
			t.Errorf("the redacted recording still holds the %s", name)
		}
	}
	if err := recording.CheckEncoded(data, known); err != nil {
		t.Errorf("CheckEncoded rejects the redacted recording: %v", err)
	}
}

// TestCheckEncodedSeesEncodedForms: the last check before a recording is
// written finds a known secret in its encoded forms, not only raw.
func TestCheckEncodedSeesEncodedForms(t *testing.T) {
	auth := "Auth" + synthetic.RandomHex(16)
	email := synthetic.CanaryEmail()
	for name, form := range map[string]string{
		"base64":      base64.StdEncoding.EncodeToString([]byte(auth)),
		"url-encoded": url.QueryEscape(email),
		"html-entity": strings.ReplaceAll(email, "@", "&#64;"),
		"json-escape": strings.ReplaceAll(email, "@", `\u0040`),
		"lower-case":  strings.ToLower(auth),
	} {
		t.Run(name, func(t *testing.T) {
			data := []byte("exchanges:\n  - note: \"x " + form + " y\"\n")
			if err := recording.CheckEncoded(data, []string{auth, email}); !errors.Is(err, recording.ErrLeak) {
				t.Fatalf("CheckEncoded = %v, want ErrLeak", err)
			}
		})
	}
	if err := recording.CheckEncoded([]byte("exchanges: []\n"), []string{auth, email}); err != nil {
		t.Fatalf("CheckEncoded on clean data = %v", err)
	}
}

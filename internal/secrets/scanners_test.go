package secrets_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/client/redact"
	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/secrets"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// TestSafeCopyRemovesScannerNamedCredentials: credentials under the names
// well-known secret scanners look for (gitleaks' rules), which the policy
// lacked, are removed by every consumer: as JSON members, as query or form
// parameters, as headers, and the password inside Authorization: Basic and
// an opaque Bearer credential quoted in free text.
func TestSafeCopyRemovesScannerNamedCredentials(t *testing.T) {
	secret := func() string { return "s3" + synthetic.RandomHex(10) }
	members := []string{"X-Api-Key", "id_token", "sessionToken", "api_secret", "private_key", "pwd", "pass", "apiKey", "secret_key"}
	for _, name := range members {
		v := secret()
		for form, text := range map[string]string{
			"json member": fmt.Sprintf(`{"%s":"%s","name":"ok"}`, name, v),
			"parameter":   fmt.Sprintf(`https://x.test/cb?%s=%s&name=ok`, name, v),
		} {
			for consumer, got := range map[string]string{
				"secrets.Text":   secrets.Text(text),
				"client/redact":  redact.String(text),
				"contract.Scrub": contract.Scrub(text, nil),
			} {
				if strings.Contains(got, v) || !strings.Contains(got, "ok") {
					t.Errorf("%s as a %s: %s left %q", name, form, consumer, got)
				}
			}
		}
	}
	pass := secret()
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("svc:"+pass))
	bearer := "Bearer " + secret()
	apiKey := secret()
	ex := &contract.Exchange{
		Request: contract.Request{Method: "GET", URL: "https://api-b2b.bigcommerce.com/api/io/backend/tokens",
			Header: http.Header{"Authorization": {basic}, "X-Api-Key": {apiKey}}},
		Response: contract.Response{Status: 401, Header: http.Header{"Content-Type": {"text/plain"}},
			Body: []byte("rejected " + pass + " and " + apiKey)},
	}
	known := contract.ExchangeSecrets(ex)
	got := secrets.NewScrubber(known...).String(string(ex.Response.Body))
	if strings.Contains(got, pass) || strings.Contains(got, apiKey) {
		t.Errorf("the Basic password or the X-Api-Key survives in the body: %q", got)
	}
	red, _ := recording.Redact(&recording.Recording{Format: recording.FormatCassette, Exchanges: []*contract.Exchange{ex}}, "")
	enc, err := recording.Encode(red)
	if err != nil {
		t.Fatal(err)
	}
	for what, v := range map[string]string{"the Basic password": pass, "the X-Api-Key": apiKey} {
		if strings.Contains(string(enc), v) {
			t.Errorf("the redacted recording holds %s", what)
		}
	}
	for _, text := range []string{`{"error":"invalid credential ` + bearer + `"}`, "auth failed: " + basic} {
		if got := redact.String(text); strings.Contains(got, strings.Fields(text)[len(strings.Fields(text))-1][:10]) {
			t.Errorf("a scheme's credential survives in free text: %q", got)
		}
	}
	for _, ordinary := range []string{"basic authentication is not supported", "a bearer token is required", "the pass was granted"} {
		if got := secrets.Text(ordinary); got != ordinary {
			t.Errorf("ordinary text %q became %q", ordinary, got)
		}
	}
}

// TestSetCookieAttributesAreNotSecrets: the attributes of a Set-Cookie
// describe the cookie; only its value is a credential.
func TestSetCookieAttributesAreNotSecrets(t *testing.T) {
	v := synthetic.RandomHex(12)
	got := secrets.HeaderParts("__cf_bm=" + v + "; path=/; expires=Mon, 07 Dec 2026 04:00:00 GMT; domain=.bigcommerce.com; HttpOnly; Secure; SameSite=None")
	if !containsAll(got, v) {
		t.Errorf("HeaderParts misses the cookie value: %q", got)
	}
	for _, attr := range []string{"/", ".bigcommerce.com", "None", "Mon, 07 Dec 2026 04:00:00 GMT"} {
		for _, p := range got {
			if p == attr {
				t.Errorf("HeaderParts returns the attribute value %q as a secret", attr)
			}
		}
	}
}

func containsAll(parts []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, p := range parts {
			found = found || p == w
		}
		if !found {
			return false
		}
	}
	return true
}

package secrets_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/client/redact"
	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/leakscan"
	"github.com/b2b-contract/s2s-tokens/internal/secrets"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// canaries are secrets made at run time: a vendor-shaped JWT, an email and
// an auth token.
type canaries struct{ jwt, email, auth, hash string }

func newCanaries() canaries {
	c := canaries{email: synthetic.CanaryEmail(), auth: "auth-" + synthetic.RandomHex(16), hash: "st" + synthetic.RandomHex(4)}
	c.jwt = synthetic.CanaryJWT(c.email, c.hash)
	return c
}

func (c canaries) named() map[string]string {
	return map[string]string{"JWT": c.jwt, "email": c.email, "auth token": c.auth}
}

// text holds every canary in the places free text carries secrets.
func (c canaries) text() string {
	return fmt.Sprintf(`upstream said: bad token %s for %s (authToken=%s) {"authToken":"%s","e-mail":"%s","passwd":"%s"}`,
		c.jwt, c.email, c.auth, c.auth, c.email, c.auth)
}

// exchange is a list response that carries the canaries in its headers,
// sensitive members, an undeclared member (whose name and value a finding
// would quote) and a message.
func (c canaries) exchange() *contract.Exchange {
	body := fmt.Sprintf(`{"code":200,"data":[{"id":1,"name":"n","email":%q,"storeHash":%q,"token":%q,"eventChannel":"app","note_%s":%q,"access_token":%q}],`+
		`"meta":{"message":"SUCCESS for %s","pagination":{"totalCount":1,"offset":0,"limit":10}}}`,
		c.email, c.hash, c.jwt, strings.ReplaceAll(c.email, "@", "_at_"), c.email+" "+c.jwt, c.auth, c.email)
	return &contract.Exchange{
		Source: "canary",
		Request: contract.Request{Method: "GET", URL: "https://api-b2b.bigcommerce.com/api/io/backend/tokens?limit=10&offset=0",
			Header: http.Header{"Authtoken": {c.auth}, "Authorization": {"Bearer " + c.auth}, "Cookie": {"s=" + c.auth}}},
		Response: contract.Response{Status: 200, Body: []byte(body),
			Header: http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"s=" + c.auth}, "X-Echo": {c.email}}},
	}
}

// TestEveryConsumerRemovesTheCanaries runs one set of canaries through every
// consumer of the secrets policy and checks that none survives (and that the
// leak scanner, whose job is to find them, finds the JWT).
func TestEveryConsumerRemovesTheCanaries(t *testing.T) {
	c := newCanaries()
	checker, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		consumer string
		output   func(t *testing.T) []byte
	}{
		{"secrets.Text", func(*testing.T) []byte { return []byte(secrets.Text(c.text(), c.auth)) }},
		{"client/redact.String", func(*testing.T) []byte { return []byte(redact.String(c.text(), c.auth)) }},
		{"contract.Scrub", func(*testing.T) []byte { return []byte(contract.Scrub(c.text(), []string{c.auth})) }},
		{"contract findings", func(t *testing.T) []byte {
			res := checker.Check(c.exchange())
			if len(res.Findings) == 0 {
				t.Fatal("the canary exchange gives no finding; the test would prove nothing")
			}
			var b bytes.Buffer
			for _, f := range res.Findings {
				fmt.Fprintf(&b, "%s %s %s\n", f.ID, f.Path, f.Message)
			}
			return b.Bytes()
		}},
		{"recording redactor (cassette)", func(t *testing.T) []byte {
			red, _ := recording.Redact(&recording.Recording{Format: recording.FormatCassette, Exchanges: []*contract.Exchange{c.exchange()}}, "")
			b, err := recording.Encode(red)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}},
		{"recording redactor (HAR)", func(t *testing.T) []byte {
			red, _ := recording.Redact(&recording.Recording{Format: recording.FormatHAR, Exchanges: []*contract.Exchange{c.exchange()}}, "")
			b, err := recording.Encode(red)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}},
		{"recording redactor (text)", func(*testing.T) []byte {
			r := recording.NewRedactor(c.auth)
			r.Redact([]*contract.Exchange{c.exchange()})
			return []byte(r.Text(c.text()))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.consumer, func(t *testing.T) {
			out := tt.output(t)
			for name, v := range c.named() {
				if bytes.Contains(out, []byte(v)) {
					t.Errorf("the %s canary survived", name)
				}
			}
			if hits := leakscan.Scan(out); len(hits) > 0 {
				t.Errorf("a JWT that is not synthetic survived: %v", hits)
			}
		})
	}
}

// TestLeakscanFindsTheCanaryJWT is the scanner's side of the policy: the
// same canary JWT is found raw and hidden in base64.
func TestLeakscanFindsTheCanaryJWT(t *testing.T) {
	c := newCanaries()
	for name, data := range map[string]string{
		"raw":    "token: " + c.jwt + "\n",
		"base64": "text: " + base64.StdEncoding.EncodeToString([]byte(`{"token":"`+c.jwt+`"}`)) + "\n",
	} {
		if hits := leakscan.Scan([]byte(data)); len(hits) == 0 {
			t.Errorf("%s: leakscan misses the canary JWT", name)
		}
	}
	if hits := leakscan.Scan([]byte(synthetic.Token(c.email, c.hash))); len(hits) != 0 {
		t.Errorf("leakscan flags a synthetic JWT: %v", hits)
	}
}

// TestPolicyUnion pins the names that used to be known to one consumer only.
func TestPolicyUnion(t *testing.T) {
	for name, want := range map[string]secrets.Kind{
		"passwd": secrets.Secret, "access_token": secrets.Token, "e-mail": secrets.Email, "E-Mail": secrets.Email,
		"storeHash": secrets.StoreHash, "jwt": secrets.Token, "authToken": secrets.Token, "name": secrets.None,
		"tokens": secrets.None,
	} {
		if got := secrets.KindOf(name); got != want {
			t.Errorf("KindOf(%q) = %d, want %d", name, got, want)
		}
	}
	for _, h := range []string{"authtoken", "X-AUTH-TOKEN", "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Store-Hash"} {
		if !secrets.IsCredentialHeader(h) {
			t.Errorf("%s is not a credential header", h)
		}
	}
	if secrets.IsCredentialHeader("X-Request-Id") {
		t.Error("X-Request-Id is a credential header")
	}
	if got := secrets.HeaderParts("Bearer abc.def; x=1"); strings.Join(got, "|") != "Bearer abc.def; x=1|abc.def; x=1|1" {
		t.Errorf("HeaderParts = %q", got)
	}
}

func ExampleText() {
	fmt.Println(secrets.Text(`{"passwd":"hunter22","name":"x"} from owner@example.com`))
	// Output: {"passwd":"[REDACTED]","name":"x"} from [REDACTED]
}

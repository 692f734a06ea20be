package synthetic_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/secrets"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

func TestNewJWTIsAWellFormedSyntheticJWT(t *testing.T) {
	tok := synthetic.NewJWT(synthetic.Claims{Email: "a@example.com", StoreHash: "abc123", ID: "1"})
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("want three segments, got %d", len(parts))
	}
	for i, p := range parts[:2] {
		raw, err := base64.RawURLEncoding.DecodeString(p)
		if err != nil {
			t.Fatalf("segment %d is not base64url: %v", i, err)
		}
		var obj map[string]any
		if err := json.Unmarshal(raw, &obj); err != nil {
			t.Fatalf("segment %d is not a JSON object: %v", i, err)
		}
	}
	var claims synthetic.Claims
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	_ = json.Unmarshal(raw, &claims)
	if claims.Email != "a@example.com" || claims.StoreHash != "abc123" || claims.DB != "default" {
		t.Errorf("payload = %+v", claims)
	}
	if !synthetic.IsJWT(tok) {
		t.Error("IsJWT does not recognise a token from NewJWT")
	}
	if tok != synthetic.NewJWT(synthetic.Claims{Email: "a@example.com", StoreHash: "abc123", ID: "1"}) {
		t.Error("NewJWT is not deterministic")
	}
}

func TestTokensAreDistinct(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := synthetic.Token("a@example.com", "abc123")
		if seen[tok] {
			t.Fatal("Token returned the same value twice")
		}
		seen[tok] = true
	}
}

func TestIsJWTRejects(t *testing.T) {
	realShaped := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(`{"email":"x"}`)) + ".sig"
	tests := map[string]string{
		"empty":          "",
		"one segment":    "abc",
		"four segments":  synthetic.NewJWT(synthetic.Claims{}) + ".x",
		"no kid":         realShaped,
		"bad base64":     "!!!.a.b",
		"header not obj": base64.RawURLEncoding.EncodeToString([]byte(`"synthetic"`)) + ".a.b",
		"other kid":      base64.RawURLEncoding.EncodeToString([]byte(`{"kid":"prod"}`)) + ".a.b",
	}
	for name, s := range tests {
		if synthetic.IsJWT(s) {
			t.Errorf("%s: IsJWT accepted a token that is not synthetic", name)
		}
	}
}

func TestEmailIsReserved(t *testing.T) {
	a, b := synthetic.Email(), synthetic.Email()
	if a == b || !strings.HasSuffix(a, "@example.com") {
		t.Errorf("Email() = %q, %q; want distinct example.com addresses", a, b)
	}
}

func FuzzIsJWT(f *testing.F) {
	f.Add("a.b.c")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		_ = synthetic.IsJWT(s) // must not panic
	})
}

func TestCanariesAreForeign(t *testing.T) {
	email := synthetic.CanaryEmail()
	a, b := synthetic.CanaryJWT(email, "abc123"), synthetic.CanaryJWT(email, "abc123")
	if a == b {
		t.Error("two canary JWTs are equal")
	}
	if synthetic.IsJWT(a) {
		t.Error("a canary JWT passes as synthetic; leak tests would prove nothing")
	}
	if !secrets.LooksLikeJWT(a) || !secrets.IsJWT(a) {
		t.Error("a canary JWT is not shaped like a JWT")
	}
	if strings.HasSuffix(email, "@example.com") || !secrets.EmailAddress.MatchString(email) || email == synthetic.CanaryEmail() {
		t.Errorf("canary emails must be fresh, real-looking addresses")
	}
}

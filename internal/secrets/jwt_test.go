package secrets_test

import (
	"encoding/base64"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/secrets"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

func TestJWTDefinitions(t *testing.T) {
	b := base64.RawURLEncoding.EncodeToString
	hdr, pay := b([]byte(`{"alg":"HS256"}`)), b([]byte(`{"email":"a@example.com"}`))
	tests := []struct {
		name        string
		s           string
		isJWT, like bool
	}{
		{"synthetic", synthetic.Token("a@example.com", "s1"), true, true},
		{"plain", hdr + "." + pay + ".c2ln", true, true},
		{"empty signature", hdr + "." + pay + ".", false, true},
		{"padded segments", hdr + "==." + pay + "=.c2ln", false, true},
		{"masked", "****************", false, false},
		{"two segments", hdr + "." + pay, false, false},
		{"four segments", hdr + "." + pay + ".c2ln.x", false, false},
		{"payload not JSON", hdr + "." + b([]byte("opaque")) + ".c2ln", false, false},
		{"payload a JSON array", hdr + "." + b([]byte(`[1]`)) + ".c2ln", false, false},
		{"signature not base64url", hdr + "." + pay + ".c2l+", false, true},
		{"empty", "", false, false},
	}
	for _, tt := range tests {
		if got := secrets.IsJWT(tt.s); got != tt.isJWT {
			t.Errorf("%s: IsJWT = %v, want %v", tt.name, got, tt.isJWT)
		}
		if got := secrets.LooksLikeJWT(tt.s); got != tt.like {
			t.Errorf("%s: LooksLikeJWT = %v, want %v", tt.name, got, tt.like)
		}
	}
}

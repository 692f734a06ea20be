// Package synthetic makes and recognises the stand-in credentials that the
// project uses wherever a real one would otherwise appear: in tests, in the
// fake server, in the spec's examples and in redacted recordings.
//
// A synthetic token is a well-formed HS256 JWT whose header carries
// "kid": "synthetic". It decodes like a vendor token and passes the contract
// suite's JWT checks, yet it is recognisable without any secret: the
// repository's leak test accepts a JWT in a tracked file only if IsJWT says it
// is synthetic.
package synthetic

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// KeyID is the "kid" header value that marks a JWT as synthetic.
const KeyID = "synthetic"

// signingKey signs synthetic tokens. It is public on purpose: a synthetic
// token authenticates nothing anywhere but the project's fake server.
var signingKey = []byte("synthetic-not-a-credential")

var b64 = base64.RawURLEncoding

// header is the encoded JOSE header of every synthetic token.
var header = b64.EncodeToString([]byte(`{"alg":"HS256","kid":"` + KeyID + `","typ":"JWT"}`))

// Claims is the payload of a synthetic token. It mirrors the vendor's token
// payload (email, store_hash, db) and adds a jti so that tokens for the same
// user and store stay distinct.
type Claims struct {
	Email     string `json:"email"`
	StoreHash string `json:"store_hash"`
	DB        string `json:"db"`
	ID        string `json:"jti,omitempty"`
}

// NewJWT returns a synthetic token carrying claims. The same claims give the
// same token; set Claims.ID to make tokens distinct. DB defaults to "default".
func NewJWT(c Claims) string {
	if c.DB == "" {
		c.DB = "default"
	}
	payload, _ := json.Marshal(c) // a struct of strings always marshals
	signing := header + "." + b64.EncodeToString(payload)
	m := hmac.New(sha256.New, signingKey)
	m.Write([]byte(signing))
	return signing + "." + b64.EncodeToString(m.Sum(nil))
}

// Token returns a fresh synthetic token for a user and store, distinct from
// every other token this function returns.
func Token(email, storeHash string) string {
	return NewJWT(Claims{Email: email, StoreHash: storeHash, ID: RandomHex(8)})
}

// IsJWT reports whether s is a synthetic JWT: three base64url segments whose
// header decodes to a JSON object with "kid": "synthetic".
func IsJWT(s string) bool {
	h, _, ok := strings.Cut(s, ".")
	if !ok || strings.Count(s, ".") != 2 {
		return false
	}
	raw, err := b64.DecodeString(h)
	if err != nil {
		return false
	}
	var hdr struct {
		Kid string `json:"kid"`
	}
	return json.Unmarshal(raw, &hdr) == nil && hdr.Kid == KeyID
}

// RandomHex returns 2n random hexadecimal characters, for run-time canaries
// and identifiers in tests.
func RandomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("synthetic: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// Email returns a fresh address at example.com, a domain reserved for
// documentation (RFC 2606), for use as synthetic personal data.
func Email() string {
	return "user-" + RandomHex(4) + "@example.com"
}

// CanaryJWT returns a JWT made at run time that is shaped like a vendor
// token and deliberately not synthetic (its kid is random), with email and
// storeHash in its payload: what a leak test plants to prove that a
// redactor or scanner catches a real token. It never appears in a file.
func CanaryJWT(email, storeHash string) string {
	b64 := base64.RawURLEncoding
	h := b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT","kid":"` + RandomHex(6) + `"}`))
	p := b64.EncodeToString([]byte(`{"email":"` + email + `","store_hash":"` + storeHash + `","db":"default","sub":"` + RandomHex(6) + `"}`))
	return h + "." + p + "." + b64.EncodeToString([]byte(RandomHex(16)))
}

// CanaryEmail returns a real-looking address at a domain made at run time
// (not a reserved one, so no redactor can pass it as already synthetic), for
// leak tests.
func CanaryEmail() string {
	return "c" + RandomHex(4) + "@corp-" + RandomHex(3) + ".com"
}

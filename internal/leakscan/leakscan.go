// Package leakscan finds credentials that must not be in a file: JWTs that
// are not the project's synthetic ones (package synthetic marks those with
// "kid":"synthetic" in the JWT header).
//
// A JWT here is three base64url runs joined by dots whose first two decode to
// JSON objects; the signature may be empty (an unsecured JWT still carries
// its payload). The scanner also looks inside long base64 runs (a HAR file's
// base64 content) and gzip data found there, one level deep, since a token
// hidden in an encoding is still a token.
//
// A Hit names where a JWT is, never what it is: reports that print hits
// cannot leak the token they found.
package leakscan

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/b2b-contract/s2s-tokens/internal/secrets"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// Hit is one JWT that is not synthetic.
type Hit struct {
	// Line is the 1-based line of data on which the JWT (or the base64 run
	// that hides it) starts.
	Line int
	// Where says how it was found: "text", "base64" or "base64+gzip".
	Where string
}

// String describes the hit by line and method; it never holds the token.
func (h Hit) String() string {
	return fmt.Sprintf("line %d: a JWT that is not synthetic (%s)", h.Line, h.Where)
}

// base64Run matches a run long enough to hide a JWT in base64.
var base64Run = regexp.MustCompile(`[A-Za-z0-9+/_-]{40,}={0,2}`)

// jwtRun is the policy's pattern of JWT candidates.
var jwtRun = secrets.JWTCandidate

// maxDecoded bounds how much a base64 run or its gzip content may expand to.
const maxDecoded = 16 << 20

// Scan returns every JWT in data that synthetic.IsJWT does not recognise,
// in order.
func Scan(data []byte) []Hit {
	var hits []Hit
	for _, m := range jwtRun.FindAllIndex(data, -1) {
		if IsForeignJWT(string(data[m[0]:m[1]])) {
			hits = append(hits, Hit{Line: lineOf(data, m[0]), Where: "text"})
		}
	}
	for _, m := range base64Run.FindAllIndex(data, -1) {
		decoded, ok := decodeBase64(data[m[0]:m[1]])
		if !ok {
			continue
		}
		where := "base64"
		if len(decoded) > 2 && decoded[0] == 0x1f && decoded[1] == 0x8b {
			if unzipped, ok := gunzip(decoded); ok {
				decoded, where = unzipped, "base64+gzip"
			}
		}
		for _, n := range jwtRun.FindAllIndex(decoded, -1) {
			if IsForeignJWT(string(decoded[n[0]:n[1]])) {
				hits = append(hits, Hit{Line: lineOf(data, m[0]), Where: where})
				break // one hit per run is enough to name the place
			}
		}
	}
	return hits
}

// IsForeignJWT reports whether s is JWT-shaped (secrets.LooksLikeJWT) and
// not synthetic.
func IsForeignJWT(s string) bool {
	return secrets.LooksLikeJWT(s) && !synthetic.IsJWT(s)
}

func decodeBase64(run []byte) ([]byte, bool) {
	s := strings.TrimRight(string(run), "=")
	enc := base64.RawStdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.RawURLEncoding
	}
	if enc.DecodedLen(len(s)) > maxDecoded {
		return nil, false
	}
	out, err := enc.DecodeString(s)
	return out, err == nil
}

func gunzip(b []byte) ([]byte, bool) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, false
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxDecoded))
	// A gzip stream cut short still yields what it holds: scan that too.
	return out, err == nil || len(out) > 0
}

func lineOf(data []byte, off int) int {
	return bytes.Count(data[:off], []byte("\n")) + 1
}

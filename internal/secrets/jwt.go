package secrets

import (
	"bytes"
	"encoding/base64"
	"strings"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"
)

// IsJWT reports whether s is a JWT by the checker's definition (the
// token-not-jwt invariant): three non-empty base64url segments without
// padding, the first two decoding to JSON objects. The recording redactor
// uses it to decide which tokens become synthetic JWTs, so that a recording
// re-checks with the findings of the run it came from.
func IsJWT(s string) bool {
	var c JWTChecker
	return c.Valid(s)
}

// LooksLikeJWT is looser than IsJWT, for scanning text for credentials:
// three dot-separated parts whose first two decode (padded or not) to JSON
// objects, whatever the third holds, even nothing (an unsecured JWT still
// carries its payload).
func LooksLikeJWT(s string) bool {
	h, rest, ok := strings.Cut(s, ".")
	if !ok {
		return false
	}
	p, sig, ok := strings.Cut(rest, ".")
	if !ok || strings.IndexByte(sig, '.') >= 0 {
		return false
	}
	var c JWTChecker
	return c.segmentIsObject(strings.TrimRight(h, "=")) && c.segmentIsObject(strings.TrimRight(p, "="))
}

// JWTChecker is IsJWT for many tokens: tokens of one page share their
// header segment, so its verdict is cached. The zero value is ready to use;
// a JWTChecker is not safe for concurrent use.
type JWTChecker struct {
	header    string
	headerOK  bool
	buf       [512]byte
	hasHeader bool
}

// Valid reports whether s is three non-empty base64url segments (no
// padding) whose first two decode to JSON objects, as IsJWT does.
func (c *JWTChecker) Valid(s string) bool {
	h, rest, ok := strings.Cut(s, ".")
	if !ok {
		return false
	}
	p, sig, ok := strings.Cut(rest, ".")
	if !ok || sig == "" || strings.IndexByte(sig, '.') >= 0 || !isBase64URL(sig) {
		return false
	}
	if !c.hasHeader || h != c.header {
		c.header, c.headerOK, c.hasHeader = h, c.segmentIsObject(h), true
	}
	return c.headerOK && c.segmentIsObject(p)
}

func (c *JWTChecker) segmentIsObject(seg string) bool {
	if seg == "" {
		return false
	}
	n := base64.RawURLEncoding.DecodedLen(len(seg))
	buf := c.buf[:]
	if n > len(buf) {
		buf = make([]byte, n)
	}
	// RawURLEncoding rejects padding and characters outside the base64url
	// alphabet, so decoding is also the alphabet check. Decode only reads its
	// source, so the string's bytes are lent to it instead of copied: this
	// runs for every token of every page.
	n, err := base64.RawURLEncoding.Decode(buf, unsafe.Slice(unsafe.StringData(seg), len(seg)))
	if err != nil {
		return false
	}
	raw := bytes.TrimLeft(buf[:n], " \t\r\n")
	return len(raw) > 0 && raw[0] == '{' && jsontext.Value(raw).IsValid()
}

func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		if !base64URL[s[i]] {
			return false
		}
	}
	return true
}

// base64URL is the base64url alphabet as a table: one load per byte of a
// signature, which every token of every page pays.
var base64URL = func() (t [256]bool) {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" {
		t[c] = true
	}
	return t
}()

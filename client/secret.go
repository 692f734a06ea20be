package client

import (
	redactpkg "github.com/b2b-contract/s2s-tokens/client/redact"

	"crypto/subtle"
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// Masked is what a non-empty Secret prints, marshals and logs as.
const Masked = redactpkg.Marker

// Secret holds a credential (a token value, a password) so that it cannot be
// printed by accident. fmt (every verb, including %v, %+v, %#v, %s, %q and
// %x), encoding/json, encoding/text and log/slog all see Masked instead of
// the value; an empty Secret prints as the empty string. Only Reveal returns
// the value.
//
// The value sits behind a pointer, so that even reflection-based printing of
// a struct that holds a Secret in an unexported field shows an address, not
// the value. Secrets are immutable and safe to copy and share between
// goroutines. Compare them with Equal, not ==.
type Secret struct {
	v *secretValue
}

type secretValue struct{ s string }

// NewSecret wraps s.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{v: &secretValue{s: s}}
}

// Reveal returns the secret value. It is the only way to get it: call it at
// the point where the value must leave the program (a request header), never
// to print or log it.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return s.v.s
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == nil || s.v.s == "" }

// Equal reports whether two secrets hold the same value, in constant time
// for values of equal length.
func (s Secret) Equal(o Secret) bool {
	return subtle.ConstantTimeCompare([]byte(s.Reveal()), []byte(o.Reveal())) == 1
}

func (s Secret) masked() string {
	if s.IsZero() {
		return ""
	}
	return Masked
}

// String returns Masked (or "" for an empty secret).
func (s Secret) String() string { return s.masked() }

// GoString returns a Go-syntax form with the value masked, for %#v.
func (s Secret) GoString() string { return "client.Secret(" + strconv.Quote(s.masked()) + ")" }

// Format implements fmt.Formatter so that every verb and flag prints the
// masked form.
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, s.GoString())
	case verb == 'q':
		_, _ = io.WriteString(f, strconv.Quote(s.masked()))
	default:
		_, _ = io.WriteString(f, s.masked())
	}
}

// MarshalJSON marshals the masked form as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(s.masked())), nil }

// MarshalText returns the masked form (for encoding/xml, YAML encoders and
// anything else that uses encoding.TextMarshaler).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.masked()), nil }

// LogValue implements slog.LogValuer: slog logs the masked form.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.masked()) }

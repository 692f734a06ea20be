package client

import (
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	redactpkg "github.com/b2b-contract/s2s-tokens/client/redact"
	"github.com/b2b-contract/s2s-tokens/internal/secrets"
)

// Bounds of what an APIError keeps from a response body.
const (
	// ExcerptLimit bounds APIError.Body, in bytes.
	ExcerptLimit = 512
	// excerptInput is how much of a body is redacted to make the excerpt.
	excerptInput = 4096
	// messageLimit bounds APIError.Message and ErrMsg, in bytes.
	messageLimit = 256
)

// partialWordRE matches what is left at the end of a cut text: a run of
// characters that may be the first part of a secret.
var partialWordRE = regexp.MustCompile(`[^\s"',:;{}\[\]<>()=&]+$`)

// redact removes secrets and personal data from s; see redact.String.
func redact(s string, known ...string) string { return redactpkg.String(s, known...) }

// scrubber returns the exchange's Scrubber, built once from its known values
// (the client's auth token, a Create password).
func (ex *exchange) scrubber() *secrets.Scrubber {
	if ex.sc == nil {
		ex.sc = secrets.NewScrubber(ex.known...)
	}
	return ex.sc
}

// safeHeader returns a copy of h that is safe to log: the credential headers
// of the secrets policy (Set-Cookie, authToken, ...) are dropped and every
// other value is scrubbed with sc.
func safeHeader(h http.Header, sc *secrets.Scrubber) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for name, vs := range h {
		if secrets.IsCredentialHeader(name) {
			continue
		}
		cp := make([]string, len(vs))
		for i, v := range vs {
			cp[i] = sc.String(v)
		}
		out[name] = cp
	}
	return out
}

// excerpt returns a redacted copy of at most ExcerptLimit bytes of body,
// with control characters (other than newline and tab) replaced, for
// APIError.Body.
func excerpt(body []byte, known ...string) string {
	cut := false
	if len(body) > excerptInput {
		body, cut = body[:excerptInput], true
	}
	s := strings.ToValidUTF8(string(body), "\uFFFD")
	s = redact(s, known...)
	if cut {
		// The last word may be the first part of a secret whose rest was
		// cut off, too short for the patterns to recognise.
		s = partialWordRE.ReplaceAllString(s, "")
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return '?'
		}
		return r
	}, s)
	if cut || len(s) > ExcerptLimit {
		s = truncate(s, ExcerptLimit-len("…")) + "…"
	}
	return s
}

// cleanMessage redacts and bounds a message taken from a response body
// (meta.message, data.errMsg).
func cleanMessage(s string, known ...string) string {
	s = strings.TrimSpace(redact(strings.ToValidUTF8(s, "\uFFFD"), known...))
	if len(s) > messageLimit {
		s = truncate(s, messageLimit-len("…")) + "…"
	}
	return s
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

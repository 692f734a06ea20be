package client

import (
	"regexp"
	"strings"
	"unicode/utf8"
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

// The redaction patterns. They err on the side of removing too much: an
// excerpt is for a human to recognise the kind of answer, not to parse.
var (
	// A JWT, or the beginning of one cut off by a truncated body: the
	// encoded JOSE header always starts with "eyJ" ({").
	jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]*){0,2}`)
	// Three dot-separated base64url runs: a JWT whose header is not JSON-ish,
	// or any other compact token.
	compactRE = regexp.MustCompile(`[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}`)
	// An email address, or the local part of one whose domain was cut off.
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*`)
	// A JSON member whose name says it holds a secret, with its string value
	// (terminated or cut off by the end of the text).
	secretMemberRE = regexp.MustCompile(`(?i)("(?:token|authtoken|auth_token|x-auth-token|password|passwd|secret|access_token|refresh_token|api_key|apikey)"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|\\?$)`)
	// The same in a query string or form body.
	secretParamRE = regexp.MustCompile(`(?i)\b(token|authtoken|auth_token|password|passwd|secret|access_token|api_key)=[^&\s"'<>]*`)
	// What is left at the end of a cut text: a run of characters that may
	// be the first part of a secret.
	partialWordRE = regexp.MustCompile(`[^\s"',:;{}\[\]<>()=&]+$`)
)

// redact removes secrets and personal data from s: the literal values in
// known (the client's auth token, a create request's password), JWT-shaped
// strings, emails, and the values of JSON members and form fields named like
// token, authToken or password.
func redact(s string, known ...string) string {
	for _, k := range known {
		if len(k) >= 4 { // shorter values would mask ordinary text, and are not credentials
			s = strings.ReplaceAll(s, k, Masked)
		}
	}
	s = secretMemberRE.ReplaceAllString(s, `$1"`+Masked+`"`)
	s = secretParamRE.ReplaceAllString(s, `$1=`+Masked)
	s = jwtRE.ReplaceAllString(s, Masked)
	s = compactRE.ReplaceAllString(s, Masked)
	s = emailRE.ReplaceAllString(s, Masked)
	return s
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

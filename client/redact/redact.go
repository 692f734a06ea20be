// Package redact removes credentials and personal data from text that is
// about to be shown to a person or written somewhere: error excerpts, log
// lines, contract findings and reports. It is a leaf package shared by the
// client and the contract suite, so both redact the same way.
//
// It errs on the side of removing too much: what remains is for a human to
// recognise the kind of answer, not to parse.
package redact

import (
	"regexp"
	"strings"
)

// Marker replaces every value String removes.
const Marker = "[REDACTED]"

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
)

// String removes from s the literal values in known (an auth token, a
// password, values a caller collected from the exchange), JWT-shaped strings,
// email addresses, and the values of JSON members and form fields named like
// token, authToken or password. Known values shorter than four bytes are
// ignored: they would mask ordinary text, and are not credentials.
func String(s string, known ...string) string {
	for _, k := range known {
		if len(k) >= 4 {
			s = strings.ReplaceAll(s, k, Marker)
		}
	}
	s = secretMemberRE.ReplaceAllString(s, `$1"`+Marker+`"`)
	s = secretParamRE.ReplaceAllString(s, `$1=`+Marker)
	s = jwtRE.ReplaceAllString(s, Marker)
	s = compactRE.ReplaceAllString(s, Marker)
	return emailRE.ReplaceAllString(s, Marker)
}

// Package redact removes credentials and personal data from text that is
// about to be shown to a person or written somewhere: error excerpts, log
// lines, contract findings and reports. It applies the module's one secrets
// policy (which names, headers and patterns are secret), so the client and
// the contract suite redact the same way.
//
// It errs on the side of removing too much: what remains is for a human to
// recognise the kind of answer, not to parse.
package redact

import "github.com/b2b-contract/s2s-tokens/internal/secrets"

// Marker replaces every value String removes.
const Marker = secrets.Marker

// String removes from s the literal values in known (an auth token, a
// password, values a caller collected from the exchange), JWT-shaped strings,
// email addresses, and the values of JSON members and form fields whose names
// say they hold a credential or personal data (token, authToken, password,
// email, ...), in raw and encoded forms (base64, URL-encoded, HTML entities,
// JSON escapes, lower-case; see secrets.Scrubber). Known values shorter than
// four bytes are ignored: they would mask ordinary text, and are not
// credentials.
func String(s string, known ...string) string {
	return secrets.Text(s, known...)
}

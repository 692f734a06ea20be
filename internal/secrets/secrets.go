// Package secrets is the project's one secrets policy: which JSON member
// names and HTTP headers hold credentials or personal data, what a JWT and an
// email address look like in text, and the marker that replaces what is
// removed. Every redactor and scanner of the module reads it from here: the
// client's error excerpts (client/redact), the checker's scrubbing of
// findings (contract.Scrub), the recording redactor (contract/recording) and
// the leak scanner (internal/leakscan). A name or pattern added here reaches
// all of them.
//
// Text and a Scrubber apply the policy to free text: known values in raw and
// encoded forms (base64, URL-encoded, HTML entities, JSON escapes,
// lower-cased), JWTs, emails and the values of secret members and
// parameters, also inside encoded runs, which they decode first. Text that
// is cut for display is scrubbed first and cut after (Cut), so a secret
// straddling the cut cannot leak its prefix. KindOf and IsCredentialHeader let a
// structured redactor decide what a member or header holds.
package secrets

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Marker replaces every value a redactor removes without a stand-in.
const Marker = "[REDACTED]"

// Kind is what a JSON member (or query parameter) holds, judged by its name.
type Kind int

// The kinds of sensitive values.
const (
	None      Kind = iota // nothing sensitive
	Token                 // a credential: an API token, a JWT, an API key
	Email                 // personal data: an email address
	StoreHash             // the store's identity
	Secret                // a password or another secret
)

// names maps every sensitive member name, lower-cased, to its kind. It is the
// union of what the client, the checker and the recorder used to keep apart,
// widened with the names well-known secret scanners look for (gitleaks'
// generic-api-key, jwt, private-key and password rules; detect-secrets'
// keyword plugin): API keys and secrets, session and id tokens, private
// keys, and the short password parameters (pwd, pass).
var names = map[string]Kind{
	"token": Token, "authtoken": Token, "auth_token": Token, "x-auth-token": Token, "jwt": Token,
	"access_token": Token, "accesstoken": Token, "refresh_token": Token, "refreshtoken": Token,
	"api_key": Token, "apikey": Token, "api-key": Token, "x-api-key": Token, "x_api_key": Token,
	"id_token": Token, "idtoken": Token, "session_token": Token, "sessiontoken": Token,
	"sessionid": Token, "session_id": Token, "security_token": Token, "securitytoken": Token,
	"bearer": Token, "bearer_token": Token, "bearertoken": Token, "oauth_token": Token,
	"csrf_token": Token, "csrftoken": Token, "xsrf_token": Token, "access_key": Token, "accesskey": Token,
	"access_key_id": Token, "credential": Token, "credentials": Token,

	"email": Email, "e-mail": Email, "email_address": Email, "emailaddress": Email,

	"storehash": StoreHash, "store_hash": StoreHash,

	"password": Secret, "passwd": Secret, "pwd": Secret, "pass": Secret, "passphrase": Secret,
	"secret": Secret, "client_secret": Secret, "clientsecret": Secret,
	"api_secret": Secret, "apisecret": Secret, "api-secret": Secret, "secret_key": Secret, "secretkey": Secret,
	"secret_access_key": Secret, "aws_secret_access_key": Secret,
	"private_key": Secret, "privatekey": Secret, "private-key": Secret,
}

// KindOf classifies a JSON member or query parameter name,
// case-insensitively.
func KindOf(name string) Kind {
	return names[strings.ToLower(name)]
}

// SensitiveName reports whether a member or parameter named name holds a
// credential or personal data.
func SensitiveName(name string) bool { return KindOf(name) != None }

// SensitiveNames returns every sensitive name, lower-cased and sorted.
func SensitiveNames() []string {
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// credentialHeaders carry credentials or session state: never kept in a
// recording, and their values never shown.
var credentialHeaders = []string{
	"authToken", "X-Auth-Token", "Authorization", "Proxy-Authorization",
	"Cookie", "Set-Cookie", "Set-Cookie2", "X-Store-Hash",
	"X-Api-Key", "Api-Key", "X-Api-Secret", "X-Access-Token", "X-Session-Token", "X-Id-Token",
	"X-Amz-Security-Token", "X-Csrf-Token", "X-Xsrf-Token",
}

// CredentialHeaders returns the names of the headers whose values are
// credentials or session state, in a fixed order.
func CredentialHeaders() []string { return append([]string(nil), credentialHeaders...) }

// IsCredentialHeader reports whether the header named name (in any case)
// is one of CredentialHeaders.
func IsCredentialHeader(name string) bool {
	for _, h := range credentialHeaders {
		if strings.EqualFold(name, h) {
			return true
		}
	}
	return false
}

// HeaderValues returns every value of h's credential headers.
func HeaderValues(h http.Header) []string {
	var out []string
	for name, vs := range h {
		if IsCredentialHeader(name) {
			out = append(out, vs...)
		}
	}
	return out
}

// HeaderParts returns the secret parts of a credential header's value: the
// value itself, the credential after an authentication scheme ("Bearer
// abc" gives "abc"; "Basic" credentials also give the decoded user:password
// and the password alone) and each cookie value ("a=1; b=2" gives "1" and
// "2"), so that a redactor removes them wherever else they appear. The
// attributes of a Set-Cookie (Domain, Path, Expires, Max-Age, SameSite...)
// are not secrets and are not returned.
func HeaderParts(value string) []string {
	value = strings.TrimSpace(value)
	if value == "" {
		return nil
	}
	out := []string{value}
	if scheme, cred, ok := strings.Cut(value, " "); ok && !strings.ContainsAny(scheme, "=;") {
		cred = strings.TrimSpace(cred)
		out = append(out, cred)
		if strings.EqualFold(scheme, "Basic") {
			if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
				out = append(out, string(dec))
				if _, pass, ok := strings.Cut(string(dec), ":"); ok && pass != "" {
					out = append(out, pass)
				}
			}
		}
	}
	for _, piece := range strings.Split(value, ";") {
		if k, v, ok := strings.Cut(piece, "="); ok && !CookieAttribute(k) {
			if v = strings.Trim(strings.TrimSpace(v), `"`); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// cookieAttributes are the attribute names of a Set-Cookie (RFC 6265 and
// its successors): they describe a cookie, and their values are not secret.
var cookieAttributes = []string{"Domain", "Path", "Expires", "Max-Age", "SameSite", "Secure", "HttpOnly", "Priority", "Partitioned", "Version", "Comment"}

// CookieAttribute reports whether name (as it appears before "=" in a
// Set-Cookie, spaces allowed) is a cookie attribute rather than the
// cookie's own name.
func CookieAttribute(name string) bool {
	name = strings.TrimSpace(name)
	for _, a := range cookieAttributes {
		if strings.EqualFold(name, a) {
			return true
		}
	}
	return false
}

// Patterns of secrets in free text.
var (
	// JWTCandidate matches three base64url runs joined by dots, the third
	// possibly empty; LooksLikeJWT decides whether a match is a JWT.
	JWTCandidate = regexp.MustCompile(`[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*`)
	// JWTFragment matches a JWT, or what is left of one cut short: a
	// base64url run that starts like an encoded JSON object ("eyJ", that is
	// `{"`), with any parts that follow.
	JWTFragment = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*){0,2}`)
	// CompactToken matches three dot-separated base64url runs of at least
	// eight characters each: a JWT whose header is not JSON-ish, or another
	// compact token.
	CompactToken = regexp.MustCompile(`[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)
	// EmailAddress matches an email address, or the local part of one whose
	// domain was cut off.
	EmailAddress = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*`)

	// memberValue matches a JSON member with a sensitive name and its string
	// value (terminated, or cut off by the end of the text).
	memberValue = regexp.MustCompile(`(?i)("(?:` + alternation() + `)"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|\\?$)`)
	// escapedMemberValue matches the same in JSON nested in a JSON string,
	// whose quotes are escaped (\"token\": \"…\").
	escapedMemberValue = regexp.MustCompile(`(?i)(\\"(?:` + alternation() + `)\\"\s*:\s*)\\"(?:[^"\\]|\\[^"])*(?:\\"|\\?$)`)
	// paramValue matches the same in a query string or form body.
	paramValue = regexp.MustCompile(`(?i)\b(` + alternation() + `)=[^&\s"'<>]*`)
	// schemeCredential matches an authentication scheme and its credential
	// in free text ("Bearer abc…", "Basic dXNlcjpwYXNz"), as an error body
	// or a log line quotes an Authorization header: the credential is
	// opaque, so no other pattern knows it.
	schemeCredential = regexp.MustCompile(`(?i)\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/=-]{8,})`)
)

// schemeCredentials replaces the credential after "Bearer" (any run of
// eight or more token characters) and after "Basic" (base64 of
// user:password; "basic authentication" is left alone) with Marker.
func schemeCredentials(text string) string {
	return schemeCredential.ReplaceAllStringFunc(text, func(m string) string {
		sub := schemeCredential.FindStringSubmatch(m)
		if strings.EqualFold(sub[1], "Basic") {
			dec, err := base64.StdEncoding.DecodeString(sub[3])
			if err != nil || !strings.Contains(string(dec), ":") {
				return m
			}
		}
		return sub[1] + sub[2] + Marker
	})
}

// Params calls f for every name=value pair of s (a URL, a query string, a
// form body, free text) whose name is sensitive, with the name and the
// value as they appear (still URL-encoded), and puts what f returns in the
// value's place.
func Params(s string, f func(name, value string) string) string {
	if !strings.Contains(s, "=") {
		return s
	}
	return paramValue.ReplaceAllStringFunc(s, func(m string) string {
		name, value, _ := strings.Cut(m, "=")
		return name + "=" + f(name, value)
	})
}

// alternation is the sensitive names as a regular expression alternation,
// longest first.
func alternation() string {
	ns := SensitiveNames()
	sort.SliceStable(ns, func(i, j int) bool { return len(ns[i]) > len(ns[j]) })
	for i, n := range ns {
		ns[i] = regexp.QuoteMeta(n)
	}
	return strings.Join(ns, "|")
}

// Text removes from s the values in known (an auth token, values a caller
// collected from an exchange), the values of JSON members and form fields
// with sensitive names, JWTs and fragments of them, compact tokens and email
// addresses, in raw and encoded forms, each replaced by Marker: it is
// NewScrubber(known...).String(s). Known values shorter than MinKnown bytes
// are ignored: they would mask ordinary text, and are not credentials. A
// caller that scrubs many texts with the same values builds one Scrubber.
//
// It errs on the side of removing too much: what remains is for a human to
// recognise the kind of text, not to parse.
func Text(s string, known ...string) string {
	return NewScrubber(known...).String(s)
}

// Cut scrubs s with sc, then cuts it to at most n bytes at a rune boundary,
// adding "…" when it cut. Scrubbing first means that a secret straddling the
// cut is removed whole instead of leaking its prefix; what is left at the
// cut is a marker or ordinary text.
func Cut(sc *Scrubber, s string, n int) string {
	if sc != nil {
		s = sc.String(s)
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

package recording

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/pb33f/jsonschema/v6"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/secrets"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// RedactionNote says, for a recording's provenance, what a Redactor
// replaced.
var RedactionNote = "tokens replaced by synthetic JWTs (kid synthetic), distinct per token, with the fake email and " +
	"store hash in their payload; token values that were not JWTs by placeholders that are not JWTs either; " +
	"emails by example.test addresses (emails that were not valid addresses by invalid placeholders); store hashes " +
	"by fake hashes; " + strings.Join(secrets.CredentialHeaders(), ", ") + " headers and any " +
	"header carrying the auth token dropped; Content-Length recomputed"

// kind is the sensitive kind of a JSON value, from its member name
// (secrets.KindOf).
type kind = secrets.Kind

const (
	kindNone      = secrets.None
	kindToken     = secrets.Token
	kindEmail     = secrets.Email
	kindStoreHash = secrets.StoreHash
	kindSecret    = secrets.Secret
)

// kindOf classifies a JSON member or query parameter name by the module's
// secrets policy, and the names the Redactor was given (Extra).
func (r *Redactor) kindOf(name string) kind {
	if k := secrets.KindOf(name); k != kindNone {
		return k
	}
	if r.extra.members[strings.ToLower(name)] {
		return kindSecret
	}
	return kindNone
}

// Extra names secrets the built-in policy cannot know: headers to drop as
// credentials, and JSON members and query (or form) parameters whose values
// are secrets ("secret-N"), all matched in any case.
type Extra struct {
	Headers []string
	Members []string // JSON members and query or form parameters
}

type extraNames struct{ headers, members map[string]bool }

// WithExtra makes r also redact the names in e, and returns r.
func (r *Redactor) WithExtra(e Extra) *Redactor {
	r.extra = extraNames{headers: map[string]bool{}, members: map[string]bool{}}
	for _, h := range e.Headers {
		r.extra.headers[strings.ToLower(h)] = true
	}
	for _, m := range e.Members {
		r.extra.members[strings.ToLower(m)] = true
	}
	return r
}

// Redactor turns exchanges that hold real credentials and personal data into
// exchanges that can be written to disk. Its mappings are consistent for the
// life of the Redactor (one run): the same real email always becomes the same
// fake email, the same token the same synthetic JWT, the same store hash the
// same fake hash, and a synthetic JWT's payload carries the fake email and
// store hash of the token it replaces.
//
// What it replaces:
//
//   - in JSON bodies, every string under a member named token, authToken,
//     jwt (and similar), email, storeHash or store_hash, password or secret,
//     at any depth, by kind: a JWT becomes a synthetic JWT; a token that is
//     not a JWT becomes a placeholder that is not one either (a value made of
//     mask characters only, such as "********", is kept); a valid email
//     becomes user-N@example.test and an invalid one invalid-email-N; a store
//     hash becomes fake-store-N; a password secret-N; empty strings, nulls,
//     numbers and other non-strings are kept;
//   - everywhere else (other strings, member names, bodies that are not
//     JSON, header values, the URL): the auth token, every value learnt above,
//     any JWT-shaped string, any fragment of one ("eyJ…") and any email
//     address;
//   - query parameters of the URL, and pairs of a form body
//     (application/x-www-form-urlencoded): decoded, then as JSON members of
//     the same name would be, or as text; so are the secret parameters of a
//     URL inside any other string, and the members of JSON nested in a
//     string;
//   - everything learnt, in encoded forms too (base64, URL-encoded, HTML
//     entities, JSON escapes, lower-case), and JWTs and emails hidden in an
//     encoded run (package secrets' Scrubber.Encoded);
//   - bodies that are not text (that do not start like JSON, and are not
//     UTF-8 or hold NUL or other control bytes: images, compressed or
//     encrypted payloads) are never rewritten, since any change would damage
//     them: such a body is kept whole, byte for byte, unless it holds a
//     learnt secret, a JWT-shaped string or a complete email address, and
//     then it is replaced whole by BinaryWithheld;
//   - headers: the credential headers of the secrets policy (authToken,
//     X-Auth-Token, Authorization, Proxy-Authorization, Cookie, Set-Cookie,
//     X-Store-Hash, ...) and any header whose name or value holds the auth
//     token are dropped, and their values (a bearer token, each cookie value)
//     are removed wherever else they appear, so a HAR exported from a browser
//     needs no auth token given; Content-Length is recomputed.
//
// JSON bodies keep every other byte (member order, duplicate names, number
// literals, invalid UTF-8), and replacements keep a value's verdict (a JWT
// stays a JWT, a masked token stays masked, an invalid email stays invalid,
// a null stays null), so a redacted exchange gives the checker the same
// findings as the original.
//
// A Redactor is not safe for concurrent use.
type Redactor struct {
	auth  string
	extra extraNames

	tokens   map[string]string // real token (JWT or opaque) → replacement
	emails   map[string]string
	hashes   map[string]string
	secrets  map[string]string
	headers  map[string]bool // values of credential headers and their parts
	produced map[string]bool // every replacement made, so it is not replaced again
	n        struct{ token, opaque, email, invalidEmail, hash, secret int }

	learning bool
	replacer *strings.Replacer
	known    []string          // the replacer's old strings
	encoded  *secrets.Scrubber // the known values in encoded forms, and what encodings hide
}

// NewRedactor returns a Redactor for the exchanges of one run made with
// authToken (which may be empty).
func NewRedactor(authToken string) *Redactor {
	return &Redactor{
		auth:     authToken,
		tokens:   map[string]string{},
		emails:   map[string]string{},
		hashes:   map[string]string{},
		secrets:  map[string]string{},
		headers:  map[string]bool{},
		produced: map[string]bool{},
	}
}

// Redact returns redacted copies of exs; exs are not changed. It first reads
// every exchange to learn the secrets they hold, so that a secret seen in a
// JSON field of one exchange is also removed where it appears as plain text
// in another.
func (r *Redactor) Redact(exs []*contract.Exchange) []*contract.Exchange {
	r.learning = true
	for _, ex := range exs {
		r.exchange(ex)
	}
	r.learning = false
	r.buildReplacer()
	out := make([]*contract.Exchange, len(exs))
	for i, ex := range exs {
		out[i] = r.exchange(ex)
	}
	return out
}

// Secrets returns the real values the Redactor removes wherever they
// appear, learnt by the last Redact: the auth token, the tokens and their
// parts, the emails, and the store hashes and other secrets long enough to
// be told apart from ordinary text. None of them can be in Redact's output,
// so a caller can check encoded output against them.
func (r *Redactor) Secrets() []string {
	return append([]string(nil), r.known...)
}

func (r *Redactor) exchange(ex *contract.Exchange) *contract.Exchange {
	out := &contract.Exchange{Source: ex.Source, RecordedAt: ex.RecordedAt, BasePath: ex.BasePath}
	out.Request = contract.Request{
		Method: ex.Request.Method,
		URL:    r.url(ex.Request.URL),
		Header: r.header(ex.Request.Header),
	}
	if ex.Request.Body != nil {
		if isForm(ex.Request.Header.Get("Content-Type"), ex.Request.Body) {
			out.Request.Body = []byte(r.query(string(ex.Request.Body)))
		} else {
			out.Request.Body = r.body(ex.Request.Body, false)
		}
		r.fixLength(out.Request.Header, len(ex.Request.Body), len(out.Request.Body))
	}
	body := ex.Response.Body
	withheld := ""
	if enc := ex.Response.Header.Get("Content-Encoding"); enc != "" && !strings.EqualFold(enc, "identity") {
		// An encoding the prober could not decode: the body cannot be read,
		// so it cannot be redacted, so it is not kept.
		withheld = enc
		body = []byte("(body withheld from the recording: its Content-Encoding could not be decoded, so it could not be redacted)")
	}
	out.Response = contract.Response{
		Status:      ex.Response.Status,
		Header:      r.header(ex.Response.Header),
		Body:        r.body(body, ex.Response.Truncated),
		Truncated:   ex.Response.Truncated,
		BodyMissing: ex.Response.BodyMissing,
	}
	if withheld != "" {
		out.Response.Header.Del("Content-Encoding")
		out.Response.Header.Del("Content-Length")
	} else {
		r.fixLength(out.Response.Header, len(ex.Response.Body), len(out.Response.Body))
	}
	return out
}

// header copies h without the dropped headers and with every value
// scrubbed.
func (r *Redactor) header(h http.Header) http.Header {
	out := http.Header{}
next:
	for name, vs := range h {
		if secrets.IsCredentialHeader(name) || r.extra.headers[strings.ToLower(name)] || r.holdsAuth(name) {
			if r.learning {
				for _, v := range vs {
					for _, part := range secrets.HeaderParts(v) {
						r.headers[part] = true
					}
				}
			}
			continue
		}
		for _, v := range vs {
			if r.holdsAuth(v) {
				continue next
			}
		}
		for _, v := range vs {
			out.Add(name, r.text(v))
		}
	}
	return out
}

func (r *Redactor) holdsAuth(s string) bool {
	return r.auth != "" && strings.Contains(s, r.auth)
}

// url redacts a request URL: the values of query parameters, decoded, by the
// kind their names give (a token=, an email=), everything else as text.
func (r *Redactor) url(raw string) string {
	base, rest, ok := strings.Cut(raw, "?")
	if !ok {
		return r.text(raw)
	}
	query, frag, hasFrag := strings.Cut(rest, "#")
	out := r.text(base) + "?" + r.query(query)
	if hasFrag {
		out += "#" + r.text(frag)
	}
	return out
}

// query redacts a query string or a form body pair by pair, keeping the
// pairs' order and the encoding of those it does not change. Values are
// decoded first, so that a URL-encoded secret (a%40corp.com) is found.
func (r *Redactor) query(q string) string {
	if q == "" {
		return q
	}
	pairs := strings.Split(q, "&")
	for i, p := range pairs {
		name, val, hasVal := strings.Cut(p, "=")
		n, err1 := url.QueryUnescape(name)
		v, err2 := url.QueryUnescape(val)
		if err1 != nil || err2 != nil {
			pairs[i] = r.text(p)
			continue
		}
		nn, nv := r.text(n), r.value(v, r.kindOf(n))
		switch {
		case nn == n && nv == v:
			pairs[i] = r.text(p)
		case hasVal:
			pairs[i] = url.QueryEscape(nn) + "=" + url.QueryEscape(nv)
		default:
			pairs[i] = url.QueryEscape(nn)
		}
	}
	return strings.Join(pairs, "&")
}

// isForm reports whether a request body is a form: its Content-Type says
// so, or it has none that says otherwise (a HAR keeps the type apart from the
// headers) and the body is name=value pairs.
func isForm(contentType string, body []byte) bool {
	mt := strings.ToLower(strings.TrimSpace(contentType))
	if strings.HasPrefix(mt, "application/x-www-form-urlencoded") {
		return true
	}
	if mt != "" || len(body) == 0 || bytes.ContainsAny(body, " \t\r\n{}[]\"<>") || !bytes.Contains(body, []byte("=")) {
		return false
	}
	_, err := url.ParseQuery(string(body))
	return err == nil
}

// fixLength keeps Content-Length right after redaction changed a body's
// length from before to after. A Content-Length that did not match the body
// (a truncated response) keeps its difference, so the checker still notices.
func (r *Redactor) fixLength(h http.Header, before, after int) {
	v := h.Get("Content-Length")
	if v == "" {
		return
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return // malformed: the checker ignores it too
	}
	h.Set("Content-Length", strconv.Itoa(max(0, n+after-before)))
}

// body redacts a request or response body. JSON is walked value by value;
// whatever is not JSON (the whole body, or the rest of it after the point
// where it stops being JSON) is scrubbed as text. A truncated body is kept at
// least as long as it was, so that a body over the checker's size limit
// stays over it.
func (r *Redactor) body(b []byte, truncated bool) []byte {
	if len(b) == 0 {
		return b
	}
	if binary(b) {
		return r.binaryBody(b)
	}
	var out []byte
	stop := 0
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		out, stop = rewriteJSON(b, r.kindOf, r.value)
	}
	if stop < len(b) {
		out = append(out, r.text(unescapeSafe(string(b[stop:])))...)
	}
	if truncated && len(out) < len(b) {
		out = append(out, bytes.Repeat([]byte(" "), len(b)-len(out))...)
	}
	return out
}

// BinaryWithheld replaces a body that is not text and holds a secret.
const BinaryWithheld = "(binary body withheld from the copy: it holds a secret, and a body that is not text cannot be redacted in place)"

// binary reports whether a body is not text: one that does not start like
// JSON (JSON is walked value by value, invalid UTF-8 and all) and is not
// UTF-8, or holds a NUL or another control byte than tab, carriage return,
// newline and form feed.
func binary(b []byte) bool {
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return false
	}
	if !utf8.Valid(b) {
		return true
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\f' || c == 0x7f {
			return true
		}
	}
	return false
}

// fullEmail is an email address with a domain of at least two labels: in a
// binary body an "x@" byte pair is not an address.
var fullEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63})+`)

// binaryBody is the rule for a body that is not text (an image, a
// compressed or encrypted payload): its bytes cannot be rewritten without
// damage, so it is kept whole, byte for byte, unless it holds a secret the
// run learnt (raw), a JWT-shaped string or a complete email address, in
// which case it is replaced by BinaryWithheld.
func (r *Redactor) binaryBody(b []byte) []byte {
	if r.learning {
		return b
	}
	for _, k := range r.known {
		if bytes.Contains(b, []byte(k)) {
			return []byte(BinaryWithheld)
		}
	}
	if r.auth != "" && bytes.Contains(b, []byte(r.auth)) {
		return []byte(BinaryWithheld)
	}
	for _, m := range secrets.JWTCandidate.FindAll(b, -1) {
		if jwtShaped(string(m)) {
			return []byte(BinaryWithheld)
		}
	}
	if fullEmail.Match(b) {
		return []byte(BinaryWithheld)
	}
	return b
}

// unescapeSafe decodes \uXXXX escapes of the characters that make up emails
// and tokens in text that is not valid JSON, so that an escaped secret
// (alice\u0040corp.com) is found. Other escapes are kept, so the text's
// structure does not change.
func unescapeSafe(s string) string {
	if !strings.Contains(s, `\u`) {
		return s
	}
	return unicodeEscape.ReplaceAllStringFunc(s, func(m string) string {
		v, err := strconv.ParseUint(m[2:], 16, 8)
		if err != nil {
			return m
		}
		c := byte(v)
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("@._+-%", c) >= 0 {
			return string(rune(c))
		}
		return m
	})
}

var unicodeEscape = regexp.MustCompile(`\\u00[0-9A-Fa-f]{2}`)

// value redacts one JSON string of kind k.
func (r *Redactor) value(s string, k kind) string {
	if s == "" {
		return s
	}
	switch k {
	case kindToken:
		switch {
		case isJWT(s):
			return r.jwt(s)
		case isMask(s):
			return s
		}
		return r.opaque(s)
	case kindEmail:
		return r.email(s)
	case kindStoreHash:
		return r.hash(s)
	case kindSecret:
		if isMask(s) {
			return s
		}
		return r.secret(s)
	}
	// JSON nested in a string (an event payload kept as text) is walked as
	// JSON, so its secret members are replaced by kind too.
	if t := strings.TrimSpace(s); len(t) > 1 && (t[0] == '{' && t[len(t)-1] == '}' || t[0] == '[' && t[len(t)-1] == ']') {
		if out, stop := rewriteJSON([]byte(s), r.kindOf, r.value); stop == len(s) {
			return r.text(string(out))
		}
	}
	return r.text(s)
}

// jwt maps a real JWT to a synthetic one whose payload carries the fake
// email and store hash of the real payload's.
func (r *Redactor) jwt(real string) string {
	if v, ok := r.tokens[real]; ok {
		return v
	}
	var claims struct {
		Email     any `json:"email"`
		StoreHash any `json:"store_hash"`
	}
	_, payload, _ := strings.Cut(real, ".")
	payload, _, _ = strings.Cut(payload, ".")
	var c synthetic.Claims
	if raw, err := base64.RawURLEncoding.DecodeString(payload); err == nil {
		if json.Unmarshal(raw, &claims) == nil {
			if e, ok := claims.Email.(string); ok && e != "" {
				c.Email = r.email(e)
			}
			if h, ok := claims.StoreHash.(string); ok && h != "" {
				c.StoreHash = r.hash(h)
			}
		}
	}
	r.n.token++
	c.ID = "redacted-" + strconv.Itoa(r.n.token)
	v := synthetic.NewJWT(c)
	r.tokens[real] = v
	r.produced[v] = true
	return v
}

// opaque maps a token that is not a JWT to a placeholder that is not a JWT
// either, so the checker's token-not-jwt finding survives redaction.
func (r *Redactor) opaque(real string) string {
	return r.placeholder(r.tokens, &r.n.opaque, "redacted-token-", "", real)
}

// email maps a real email to a reserved one: a valid address to a valid
// user-N@example.test, anything else to invalid-email-N, which fails the same
// format check the original failed.
func (r *Redactor) email(real string) string {
	if v, ok := r.emails[real]; ok {
		return v
	}
	if validEmail(real) {
		return r.placeholder(r.emails, &r.n.email, "user-", "@example.test", real)
	}
	return r.placeholder(r.emails, &r.n.invalidEmail, "invalid-email-", "", real)
}

func (r *Redactor) hash(real string) string {
	return r.placeholder(r.hashes, &r.n.hash, "fake-store-", "", real)
}

func (r *Redactor) secret(real string) string {
	return r.placeholder(r.secrets, &r.n.secret, "secret-", "", real)
}

// placeholder returns what real is mapped to in m, the first time making the
// next numbered placeholder prefix+N+suffix from counter and remembering it,
// so the same value gets the same replacement throughout the run.
func (r *Redactor) placeholder(m map[string]string, counter *int, prefix, suffix, real string) string {
	if v, ok := m[real]; ok {
		return v
	}
	*counter++
	v := prefix + strconv.Itoa(*counter) + suffix
	m[real] = v
	r.produced[v] = true
	return v
}

// Minimum lengths of learnt values replaced wherever they appear as text:
// shorter ones would hit innocent text.
const (
	minTextSecret = 8
	minTextHash   = 6
)

// buildReplacer prepares the replacement of every learnt value as text,
// longest first so that a whole token wins over its parts.
func (r *Redactor) buildReplacer() {
	pairs := map[string]string{}
	for real, v := range r.tokens {
		if len(real) >= minTextSecret {
			pairs[real] = v
		}
		// The parts of a JWT are secret too: its payload holds the email, its
		// signature is what an attacker would want. (Its header is not: every
		// token of an issuer shares it.)
		for i, part := range strings.Split(real, ".") {
			if i > 0 && len(part) >= 16 {
				if _, ok := pairs[part]; !ok {
					pairs[part] = secrets.Marker
				}
			}
		}
	}
	for real, v := range r.emails {
		pairs[real] = v
	}
	for real, v := range r.hashes {
		if len(real) >= minTextHash {
			pairs[real] = v
		}
	}
	for real, v := range r.secrets {
		if len(real) >= minTextSecret {
			pairs[real] = v
		}
	}
	if len(r.auth) >= minTextSecret {
		pairs[r.auth] = secrets.Marker // wherever else it was also seen
	}
	for v := range r.headers {
		if _, ok := pairs[v]; !ok && len(v) >= minTextSecret {
			pairs[v] = secrets.Marker
		}
	}
	for v := range r.produced {
		delete(pairs, v) // never replace a replacement
	}
	olds := make([]string, 0, len(pairs))
	for k := range pairs {
		olds = append(olds, k)
	}
	sort.Slice(olds, func(i, j int) bool {
		if len(olds[i]) != len(olds[j]) {
			return len(olds[i]) > len(olds[j])
		}
		return olds[i] < olds[j]
	})
	r.known = olds
	args := make([]string, 0, 2*len(olds))
	for _, k := range olds {
		args = append(args, k, pairs[k])
	}
	r.replacer = strings.NewReplacer(args...)
	secretsOnly := make([]string, 0, len(olds)+1)
	secretsOnly = append(secretsOnly, olds...)
	if r.auth != "" {
		secretsOnly = append(secretsOnly, r.auth)
	}
	r.encoded = secrets.NewScrubber(secretsOnly...).Keeping(r.isStandIn)
}

// isStandIn reports whether s is a replacement the Redactor made (or any
// synthetic JWT): the encoded pass leaves those alone.
func (r *Redactor) isStandIn(s string) bool {
	return r.produced[s] || synthetic.IsJWT(s)
}

// Text scrubs free text by the rules Redact applies to text outside JSON
// members with sensitive names, with the values the last Redact learnt: for
// notes and messages written beside redacted exchanges.
func (r *Redactor) Text(s string) string { return r.text(s) }

// text scrubs free text: learnt values, then JWTs, JWT fragments and emails
// the walk did not meet under a sensitive name.
func (r *Redactor) text(s string) string {
	if s == "" {
		return s
	}
	if !r.learning && r.replacer != nil {
		s = r.replacer.Replace(s)
	}
	// A URL or form text inside a string: its secret parameters are
	// redacted by kind, as the request URL's are.
	s = secrets.Params(s, func(name, v string) string {
		dec, err := url.QueryUnescape(v)
		if err != nil {
			return secrets.Marker
		}
		if nv := r.value(dec, r.kindOf(name)); nv != dec {
			return url.QueryEscape(nv)
		}
		return v
	})
	// The cheap tests first: most strings hold no dot, no "eyJ", no "@".
	if strings.Count(s, ".") >= 2 {
		s = secrets.JWTCandidate.ReplaceAllStringFunc(s, func(m string) string {
			if r.produced[m] || !jwtShaped(m) {
				return m
			}
			return r.jwt(m)
		})
	}
	if strings.Contains(s, "eyJ") {
		s = secrets.JWTFragment.ReplaceAllStringFunc(s, func(m string) string {
			if r.produced[m] {
				return m
			}
			return secrets.Marker
		})
	}
	if strings.Contains(s, "@") {
		s = secrets.EmailAddress.ReplaceAllStringFunc(s, func(m string) string {
			if r.produced[m] {
				return m
			}
			return r.email(m)
		})
	}
	// Last, what an encoding hides: the learnt values in their encoded
	// forms (base64, URL-encoded, HTML entities, JSON escapes, lower-case),
	// and JWTs and emails inside encoded runs.
	if !r.learning && r.encoded != nil {
		s = r.encoded.Encoded(s)
	}
	return s
}

// isJWT is the checker's own definition (secrets.IsJWT): a token the
// checker accepts becomes a synthetic JWT; one it rejects stays rejected.
func isJWT(s string) bool { return secrets.IsJWT(s) }

// jwtShaped is looser, for text (secrets.LooksLikeJWT): the signature may be
// empty, as an unsecured JWT still carries its payload.
func jwtShaped(s string) bool { return secrets.LooksLikeJWT(s) }

// isMask reports whether s is made of mask characters only (no letter or
// digit), such as "********" or "••••": nothing secret is left in it.
func isMask(s string) bool {
	for _, c := range s {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			return false
		}
	}
	return true
}

// emailSchema is the contract's email check: JSON Schema's format "email"
// in the library libopenapi-validator uses, with format assertions on.
var emailSchema = sync.OnceValue(func() *jsonschema.Schema {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("urn:s2s-tokens:email", map[string]any{"type": "string", "format": "email"}); err != nil {
		panic(fmt.Sprintf("recording: email schema: %v", err)) // a constant schema: caught by tests
	}
	return c.MustCompile("urn:s2s-tokens:email")
})

// validEmail reports whether the contract's format check accepts s.
func validEmail(s string) bool {
	return emailSchema().Validate(s) == nil
}

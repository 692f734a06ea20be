package secrets

import (
	"encoding/base64"
	"html"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MinKnown is the shortest known value a Scrubber removes: shorter ones
// would mask ordinary text, and are not credentials.
const MinKnown = 4

// MinBase64Run is the shortest run of base64 (or base64url) characters a
// Scrubber decodes to look inside: eight bytes, enough to hold an email
// address or a short token.
const MinBase64Run = 12

// maxDecodeDepth bounds how many layers of encoding a Scrubber peels
// (a base64 run holding a URL-encoded email is two).
const maxDecodeDepth = 3

// Scrubber applies the policy to text with one set of known secret values.
// It is built once per set of secrets (an exchange, a run, a client) and
// then removes them in time linear in the text, however many there are: all
// known values, in every form the Scrubber knows, go into one
// strings.Replacer.
//
// A known value is removed in its raw form and in the forms that hide it
// from a plain search: lower-cased, base64 and base64url (whole groups, so
// the value is found inside a longer base64 text that starts with it),
// URL-encoded (query and path escaping, upper- and lower-case hex),
// HTML-escaped (named, decimal and hexadecimal entities) and JSON-escaped
// (\u00XX for every character that is not a letter or digit).
//
// Besides the forms it knows, a Scrubber decodes what it inspects: each
// whitespace-separated run of text that holds %XX escapes, HTML entities or
// JSON escapes (\uXXXX, \") is decoded, up to three layers, and each run of
// at least MinBase64Run base64 or base64url characters that decodes to
// printable text is decoded too. When the decoded text holds a secret, the
// run is replaced: an encoded run by its decoded and scrubbed form, a base64
// run by Marker.
//
// A Scrubber is safe for concurrent use.
type Scrubber struct {
	replacer *strings.Replacer // every form of every known value → Marker; nil when none
	keep     func(string) bool
}

// NewScrubber returns a Scrubber for the known values (an auth token, values
// collected from an exchange). Values shorter than MinKnown are ignored.
func NewScrubber(known ...string) *Scrubber {
	set := map[string]bool{}
	for _, k := range known {
		if len(k) < MinKnown {
			continue
		}
		for _, f := range Forms(k) {
			if len(f) >= MinKnown {
				set[f] = true
			}
		}
	}
	s := &Scrubber{}
	if len(set) == 0 {
		return s
	}
	olds := make([]string, 0, len(set))
	for f := range set {
		olds = append(olds, f)
	}
	// Longest first, so that a value containing another is removed whole
	// (strings.Replacer prefers the earlier of two matches at one place).
	sort.Slice(olds, func(i, j int) bool {
		if len(olds[i]) != len(olds[j]) {
			return len(olds[i]) > len(olds[j])
		}
		return olds[i] < olds[j]
	})
	args := make([]string, 0, 2*len(olds))
	for _, f := range olds {
		args = append(args, f, Marker)
	}
	s.replacer = strings.NewReplacer(args...)
	return s
}

// Keeping returns a copy of s that leaves alone the JWTs and email
// addresses for which keep returns true (a redactor's own synthetic
// stand-ins), wherever the patterns would otherwise remove them.
func (s *Scrubber) Keeping(keep func(string) bool) *Scrubber {
	cp := *s
	cp.keep = keep
	return &cp
}

// Forms returns the forms in which a Scrubber finds the value k: k itself,
// lower-cased, base64 and base64url encoded (whole three-byte groups only),
// URL-encoded, HTML-escaped and JSON-escaped. Duplicates are removed.
func Forms(k string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(f string) {
		if f != "" && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, v := range []string{k, strings.ToLower(k)} {
		add(v)
		if whole := len(v) / 3 * 3; whole >= 3 {
			add(base64.RawStdEncoding.EncodeToString([]byte(v[:whole])))
			add(base64.RawURLEncoding.EncodeToString([]byte(v[:whole])))
		}
		q := url.QueryEscape(v)
		add(q)
		add(lowerHex(q))
		p := url.PathEscape(v)
		add(p)
		add(lowerHex(p))
		add(html.EscapeString(v))
		add(escapeOthers(v, func(c byte) string { return "&#" + strconv.Itoa(int(c)) + ";" }))
		add(escapeOthers(v, func(c byte) string { return "&#x" + strconv.FormatInt(int64(c), 16) + ";" }))
		add(escapeOthers(v, func(c byte) string { return `\u00` + hex2(c, false) }))
		add(escapeOthers(v, func(c byte) string { return `\u00` + hex2(c, true) }))
	}
	return out
}

func hex2(c byte, upper bool) string {
	h := strconv.FormatInt(int64(c)|0x100, 16)[1:]
	if upper {
		return strings.ToUpper(h)
	}
	return h
}

// escapeOthers replaces every ASCII byte of v that is not a letter or digit
// by esc(byte).
func escapeOthers(v string, esc func(byte) string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < utf8.RuneSelf && !isAlnum(c) {
			b.WriteString(esc(c))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

var percentHex = regexp.MustCompile(`%[0-9A-F]{2}`)

func lowerHex(s string) string {
	return percentHex.ReplaceAllStringFunc(s, strings.ToLower)
}

// mode is how much of the policy a pass applies.
type mode int

const (
	knownOnly mode = iota // the known values, in every form
	shapes                // and JWTs and email addresses (what a redactor does to text)
	full                  // and secret members and parameters, compact tokens
)

// String removes from text the known values in every form, the values of
// JSON members and query or form parameters with sensitive names (also in
// JSON nested in a string, once decoded), JWTs and fragments of them,
// compact tokens and email addresses, also where they are hidden by an
// encoding, each replaced by Marker.
func (s *Scrubber) String(text string) string { return s.scrub(text, full, 0) }

// Encoded removes the known values in every form, and the JWTs and email
// addresses that an encoding hides (a URL-encoded or base64 run), but leaves
// plain JWTs, emails and secret members to the caller: for a redactor that
// replaces those by stand-ins of its own.
func (s *Scrubber) Encoded(text string) string {
	if s.replacer != nil {
		text = s.replacer.Replace(text)
	}
	return s.decoded(text, shapes, 0)
}

// Holds reports whether text holds one of the known values in any form,
// including inside an encoded run: the last check before text that must be
// free of them is written.
func (s *Scrubber) Holds(text string) bool {
	if s.replacer == nil {
		return false
	}
	return s.scrub(text, knownOnly, 0) != text
}

func (s *Scrubber) scrub(text string, m mode, depth int) string {
	if text == "" {
		return text
	}
	if s.replacer != nil {
		text = s.replacer.Replace(text)
	}
	if m >= shapes {
		text = s.shapes(text, m)
	}
	return s.decoded(text, m, depth)
}

// shapes applies the patterns of secrets in plain text.
func (s *Scrubber) shapes(text string, m mode) string {
	if m == full {
		if strings.Contains(text, `"`) {
			text = memberValue.ReplaceAllString(text, `$1"`+Marker+`"`)
			if strings.Contains(text, `\"`) {
				text = escapedMemberValue.ReplaceAllString(text, `$1\"`+Marker+`\"`)
			}
		}
		if strings.Contains(text, "=") {
			text = paramValue.ReplaceAllString(text, `$1=`+Marker)
		}
		if strings.Contains(text, " ") || strings.Contains(text, "\t") {
			text = schemeCredentials(text)
		}
	}
	kept := func(m string) bool { return s.keep != nil && s.keep(m) }
	if strings.Contains(text, "eyJ") {
		text = JWTFragment.ReplaceAllStringFunc(text, func(m string) string {
			if kept(m) {
				return m
			}
			return Marker
		})
	}
	if strings.Count(text, ".") >= 2 {
		if m == full {
			text = CompactToken.ReplaceAllStringFunc(text, func(m string) string {
				if kept(m) {
					return m
				}
				return Marker
			})
		}
		text = JWTCandidate.ReplaceAllStringFunc(text, func(m string) string {
			if kept(m) || !LooksLikeJWT(m) {
				return m
			}
			return Marker
		})
	}
	if strings.Contains(text, "@") {
		text = EmailAddress.ReplaceAllStringFunc(text, func(m string) string {
			if kept(m) {
				return m
			}
			return Marker
		})
	}
	return text
}

// base64Run matches a run that may be base64 or base64url text.
var base64Run = regexp.MustCompile(`[A-Za-z0-9+/_-]{` + strconv.Itoa(MinBase64Run) + `,}={0,2}`)

// decoded looks inside encoded runs of text.
func (s *Scrubber) decoded(text string, m mode, depth int) string {
	if depth >= maxDecodeDepth {
		return text
	}
	if strings.ContainsAny(text, `%&\`) {
		text = s.encodedRuns(text, m, depth)
	}
	return s.base64Runs(text, m, depth)
}

// encodedRuns replaces each whitespace-separated run holding an escape
// whose decoded form holds a secret by that form, scrubbed.
func (s *Scrubber) encodedRuns(text string, m mode, depth int) string {
	var b strings.Builder
	changed := false
	i := 0
	for i < len(text) {
		j := i
		for j < len(text) && !isSpace(text[j]) {
			j++
		}
		run := text[i:j]
		if dec, ok := decodeEscapes(run); ok {
			if clean := s.scrub(dec, m, depth+1); clean != dec {
				if !changed {
					b.Grow(len(text))
					b.WriteString(text[:i])
					changed = true
				}
				run = clean
			}
		}
		if changed {
			b.WriteString(run)
		}
		k := j
		for k < len(text) && isSpace(text[k]) {
			k++
		}
		if changed {
			b.WriteString(text[j:k])
		}
		i = k
	}
	if !changed {
		return text
	}
	return b.String()
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// decodeEscapes decodes the %XX escapes, HTML entities and JSON escapes of
// run; ok is false when it holds none.
func decodeEscapes(run string) (string, bool) {
	out := run
	if strings.Contains(out, `\`) {
		out = jsonUnescape(out)
	}
	if strings.Contains(out, "&") && strings.Contains(out, ";") {
		out = html.UnescapeString(out)
	}
	if strings.Contains(out, "%") {
		out = percentUnescape(out)
	}
	return out, out != run
}

// jsonUnescape decodes JSON string escapes (\uXXXX, \", \\, \/, \n, ...),
// leaving anything malformed as it is.
func jsonUnescape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		switch n := s[i+1]; n {
		case '"', '\\', '/', '\'':
			b.WriteByte(n)
			i++
		case 'n':
			b.WriteByte('\n')
			i++
		case 't':
			b.WriteByte('\t')
			i++
		case 'u':
			if i+6 <= len(s) {
				if v, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
					b.WriteRune(rune(v))
					i += 5
					continue
				}
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// percentUnescape decodes every valid %XX escape, keeping the rest (url's
// unescapers reject the whole text for one stray %).
func percentUnescape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// base64Runs replaces each base64 run that decodes to printable text
// holding a secret by Marker.
func (s *Scrubber) base64Runs(text string, m mode, depth int) string {
	return base64Run.ReplaceAllStringFunc(text, func(run string) string {
		dec, ok := decodeBase64(run)
		if !ok {
			return run
		}
		if s.scrub(dec, m, depth+1) != dec {
			return Marker
		}
		return run
	})
}

// decodeBase64 decodes run as base64 or base64url, padded or not, and
// reports whether it gave printable UTF-8 text.
func decodeBase64(run string) (string, bool) {
	r := strings.TrimRight(run, "=")
	if len(r)%4 == 1 {
		r = r[:len(r)-1]
	}
	enc := base64.RawStdEncoding
	if strings.ContainsAny(r, "-_") {
		if strings.ContainsAny(r, "+/") {
			return "", false
		}
		enc = base64.RawURLEncoding
	}
	b, err := enc.DecodeString(r)
	if err != nil || !utf8.Valid(b) {
		return "", false
	}
	for _, c := range string(b) {
		if !unicode.IsPrint(c) && !unicode.IsSpace(c) {
			return "", false
		}
	}
	return string(b), true
}

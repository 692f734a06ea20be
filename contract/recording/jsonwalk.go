package recording

import (
	"bytes"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// splice replaces body[start:end] with text.
type splice struct {
	start, end int
	text       []byte
}

// stringVisitor is called for every JSON string of a body, object member
// names included. k is the sensitive kind that applies to the string (kindNone
// for names and for values under ordinary names). It returns the string's
// replacement; returning s unchanged leaves the body's bytes untouched.
type stringVisitor func(s string, k kind) string

// rewriteJSON walks body as a stream of JSON values and hands every string to
// visit, with the kind kindOf gives its member's name. It returns the body with the changed strings spliced in, and the
// offset up to which the walk got: a body that is not JSON from some point on
// (truncated, an HTML page after a JSON prefix, trailing garbage) is walked up
// to that point only, and the caller must treat body[stop:] as plain text.
//
// Everything but the changed strings is kept byte for byte: member order,
// duplicate names, number literals such as 1.0, white space and invalid
// UTF-8. That is what lets a redacted recording give the checker the same
// findings as the original.
func rewriteJSON(body []byte, kindOf func(string) kind, visit stringVisitor) (out []byte, stop int) {
	dec := jsontext.NewDecoder(bytes.NewReader(body),
		jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	var splices []splice
	// inherited[d] is the kind a container at depth d passes to its strings;
	// names[d] is the last member name read in the object at depth d.
	inherited := []kind{kindNone}
	names := []string{""}
	good := 0
	for {
		k := dec.PeekKind()
		if k == 0 {
			break // the end of the input, or a syntax error
		}
		depth := dec.StackDepth()
		container, length := dec.StackIndex(depth)
		isName := container == '{' && length%2 == 0
		vk := inherited[depth]
		if container == '{' && !isName {
			if nk := kindOf(names[depth]); nk != kindNone {
				vk = nk
			}
		}
		switch k {
		case '"':
			raw, err := dec.ReadValue()
			if err != nil {
				return apply(body, splices, good), good
			}
			end := int(dec.InputOffset())
			start := end - len(raw)
			s := unquote(raw)
			if isName {
				names[depth] = s
				vk = kindNone
			}
			if repl := visit(s, vk); repl != s {
				splices = append(splices, splice{start, end, quote(repl)})
			}
		case '{', '[':
			if _, err := dec.ReadToken(); err != nil {
				return apply(body, splices, good), good
			}
			inherited = append(inherited, vk)
			names = append(names, "")
		case '}', ']':
			if _, err := dec.ReadToken(); err != nil {
				return apply(body, splices, good), good
			}
			inherited = inherited[:len(inherited)-1]
			names = names[:len(names)-1]
		default:
			if _, err := dec.ReadValue(); err != nil {
				return apply(body, splices, good), good
			}
		}
		good = int(dec.InputOffset())
	}
	if dec.StackDepth() == 0 && len(bytes.TrimLeft(body[good:], " \t\r\n")) == 0 {
		good = len(body)
	}
	return apply(body, splices, good), good
}

// apply returns body[:stop] with the splices (which lie before stop, in
// order) applied.
func apply(body []byte, splices []splice, stop int) []byte {
	out := make([]byte, 0, stop+64*len(splices))
	last := 0
	for _, s := range splices {
		out = append(out, body[last:s.start]...)
		out = append(out, s.text...)
		last = s.end
	}
	return append(out, body[last:stop]...)
}

// unquote decodes a JSON string literal the decoder has already checked for
// syntax. Invalid UTF-8 is kept as it is; an invalid \u escape (a lone
// surrogate) becomes U+FFFD.
func unquote(raw []byte) string {
	if len(raw) < 2 {
		return ""
	}
	in := raw[1 : len(raw)-1]
	if bytes.IndexByte(in, '\\') < 0 {
		return string(in)
	}
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '\\' || i+1 >= len(in) {
			out = append(out, c)
			continue
		}
		i++
		switch in[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, n := decodeU(in[i+1:])
			i += n
			out = utf8.AppendRune(out, r)
		default: // '"', '\\', '/'
			out = append(out, in[i])
		}
	}
	return string(out)
}

// decodeU decodes the hex digits after a \u (and a following \uXXXX low
// surrogate), returning the rune and how many bytes it used.
func decodeU(b []byte) (rune, int) {
	hex4 := func(b []byte) (rune, bool) {
		if len(b) < 4 {
			return 0, false
		}
		v, err := strconv.ParseUint(string(b[:4]), 16, 32)
		return rune(v), err == nil
	}
	r, ok := hex4(b)
	if !ok {
		return utf8.RuneError, 0
	}
	if utf16.IsSurrogate(r) {
		if len(b) >= 10 && b[4] == '\\' && b[5] == 'u' {
			if r2, ok := hex4(b[6:]); ok {
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					return dec, 10
				}
			}
		}
		return utf8.RuneError, 4
	}
	return r, 4
}

// quote encodes s as a JSON string literal, escaping only what JSON
// requires, so that bytes which are not valid UTF-8 stay as they were (the
// checker reports them; redaction must not repair them).
func quote(s string) []byte {
	const hex = "0123456789abcdef"
	out := make([]byte, 0, len(s)+2)
	out = append(out, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c == '\n':
			out = append(out, '\\', 'n')
		case c == '\r':
			out = append(out, '\\', 'r')
		case c == '\t':
			out = append(out, '\\', 't')
		case c < 0x20:
			out = append(out, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			out = append(out, c)
		}
	}
	return append(out, '"')
}

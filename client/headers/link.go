package headers

import (
	"errors"
	"strings"
)

// LinkValue is one link-value of an RFC 8288 Link header.
type LinkValue struct {
	// URL is the target between the angle brackets, as sent.
	URL string
	// Params are the link parameters, names lower-cased, values unquoted. The
	// first occurrence of a parameter wins, as RFC 8288 section 3 requires for
	// rel.
	Params map[string]string
}

// Rels returns the link's relation types: the rel parameter split on white
// space and lower-cased.
func (l LinkValue) Rels() []string {
	return strings.Fields(strings.ToLower(l.Params["rel"]))
}

// maxLinks bounds the number of link-values read from one header value.
const maxLinks = 64

// ParseLinks parses one Link header field value, a comma-separated list of
// link-values:
//
//	link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
//	link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
//
// It returns the link-values read before the first malformed one, and an
// error describing the malformed one.
func ParseLinks(value string) ([]LinkValue, error) {
	p := linkParser{s: value}
	var links []LinkValue
	for {
		p.skipSpace()
		if p.done() {
			return links, nil
		}
		if p.peek() == ',' { // empty list elements are allowed
			p.i++
			continue
		}
		if len(links) == maxLinks {
			return links, errors.New("more than 64 links in one value")
		}
		l, err := p.linkValue()
		if err != nil {
			return links, err
		}
		links = append(links, l)
		p.skipSpace()
		if p.done() {
			return links, nil
		}
		if p.peek() != ',' {
			return links, errors.New("expected ',' between links")
		}
		p.i++
	}
}

type linkParser struct {
	s string
	i int
}

func (p *linkParser) done() bool { return p.i >= len(p.s) }
func (p *linkParser) peek() byte { return p.s[p.i] }

func (p *linkParser) skipSpace() {
	for !p.done() && (p.peek() == ' ' || p.peek() == '\t') {
		p.i++
	}
}

func (p *linkParser) linkValue() (LinkValue, error) {
	if p.peek() != '<' {
		return LinkValue{}, errors.New("a link must start with '<'")
	}
	end := strings.IndexByte(p.s[p.i+1:], '>')
	if end < 0 {
		return LinkValue{}, errors.New("unterminated '<' in link target")
	}
	l := LinkValue{URL: strings.TrimSpace(p.s[p.i+1 : p.i+1+end]), Params: map[string]string{}}
	p.i += end + 2
	for {
		p.skipSpace()
		if p.done() || p.peek() == ',' {
			return l, nil
		}
		if p.peek() != ';' {
			return l, errors.New("expected ';' before a link parameter")
		}
		p.i++
		p.skipSpace()
		name := p.token()
		if name == "" {
			return l, errors.New("empty link parameter name")
		}
		name = strings.ToLower(name)
		value := ""
		p.skipSpace()
		if !p.done() && p.peek() == '=' {
			p.i++
			p.skipSpace()
			var err error
			if value, err = p.paramValue(); err != nil {
				return l, err
			}
		}
		if _, seen := l.Params[name]; !seen {
			l.Params[name] = value
		}
	}
}

// token reads an RFC 9110 token (tchar run), and also accepts '*' so that
// extended parameter names such as title* are read whole.
func (p *linkParser) token() string {
	start := p.i
	for !p.done() && isTchar(p.peek()) {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *linkParser) paramValue() (string, error) {
	if p.done() {
		return "", errors.New("missing link parameter value after '='")
	}
	if p.peek() != '"' {
		v := p.token()
		if v == "" {
			return "", errors.New("link parameter value is neither a token nor a quoted string")
		}
		return v, nil
	}
	p.i++
	var b strings.Builder
	for !p.done() {
		c := p.peek()
		p.i++
		switch c {
		case '"':
			return b.String(), nil
		case '\\':
			if p.done() {
				return "", errors.New("unterminated quoted string")
			}
			b.WriteByte(p.peek())
			p.i++
		default:
			b.WriteByte(c)
		}
	}
	return "", errors.New("unterminated quoted string")
}

func isTchar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

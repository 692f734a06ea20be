// Package ghannot escapes text for GitHub Actions workflow commands
// (::error file=…::message), the module's one copy of those rules, used by
// the findings report and the spec guard.
//
// Besides the workflow command escapes, characters that a terminal or a log
// viewer would act on rather than show are written as visible escapes in Go
// notation (\x1b, \u202e): C0 controls other than carriage return and
// newline (ESC, NUL, ...), DEL, C1 controls, Unicode's bidirectional
// formatting characters (which can reorder what a reader sees) and bytes
// that are not UTF-8. Text from a recording cannot then recolour, hide or
// reorder the CI log.
package ghannot

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

var (
	data     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	property = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// Data escapes a workflow command's message: '%' first, so that the escapes
// it introduces stay intact, then carriage returns and newlines, then what
// a terminal would act on (see the package doc).
func Data(s string) string { return data.Replace(visible(s)) }

// Property escapes a workflow command property value (title, file), which
// also may not contain ':' or ','.
func Property(s string) string { return property.Replace(visible(s)) }

// visible writes the characters the package doc names as Go escapes.
func visible(s string) string {
	clean := true
	for i := 0; i < len(s) && clean; {
		r, n := utf8.DecodeRuneInString(s[i:])
		clean = !unsafe(r, n)
		i += n
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafe(r, n) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafe(r, n):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// unsafe reports whether the rune r (n bytes long in the text) is one the
// package doc says is written as an escape.
func unsafe(r rune, n int) bool {
	switch {
	case r == utf8.RuneError && n == 1:
		return true
	case r == '\r' || r == '\n':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

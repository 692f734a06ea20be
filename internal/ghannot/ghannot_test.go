package ghannot_test

import (
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/ghannot"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, data, property string }{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"},
		{"file:1,2", "file:1,2", "file%3A1%2C2"},
		{"%0A", "%250A", "%250A"},
		{"::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"},
	}
	for _, tt := range tests {
		if got := ghannot.Data(tt.in); got != tt.data {
			t.Errorf("Data(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := ghannot.Property(tt.in); got != tt.property {
			t.Errorf("Property(%q) = %q, want %q", tt.in, got, tt.property)
		}
	}
}

// TestGithubFormatEscapesTerminalControls: ESC, NUL, DEL, C1 controls,
// bidi overrides and bytes that are not UTF-8, taken from a recording, reach
// the CI log as visible escapes, never as the characters themselves; tabs
// are escaped too, and ordinary non-ASCII text is kept.
func TestGithubFormatEscapesTerminalControls(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"nul\x00here", `nul\x00here`},
		{"del\x7f", `del\x7f`},
		{"c1\u009b31m", `c1\x9b31m`},
		{"abc\u202edcba", `abc\u202edcba`},
		{"isolate\u2066x\u2069", `isolate\u2066x\u2069`},
		{"bad\xffbyte", `bad\xffbyte`},
		{"tab\there", `tab\x09here`},
		{"café ✓ 日本", "café ✓ 日本"},
	}
	for _, tt := range tests {
		for name, f := range map[string]func(string) string{"Data": ghannot.Data, "Property": ghannot.Property} {
			got := f(tt.in)
			if got != tt.want {
				t.Errorf("%s(%q) = %q, want %q", name, tt.in, got, tt.want)
			}
			for _, r := range got {
				if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
					t.Errorf("%s(%q) still holds %U", name, tt.in, r)
				}
			}
		}
	}
}

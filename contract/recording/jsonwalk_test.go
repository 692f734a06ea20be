package recording

import (
	"github.com/b2b-contract/s2s-tokens/internal/secrets"
	"testing"
)

// upperVisitor replaces every string of kind token by "T" and upper-cases
// the ASCII letters of the others (names included), to show what the walk
// touches.
func upperVisitor(s string, k kind) string {
	if k == kindToken {
		return "T"
	}
	b := []byte(s) // byte by byte: invalid UTF-8 must reach the output as it is
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func TestRewriteJSON(t *testing.T) {
	tests := []struct {
		name, in, want string
		stop           int // -1: the whole input
	}{
		{"plain object", `{"a":"x","token":"secret"}`, `{"A":"X","TOKEN":"T"}`, -1},
		{"bytes between strings are kept", "{ \"n\" : 1.0 ,\n\t\"b\":[true,null, 1e3]}", "{ \"N\" : 1.0 ,\n\t\"B\":[true,null, 1e3]}", -1},
		{"duplicate names are kept", `{"token":"a","token":"b"}`, `{"TOKEN":"T","TOKEN":"T"}`, -1},
		{"kind reaches into composites", `{"token":{"v":["a","b"],"w":"c"}}`, `{"TOKEN":{"V":["T","T"],"W":"T"}}`, -1},
		{"nested sensitive names", `{"data":[{"Token":"a","name":"n"}]}`, `{"DATA":[{"TOKEN":"T","NAME":"N"}]}`, -1},
		{"escapes are decoded before the visit", `{"x":"a\u0062\n"}`, `{"X":"AB\n"}`, -1},
		{"unchanged strings keep their escapes", `{"é":"\u00e9"}`, `{"é":"\u00e9"}`, -1},
		{"invalid UTF-8 is kept", "{\"token\":\"a\",\"x\":\"\xff\"}", "{\"TOKEN\":\"T\",\"X\":\"\xff\"}", -1},
		{"a stream of values", `{"a":"b"} {"c":"d"}`, `{"A":"B"} {"C":"D"}`, -1},
		{"truncated: walked up to the cut", `{"token":"abc","x":"de`, `{"TOKEN":"T","X"`, len(`{"token":"abc","x"`)},
		{"garbage after JSON", `{"a":"b"}<html>`, `{"A":"B"}`, len(`{"a":"b"}`)},
		{"not JSON at all", `<html>`, ``, 0},
		{"trailing white space", "[\"a\"]\n\n", "[\"A\"]\n\n", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stop := rewriteJSON([]byte(tt.in), secrets.KindOf, upperVisitor)
			wantStop := tt.stop
			if wantStop < 0 {
				wantStop = len(tt.in)
			}
			if stop != wantStop {
				t.Errorf("stop = %d, want %d", stop, wantStop)
			}
			if string(out) != tt.want {
				t.Errorf("got  %q\nwant %q", out, tt.want)
			}
		})
	}
}

func TestQuoteUnquote(t *testing.T) {
	for _, s := range []string{"", "plain", "q\"b\\s", "ctl\x01\x1f\n\r\t", "é ✓ 𝄞", "bad\xff\xfe"} {
		if got := unquote(quote(s)); got != s {
			t.Errorf("unquote(quote(%q)) = %q", s, got)
		}
	}
	if got := unquote([]byte(`"\ud834\udd1e \ud800x"`)); got != "𝄞 \uFFFDx" {
		t.Errorf("surrogates: got %q", got)
	}
}

func TestKindOf(t *testing.T) {
	for name, want := range map[string]kind{
		"token": kindToken, "Token": kindToken, "authToken": kindToken, "JWT": kindToken,
		"email": kindEmail, "EMAIL": kindEmail,
		"storeHash": kindStoreHash, "store_hash": kindStoreHash,
		"password": kindSecret, "secret": kindSecret,
		"name": kindNone, "id": kindNone, "tokens": kindNone,
	} {
		if got := NewRedactor("").kindOf(name); got != want {
			t.Errorf("kindOf(%q) = %d, want %d", name, got, want)
		}
	}
}

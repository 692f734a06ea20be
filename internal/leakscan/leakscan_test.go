package leakscan_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/leakscan"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

var b64 = base64.RawURLEncoding

// foreignJWT is a real-shaped JWT made at run time: no kid synthetic.
func foreignJWT(sig string) string {
	h := b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	p := b64.EncodeToString([]byte(`{"email":"` + synthetic.Email() + `","store_hash":"` + synthetic.RandomHex(5) + `"}`))
	return h + "." + p + "." + sig
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func TestScan(t *testing.T) {
	foreign := foreignJWT(synthetic.RandomHex(16))
	unsigned := foreignJWT("")
	syn := synthetic.Token(synthetic.Email(), "abc123")
	tests := []struct {
		name  string
		data  string
		lines []int
		where string
	}{
		{"nothing", "package x\n\nfunc main() {}\n", nil, ""},
		{"synthetic is fine", "token: " + syn + "\n", nil, ""},
		{"foreign on line 3", "a\nb\ntoken: " + foreign + "\n", []int{3}, "text"},
		{"unsigned foreign", "x " + unsigned + " y", []int{1}, "text"},
		{"two on two lines", foreign + "\n" + syn + "\n" + foreign, []int{1, 3}, "text"},
		{"inside JSON string", `{"token":"` + foreign + `"}`, []int{1}, "text"},
		{"hostname is not a JWT", "https://api-b2b.bigcommerce.com/api/io and golang.org/x/net.v1", nil, ""},
		{"segments that are not JSON", "aGVsbG8.d29ybGQ.c2ln", nil, ""},
		{"in base64 (HAR content)", `"text": "` + base64.StdEncoding.EncodeToString([]byte(`{"data":[{"token":"`+foreign+`"}]}`)) + `"`, []int{1}, "base64"},
		{"in gzip in base64", "\n" + base64.StdEncoding.EncodeToString(gz([]byte("token="+foreign))), []int{2}, "base64+gzip"},
		{"synthetic in base64", base64.StdEncoding.EncodeToString([]byte(`{"token":"` + syn + `"}`)), nil, ""},
		{"go.sum hash", "github.com/x/y v1.0.0 h1:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xfe}, 32)), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := leakscan.Scan([]byte(tt.data))
			var lines []int
			for _, h := range hits {
				lines = append(lines, h.Line)
				if tt.where != "" && h.Where != tt.where {
					t.Errorf("hit %v found by %q, want %q", h.Line, h.Where, tt.where)
				}
				if strings.Contains(h.String(), "eyJ") {
					t.Errorf("a hit's text repeats the token")
				}
			}
			if fmt.Sprint(lines) != fmt.Sprint(tt.lines) {
				t.Errorf("hits on lines %v, want %v", lines, tt.lines)
			}
		})
	}
}

func TestIsForeignJWT(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{foreignJWT("c2ln"), true},
		{synthetic.Token("a@example.com", "h"), false},
		{"********", false},
		{"a.b.c", false},
		{"", false},
	} {
		if got := leakscan.IsForeignJWT(tt.s); got != tt.want {
			t.Errorf("IsForeignJWT(case %d chars) = %v, want %v", len(tt.s), got, tt.want)
		}
	}
}

// FuzzScan: the scanner reads arbitrary files; it must never panic, and
// every hit must point at a line that exists.
func FuzzScan(f *testing.F) {
	f.Add([]byte("token: " + synthetic.Token("a@example.com", "h")))
	f.Add([]byte(foreignJWT(""))) // built at run time: no JWT literal in a tracked file
	f.Add([]byte(base64.StdEncoding.EncodeToString(gz([]byte("x")))))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, h := range leakscan.Scan(data) {
			if h.Line < 1 || h.Line > lines {
				t.Fatalf("hit on line %d of %d", h.Line, lines)
			}
		}
	})
}

func ExampleScan() {
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`))
	payload := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"42"}`))
	file := "first line\nauthToken: " + header + "." + payload + ".\n" +
		"example: " + synthetic.NewJWT(synthetic.Claims{Email: "user@example.com", StoreHash: "abc"}) + "\n"
	for _, h := range leakscan.Scan([]byte(file)) {
		fmt.Println(h)
	}
	// Output:
	// line 2: a JWT that is not synthetic (text)
}

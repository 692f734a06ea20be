package baseurl_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/baseurl"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

func TestParse(t *testing.T) {
	secret := synthetic.RandomHex(8)
	tests := []struct {
		in, want, err string
	}{
		{"https://api-b2b.bigcommerce.com/api/io", "https://api-b2b.bigcommerce.com/api/io", ""},
		{"https://api-b2b.bigcommerce.com/api/io/", "https://api-b2b.bigcommerce.com/api/io/", ""},
		{"HTTPS://example.com", "https://example.com", ""},
		{"https://example.com:8443", "https://example.com:8443", ""},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080", ""},
		{"http://127.1.2.3", "http://127.1.2.3", ""},
		{"http://[::1]:9000/base", "http://[::1]:9000/base", ""},
		{"http://localhost:9000", "http://localhost:9000", ""},
		{"http://LOCALHOST", "http://LOCALHOST", ""},

		{"http://example.com", "", `plain http to host "example.com"`},
		{"http://10.0.0.1:8080", "", "not a loopback address"},
		{"http://localhost.evil.example", "", "plain http"},
		{"http://127.0.0.1.example.com", "", "plain http"},
		{"http://[::2]", "", "plain http"},
		{"https://user:" + secret + "@example.com", "", "user information"},
		{"https://" + secret + "@example.com", "", "user information"},
		{"https://example.com/?token=" + secret, "", "has a query"},
		{"https://example.com/?", "", "has a query"},
		{"https://example.com/#" + secret, "", "has a fragment"},
		{"https://example.com/#", "", "has a fragment"},
		{"ftp://example.com", "", `scheme "ftp"`},
		{"ws://127.0.0.1", "", `scheme "ws"`},
		{"example.com/api", "", "not absolute"},
		{"/api/io", "", "not absolute"},
		{"https://", "", "not absolute"},
		{"", "", "not absolute"},
		{"://bad", "", "not a valid URL"},
		{"https://example.com/%zz" + secret, "", "not a valid URL"},
	}
	for _, tt := range tests {
		u, err := baseurl.Parse(tt.in)
		shown := strings.ReplaceAll(tt.in, secret, "…")
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Parse(%q): error %v, want one saying %q", shown, err, tt.err)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("Parse(%q): the error repeats a secret from the URL", shown)
			}
			if u != nil {
				t.Errorf("Parse(%q) returned a URL with its error", shown)
			}
		case err != nil:
			t.Errorf("Parse(%q): %v", shown, err)
		case u.String() != tt.want:
			t.Errorf("Parse(%q) = %q, want %q", shown, u, tt.want)
		}
	}
}

func TestLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LocalHost": true, "127.0.0.1": true, "127.255.0.9": true, "::1": true,
		"": false, "10.0.0.1": false, "::": false, "0.0.0.0": false, "localhost.example": false, "example.com": false,
	} {
		if got := baseurl.Loopback(host); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func ExampleParse() {
	for _, raw := range []string{"https://api-b2b.bigcommerce.com/api/io", "http://127.0.0.1:8080", "http://example.com"} {
		u, err := baseurl.Parse(raw)
		fmt.Println(u, err != nil)
	}
	// Output:
	// https://api-b2b.bigcommerce.com/api/io false
	// http://127.0.0.1:8080 false
	// <nil> true
}

// TestAllowPlainHTTP shows the opt-in: plain http to a host that is not
// loopback parses only with AllowPlainHTTP(true), and the rest of the rule
// (user information, query, scheme) still holds. Nothing connects.
func TestAllowPlainHTTP(t *testing.T) {
	for _, tt := range []struct {
		in        string
		allow     bool
		err       string
		wantPlain bool
	}{
		{"http://fake.internal:8080/api/io/", true, "", true},
		{"http://10.0.0.1:8080", true, "", true},
		{"http://127.0.0.2:8080", true, "", false},
		{"https://example.com", true, "", false},
		{"http://fake.internal:8080", false, "plain http", false},
		{"http://u:p@fake.internal", true, "user information", false},
		{"http://fake.internal/?q=1", true, "has a query", false},
		{"ftp://fake.internal", true, `scheme "ftp"`, false},
	} {
		u, err := baseurl.ParsePrefix(tt.in, baseurl.AllowPlainHTTP(tt.allow))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParsePrefix(%q, allow %v): error %v, want one saying %q", tt.in, tt.allow, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePrefix(%q, allow %v): %v", tt.in, tt.allow, err)
			continue
		}
		if strings.HasSuffix(u.Path, "/") {
			t.Errorf("ParsePrefix(%q) kept a trailing slash: %q", tt.in, u.Path)
		}
		if got := baseurl.Plain(u); got != tt.wantPlain {
			t.Errorf("Plain(%q) = %v, want %v", tt.in, got, tt.wantPlain)
		}
	}
}

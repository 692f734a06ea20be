package secrets_test

import (
	"encoding/base64"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/secrets"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// encodedForms are the ways a server, a proxy or an exporter hides a value
// from a plain search.
func encodedForms(v string) map[string]string {
	jsonEsc := strings.NewReplacer("@", `\u0040`, ".", `\u002e`, "-", `\u002d`).Replace(v)
	return map[string]string{
		"base64":       base64.StdEncoding.EncodeToString([]byte(v)),
		"base64url":    base64.RawURLEncoding.EncodeToString([]byte(v)),
		"url-encoded":  url.QueryEscape(v),
		"double-url":   url.QueryEscape(url.QueryEscape(v)),
		"html-entity":  strings.ReplaceAll(html.EscapeString(v), "@", "&#64;"),
		"json-escaped": jsonEsc,
		"lower-case":   strings.ToLower(v),
		"basic-auth":   "Basic " + base64.StdEncoding.EncodeToString([]byte("user:"+v)),
	}
}

func TestScrubEncodedAuthTokenBase64(t *testing.T) {
	auth := "Auth" + synthetic.RandomHex(16)
	for name, form := range encodedForms(auth) {
		t.Run(name, func(t *testing.T) {
			text := "upstream said: " + form + " (see log)"
			got := secrets.NewScrubber(auth).String(text)
			if strings.Contains(got, form) {
				t.Fatalf("the %s form of the auth token survived: %q", name, got)
			}
			if !strings.Contains(got, "upstream said: ") || !strings.Contains(got, secrets.Marker) {
				t.Fatalf("scrubbed text lost its shape or its marker: %q", got)
			}
			if !secrets.NewScrubber(auth).Holds(text) {
				t.Fatalf("Holds misses the %s form", name)
			}
		})
	}
}

// TestScrubEncodedEmailUnknown: an email the scrubber was not told about is
// found through its encoding.
func TestScrubEncodedEmailUnknown(t *testing.T) {
	email := synthetic.CanaryEmail()
	for name, form := range encodedForms(email) {
		if name == "lower-case" {
			continue // a plain email in any case is the pattern's job
		}
		t.Run(name, func(t *testing.T) {
			got := secrets.Text("Link: <https://x.test/u?who=" + form + ">; rel=deprecation")
			local, _, _ := strings.Cut(email, "@")
			if strings.Contains(got, form) || strings.Contains(got, local) {
				t.Fatalf("the %s form of an email survived: %q", name, got)
			}
		})
	}
}

func TestScrubNestedJSONMember(t *testing.T) {
	opaque := "op" + synthetic.RandomHex(10)
	for _, text := range []string{
		`{"data":"{\"token\":\"` + opaque + `\"}"}`,
		`{"note":"{\"authToken\": \"` + opaque + `\"}"}`,
		`callback https%3A%2F%2Fx.test%2Fcb%3Ftoken%3D` + opaque + ` done`,
	} {
		if got := secrets.Text(text); strings.Contains(got, opaque) {
			t.Errorf("Text(%q) kept the opaque token: %q", text, got)
		}
	}
}

// TestScrubKeepsOrdinaryText: decoding looks, it does not rewrite text that
// holds no secret.
func TestScrubKeepsOrdinaryText(t *testing.T) {
	for _, text := range []string{
		"additionalProperties is not allowed at $.data[0].eventChannel",
		`Content-Type "text/html; charset=utf-8"`,
		"a%20b and &amp; and \\u0041 and averyverylongidentifierword",
		"YWJjZGVmZ2hpamtsbW5vcA== is base64 of nothing secret",
	} {
		if got := secrets.Text(text); got != text {
			t.Errorf("Text(%q) = %q, want it unchanged", text, got)
		}
	}
}

func TestScrubKeepingLeavesStandIns(t *testing.T) {
	stand := "user-1@example.test"
	real := synthetic.CanaryEmail()
	sc := secrets.NewScrubber(real).Keeping(func(s string) bool { return s == stand })
	got := sc.Encoded(stand + " " + url.QueryEscape(real) + " " + url.QueryEscape("other@corp.test"))
	if !strings.Contains(got, stand) {
		t.Fatalf("Keeping removed the stand-in: %q", got)
	}
	if strings.Contains(got, "corp.test") || strings.Contains(got, url.QueryEscape(real)) {
		t.Fatalf("Encoded kept an encoded email: %q", got)
	}
}

// TestCutScrubsBeforeCutting: a secret straddling the cut is removed whole,
// not cut to a prefix the patterns no longer recognise.
func TestCutScrubsBeforeCutting(t *testing.T) {
	auth := "tok" + synthetic.RandomHex(20)
	text := strings.Repeat("x", 50) + " " + auth + " tail"
	got := secrets.Cut(secrets.NewScrubber(auth), text, 64)
	if strings.Contains(got, auth[:8]) {
		t.Fatalf("Cut leaked a prefix of the secret: %q", got)
	}
	if len(got) > 64+len("…") || !strings.HasSuffix(got, "…") {
		t.Fatalf("Cut(…, 64) = %q (%d bytes)", got, len(got))
	}
	if got := secrets.Cut(nil, "short", 64); got != "short" {
		t.Fatalf("Cut(nil, short) = %q", got)
	}
}

func TestScrubberIgnoresShortKnown(t *testing.T) {
	if got := secrets.NewScrubber("ab", "").String("ab cd"); got != "ab cd" {
		t.Fatalf("short known values masked text: %q", got)
	}
	if secrets.NewScrubber().Holds("anything") {
		t.Fatal("an empty Scrubber holds nothing")
	}
}

// listBody is issue 12's audit case: a list body whose items each carry a
// distinct email and one undeclared member, scrubbed once per finding with
// every email known.
func listBody(n int) (known []string, findings []string) {
	for i := 0; i < n; i++ {
		e := fmt.Sprintf("user%d-%s@corp.test", i, synthetic.RandomHex(3))
		known = append(known, e)
		findings = append(findings, fmt.Sprintf(`undeclared member "x_%d" at $.data[%d]: {"email":%q,"x_%d":1}`, i, i, e, i))
	}
	return known, findings
}

// BenchmarkScrubFindings scrubs 4,000 findings with 4,000 known values
// (issue 12's audit: 10.7 s with one pass per known value).
func BenchmarkScrubFindings(b *testing.B) {
	known, findings := listBody(4000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sc := secrets.NewScrubber(known...)
		for _, f := range findings {
			_ = sc.String(f)
		}
	}
}

// BenchmarkScrubFindingsBaseline is the same findings with no known value:
// the pattern passes alone, the baseline BenchmarkScrubFindings is compared
// with.
func BenchmarkScrubFindingsBaseline(b *testing.B) {
	_, findings := listBody(4000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sc := secrets.NewScrubber()
		for _, f := range findings {
			_ = sc.String(f)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// The stand-in credentials below are made at run time and never written to a
// file. A downstream module cannot import s2s-tokens' internal/synthetic, so
// it makes its own: JWT-shaped, with "kid": "synthetic" in the header like
// the project's, random in payload and signature.

// syntheticEmail returns a fresh address under the reserved .test domain.
func syntheticEmail() string {
	return "user-" + randomHex(4) + "@example.test"
}

// syntheticToken returns a fresh JWT-shaped stand-in token for email.
func syntheticToken(email string) string {
	b64 := base64.RawURLEncoding
	payload, _ := json.Marshal(map[string]string{"email": email, "storeHash": "1234abcd", "id": randomHex(8)})
	return b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT","kid":"synthetic"}`)) + "." +
		b64.EncodeToString(payload) + "." + b64.EncodeToString([]byte(randomHex(16)))
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

type fakeToken struct {
	ID           int    `json:"id"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	StoreHash    string `json:"storeHash"`
	Token        string `json:"token"`
	EventChannel string `json:"eventChannel"`
}

// fakeStore serves GET /backend/tokens for n synthetic tokens, paging by
// limit and offset as the vendor does, and only to the given credential.
func fakeStore(t *testing.T, n int, auth string) (*httptest.Server, []fakeToken) {
	t.Helper()
	channels := []string{"app", "admin", "api"}
	var tokens []fakeToken
	for i := range n {
		email := syntheticEmail()
		tokens = append(tokens, fakeToken{
			ID: 100 + i, Name: fmt.Sprintf("token %d", i), Email: email, StoreHash: "1234abcd",
			Token: syntheticToken(email), EventChannel: channels[i%3],
		})
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/backend/tokens" || r.Method != http.MethodGet {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"code":404,"data":{},"meta":{"message":"Not Found"}}`)
			return
		}
		if r.Header.Get("authToken") != auth {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"code":401,"data":{"errMsg":"Invalid token header. No credentials provided."},"meta":{"message":"Invalid token header. No credentials provided."}}`)
			return
		}
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		end := min(offset+limit, len(tokens))
		page := []fakeToken{}
		if offset < end {
			page = tokens[offset:end]
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"code": 200, "data": page,
			"meta": map[string]any{"message": "SUCCESS", "pagination": map[string]int{"totalCount": len(tokens), "offset": offset, "limit": limit}},
		})
	}))
	t.Cleanup(srv.Close)
	return srv, tokens
}

func runAudit(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr, http.DefaultClient)
	return code, stdout.String(), stderr.String()
}

// assertNoSecrets fails if out holds a token value or an email, without
// printing either.
func assertNoSecrets(t *testing.T, what, out string, tokens []fakeToken, auth string) {
	t.Helper()
	if strings.Contains(out, auth) {
		t.Errorf("%s contains the credential", what)
	}
	for i, tk := range tokens {
		if strings.Contains(out, tk.Token) {
			t.Errorf("%s contains the token value of item %d", what, i)
		}
		if strings.Contains(out, tk.Email) {
			t.Errorf("%s contains the email of item %d", what, i)
		}
	}
}

func TestListsEveryPage(t *testing.T) {
	auth := syntheticToken(syntheticEmail())
	for _, tt := range []struct{ n, pageSize int }{{0, 250}, {1, 250}, {7, 3}, {9, 3}, {260, 250}} {
		t.Run(fmt.Sprintf("%d tokens by %d", tt.n, tt.pageSize), func(t *testing.T) {
			srv, tokens := fakeStore(t, tt.n, auth)
			code, stdout, stderr := runAudit(t, map[string]string{"B2B_AUTH_TOKEN": auth}, "-base-url", srv.URL, "-page-size", strconv.Itoa(tt.pageSize))
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			if len(lines) != tt.n+2 {
				t.Fatalf("%d lines, want a header, %d tokens and a total", len(lines), tt.n)
			}
			for i, tk := range tokens {
				f := strings.Fields(lines[i+1])
				if f[0] != strconv.Itoa(tk.ID) || f[1] != tk.EventChannel || !strings.HasSuffix(lines[i+1], tk.Name) {
					t.Errorf("line %d = %q, want id %d, channel %s, name %q", i+1, lines[i+1], tk.ID, tk.EventChannel, tk.Name)
				}
			}
			if want := fmt.Sprintf("%d token(s)", tt.n); !strings.HasPrefix(lines[len(lines)-1], want) {
				t.Errorf("total line %q, want %q", lines[len(lines)-1], want)
			}
			assertNoSecrets(t, "stdout", stdout, tokens, auth)
		})
	}
}

func TestAPIFailures(t *testing.T) {
	auth := syntheticToken(syntheticEmail())
	srv, tokens := fakeStore(t, 3, auth)
	other := syntheticToken(syntheticEmail())
	code, stdout, stderr := runAudit(t, map[string]string{"B2B_AUTH_TOKEN": other}, "-base-url", srv.URL)
	if code != 1 || stdout != "" {
		t.Errorf("wrong credential: exit %d, stdout %d bytes; want exit 1 and nothing listed", code, len(stdout))
	}
	if !strings.Contains(stderr, "HTTP 401 (Invalid token header. No credentials provided.)") {
		t.Errorf("stderr does not explain the 401: %q", stderr)
	}
	assertNoSecrets(t, "stderr", stderr, tokens, other)

	notJSON := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html>maintenance</html>")
	}))
	defer notJSON.Close()
	code, _, stderr = runAudit(t, map[string]string{"B2B_AUTH_TOKEN": auth}, "-base-url", notJSON.URL)
	if code != 1 || !strings.Contains(stderr, "HTTP 200 with a body that is not a JSON page of tokens") {
		t.Errorf("non-JSON page: exit %d, stderr %q", code, stderr)
	}

	// A server whose totalCount is never reached, yet never sends an empty
	// page, must not keep the audit going forever.
	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"code":200,"data":[{"id":1,"name":"n","email":"a@example.com","storeHash":"h","token":"t","eventChannel":"app"}],"meta":{"message":"SUCCESS","pagination":{"totalCount":1000000000,"offset":0,"limit":1}}}`)
	}))
	defer endless.Close()
	code, _, stderr = runAudit(t, map[string]string{"B2B_AUTH_TOKEN": auth}, "-base-url", endless.URL, "-page-size", "1")
	if code != 1 || !strings.Contains(stderr, "still not done after 1000 pages") {
		t.Errorf("endless paging: exit %d, stderr %q", code, stderr)
	}

	// An error that echoes the credential is redacted.
	if got := redact("bad token "+auth, auth); strings.Contains(got, auth) || !strings.Contains(got, "[redacted]") {
		t.Error("redact left the credential in")
	}
}

func TestUsageErrors(t *testing.T) {
	auth := map[string]string{"B2B_AUTH_TOKEN": syntheticToken(syntheticEmail())}
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no credential", nil, nil, "B2B_AUTH_TOKEN is not set"},
		{"page size too small", auth, []string{"-page-size", "0"}, "-page-size 0 is out of range"},
		{"page size too large", auth, []string{"-page-size", "251"}, "-page-size 251 is out of range"},
		{"unknown flag", auth, []string{"-token", "x"}, "flag provided but not defined: -token"},
		{"stray argument", auth, []string{"store"}, `unexpected argument "store"`},
		{"bad URL", auth, []string{"-base-url", "://nope"}, `-base-url "://nope"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runAudit(t, tt.env, tt.args...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                 "plain",
		"two\nlines\t!":         "two?lines?!",
		"ünïcødé":               "ünïcødé",
		strings.Repeat("x", 85): strings.Repeat("x", 80) + "…",
	} {
		if got := printable(in, 80); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}

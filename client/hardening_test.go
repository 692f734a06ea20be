package client

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// opaqueAuth is an auth token no pattern recognises: only the client's
// knowledge of its own secrets can remove it.
func opaqueAuth() string { return "opq" + synthetic.RandomHex(16) }

func TestDeprecationLogOmitsLinkURL(t *testing.T) {
	auth, email := opaqueAuth(), synthetic.CanaryEmail()
	h := newHarness(t, deprecatedStore(newTestStore(2), map[string]string{
		"Deprecation": "@1700000000",
		"Link":        `<https://docs.test/notice?t=` + auth + `&who=` + url.QueryEscape(email) + `>; rel="deprecation"`,
		"Sunset":      "soon " + auth + " " + strings.Repeat("x", 60),
	}), WithAuthToken(auth))
	if _, err := h.client.List(context.Background(), ListOptions{}); err != nil {
		t.Fatalf("List: %v", err)
	}
	log := h.log.String()
	if !strings.Contains(log, "deprecationLink") || !strings.Contains(log, "malformed") {
		t.Fatal("the warning lost its Link or malformed attribute")
	}
	local, _, _ := strings.Cut(email, "@")
	assertClean(t, "deprecation warning", log, auth, email, local)
}

func TestRequestIDScrubbedOfAuthToken(t *testing.T) {
	auth := opaqueAuth()
	status := http.StatusOK
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-"+auth)
		writeJSON(w, status, `{"code":200,"data":[],"meta":{"pagination":{"totalCount":0,"offset":0,"limit":10}}}`)
	}, WithAuthToken(auth))
	page, err := h.client.List(context.Background(), ListOptions{})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	assertClean(t, "Page.RequestID", page.RequestID, auth)
	status = http.StatusInternalServerError
	_, err = h.client.List(context.Background(), ListOptions{})
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *APIError", scrub(err, auth))
	}
	assertClean(t, "APIError.RequestID", apiErr.RequestID, auth)
	assertClean(t, "err.Error()", err.Error(), auth)
}

func TestRequestIDScrubbedOfCreatePassword(t *testing.T) {
	password := "pw" + synthetic.RandomHex(12)
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-"+password)
		writeJSON(w, http.StatusBadRequest, `{"code":400,"data":{"errMsg":"bad"},"meta":{"message":"API logic error"}}`)
	})
	_, err := h.client.Create(context.Background(), CreateRequest{StoreHash: "st" + synthetic.RandomHex(4), Email: synthetic.Email(), Password: NewSecret(password), Name: "n"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *APIError", scrub(err, password))
	}
	assertClean(t, "APIError.RequestID", apiErr.RequestID, password)
	assertClean(t, "err.Error()", err.Error(), password)
}

func TestNotJSONReasonScrubsContentType(t *testing.T) {
	auth := opaqueAuth()
	c, err := New(WithAuthToken(auth))
	if err != nil {
		t.Fatal(err)
	}
	for _, ct := range []string{
		"text/html; x=eyJhbGciOiJIUzI1NiJ9",
		"text/html; x=" + auth,
		"text/html; " + strings.Repeat("p", 50) + " " + auth, // straddles the 64-byte cut
	} {
		resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {ct}}}
		_, err := c.decodePage(&exchange{resp: resp, body: []byte("<html>"), attempts: 1, known: c.known()})
		if err == nil {
			t.Fatal("an HTML body was accepted")
		}
		assertClean(t, "error", err.Error(), auth, auth[:10])
	}
}

func TestExcerptDropsEscapedEmail(t *testing.T) {
	email := synthetic.CanaryEmail()
	local, _, _ := strings.Cut(email, "@")
	for _, body := range []string{
		`{"code":500,"meta":{"message":"no user ` + strings.ReplaceAll(email, "@", `\u0040`) + `"}}`,
		`<p>no user ` + strings.ReplaceAll(email, "@", "&#64;") + `</p>`,
		`error=no+user+` + url.QueryEscape(email),
	} {
		got := excerpt([]byte(body))
		if strings.Contains(got, local) {
			t.Errorf("excerpt kept an escaped email: %q", strings.ReplaceAll(got, local, "LOCAL"))
		}
	}
}

func TestAPIErrorResponseHeaderSafeToLog(t *testing.T) {
	auth, email := opaqueAuth(), synthetic.CanaryEmail()
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "s="+auth)
		w.Header().Set("X-Echo", "token "+auth+" for "+email)
		w.Header().Set("X-Store-Hash", "st"+synthetic.RandomHex(4))
		writeJSON(w, http.StatusInternalServerError, `{"code":500,"data":{},"meta":{"message":"boom"}}`)
	}, WithAuthToken(auth))
	_, err := h.client.List(context.Background(), ListOptions{})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Response == nil {
		t.Fatalf("err = %v, want *APIError with a Response", scrub(err, auth, email))
	}
	hdr := apiErr.Response.Header
	if hdr.Get("Set-Cookie") != "" || hdr.Get("X-Store-Hash") != "" {
		t.Error("credential headers survived in APIError.Response.Header")
	}
	if hdr.Get("Content-Type") != "application/json" || hdr.Get("X-Echo") == "" {
		t.Errorf("ordinary headers were lost: %v", scrub(hdr, auth, email))
	}
	var all strings.Builder
	for k, vs := range hdr {
		all.WriteString(k + ": " + strings.Join(vs, ", ") + "\n")
	}
	assertClean(t, "APIError.Response.Header", all.String(), auth, email)
}

// TestExcerptDropsBearerOpaque: a server (or a gateway in front of it) that
// quotes an Authorization header the client did not send (another
// service's) leaves no opaque Bearer credential or Basic password in the
// error's excerpt.
func TestExcerptDropsBearerOpaque(t *testing.T) {
	opaque := "k" + synthetic.RandomHex(20)
	for _, body := range []string{
		`{"code":401,"meta":{"message":"rejected Authorization: Bearer ` + opaque + `"}}`,
		`<p>bad header "bearer ` + opaque + `"</p>`,
		`upstream said: Authorization: Basic ` + base64.StdEncoding.EncodeToString([]byte("svc:"+opaque)),
	} {
		got := excerpt([]byte(body))
		if strings.Contains(got, opaque) || strings.Contains(got, base64.StdEncoding.EncodeToString([]byte("svc:" + opaque))[:16]) {
			t.Errorf("the excerpt kept the credential: %q", strings.ReplaceAll(got, opaque, "OPAQUE"))
		}
		if !strings.Contains(strings.ToLower(got), "bearer") && !strings.Contains(got, "Basic") {
			t.Errorf("the excerpt lost its shape: %q", got)
		}
	}
}

package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// Every status and body shape List can meet, and what it must return.
func TestListStatusesAndBodies(t *testing.T) {
	tok := synthetic.Token(synthetic.Email(), "abc123")
	okPage := fmt.Sprintf(`{"code":200,"data":[{"id":1,"name":"n","email":"a@example.com","storeHash":"abc123","token":%q,"eventChannel":"app"}],"meta":{"message":"SUCCESS","pagination":{"totalCount":1,"offset":0,"limit":10}}}`, tok)
	const html = "text/html; charset=utf-8"
	const js = "application/json"
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		want        []error // sentinels the error must match; nil for success
		notWant     []error
		message     string // APIError.Message
		errMsg      string // APIError.ErrMsg
		code        int    // APIError.Code
	}{
		{name: "200 envelope", status: 200, contentType: js, body: okPage},
		{name: "200 with charset", status: 200, contentType: "application/json; charset=utf-8", body: okPage},
		{name: "200 HTML", status: 200, contentType: html, body: "<html><body>Maintenance</body></html>", want: []error{ErrUnexpectedResponse}},
		{name: "200 no content type", status: 200, contentType: "", body: okPage, want: []error{ErrUnexpectedResponse}},
		{name: "200 empty body", status: 200, contentType: js, body: "", want: []error{ErrUnexpectedResponse}},
		{name: "200 truncated body", status: 200, contentType: js, body: okPage[:len(okPage)/2], want: []error{ErrUnexpectedResponse}},
		{name: "200 null", status: 200, contentType: js, body: "null", want: []error{ErrUnexpectedResponse}},
		{name: "200 no data", status: 200, contentType: js, body: `{"code":200,"meta":{"message":"SUCCESS"}}`, want: []error{ErrUnexpectedResponse}},
		{name: "200 data null", status: 200, contentType: js, body: `{"code":200,"data":null}`, want: []error{ErrUnexpectedResponse}},
		{name: "200 data object", status: 200, contentType: js, body: `{"code":200,"data":{"id":1}}`, want: []error{ErrUnexpectedResponse}},
		{name: "200 id as float", status: 200, contentType: js, body: `{"code":200,"data":[{"id":1.0}]}`, want: []error{ErrUnexpectedResponse}},
		{name: "200 JSON array", status: 200, contentType: js, body: `[]`, want: []error{ErrUnexpectedResponse}},
		{name: "200 envelope of an error", status: 200, contentType: js, body: `{"code":500,"data":{"errMsg":"x"},"meta":{"message":"Internal"}}`, want: []error{ErrUnexpectedResponse}},
		{name: "201 undocumented", status: 201, contentType: js, body: okPage, want: []error{ErrUnexpectedResponse}},
		{name: "204 undocumented", status: 204, want: []error{ErrUnexpectedResponse}},
		{
			name: "400 envelope", status: 400, contentType: js,
			body:    `{"code":400,"data":{"errMsg":"Invalid request."},"meta":{"message":"API logic error"}}`,
			notWant: []error{ErrUnexpectedResponse, ErrUnauthorized}, message: "API logic error", errMsg: "Invalid request.", code: 400,
		},
		{
			name: "401 envelope", status: 401, contentType: js,
			body:    `{"code":401,"data":{"errMsg":"Invalid token header. No credentials provided."},"meta":{"message":"Invalid token header. No credentials provided."}}`,
			want:    []error{ErrUnauthorized},
			notWant: []error{ErrUnexpectedResponse}, message: "Invalid token header. No credentials provided.", errMsg: "Invalid token header. No credentials provided.", code: 401,
		},
		{name: "401 HTML", status: 401, contentType: html, body: "<h1>401</h1>", want: []error{ErrUnauthorized}},
		{name: "401 empty", status: 401, want: []error{ErrUnauthorized}},
		{name: "403 envelope", status: 403, contentType: js, body: `{"code":403,"data":{"errMsg":"Permission denied."},"meta":{"message":"Permission denied."}}`, want: []error{ErrForbidden}, errMsg: "Permission denied.", code: 403},
		{name: "404 on the list path", status: 404, contentType: js, body: `{"code":404,"data":{},"meta":{"message":"Not Found"}}`, want: []error{ErrEndpointGone, ErrNotFound}, notWant: []error{ErrUnexpectedResponse}, message: "Not Found", code: 404},
		{name: "404 HTML", status: 404, contentType: html, body: "<html>gone</html>", want: []error{ErrEndpointGone, ErrNotFound}},
		{name: "410", status: 410, want: []error{ErrEndpointGone}, notWant: []error{ErrNotFound, ErrUnexpectedResponse}},
		{name: "413 envelope", status: 413, contentType: js, body: `{"code":413,"data":{"errMsg":"The limit parameter exceeded the maximum of 250."},"meta":{"message":"Request Entity Too Large"}}`, notWant: []error{ErrUnexpectedResponse, ErrResponseTooLarge}, code: 413, errMsg: "The limit parameter exceeded the maximum of 250."},
		{
			name: "422 field errors", status: 422, contentType: js,
			body: `{"code":422,"data":{"errMsg":{"offset":["Ensure this value is greater than or equal to 0."],"limit":["Too big."]}},"meta":{"message":"Validation Error"}}`,
			code: 422, message: "Validation Error", errMsg: "limit: Too big.; offset: Ensure this value is greater than or equal to 0.",
		},
		{
			name: "422 field errors directly under data", status: 422, contentType: js,
			body: `{"code":422,"data":{"offset":["must be >= 0"]},"meta":{"message":"Validation Error"}}`,
			code: 422, errMsg: "offset: must be >= 0",
		},
		{name: "429", status: 429, contentType: js, body: `{"code":429,"data":{"errMsg":"Too many requests."},"meta":{"message":"Too Many Requests"}}`, want: []error{ErrRateLimited}, notWant: []error{ErrUnexpectedResponse}},
		{name: "500 envelope", status: 500, contentType: js, body: `{"code":500,"data":{"errMsg":"Internal server error."},"meta":{"message":"Internal Server Error"}}`, notWant: []error{ErrUnexpectedResponse}, code: 500},
		{name: "500 HTML", status: 500, contentType: html, body: "<html>Oops</html>"},
		{name: "501 undocumented", status: 501, want: []error{ErrUnexpectedResponse}},
		{name: "502 HTML", status: 502, contentType: html, body: "<html>Bad gateway</html>", want: []error{ErrUnexpectedResponse}},
		{name: "503 envelope", status: 503, contentType: js, body: `{"code":503,"data":{"errMsg":"Service unavailable."},"meta":{"message":"Service Unavailable"}}`, notWant: []error{ErrUnexpectedResponse}, code: 503},
		{name: "418 undocumented with envelope", status: 418, contentType: js, body: `{"code":418,"data":{"errMsg":"teapot"},"meta":{"message":"teapot"}}`, want: []error{ErrUnexpectedResponse}, errMsg: "teapot"},
		{name: "error envelope that is not JSON", status: 400, contentType: js, body: `{"code":400,`},
		{name: "300 without Location", status: 300, want: []error{ErrUnexpectedResponse}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				w.Header().Set("X-Request-Id", "req-42")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}, WithRetryPolicy(NoRetry))
			page, err := h.client.List(context.Background(), ListOptions{Limit: 10})
			if (page == nil) == (err == nil) {
				t.Fatalf("List returned page %v and error %s: exactly one must be set", page != nil, scrub(err, tok))
			}
			success := tt.status == 200 && tt.want == nil
			if success {
				if err != nil {
					t.Fatalf("List: %s", scrub(err, tok))
				}
				if len(page.Tokens) != 1 || page.Tokens[0].Token.Reveal() != tok || page.RequestID != "req-42" {
					t.Errorf("page has %d tokens, request id %q; the token or the request id was not decoded", len(page.Tokens), page.RequestID)
				}
				return
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %s is not an *APIError", scrub(err, tok))
			}
			if apiErr.StatusCode != tt.status || apiErr.RequestID != "req-42" || apiErr.Response == nil || apiErr.Attempts != 1 {
				t.Errorf("APIError status %d, request id %q, response %v, attempts %d", apiErr.StatusCode, apiErr.RequestID, apiErr.Response != nil, apiErr.Attempts)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("error %q does not match %q", scrub(err, tok), w)
				}
			}
			for _, w := range tt.notWant {
				if errors.Is(err, w) {
					t.Errorf("error %q matches %q, and should not", scrub(err, tok), w)
				}
			}
			if tt.message != "" && apiErr.Message != tt.message {
				t.Errorf("Message = %q, want %q", apiErr.Message, tt.message)
			}
			if tt.errMsg != "" && apiErr.ErrMsg != tt.errMsg {
				t.Errorf("ErrMsg = %q, want %q", apiErr.ErrMsg, tt.errMsg)
			}
			if tt.code != 0 && apiErr.Code != tt.code {
				t.Errorf("Code = %d, want %d", apiErr.Code, tt.code)
			}
			if !strings.Contains(err.Error(), "GET /backend/tokens (get-backend-tokens)") || !strings.Contains(err.Error(), fmt.Sprint(tt.status)) {
				t.Errorf("error %q does not name the operation and the status", scrub(err, tok))
			}
			if strings.Contains(tt.body, "<html>") && strings.Contains(err.Error(), "<html>") {
				t.Error("Error() repeats the body")
			}
			if len(apiErr.Body) > ExcerptLimit {
				t.Errorf("Body excerpt is %d bytes, over %d", len(apiErr.Body), ExcerptLimit)
			}
			assertClean(t, "error", err.Error(), tok, h.authToken)
			assertClean(t, "Body", apiErr.Body, tok, h.authToken)
		})
	}
}

// A response that echoes secrets (the auth token, a token, an email, a
// password) leaves none of them in the error, whatever way it is printed.
func TestAPIErrorRemovesSecrets(t *testing.T) {
	email := synthetic.Email()
	tok := synthetic.Token(email, "abc123")
	password := "pw-" + synthetic.RandomHex(8)
	var authToken string
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		authToken = r.Header.Get("authToken")
		body := fmt.Sprintf(`{"code":400,"data":{"errMsg":"bad token %s for %s","echo":{"authToken":%q,"password":%q,"token":%q},"form":"password=%s&token=%s"},"meta":{"message":"user %s: token %s"}}`,
			tok, email, authToken, password, tok[:20], password, tok, email, authToken)
		writeJSON(w, 400, body)
	})
	_, err := h.client.List(context.Background(), ListOptions{})
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want an *APIError, got %s", scrub(err, tok, password, authToken))
	}
	secrets := []string{tok, email, password, authToken, tok[:20]}
	for _, s := range []struct{ where, text string }{
		{"Error()", err.Error()},
		{"%+v", fmt.Sprintf("%+v", err)},
		{"%#v", fmt.Sprintf("%#v", err)},
		{"%#v of the struct", fmt.Sprintf("%#v", *apiErr)},
		{"Message", apiErr.Message},
		{"ErrMsg", apiErr.ErrMsg},
		{"Body", apiErr.Body},
		{"request headers", fmt.Sprint(apiErr.Response.Request.Header)},
	} {
		assertClean(t, s.where, s.text, secrets...)
	}
	if !strings.Contains(apiErr.Body, `"code":400`) || !strings.Contains(apiErr.ErrMsg, "bad token") {
		t.Errorf("redaction removed too much: ErrMsg %q", scrub(apiErr.ErrMsg, secrets...))
	}
	if h.authToken != authToken {
		t.Fatal("the server did not receive the auth token")
	}
}

func TestExcerpt(t *testing.T) {
	email := synthetic.Email()
	tok := synthetic.Token(email, "abc123")
	long := strings.Repeat("x", excerptInput-10)
	tests := []struct {
		name    string
		body    string
		secrets []string
		keep    string
	}{
		{name: "plain text kept", body: "Service unavailable", keep: "Service unavailable"},
		{name: "JWT", body: "token " + tok + " end", secrets: []string{tok}, keep: " end"},
		{name: "JWT cut by a truncated body", body: `{"data":[{"x":"` + tok[:30], secrets: []string{tok[:30]}},
		{name: "JWT cut at the excerpt input bound", body: long + tok, secrets: []string{tok[:10]}},
		{name: "email", body: "user " + email + " not found", secrets: []string{email}, keep: "not found"},
		{name: "email cut at the input bound", body: strings.Repeat("y", excerptInput-6) + " " + email, secrets: []string{email[:5]}},
		{name: "password member", body: `{"password": "hunter2-xyz", "name":"n"}`, secrets: []string{"hunter2-xyz"}, keep: `"name":"n"`},
		{name: "password member unterminated", body: `{"password":"hunter2-xyz`, secrets: []string{"hunter2-xyz"}},
		{name: "authToken member with escapes", body: `{"authToken":"a\"b-secretvalue"}`, secrets: []string{"secretvalue"}},
		{name: "form field", body: "a=1&password=hunter2-xyz&b=2", secrets: []string{"hunter2-xyz"}, keep: "b=2"},
		{name: "compact token without eyJ", body: "k abcdefghij.klmnopqrst.uvwxyz0123 z", secrets: []string{"abcdefghij.klmnopqrst"}},
		{name: "known literal", body: "echo s3cr3t-value!", secrets: []string{"s3cr3t-value"}},
		{name: "control characters", body: "a\x00b\x1bc\nd", keep: "a?b?c\nd"},
		{name: "invalid UTF-8", body: "a\xffb", keep: "a\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := excerpt([]byte(tt.body), "s3cr3t-value")
			if len(got) > ExcerptLimit {
				t.Errorf("excerpt is %d bytes", len(got))
			}
			for i, s := range tt.secrets {
				if strings.Contains(got, s) {
					t.Errorf("excerpt keeps secret #%d", i)
				}
			}
			if tt.keep != "" && !strings.Contains(got, tt.keep) {
				t.Errorf("excerpt %q lost %q", scrub(got, tt.secrets...), tt.keep)
			}
		})
	}
	if got := excerpt([]byte(strings.Repeat("é", 1000))); len(got) > ExcerptLimit || !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "é") {
		t.Errorf("long excerpt not cut at a rune boundary with a marker: %d bytes", len(got))
	}
}

func TestDeleteAndCreateErrors(t *testing.T) {
	password := "pw-" + synthetic.RandomHex(8)
	email := synthetic.Email()
	tests := []struct {
		name    string
		status  int
		ct      string
		body    string
		create  bool
		want    []error
		notWant []error
		errMsg  string
	}{
		{name: "delete 404", status: 404, ct: "application/json", body: `{"code":404,"data":{"errMsg":"No matching token was found."},"meta":{"message":"Not Found Error"}}`, want: []error{ErrNotFound}, notWant: []error{ErrEndpointGone, ErrUnexpectedResponse}, errMsg: "No matching token was found."},
		{name: "delete 410", status: 410, want: []error{ErrEndpointGone}},
		{name: "delete 200 HTML", status: 200, ct: "text/html", body: "<html>ok</html>", want: []error{ErrUnexpectedResponse}},
		{name: "delete 200 not JSON", status: 200, ct: "application/json", body: "OK", want: []error{ErrUnexpectedResponse}},
		{name: "delete 204", status: 204, want: []error{ErrUnexpectedResponse}},
		{name: "delete 401", status: 401, want: []error{ErrUnauthorized}},
		{name: "create 400 wrong credentials", create: true, status: 400, ct: "application/json", body: `{"code":400,"data":{"errMsg":"The email or password you have entered is incorrect. Please try again."},"meta":{"message":"API logic error"}}`, errMsg: "The email or password you have entered is incorrect. Please try again.", notWant: []error{ErrUnexpectedResponse}},
		{name: "create 400 echoes the password", create: true, status: 400, ct: "application/json", body: fmt.Sprintf(`{"code":400,"data":{"errMsg":"bad password %s for %s"},"meta":{"message":"API logic error"}}`, password, email)},
		{name: "create 200 data as object", create: true, status: 200, ct: "application/json", body: `{"code":200,"data":{"name":"n","token":"t"},"meta":{"message":"SUCCESS"}}`, want: []error{ErrUnexpectedResponse}},
		{name: "create 200 empty data", create: true, status: 200, ct: "application/json", body: `{"code":200,"data":[],"meta":{"message":"SUCCESS"}}`, want: []error{ErrUnexpectedResponse}},
		{name: "create 200 HTML", create: true, status: 200, ct: "text/html", body: "<p>hi</p>", want: []error{ErrUnexpectedResponse}},
		{name: "create 403", create: true, status: 403, want: []error{ErrForbidden}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.ct != "" {
					w.Header().Set("Content-Type", tt.ct)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			var err error
			if tt.create {
				var ct *CreatedToken
				ct, err = h.client.Create(context.Background(), CreateRequest{StoreHash: "abc123", Email: email, Password: NewSecret(password), Name: "n"})
				if (ct == nil) == (err == nil) {
					t.Fatalf("Create returned token %v and error %s", ct != nil, scrub(err, password))
				}
			} else {
				err = h.client.Delete(context.Background(), 5)
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("want an *APIError, got %s", scrub(err, password, h.authToken))
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("error %q does not match %q", scrub(err, password, h.authToken), w)
				}
			}
			for _, w := range tt.notWant {
				if errors.Is(err, w) {
					t.Errorf("error %q matches %q", scrub(err, password, h.authToken), w)
				}
			}
			if tt.errMsg != "" && apiErr.ErrMsg != tt.errMsg {
				t.Errorf("ErrMsg = %q, want %q", scrub(apiErr.ErrMsg, password), tt.errMsg)
			}
			for _, s := range []string{err.Error(), apiErr.Body, apiErr.ErrMsg, fmt.Sprintf("%#v", err)} {
				assertClean(t, "error", s, password, email, h.authToken)
			}
			if got := h.requests.Load(); got != 1 {
				t.Errorf("%d requests; a write is sent once", got)
			}
		})
	}
}

// TestRetryAfterOnlyWhenAWaitIsAskedFor pins that the B2B window headers,
// which ride on every response, do not make a 401, 404, 400 or 410 say it was
// "asked to wait": only a 429, or a 503 with Retry-After, asks for a wait.
func TestRetryAfterOnlyWhenAWaitIsAskedFor(t *testing.T) {
	window := map[string]string{"X-Request-Window-Resets-After": "45 s", "X-Rate-Limit-Time-Reset-Ms": "45000"}
	tests := []struct {
		status int
		extra  map[string]string
		want   time.Duration
		header string
	}{
		{status: 400},
		{status: 401},
		{status: 404},
		{status: 410},
		{status: 500},
		{status: 503},
		{status: 503, extra: map[string]string{"Retry-After": "7"}, want: 7 * time.Second, header: "Retry-After"},
		{status: 429, want: 45 * time.Second, header: "X-Rate-Limit-Time-Reset-Ms"},
		{status: 429, extra: map[string]string{"Retry-After": "3"}, want: 3 * time.Second, header: "Retry-After"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d %v", tt.status, tt.extra), func(t *testing.T) {
			h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range window {
					w.Header().Set(k, v)
				}
				for k, v := range tt.extra {
					w.Header().Set(k, v)
				}
				writeJSON(w, tt.status, fmt.Sprintf(`{"code":%d,"data":{"errMsg":"e"},"meta":{"message":"m"}}`, tt.status))
			})
			err := h.client.Delete(context.Background(), 7) // a write: never retried
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("Delete: %v, want an *APIError", err)
			}
			if apiErr.RetryAfter != tt.want || apiErr.RetryAfterHeader != tt.header {
				t.Errorf("RetryAfter %v from %q, want %v from %q", apiErr.RetryAfter, apiErr.RetryAfterHeader, tt.want, tt.header)
			}
			if asked := strings.Contains(err.Error(), "asked to wait"); asked != (tt.want != 0) {
				t.Errorf("Error() = %q: says asked to wait = %v, want %v", err, asked, tt.want != 0)
			}
		})
	}
}

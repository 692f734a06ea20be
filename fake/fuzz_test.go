package fake_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/fake"
)

// fuzzServer is a fake whose rate limit a fuzz run cannot exhaust.
func fuzzServer(f *testing.F) *fake.Server {
	s, err := fake.New(fake.Options{
		AuthToken: "fuzz-auth", SeedTokens: 30, RateLimit: 1 << 30,
		UserEmail: "owner@example.com", UserPassword: "fuzz-password",
	})
	if err != nil {
		f.Fatal(err)
	}
	return s
}

// checkEnvelope asserts what every fake response must satisfy: a status the
// spec documents for the operation, JSON, and a body code equal to the status.
func checkEnvelope(t *testing.T, rec *httptest.ResponseRecorder, documented []int) {
	t.Helper()
	if !slices.Contains(documented, rec.Code) {
		t.Fatalf("status %d is not documented for this operation", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	var env struct {
		Code int `json:"code"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Code != rec.Code {
		t.Fatalf("body code %d for status %d (decode error: %v)", env.Code, rec.Code, err)
	}
}

// FuzzListQuery fuzzes the query-string boundary of GET /backend/tokens.
func FuzzListQuery(f *testing.F) {
	for _, q := range []string{"", "limit=10&offset=0", "limit=251", "limit=0", "offset=-1", "limit=abc",
		"limit=1&limit=2", "%zz", "limit=99999999999999999999", "offset=9223372036854775807", "limit=1;offset=2"} {
		f.Add(q)
	}
	s := fuzzServer(f)
	f.Fuzz(func(t *testing.T, rawQuery string) {
		req := httptest.NewRequest(http.MethodGet, "/backend/tokens", nil)
		req.URL.RawQuery = rawQuery
		req.Header.Set("authToken", "fuzz-auth")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		checkEnvelope(t, rec, []int{200, 413, 422})
	})
}

// FuzzRequestBody fuzzes the JSON-body boundary of DELETE and POST
// /auth/backend. Deleting is harmless: the fuzz store only shrinks.
func FuzzRequestBody(f *testing.F) {
	for _, b := range []string{`{"id":1}`, `{"id":1.0}`, `{"id":"1"}`, `{}`, `[]`, `null`, ``, `{"id":1} x`,
		`{"storeHash":"fake0store","email":"owner@example.com","password":"fuzz-password","name":"n"}`,
		`{"email":"a@","name":"","password":null,"storeHash":1}`, `{"id":1e999}`} {
		f.Add(false, b)
		f.Add(true, b)
	}
	s := fuzzServer(f)
	f.Fuzz(func(t *testing.T, create bool, body string) {
		method, documented := http.MethodDelete, []int{200, 404, 422}
		if create {
			method, documented = http.MethodPost, []int{200, 400, 413, 422}
		}
		req := httptest.NewRequest(method, "/auth/backend", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("authToken", "fuzz-auth")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		checkEnvelope(t, rec, documented)
		// A created token echoes its name; an error never echoes the body.
		if rec.Code != http.StatusOK && strings.Contains(rec.Body.String(), "fuzz-password") {
			t.Fatal("an error response repeats the password")
		}
	})
}

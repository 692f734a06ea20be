package fake_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/b2b-contract/s2s-tokens/fake"
	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
)

// TestWriteError shows that WriteError answers in the generated error
// envelope: code repeats the status, errMsg is the message, meta names the
// kind of error, for statuses with and without the vendor's wording.
func TestWriteError(t *testing.T) {
	for _, tc := range []struct {
		status   int
		wantMeta string
	}{
		{http.StatusBadGateway, "Bad Gateway"},
		{http.StatusGatewayTimeout, "Gateway Timeout"},
		{http.StatusNotFound, "Not Found Error"},
		{http.StatusTeapot, "I'm a teapot"},
	} {
		rec := httptest.NewRecorder()
		fake.WriteError(rec, tc.status, "what went wrong")
		if rec.Code != tc.status || rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%d: answered %d %q", tc.status, rec.Code, rec.Header().Get("Content-Type"))
		}
		var env tokensapi.ErrorEnvelope
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
			t.Fatalf("%d: not the envelope: %v", tc.status, err)
		}
		msg, err := env.Data.ErrMsg.AsErrorMessage0()
		if env.Code != tc.status || env.Meta.Message != tc.wantMeta || err != nil || msg != "what went wrong" {
			t.Errorf("%d: envelope %+v (errMsg %q, %v)", tc.status, env, msg, err)
		}
	}
}

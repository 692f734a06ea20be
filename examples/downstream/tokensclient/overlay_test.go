package tokensclient_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"example.com/token-audit/tokensclient"
)

// These tests check what overlay.yaml did to the generated client. Each
// would fail on a client generated from the published spec alone, which
// openapi.yaml still is.

func TestOverlayLeavesTheSpecAsPublished(t *testing.T) {
	spec, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n  /auth/backend:\n", "\n        token:\n", "\n        email:\n"} {
		if !bytes.Contains(spec, []byte(want)) {
			t.Errorf("openapi.yaml lacks %q: the overlay's changes must come from overlay.yaml, not from the spec", want)
		}
	}
	if bytes.Contains(spec, []byte("x-go-json-ignore")) {
		t.Error("openapi.yaml holds x-go-json-ignore: the spec should be the published one")
	}
}

func TestOverlayRemovesTheWriteOperations(t *testing.T) {
	for typ, want := range map[reflect.Type][]string{
		reflect.TypeFor[tokensclient.ClientInterface]():              {"GetBackendTokens"},
		reflect.TypeFor[tokensclient.ClientWithResponsesInterface](): {"GetBackendTokensWithResponse"},
	} {
		var got []string
		for i := range typ.NumMethod() {
			got = append(got, typ.Method(i).Name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s has methods %v, want only %v (overlay.yaml removes /auth/backend)", typ, got, want)
		}
	}
}

// TestOverlayKeepsCredentialsOutOfTokens decodes a page through the
// generated client: the token value and the email are not copied into the
// Token, so printing or marshalling it cannot show them, while the fields
// the audit reports are decoded.
func TestOverlayKeepsCredentialsOutOfTokens(t *testing.T) {
	token, email := "eyJ"+randomHex(24)+".canary."+randomHex(16), "user-"+randomHex(4)+"@example.test"
	body := fmt.Sprintf(`{"code":200,"data":[{"id":7,"name":"nightly audit","email":%q,"storeHash":"1234abcd","token":%q,"eventChannel":"api"}],`+
		`"meta":{"message":"SUCCESS","pagination":{"totalCount":1,"offset":0,"limit":10}}}`, email, token)
	resp, err := tokensclient.ParseGetBackendTokensResponse(&http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(strings.NewReader(body)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil || len(resp.JSON200.Data) != 1 {
		t.Fatal("the page was not decoded")
	}
	got := resp.JSON200.Data[0]
	if got.ID != 7 || got.Name != "nightly audit" || got.EventChannel != tokensclient.EventChannelAPI || got.StoreHash != "1234abcd" {
		t.Errorf("the fields the audit reports were not decoded: id %d, name %q, channel %q", got.ID, got.Name, got.EventChannel)
	}
	if got.Token != "" || got.Email != "" {
		t.Error("the token value or the email was decoded into the Token (overlay.yaml sets x-go-json-ignore on both)")
	}
	js, err := json.Marshal(resp.JSON200)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"%+v": fmt.Sprintf("%+v", *resp.JSON200), "%#v": fmt.Sprintf("%#v", *resp.JSON200), "JSON": string(js)} {
		if strings.Contains(out, token) || strings.Contains(out, email) {
			t.Errorf("the page printed as %s shows the token value or the email", name)
		}
	}
}

// randomHex makes the synthetic values at run time: nothing secret-shaped is
// written to a file.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

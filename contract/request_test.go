package contract_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// TestCheckRequest checks callers' requests against the spec's parameters
// and security: bounds and the credential header come from the spec, the
// findings are info, and no value but an out-of-range integer is quoted.
func TestCheckRequest(t *testing.T) {
	c, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	paging, err := openapi.ListPaging()
	if err != nil {
		t.Fatal(err)
	}
	auth := synthetic.RandomHex(20)
	secretName := synthetic.Email()
	over := paging.MaxLimit + 1
	for _, tc := range []struct {
		name, method, target string
		noAuth               bool
		want                 []string
	}{
		{"fine", "GET", "/api/io/backend/tokens?limit=5&offset=0", false, nil},
		{"auth as the vendor spells it", "GET", "/api/io/backend/tokens", false, nil},
		{"no query", "GET", "/api/io/backend/tokens", false, nil},
		{"limit over the maximum", "GET", "/api/io/backend/tokens?limit=" + strconv.Itoa(over), false, []string{contract.IDRequestParameterOutOfRange}},
		{"negative offset", "GET", "/api/io/backend/tokens?offset=" + strconv.Itoa(paging.MinOffset-1), false, []string{contract.IDRequestParameterOutOfRange}},
		{"not an integer", "GET", "/api/io/backend/tokens?limit=ten", false, []string{contract.IDRequestParameterOutOfRange}},
		{"unknown parameter", "GET", "/api/io/backend/tokens?page=2", false, []string{contract.IDRequestUnknownParameter}},
		{"a name that is data", "GET", "/api/io/backend/tokens?" + secretName + "=1", false, []string{contract.IDRequestUnknownParameter}},
		{"missing auth", "GET", "/api/io/backend/tokens", true, []string{contract.IDRequestMissingAuth}},
		{"missing auth on delete", "DELETE", "/api/io/auth/backend", true, []string{contract.IDRequestMissingAuth}},
		{"not an operation", "GET", "/api/io/other?x=1", true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			switch {
			case tc.name == "auth as the vendor spells it":
				h["authToken"] = []string{auth} // not canonical, as the client sends it
			case !tc.noAuth:
				h.Set("authToken", auth)
			}
			fs := c.CheckRequest(&contract.Exchange{Source: "test", Request: contract.Request{Method: tc.method, URL: "http://127.0.0.1:1" + tc.target, Header: h}})
			var ids []string
			for _, f := range fs {
				ids = append(ids, f.ID)
				if f.Severity != contract.Info {
					t.Errorf("%s is %s, want info", f.ID, f.Severity)
				}
				if r, ok := contract.RuleFor(f.ID); !ok || r.Layer != contract.LayerRequest {
					t.Errorf("%s is not a registered request rule", f.ID)
				}
				if strings.Contains(f.Message+f.Path, auth) || strings.Contains(f.Message+f.Path, secretName) {
					t.Errorf("the finding quotes a value: %q %q", f.Path, f.Message)
				}
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("ids %v, want %v", ids, tc.want)
			}
		})
	}
}

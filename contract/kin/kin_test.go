package kin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/kin"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// ExampleNew checks a recording whose email is not an address: kin-openapi
// does not assert formats and libopenapi-validator does, so the second
// opinion disagrees.
func ExampleNew() {
	rec, err := recording.LoadFile("../testdata/drift/email-not-an-email.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := contract.New(contract.WithSecondOpinion(kin.New))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range c.CheckSequence(context.Background(), rec.Exchanges) {
		for _, f := range r.Findings {
			fmt.Println(f.ID, f.Severity)
		}
	}
	// Output:
	// format-mismatch breaking
	// validators-disagree info
}

// listBody is a list page of n synthetic tokens, changed by edit.
func listBody(t *testing.T, n int, edit func(page map[string]any)) []byte {
	t.Helper()
	var data []any
	for i := range n {
		email := synthetic.Email()
		data = append(data, map[string]any{
			"id": 1000 + i, "name": fmt.Sprintf("token %d", i), "email": email, "storeHash": "x7k2m9q4p1",
			"token": synthetic.Token(email, "x7k2m9q4p1"), "eventChannel": "api",
		})
	}
	page := map[string]any{
		"code": 200, "data": data,
		"meta": map[string]any{"message": "SUCCESS", "pagination": map[string]any{"totalCount": n, "offset": 0, "limit": 10}},
	}
	if edit != nil {
		edit(page)
	}
	b, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func item(page map[string]any, i int) map[string]any {
	return page["data"].([]any)[i].(map[string]any)
}

func TestValidate(t *testing.T) {
	op, err := kin.New(openapi.FileName, openapi.YAML())
	if err != nil {
		t.Fatal(err)
	}
	list, err := openapi.ListOperation()
	if err != nil {
		t.Fatal(err)
	}
	json := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name   string
		method string
		path   string
		resp   contract.Response
		want   []string // keyword at location, or "reason" for a response-level rejection
	}{
		{"a healthy page", list.Method, list.Path, contract.Response{Status: 200, Header: json, Body: listBody(t, 3, nil)}, nil},
		{"an id as a string", list.Method, list.Path, contract.Response{Status: 200, Header: json, Body: listBody(t, 3, func(p map[string]any) { item(p, 1)["id"] = "1001" })},
			[]string{"type at /data/1/id"}},
		{"two fields wrong", list.Method, list.Path, contract.Response{Status: 200, Header: json, Body: listBody(t, 2, func(p map[string]any) {
			item(p, 0)["id"] = "x"
			delete(item(p, 1), "name")
		})}, []string{"required at /data/1/name", "type at /data/0/id"}},
		{"an undocumented status", list.Method, list.Path, contract.Response{Status: 418, Header: json, Body: []byte(`{}`)}, []string{"reason"}},
		{"an operation the spec lacks", "PATCH", list.Path, contract.Response{Status: 200, Header: json, Body: []byte(`{}`)}, []string{"reason"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range op.Validate(tt.method, tt.path, tt.resp) {
				switch {
				case r.Keyword != "":
					got = append(got, r.Keyword+" at /"+strings.Join(r.Location, "/"))
				case r.Reason != "":
					got = append(got, "reason")
				default:
					got = append(got, "unnamed")
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("rejections %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDescribes(t *testing.T) {
	op, err := kin.New(openapi.FileName, openapi.YAML())
	if err != nil {
		t.Fatal(err)
	}
	ops, err := openapi.Operations()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range ops {
		if !op.Describes(o.Method, o.Path) {
			t.Errorf("kin-openapi does not see %s %s", o.Method, o.Path)
		}
	}
	if op.Describes("GET", "/backend/no-such-path") {
		t.Error("kin-openapi sees a path the spec lacks")
	}
}

func TestNewRefusesBadSpecs(t *testing.T) {
	for _, tt := range []struct{ name, spec, want string }{
		{"not YAML", "openapi: [", "mine.yaml"},
		{"external reference", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200': {$ref: 'other.yaml#/r'}\n", "mine.yaml"},
	} {
		if _, err := kin.New("mine.yaml", []byte(tt.spec)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one naming %q", tt.name, err, tt.want)
		}
	}
	if _, err := contract.New(contract.WithSecondOpinion(func(string, []byte) (contract.SecondOpinion, error) { return nil, nil })); err == nil {
		t.Error("a builder that returns no validator was accepted")
	}
}

// TestOnlyTheSecondOpinionLinksKin keeps kin-openapi out of programs that do
// not ask for the second opinion: package contract, its watch transport and
// the client do not import it; this package does.
func TestOnlyTheSecondOpinionLinksKin(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const module = "github.com/b2b-contract/s2s-tokens/"
	for pkg, want := range map[string]bool{"client": false, "contract": false, "contract/watch": false, "contract/kin": true} {
		out, err := exec.Command("go", "list", "-deps", "-test=false", module+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		got := strings.Contains(string(out), "github.com/getkin/kin-openapi/")
		if got != want {
			t.Errorf("%s links kin-openapi: %v, want %v", pkg, got, want)
		}
	}
}

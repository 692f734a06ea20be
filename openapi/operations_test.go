package openapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

// TestOperationsAgreeWithKinOpenAPI reads the spec twice, with the table's
// small YAML reader and with kin-openapi, and requires the two to agree on
// every operation, status, security requirement and query parameter.
func TestOperationsAgreeWithKinOpenAPI(t *testing.T) {
	doc := loadKin(t)
	ops, err := openapi.Operations()
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ method, path string }
	kinOps := map[key]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			kinOps[key{strings.ToUpper(method), path}] = op
		}
	}
	if len(ops) != len(kinOps) {
		t.Errorf("Operations returns %d operations; kin-openapi sees %d", len(ops), len(kinOps))
	}
	for _, op := range ops {
		t.Run(op.ID, func(t *testing.T) {
			kop := kinOps[key{op.Method, op.Path}]
			if kop == nil {
				t.Fatalf("kin-openapi has no %s %s", op.Method, op.Path)
			}
			if reason, _ := kop.Extensions["x-deprecated-reason"].(string); op.Deprecated != kop.Deprecated || op.DeprecatedReason != reason {
				t.Errorf("Deprecated, DeprecatedReason = %v, %q; kin-openapi reads %v, %q", op.Deprecated, op.DeprecatedReason, kop.Deprecated, reason)
			}
			if kop.OperationID != op.ID {
				t.Errorf("ID = %q; kin-openapi reads %q", op.ID, kop.OperationID)
			}
			var statuses []int
			for code := range kop.Responses.Map() {
				n, err := strconv.Atoi(code)
				if err != nil {
					t.Fatalf("kin-openapi response %q is not a status", code)
				}
				statuses = append(statuses, n)
			}
			slices.Sort(statuses)
			if !slices.Equal(op.Statuses, statuses) {
				t.Errorf("Statuses = %v; kin-openapi reads %v", op.Statuses, statuses)
			}
			for _, s := range statuses {
				if !op.Documents(s) {
					t.Errorf("Documents(%d) = false for a documented status", s)
				}
			}
			if op.Documents(418) {
				t.Error("Documents(418) = true")
			}
			sec := doc.Security
			if kop.Security != nil {
				sec = *kop.Security
			}
			wantAuth := len(sec) > 0 && !slices.ContainsFunc(sec, func(r openapi3.SecurityRequirement) bool { return len(r) == 0 })
			if op.Auth != wantAuth {
				t.Errorf("Auth = %v; kin-openapi's security is %v", op.Auth, sec)
			}
			var kinQuery []*openapi3.Parameter
			for _, p := range kop.Parameters {
				if p.Value.In == openapi3.ParameterInQuery {
					kinQuery = append(kinQuery, p.Value)
				}
			}
			if len(op.Query) != len(kinQuery) {
				t.Fatalf("Query has %d parameters; kin-openapi reads %d", len(op.Query), len(kinQuery))
			}
			for i, kp := range kinQuery {
				p := op.Query[i]
				s := kp.Schema.Value
				if p.Name != kp.Name || p.Required != kp.Required || !s.Type.Is(p.Type) {
					t.Errorf("parameter %d = %+v; kin-openapi reads name %q required %v type %v", i, p, kp.Name, kp.Required, s.Type)
				}
				for _, b := range []struct {
					what string
					got  *int
					want any
				}{
					{"minimum", p.Minimum, s.Min},
					{"maximum", p.Maximum, s.Max},
					{"default", p.Default, s.Default},
				} {
					if g, w := show(b.got), showKin(b.want); g != w {
						t.Errorf("%s %s = %s; kin-openapi reads %s", p.Name, b.what, g, w)
					}
				}
			}
		})
	}
	url, err := openapi.ServerURL()
	if err != nil || url != doc.Servers[0].URL {
		t.Errorf("ServerURL() = %q, %v; kin-openapi reads %q", url, err, doc.Servers[0].URL)
	}
}

func show(p *int) string {
	if p == nil {
		return "none"
	}
	return strconv.Itoa(*p)
}

func showKin(v any) string {
	switch v := v.(type) {
	case *float64:
		if v == nil {
			return "none"
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case nil:
		return "none"
	}
	return fmt.Sprint(v)
}

func TestListOperationAndPaging(t *testing.T) {
	doc := loadKin(t)
	list, err := openapi.ListOperation()
	if err != nil {
		t.Fatal(err)
	}
	var gets []string
	for path, item := range doc.Paths.Map() {
		if item.Get != nil {
			gets = append(gets, path)
		}
	}
	if len(gets) != 1 || list.Method != http.MethodGet || list.Path != gets[0] {
		t.Errorf("ListOperation() = %s; kin-openapi's GET paths are %v", list, gets)
	}
	p, err := openapi.ListPaging()
	if err != nil {
		t.Fatal(err)
	}
	kp := map[string]*openapi3.Schema{}
	for _, prm := range doc.Paths.Find(list.Path).Get.Parameters {
		kp[prm.Value.Name] = prm.Value.Schema.Value
	}
	for _, c := range []struct {
		name string
		got  int
		want any
	}{
		{"MinLimit", p.MinLimit, kp["limit"].Min},
		{"MaxLimit", p.MaxLimit, kp["limit"].Max},
		{"DefaultLimit", p.DefaultLimit, kp["limit"].Default},
		{"MinOffset", p.MinOffset, kp["offset"].Min},
		{"DefaultOffset", p.DefaultOffset, kp["offset"].Default},
	} {
		if g, w := strconv.Itoa(c.got), showKin(c.want); g != w {
			t.Errorf("ListPaging().%s = %s; kin-openapi reads %s", c.name, g, w)
		}
	}
}

func TestFindOperation(t *testing.T) {
	ops, err := openapi.Operations()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range ops {
		got, err := openapi.FindOperation(strings.ToLower(want.Method), want.Path)
		if err != nil || got.ID != want.ID {
			t.Errorf("FindOperation(%s, %s) = %s, %v; want %s", want.Method, want.Path, got, err, want.ID)
		}
	}
	for _, c := range [][2]string{{"PUT", "/auth/backend"}, {"GET", "/backend/tokens/"}, {"GET", ""}} {
		if op, err := openapi.FindOperation(c[0], c[1]); err == nil || !strings.Contains(err.Error(), c[0]) {
			t.Errorf("FindOperation(%q, %q) = %s, %v; want an error naming the method", c[0], c[1], op, err)
		}
	}
}

func TestOperationsReturnsACopy(t *testing.T) {
	a, err := openapi.Operations()
	if err != nil {
		t.Fatal(err)
	}
	a[0].Statuses[0] = 999
	a[0].ID = "changed"
	for i := range a {
		for j := range a[i].Query {
			if a[i].Query[j].Maximum != nil {
				*a[i].Query[j].Maximum = -1
			}
		}
	}
	b, _ := openapi.Operations()
	if b[0].Statuses[0] == 999 || b[0].ID == "changed" {
		t.Error("changing Operations' result changed the shared table")
	}
	p, err := openapi.ListPaging()
	if err != nil || p.MaxLimit < 1 {
		t.Errorf("after changing a copy, ListPaging() = %+v, %v", p, err)
	}
}

func ExampleListPaging() {
	p, err := openapi.ListPaging()
	if err != nil {
		panic(err)
	}
	fmt.Printf("limit %d to %d (default %d), offset from %d (default %d)\n", p.MinLimit, p.MaxLimit, p.DefaultLimit, p.MinOffset, p.DefaultOffset)
	// Output: limit 1 to 250 (default 10), offset from 0 (default 0)
}

func ExampleOperations() {
	ops, err := openapi.Operations()
	if err != nil {
		panic(err)
	}
	for _, op := range ops {
		fmt.Println(op, "auth:", op.Auth, "statuses:", op.Statuses)
	}
	// Output:
	// DELETE /auth/backend (delete-auth-backend) auth: true statuses: [200 400 401 403 404 413 422 429 500 503]
	// POST /auth/backend (post-auth-backend) auth: false statuses: [200 400 401 403 413 422 429 500 503]
	// GET /backend/tokens (get-backend-tokens) auth: true statuses: [200 400 401 403 413 422 429 500 503]
}

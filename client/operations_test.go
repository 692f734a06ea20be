package client

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/kinload"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// metaMethod is an exported *Client method and the operation its
// //meta:operation comment names.
type metaMethod struct {
	name, file string
	method     string // HTTP method of the comment
	path       string // path of the comment
	prose      string // "It wraps GET /path (id)" from the doc text, if any
}

var (
	metaRE  = regexp.MustCompile(`^//meta:operation ([A-Z]+) (/\S*)$`)
	wrapsRE = regexp.MustCompile(`wraps ([A-Z]+) (/\S+) \(([\w-]+)\)`)
)

// clientMethods parses the package's non-test files and returns every
// exported *Client method with its //meta:operation comments.
func clientMethods(t *testing.T) (methods []metaMethod, problems []string) {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() || !isClientReceiver(fn.Recv) {
				continue
			}
			m := metaMethod{name: fn.Name.Name, file: f}
			var metas int
			if fn.Doc != nil {
				for _, c := range fn.Doc.List {
					if !strings.HasPrefix(c.Text, "//meta:") {
						continue
					}
					sub := metaRE.FindStringSubmatch(c.Text)
					if sub == nil {
						problems = append(problems, fmt.Sprintf("%s: %s: malformed %q; want //meta:operation METHOD /path", f, m.name, c.Text))
						continue
					}
					metas++
					m.method, m.path = sub[1], sub[2]
				}
				if w := wrapsRE.FindString(strings.Join(strings.Fields(fn.Doc.Text()), " ")); w != "" {
					m.prose = w
				}
			}
			if metas != 1 {
				problems = append(problems, fmt.Sprintf("%s: (*Client).%s has %d //meta:operation comments; want exactly 1", f, m.name, metas))
				continue
			}
			methods = append(methods, m)
		}
	}
	return methods, problems
}

func isClientReceiver(fl *ast.FieldList) bool {
	star, ok := fl.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := star.X.(*ast.Ident)
	return ok && id.Name == "Client"
}

// TestMetaOperationComments checks every //meta:operation comment against
// the spec: a comment must name an operation the spec has, every operation
// of the spec must be wrapped by a method, and a method's prose ("It wraps
// GET /backend/tokens (get-backend-tokens)") must say what its comment says.
func TestMetaOperationComments(t *testing.T) {
	methods, problems := clientMethods(t)
	for _, p := range problems {
		t.Error(p)
	}
	ops, err := openapi.Operations()
	if err != nil {
		t.Fatal(err)
	}
	wrapped := map[string]bool{}
	for _, m := range methods {
		op, err := openapi.FindOperation(m.method, m.path)
		if err != nil {
			t.Errorf("%s: (*Client).%s: //meta:operation %s %s names an operation the spec lacks", m.file, m.name, m.method, m.path)
			continue
		}
		wrapped[op.ID] = true
		if want := fmt.Sprintf("wraps %s %s (%s)", op.Method, op.Path, op.ID); m.prose != "" && m.prose != want {
			t.Errorf("%s: (*Client).%s: the doc says %q but //meta:operation names %q", m.file, m.name, m.prose, want)
		}
	}
	for _, op := range ops {
		if !wrapped[op.ID] {
			t.Errorf("the spec's %s has no client method (no //meta:operation %s %s)", op, op.Method, op.Path)
		}
	}
	if len(methods) == 0 {
		t.Fatal("found no *Client methods; the test reads the wrong directory")
	}
}

// callers call each *Client method that wraps an operation. A method with
// a //meta:operation comment but no caller here fails
// TestMethodsHandleTheSpecsStatuses: add it.
var callers = map[string]func(context.Context, *Client) error{
	"List": func(ctx context.Context, c *Client) error {
		_, err := c.List(ctx, ListOptions{})
		return err
	},
	"All": func(ctx context.Context, c *Client) error {
		for _, err := range c.All(ctx) {
			if err != nil {
				return err
			}
		}
		return errors.New("All ended without an error")
	},
	"FetchAll": func(ctx context.Context, c *Client) error {
		_, err := c.FetchAll(ctx, FetchOptions{})
		return err
	},
	"Delete": func(ctx context.Context, c *Client) error { return c.Delete(ctx, 5) },
	"Create": func(ctx context.Context, c *Client) error {
		_, err := c.Create(ctx, CreateRequest{StoreHash: "abc123", Email: "owner@example.test", Password: NewSecret("pw"), Name: "n"})
		return err
	},
}

// TestMethodsHandleTheSpecsStatuses drives each method that names an
// operation against a server that answers every error status the spec
// documents for it, and one it does not. The request must be the comment's
// operation; a documented status must come back as an *APIError that does
// not call it undocumented; the undocumented one must match
// ErrUnexpectedResponse.
func TestMethodsHandleTheSpecsStatuses(t *testing.T) {
	methods, _ := clientMethods(t)
	for _, m := range methods {
		call := callers[m.name]
		if call == nil {
			t.Errorf("(*Client).%s has no entry in callers", m.name)
			continue
		}
		op, err := openapi.FindOperation(m.method, m.path)
		if err != nil {
			continue // TestMetaOperationComments reports it
		}
		statuses := slices.DeleteFunc(slices.Clone(op.Statuses), func(s int) bool { return s < 300 })
		undocumented := 418
		for op.Documents(undocumented) {
			undocumented++
		}
		for _, status := range append(statuses, undocumented) {
			t.Run(fmt.Sprintf("%s/%d", m.name, status), func(t *testing.T) {
				var got []string
				h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
					got = append(got, r.Method+" "+r.URL.Path)
					writeJSON(w, status, fmt.Sprintf(`{"code":%d,"data":{"errMsg":"synthetic"},"meta":{"message":"synthetic"}}`, status))
				}, WithRetryPolicy(NoRetry))
				err := call(context.Background(), h.client)
				if want := op.Method + " " + op.Path; len(got) == 0 || got[0] != want {
					t.Fatalf("the method sent %v; its //meta:operation names %s", got, want)
				}
				var apiErr *APIError
				if !errors.As(err, &apiErr) {
					t.Fatalf("err = %v; want an *APIError", err)
				}
				if apiErr.StatusCode != status || apiErr.Operation != op.String() {
					t.Errorf("APIError for %s, HTTP %d; want %s, HTTP %d", apiErr.Operation, apiErr.StatusCode, op, status)
				}
				documented := op.Documents(status)
				if apiErr.undocumented == documented {
					t.Errorf("the error says undocumented=%v for a status the spec documents=%v: %v", apiErr.undocumented, documented, err)
				}
				if documented && errors.Is(err, ErrUnexpectedResponse) {
					t.Errorf("a documented %d matches ErrUnexpectedResponse: %v", status, err)
				}
				if !documented && !errors.Is(err, ErrUnexpectedResponse) {
					t.Errorf("an undocumented %d does not match ErrUnexpectedResponse: %v", status, err)
				}
			})
		}
	}
}

// TestOperationTableFollowsTheSpec checks what the client derives from the
// spec's table: auth, retries and the list operation.
func TestOperationTableFollowsTheSpec(t *testing.T) {
	list, err := openapi.ListOperation()
	if err != nil {
		t.Fatal(err)
	}
	ops, _ := openapi.Operations()
	if len(operations) != len(ops) {
		t.Fatalf("the client's table has %d operations; the spec %d", len(operations), len(ops))
	}
	for i, o := range operations {
		if o.index != i || o.ID != ops[i].ID || o.Auth != ops[i].Auth || !slices.Equal(o.Statuses, ops[i].Statuses) {
			t.Errorf("operation %d = %+v; the spec says %+v", i, o, ops[i])
		}
		if o.list != (o.ID == list.ID) || o.read != (o.Method == http.MethodGet) {
			t.Errorf("%s: list=%v read=%v", o, o.list, o.read)
		}
	}
	p, _ := openapi.ListPaging()
	if MinLimit != p.MinLimit || MaxLimit != p.MaxLimit {
		t.Errorf("MinLimit, MaxLimit = %d, %d; the spec says %d, %d", MinLimit, MaxLimit, p.MinLimit, p.MaxLimit)
	}
	if u, _ := openapi.ServerURL(); DefaultBaseURL != u {
		t.Errorf("DefaultBaseURL = %q; the spec says %q", DefaultBaseURL, u)
	}
}

// TestMigrationAdviceIsTheSpecs checks the advice against kin-openapi's
// reading of every operation's x-deprecated-reason.
func TestMigrationAdviceIsTheSpecs(t *testing.T) {
	doc, err := kinload.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range operations {
		kop := doc.Paths.Find(o.Path).GetOperation(o.Method)
		reason, _ := kop.Extensions["x-deprecated-reason"].(string)
		if reason == "" || o.DeprecatedReason != reason {
			t.Errorf("%s: advice %q; the spec says %q", o, o.DeprecatedReason, reason)
		}
	}
	if MigrationAdvice != opList.DeprecatedReason || MigrationAdvice == "" {
		t.Errorf("MigrationAdvice = %q", MigrationAdvice)
	}
}

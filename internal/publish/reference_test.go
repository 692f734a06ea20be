package publish_test

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/b2b-contract/s2s-tokens/internal/kinload"
	"github.com/b2b-contract/s2s-tokens/internal/publish"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// expectedOperation is what the reference page must show for one operation,
// derived from the spec (not written out by hand).
type expectedOperation struct {
	ID, Method, Path  string
	Params, Responses []string
	Deprecated        bool
	Reason            string
}

func expectedOperations(t *testing.T) []expectedOperation {
	t.Helper()
	doc, err := kinload.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	var out []expectedOperation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			e := expectedOperation{ID: op.OperationID, Method: method, Path: path, Deprecated: op.Deprecated}
			for _, p := range op.Parameters {
				e.Params = append(e.Params, p.Value.Name)
			}
			for code := range op.Responses.Map() {
				e.Responses = append(e.Responses, code)
			}
			if r, ok := op.Extensions["x-deprecated-reason"].(string); ok {
				e.Reason = r
			}
			out = append(out, e)
		}
	}
	if len(out) != 3 {
		t.Fatalf("the spec has %d operations, the test expects the three token operations", len(out))
	}
	return out
}

func parse(t *testing.T, page []byte) *html.Node {
	t.Helper()
	n, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func normalize(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestReferenceShowsEveryOperation(t *testing.T) {
	page, err := publish.Reference()
	if err != nil {
		t.Fatal(err)
	}
	root := parse(t, page)
	ops := findAll(root, func(n *html.Node) bool { return n.DataAtom == atom.Article && hasClass(n, "operation") })
	if len(ops) != 3 {
		t.Fatalf("%d operation sections, want 3", len(ops))
	}
	for _, want := range expectedOperations(t) {
		t.Run(want.ID, func(t *testing.T) {
			var op *html.Node
			for _, o := range ops {
				if attr(o, "data-operation-id") == want.ID {
					op = o
				}
			}
			if op == nil {
				t.Fatalf("no section for %s", want.ID)
			}
			body := text(op)
			if !strings.Contains(body, want.Method+" "+want.Path) {
				t.Errorf("section does not show %q", want.Method+" "+want.Path)
			}
			for _, p := range want.Params {
				rows := findAll(op, func(n *html.Node) bool { return hasClass(n, "parameter") && attr(n, "data-name") == p })
				if len(rows) != 1 {
					t.Errorf("parameter %s: %d rows, want 1", p, len(rows))
				}
			}
			if len(want.Params) == 0 && !strings.Contains(body, "No parameters.") {
				t.Error("an operation without parameters should say so")
			}
			for _, code := range want.Responses {
				rows := findAll(op, func(n *html.Node) bool { return hasClass(n, "response") && attr(n, "data-status") == code })
				if len(rows) != 1 {
					t.Errorf("response %s: %d rows, want 1", code, len(rows))
				}
			}
			if got := len(findAll(op, func(n *html.Node) bool { return hasClass(n, "response") })); got != len(want.Responses) {
				t.Errorf("%d response rows, want %d", got, len(want.Responses))
			}
			notes := findAll(op, func(n *html.Node) bool { return hasClass(n, "deprecation") })
			if !want.Deprecated || want.Reason == "" {
				t.Fatalf("the spec's %s should be deprecated with a reason", want.ID)
			}
			if len(notes) != 1 {
				t.Fatalf("%d deprecation notices, want 1", len(notes))
			}
			if got := text(notes[0]); !strings.Contains(got, normalize(want.Reason)) {
				t.Errorf("deprecation notice %q lacks the migration advice %q", got, normalize(want.Reason))
			}
		})
	}
}

func TestReferenceLoadsNothing(t *testing.T) {
	page, err := publish.Reference()
	if err != nil {
		t.Fatal(err)
	}
	root := parse(t, page)
	for _, n := range findAll(root, func(*html.Node) bool { return true }) {
		switch n.DataAtom {
		case atom.Script, atom.Iframe, atom.Object, atom.Embed, atom.Img, atom.Video, atom.Audio, atom.Source, atom.Form:
			t.Errorf("the page has a <%s> element", n.Data)
		case atom.Link:
			if attr(n, "rel") != "icon" || !strings.HasPrefix(attr(n, "href"), "data:") {
				t.Errorf("<link rel=%q href=%q> loads a resource", attr(n, "rel"), attr(n, "href"))
			}
		case atom.Style:
			css := text(n)
			if strings.Contains(css, "url(") || strings.Contains(css, "@import") {
				t.Error("the style sheet loads a resource (url( or @import)")
			}
		}
		for _, a := range n.Attr {
			if a.Key == "src" || a.Key == "srcset" || a.Key == "background" || a.Key == "poster" {
				t.Errorf("<%s %s=%q> loads a resource", n.Data, a.Key, a.Val)
			}
			if a.Key == "style" && strings.Contains(a.Val, "url(") {
				t.Errorf("<%s style=%q> loads a resource", n.Data, a.Val)
			}
		}
	}
	csp := findAll(root, func(n *html.Node) bool {
		return n.DataAtom == atom.Meta && strings.EqualFold(attr(n, "http-equiv"), "Content-Security-Policy")
	})
	if len(csp) != 1 || attr(csp[0], "content") != publish.ContentSecurityPolicy {
		t.Errorf("the page must declare the Content-Security-Policy %q", publish.ContentSecurityPolicy)
	}
	if !strings.Contains(publish.ContentSecurityPolicy, "default-src 'none'") {
		t.Error("the policy must default to loading nothing")
	}
}

func TestReferenceAnchorsResolve(t *testing.T) {
	page, err := publish.Reference()
	if err != nil {
		t.Fatal(err)
	}
	root := parse(t, page)
	ids := map[string]bool{}
	for _, n := range findAll(root, func(n *html.Node) bool { return attr(n, "id") != "" }) {
		if ids[attr(n, "id")] {
			t.Errorf("id %q is used twice", attr(n, "id"))
		}
		ids[attr(n, "id")] = true
	}
	links := 0
	for _, a := range findAll(root, func(n *html.Node) bool { return n.DataAtom == atom.A }) {
		href := attr(a, "href")
		if frag, ok := strings.CutPrefix(href, "#"); ok {
			links++
			if !ids[frag] {
				t.Errorf("link %q points at no element", href)
			}
		}
	}
	if links < 20 {
		t.Errorf("only %d internal links; the contents and schema links are missing", links)
	}
}

func TestReferenceRendersMarkdownAndSchemas(t *testing.T) {
	page, err := publish.Reference()
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, want := range []string{
		"<strong>Required fields.</strong>",                             // markdown in info.description
		"<h4>Contract decisions</h4>",                                   // its ## heading, demoted below the page's own
		`<a href="#schema-TokenList">TokenList</a>`,                     // a response body links its schema
		`array of <a href="#schema-Token">Token</a>`,                    // arrays name their items
		"one of <code>app</code>, <code>admin</code>, <code>api</code>", // the closed enum
		"integer, 1 to 250, default <code>10</code>",                    // the limit parameter's bounds
		`id="spec-version">` + openapi.Version() + "<",                  // the spec version
		"None: this operation declares no security scheme.",             // POST /auth/backend declares security: []
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// Example tokens are the spec's synthetic ones: the page adds no secret.
	if strings.Contains(s, "authToken: ey") {
		t.Error("the page shows an authToken value")
	}
}

// minimalSpec is a small valid spec whose descriptions the tests vary.
const minimalSpec = `openapi: 3.0.3
info:
  title: T
  version: 1.2.3
  description: %s
paths:
  /x:
    get:
      operationId: get-x
      summary: Get x
      responses:
        '200':
          description: ok
`

func TestReferenceEscapesDescriptions(t *testing.T) {
	desc := `"**strong** <script>alert(1)</script> <img src=http://192.0.2.1/x.png> <b>bold</b>\n\n<script>alert(2)</script>"`
	page, err := publish.RenderReference([]byte(strings.Replace(minimalSpec, "%s", desc, 1)))
	if err != nil {
		t.Fatal(err)
	}
	root := parse(t, page)
	if n := findAll(root, func(n *html.Node) bool {
		return n.DataAtom == atom.Script || n.DataAtom == atom.Img || n.DataAtom == atom.B
	}); len(n) > 0 {
		t.Errorf("raw HTML in a description reached the page as <%s>", n[0].Data)
	}
	if !strings.Contains(string(page), "<strong>strong</strong>") {
		t.Error("markdown in a description is not rendered")
	}
}

func TestRenderReferenceRejectsBadSpecs(t *testing.T) {
	for name, spec := range map[string]string{
		"not yaml":   "openapi: [3.0.3",
		"empty":      "",
		"no paths":   "openapi: 3.0.3\ninfo: {title: T, version: 1.0.0}\n",
		"not a spec": "- a\n- b\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := publish.RenderReference([]byte(spec)); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestReferenceWithoutDeprecationHasNoNotice(t *testing.T) {
	page, err := publish.RenderReference([]byte(strings.Replace(minimalSpec, "%s", "plain", 1)))
	if err != nil {
		t.Fatal(err)
	}
	root := parse(t, page)
	if n := findAll(root, func(n *html.Node) bool { return hasClass(n, "deprecation") || hasClass(n, "badge-deprecated") }); len(n) > 0 {
		t.Error("an operation that is not deprecated shows a deprecation notice")
	}
	if len(findAll(root, func(n *html.Node) bool { return hasClass(n, "operation") })) != 1 {
		t.Error("the one operation is missing")
	}
}

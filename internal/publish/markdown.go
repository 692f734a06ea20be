package publish

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// md renders the CommonMark found in the spec's descriptions. Raw HTML in a
// description is left out (goldmark's default), so a description cannot add
// a script or a remote resource to the page.
var md = goldmark.New(goldmark.WithParserOptions(
	parser.WithASTTransformers(util.Prioritized(demoteHeadings{by: 2}, 100)),
))

// demoteHeadings moves a description's headings down, so that a "## Contract
// decisions" inside info.description sits below the page's own headings.
type demoteHeadings struct{ by int }

func (d demoteHeadings) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			h.Level = min(h.Level+d.by, 6)
		}
		return ast.WalkContinue, nil
	})
}

// markdown renders src as HTML.
func markdown(src string) (template.HTML, error) {
	if src == "" {
		return "", nil
	}
	var b bytes.Buffer
	if err := md.Convert([]byte(src), &b); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil // goldmark escapes text and omits raw HTML
}

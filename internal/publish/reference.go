package publish

import (
	"bytes"
	_ "embed"
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"

	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"
	"go.yaml.in/yaml/v3"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

// ReferencePage is the file name of the HTML reference page in the bundle.
const ReferencePage = "index.html"

// ContentSecurityPolicy is the policy the reference page declares: it may
// load nothing but its own inline style and data: images, so that opened as a
// file it works offline and makes no request.
const ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

//go:embed reference.html.tmpl
var referenceTemplate string

var refTmpl = template.Must(template.New("reference").Parse(referenceTemplate))

// Reference renders the HTML reference page of the embedded spec.
func Reference() ([]byte, error) { return RenderReference(openapi.YAML()) }

// RenderReference renders an HTML reference page for an OpenAPI 3 spec: its
// description, every operation with its parameters, request body, responses
// and deprecation notice, the schemas and the response headers. The page is
// one self-contained file: no script, no remote font, style sheet or image,
// and a Content-Security-Policy that forbids loading any.
func RenderReference(spec []byte) ([]byte, error) {
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		return nil, fmt.Errorf("publish: reading the spec: %w", err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("publish: building the spec's model: %w", err)
	}
	if model == nil || model.Model.Info == nil || model.Model.Paths == nil {
		return nil, fmt.Errorf("publish: the spec has no info or no paths")
	}
	p, err := newPage(&model.Model, spec)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := refTmpl.Execute(&b, p); err != nil {
		return nil, fmt.Errorf("publish: rendering the reference page: %w", err)
	}
	return b.Bytes(), nil
}

type page struct {
	CSP             string
	Title           string
	Version         string
	OpenAPI         string
	Description     template.HTML
	Contact         *base.Contact
	Vendor          *openapi.VendorSource
	Servers         []server
	Tags            []tag
	SecuritySchemes []securityScheme
	Operations      []operation
	Schemas         []schema
	Headers         []header
}

type server struct {
	URL         string
	Description template.HTML
}

type tag struct {
	Name        string
	Description template.HTML
}

type securityScheme struct {
	Name        string
	Summary     string
	Description template.HTML
}

type operation struct {
	Anchor            string
	OperationID       string
	Method            string
	Path              string
	Summary           string
	Deprecated        bool
	DeprecationReason template.HTML
	Description       template.HTML
	Auth              template.HTML
	Parameters        []parameter
	RequestBody       *requestBody
	Responses         []response
}

type parameter struct {
	Name        string
	In          string
	Type        template.HTML
	Required    bool
	Description template.HTML
}

type requestBody struct {
	Required    bool
	Description template.HTML
	Media       []media
}

type response struct {
	Anchor      string
	Code        string
	Description template.HTML
	Source      string
	Component   string
	Media       []media
	Headers     []string
}

type media struct {
	ContentType string
	Schema      template.HTML
	Examples    []example
}

type example struct {
	Name    string
	Summary string
	JSON    string
}

type schema struct {
	Name        string
	Anchor      string
	Description template.HTML
	Type        template.HTML
	Properties  []property
}

type property struct {
	Name        string
	Type        template.HTML
	Required    bool
	Description template.HTML
}

type header struct {
	Name        string
	Anchor      string
	Type        template.HTML
	Description template.HTML
}

func newPage(m *v3.Document, spec []byte) (*page, error) {
	var err error
	mdOr := func(s string) template.HTML {
		h, e := markdown(s)
		if e != nil && err == nil {
			err = e
		}
		return h
	}
	p := &page{
		CSP:         ContentSecurityPolicy,
		Title:       m.Info.Title,
		Version:     m.Info.Version,
		OpenAPI:     m.Version,
		Description: mdOr(m.Info.Description),
		Contact:     m.Info.Contact,
		Vendor:      vendorSource(spec),
	}
	for _, s := range m.Servers {
		p.Servers = append(p.Servers, server{URL: s.URL, Description: mdOr(s.Description)})
	}
	for _, t := range m.Tags {
		p.Tags = append(p.Tags, tag{Name: t.Name, Description: mdOr(t.Description)})
	}
	if m.Components != nil && m.Components.SecuritySchemes != nil {
		for name, s := range m.Components.SecuritySchemes.FromOldest() {
			summary := s.Type
			if s.Type == "apiKey" {
				summary = fmt.Sprintf("API key in the %s %s", s.In, s.Name)
			}
			p.SecuritySchemes = append(p.SecuritySchemes, securityScheme{Name: name, Summary: summary, Description: mdOr(s.Description)})
		}
	}
	for path, item := range m.Paths.PathItems.FromOldest() {
		for method, op := range item.GetOperations().FromOldest() {
			p.Operations = append(p.Operations, newOperation(m, path, method, op, mdOr))
		}
	}
	if m.Components != nil && m.Components.Schemas != nil {
		for name, sp := range m.Components.Schemas.FromOldest() {
			s := sp.Schema()
			if s == nil {
				return nil, fmt.Errorf("publish: schema %s cannot be resolved", name)
			}
			sc := schema{Name: name, Anchor: "schema-" + name, Description: mdOr(s.Description), Type: schemaType(sp)}
			if s.Properties != nil {
				for pn, pp := range s.Properties.FromOldest() {
					var desc string
					if ps := pp.Schema(); ps != nil && !pp.IsReference() {
						desc = ps.Description
					}
					sc.Properties = append(sc.Properties, property{
						Name: pn, Type: schemaType(pp), Required: contains(s.Required, pn), Description: mdOr(desc),
					})
				}
			}
			p.Schemas = append(p.Schemas, sc)
		}
	}
	if m.Components != nil && m.Components.Headers != nil {
		for name, h := range m.Components.Headers.FromOldest() {
			p.Headers = append(p.Headers, header{Name: name, Anchor: "header-" + name, Type: schemaType(h.Schema), Description: mdOr(h.Description)})
		}
	}
	if err != nil {
		return nil, fmt.Errorf("publish: rendering a description: %w", err)
	}
	return p, nil
}

func newOperation(m *v3.Document, path, method string, op *v3.Operation, mdOr func(string) template.HTML) operation {
	o := operation{
		OperationID: op.OperationId,
		Method:      strings.ToUpper(method),
		Path:        path,
		Summary:     op.Summary,
		Deprecated:  op.Deprecated != nil && *op.Deprecated,
		Description: mdOr(op.Description),
	}
	o.Anchor = "op-" + anchorName(op.OperationId)
	if op.OperationId == "" {
		o.Anchor = "op-" + anchorName(method+"-"+path)
	}
	if op.Extensions != nil {
		if r, ok := op.Extensions.Get("x-deprecated-reason"); ok && r != nil {
			o.DeprecationReason = mdOr(r.Value)
		}
	}
	o.Auth = authText(m, op)
	for _, prm := range op.Parameters {
		o.Parameters = append(o.Parameters, parameter{
			Name: prm.Name, In: prm.In, Type: schemaType(prm.Schema),
			Required: prm.Required != nil && *prm.Required, Description: mdOr(prm.Description),
		})
	}
	if rb := op.RequestBody; rb != nil {
		o.RequestBody = &requestBody{
			Required: rb.Required != nil && *rb.Required, Description: mdOr(rb.Description),
			Media: mediaList(rb.Content),
		}
	}
	if op.Responses != nil && op.Responses.Codes != nil {
		for code, r := range op.Responses.Codes.FromOldest() {
			resp := response{
				Anchor:      o.Anchor + "-" + code,
				Code:        code,
				Description: mdOr(r.Description),
				Media:       mediaList(r.Content),
			}
			if low := r.GoLow(); low != nil && low.IsReference() {
				resp.Component = strings.TrimPrefix(low.GetReference(), "#/components/responses/")
			}
			if r.Extensions != nil {
				if s, ok := r.Extensions.Get("x-contract-source"); ok && s != nil {
					resp.Source = s.Value
				}
			}
			if r.Headers != nil {
				for name := range r.Headers.KeysFromOldest() {
					resp.Headers = append(resp.Headers, name)
				}
			}
			o.Responses = append(o.Responses, resp)
		}
	}
	return o
}

func authText(m *v3.Document, op *v3.Operation) template.HTML {
	reqs := m.Security
	if op.Security != nil {
		reqs = op.Security
	}
	if len(reqs) == 0 {
		return "None: this operation declares no security scheme."
	}
	var alts []string
	for _, r := range reqs {
		if r.Requirements == nil || r.Requirements.Len() == 0 {
			alts = append(alts, "none")
			continue
		}
		var names []string
		for name := range r.Requirements.KeysFromOldest() {
			names = append(names, fmt.Sprintf(`<a href="#security-%s"><code>%s</code></a>`, html.EscapeString(anchorName(name)), html.EscapeString(name)))
		}
		alts = append(alts, strings.Join(names, " and "))
	}
	return template.HTML(strings.Join(alts, " or ")) // built from escaped parts
}

func mediaList(content *orderedmap.Map[string, *v3.MediaType]) []media {
	if content == nil {
		return nil
	}
	var out []media
	for ct, mt := range content.FromOldest() {
		md := media{ContentType: ct, Schema: schemaType(mt.Schema)}
		if mt.Example != nil {
			if js, err := nodeJSON(mt.Example); err == nil {
				md.Examples = append(md.Examples, example{Name: "example", JSON: js})
			}
		}
		if mt.Examples != nil {
			for name, ex := range mt.Examples.FromOldest() {
				if ex == nil || ex.Value == nil {
					continue
				}
				if js, err := nodeJSON(ex.Value); err == nil {
					md.Examples = append(md.Examples, example{Name: name, Summary: ex.Summary, JSON: js})
				}
			}
		}
		out = append(out, md)
	}
	return out
}

// schemaType describes a schema in a few words of HTML, linking named schemas
// to their section: "array of Token", "string (email), min length 1",
// "integer, 1 to 250, default 10", "one of: string | FieldErrors".
func schemaType(sp *base.SchemaProxy) template.HTML {
	return template.HTML(describe(sp, 0)) // describe escapes every part
}

func describe(sp *base.SchemaProxy, depth int) string {
	if sp == nil {
		return "any"
	}
	if sp.IsReference() {
		name := strings.TrimPrefix(sp.GetReference(), "#/components/schemas/")
		return fmt.Sprintf(`<a href="#schema-%s">%s</a>`, html.EscapeString(anchorName(name)), html.EscapeString(name))
	}
	s := sp.Schema()
	if s == nil || depth > 8 {
		return "any"
	}
	var parts []string
	switch {
	case len(s.OneOf) > 0 || len(s.AnyOf) > 0:
		alts := s.OneOf
		word := "one of"
		if len(alts) == 0 {
			alts, word = s.AnyOf, "any of"
		}
		var ds []string
		for _, a := range alts {
			ds = append(ds, describe(a, depth+1))
		}
		parts = append(parts, word+": "+strings.Join(ds, " | "))
	case contains(s.Type, "array"):
		item := "any"
		if s.Items != nil && s.Items.IsA() {
			item = describe(s.Items.A, depth+1)
		}
		parts = append(parts, "array of "+item)
	case contains(s.Type, "object") && s.AdditionalProperties != nil && s.AdditionalProperties.IsA():
		parts = append(parts, "map of string to "+describe(s.AdditionalProperties.A, depth+1))
	default:
		t := strings.Join(s.Type, " or ")
		if t == "" {
			t = "any"
		}
		if s.Format != "" {
			t += " (" + s.Format + ")"
		}
		parts = append(parts, html.EscapeString(t))
	}
	if len(s.Enum) > 0 {
		var vs []string
		for _, e := range s.Enum {
			vs = append(vs, "<code>"+html.EscapeString(e.Value)+"</code>")
		}
		parts = append(parts, "one of "+strings.Join(vs, ", "))
	}
	if s.MinLength != nil {
		parts = append(parts, "min length "+strconv.FormatInt(*s.MinLength, 10))
	}
	if s.MaxLength != nil {
		parts = append(parts, "max length "+strconv.FormatInt(*s.MaxLength, 10))
	}
	switch {
	case s.Minimum != nil && s.Maximum != nil:
		parts = append(parts, fmt.Sprintf("%s to %s", num(*s.Minimum), num(*s.Maximum)))
	case s.Minimum != nil:
		parts = append(parts, "minimum "+num(*s.Minimum))
	case s.Maximum != nil:
		parts = append(parts, "maximum "+num(*s.Maximum))
	}
	if s.MaxItems != nil {
		parts = append(parts, "at most "+strconv.FormatInt(*s.MaxItems, 10)+" items")
	}
	if s.Default != nil {
		parts = append(parts, "default <code>"+html.EscapeString(s.Default.Value)+"</code>")
	}
	if s.Nullable != nil && *s.Nullable {
		parts = append(parts, "nullable")
	}
	return strings.Join(parts, ", ")
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// anchorName makes a string safe as an HTML id and URL fragment.
func anchorName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// vendorSource reads info.x-vendor-source, the vendor file the spec was
// checked against, or nil if the spec names none.
func vendorSource(spec []byte) *openapi.VendorSource {
	var doc struct {
		Info struct {
			Vendor *openapi.VendorSource `yaml:"x-vendor-source"`
		} `yaml:"info"`
	}
	if yaml.Unmarshal(spec, &doc) != nil {
		return nil
	}
	return doc.Info.Vendor
}

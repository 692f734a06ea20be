package openapi

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pb33f/go-yaml"
)

// Operation is what the spec says about one operation, in the form the
// client, the fake and the checker share: the one table of methods, paths,
// documented statuses, authentication and query parameters. Operations
// builds it from the embedded spec; nothing else keeps a copy of these facts.
type Operation struct {
	// ID is the operationId, as in "get-backend-tokens".
	ID string
	// Method is the HTTP method in upper case, as in "GET".
	Method string
	// Path is the path as the spec writes it, below the server URL, as in
	// "/backend/tokens".
	Path string
	// Statuses are the documented response statuses, in ascending order.
	Statuses []int
	// Auth is true when the operation requires a credential: its effective
	// security (its own, or the document's) has at least one requirement,
	// and no requirement is the empty one that makes credentials optional.
	Auth bool
	// AuthHeaders are the header names of the apiKey schemes (in: header)
	// its security requirements name, as in "authToken".
	AuthHeaders []string
	// Query are the operation's query parameters (path-level ones
	// included), in the order the spec lists them.
	Query []Parameter
	// Deprecated is the operation's deprecated flag, and DeprecatedReason
	// its x-deprecated-reason: the migration advice.
	Deprecated       bool
	DeprecatedReason string
	// Announced is the operation's x-deprecation: the deprecation the
	// vendor has announced (nil when the spec records none).
	Announced *Announcement
}

// Announcement is a deprecation the vendor announced, as an operation's
// x-deprecation records it: a response that repeats it is no news.
type Announcement struct {
	// Date is the day of the deprecation (UTC midnight).
	Date time.Time
	// Link is the page the announcement points to; a Link header with
	// rel="deprecation" to it repeats the announcement.
	Link string
	// Source says where the spec's authors read it.
	Source string
}

// Repeats reports whether a Deprecation header's date is the announced one
// (the same UTC day).
func (a *Announcement) Repeats(deprecatedAt time.Time) bool {
	if a == nil {
		return false
	}
	y, m, d := deprecatedAt.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Equal(a.Date)
}

// Links reports whether link is the announced page (a trailing slash aside).
func (a *Announcement) Links(link string) bool {
	return a != nil && a.Link != "" && strings.TrimSuffix(link, "/") == strings.TrimSuffix(a.Link, "/")
}

// Parameter is one query parameter of an operation.
type Parameter struct {
	// Name is the parameter's name, as in "limit".
	Name string
	// Required is the parameter's required flag.
	Required bool
	// Type is the schema's type, as in "integer".
	Type string
	// Minimum, Maximum and Default are the schema's bounds and default, nil
	// where the spec gives none. The spec's paging parameters are integers,
	// and Operations fails on a bound or default that is not one.
	Minimum, Maximum, Default *int
}

// String names the operation as "GET /backend/tokens (get-backend-tokens)".
func (o Operation) String() string { return o.Method + " " + o.Path + " (" + o.ID + ")" }

// Documents reports whether the spec documents status for the operation.
func (o Operation) Documents(status int) bool {
	_, ok := slices.BinarySearch(o.Statuses, status)
	return ok
}

// QueryParameter returns the query parameter called name.
func (o Operation) QueryParameter(name string) (Parameter, bool) {
	i := slices.IndexFunc(o.Query, func(p Parameter) bool { return p.Name == name })
	if i < 0 {
		return Parameter{}, false
	}
	return o.Query[i], true
}

// clone returns a deep copy, so that callers cannot change the shared table.
func (o Operation) clone() Operation {
	if o.Announced != nil {
		a := *o.Announced
		o.Announced = &a
	}
	o.Statuses = slices.Clone(o.Statuses)
	o.AuthHeaders = slices.Clone(o.AuthHeaders)
	o.Query = slices.Clone(o.Query)
	for i, p := range o.Query {
		o.Query[i].Minimum, o.Query[i].Maximum, o.Query[i].Default = cloneInt(p.Minimum), cloneInt(p.Maximum), cloneInt(p.Default)
	}
	return o
}

func cloneInt(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// table is the embedded spec's operations and server URL, read once.
type table struct {
	ops       []Operation
	serverURL string
	version   string
}

var tableOnce = sync.OnceValues(func() (*table, error) {
	t, err := parseTable(specYAML)
	if err != nil {
		return nil, fmt.Errorf("openapi: reading the operations of embedded %s: %w", FileName, err)
	}
	return t, nil
})

// Operations returns every operation of the embedded spec, ordered by path
// and then by method. The spec is read once; each call returns a fresh copy.
func Operations() ([]Operation, error) {
	t, err := tableOnce()
	if err != nil {
		return nil, err
	}
	out := make([]Operation, len(t.ops))
	for i, o := range t.ops {
		out[i] = o.clone()
	}
	return out, nil
}

// FindOperation returns the operation of the embedded spec at method and
// path (the spec's path, as in "/auth/backend").
func FindOperation(method, path string) (Operation, error) {
	t, err := tableOnce()
	if err != nil {
		return Operation{}, err
	}
	for _, o := range t.ops {
		if o.Method == strings.ToUpper(method) && o.Path == path {
			return o.clone(), nil
		}
	}
	return Operation{}, fmt.Errorf("openapi: the embedded spec has no operation %s %s", strings.ToUpper(method), path)
}

// ListOperation returns the list operation: the spec's one GET operation,
// the one that pages with limit and offset and whose 404 or 410 means the
// endpoint is gone.
func ListOperation() (Operation, error) {
	t, err := tableOnce()
	if err != nil {
		return Operation{}, err
	}
	return listOperation(t.ops)
}

func listOperation(ops []Operation) (Operation, error) {
	var found []Operation
	for _, o := range ops {
		if o.Method == http.MethodGet {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		return Operation{}, fmt.Errorf("openapi: the spec has %d GET operations; the list operation must be the only one", len(found))
	}
	return found[0].clone(), nil
}

// ServerURL returns the URL of the spec's first server (servers[0].url),
// the default base URL of every client.
func ServerURL() (string, error) {
	t, err := tableOnce()
	if err != nil {
		return "", err
	}
	return t.serverURL, nil
}

// Paging is what the spec says about the list operation's limit and offset
// query parameters.
type Paging struct {
	// MinLimit and MaxLimit bound limit; DefaultLimit is the page size when
	// a request sends none.
	MinLimit, MaxLimit, DefaultLimit int
	// MinOffset bounds offset; DefaultOffset applies when a request sends
	// none.
	MinOffset, DefaultOffset int
}

// ListPaging returns the bounds and defaults of the list operation's limit
// and offset parameters. It fails when the spec leaves one of them out.
func ListPaging() (Paging, error) {
	op, err := ListOperation()
	if err != nil {
		return Paging{}, err
	}
	return paging(op)
}

func paging(op Operation) (Paging, error) {
	var p Paging
	for _, f := range []struct {
		param, what string
		get         func(Parameter) *int
		dst         *int
	}{
		{"limit", "minimum", func(p Parameter) *int { return p.Minimum }, &p.MinLimit},
		{"limit", "maximum", func(p Parameter) *int { return p.Maximum }, &p.MaxLimit},
		{"limit", "default", func(p Parameter) *int { return p.Default }, &p.DefaultLimit},
		{"offset", "minimum", func(p Parameter) *int { return p.Minimum }, &p.MinOffset},
		{"offset", "default", func(p Parameter) *int { return p.Default }, &p.DefaultOffset},
	} {
		prm, ok := op.QueryParameter(f.param)
		if !ok {
			return Paging{}, fmt.Errorf("openapi: %s has no query parameter %q", op, f.param)
		}
		v := f.get(prm)
		if v == nil {
			return Paging{}, fmt.Errorf("openapi: %s: query parameter %q has no %s", op, f.param, f.what)
		}
		*f.dst = *v
	}
	if p.MinLimit > p.MaxLimit || p.DefaultLimit < p.MinLimit || p.DefaultLimit > p.MaxLimit || p.DefaultOffset < p.MinOffset {
		return Paging{}, fmt.Errorf("openapi: %s: the paging bounds contradict each other: %+v", op, p)
	}
	return p, nil
}

// The raw shapes parseTable reads. Only what the table needs is declared.
type (
	rawDoc struct {
		Info struct {
			Version string `yaml:"version"`
		} `yaml:"info"`
		Servers []struct {
			URL string `yaml:"url"`
		} `yaml:"servers"`
		Security   *[]map[string][]string          `yaml:"security"`
		Paths      map[string]map[string]yaml.Node `yaml:"paths"`
		Components struct {
			Parameters      map[string]rawParam `yaml:"parameters"`
			SecuritySchemes map[string]struct {
				Type string `yaml:"type"`
				In   string `yaml:"in"`
				Name string `yaml:"name"`
			} `yaml:"securitySchemes"`
		} `yaml:"components"`
	}
	rawOperation struct {
		OperationID string                 `yaml:"operationId"`
		Parameters  []rawParam             `yaml:"parameters"`
		Security    *[]map[string][]string `yaml:"security"`
		Responses   map[string]yaml.Node   `yaml:"responses"`
		Deprecated  bool                   `yaml:"deprecated"`
		Reason      string                 `yaml:"x-deprecated-reason"`
		Announced   *struct {
			Date   string `yaml:"date"`
			Link   string `yaml:"link"`
			Source string `yaml:"source"`
		} `yaml:"x-deprecation"`
	}
	rawParam struct {
		Ref      string `yaml:"$ref"`
		Name     string `yaml:"name"`
		In       string `yaml:"in"`
		Required bool   `yaml:"required"`
		Schema   struct {
			Type    string `yaml:"type"`
			Minimum *int   `yaml:"minimum"`
			Maximum *int   `yaml:"maximum"`
			Default *int   `yaml:"default"`
		} `yaml:"schema"`
	}
)

// methods are the path item keys that name operations, per OpenAPI 3.0.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// parseTable reads the operations and the server URL from an OpenAPI 3.0
// document. It fails, naming the operation and what is wrong, on what the
// table cannot represent: a response key that is not a status code, a
// parameter $ref it cannot resolve, an operation without an operationId, a
// bound that is not an integer.
func parseTable(data []byte) (*table, error) {
	var doc rawDoc
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Servers) == 0 || doc.Servers[0].URL == "" {
		return nil, errors.New("the spec has no servers[0].url")
	}
	t := &table{serverURL: doc.Servers[0].URL, version: doc.Info.Version}
	ids := map[string]bool{}
	for path, item := range doc.Paths {
		if !strings.HasPrefix(path, "/") {
			continue // an x- extension of the paths object
		}
		var shared []rawParam
		if n, ok := item["parameters"]; ok {
			if err := n.Decode(&shared); err != nil {
				return nil, fmt.Errorf("path %s: parameters: %w", path, err)
			}
		}
		for _, m := range methods {
			n, ok := item[m]
			if !ok {
				continue
			}
			var raw rawOperation
			if err := n.Decode(&raw); err != nil {
				return nil, fmt.Errorf("%s %s: %w", strings.ToUpper(m), path, err)
			}
			op, err := buildOperation(&doc, strings.ToUpper(m), path, raw, shared)
			if err != nil {
				return nil, err
			}
			if ids[op.ID] {
				return nil, fmt.Errorf("%s: the operationId is used twice", op)
			}
			ids[op.ID] = true
			t.ops = append(t.ops, op)
		}
	}
	if len(t.ops) == 0 {
		return nil, errors.New("the spec has no operations")
	}
	slices.SortFunc(t.ops, func(a, b Operation) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Method, b.Method))
	})
	return t, nil
}

func buildOperation(doc *rawDoc, method, path string, raw rawOperation, shared []rawParam) (Operation, error) {
	op := Operation{ID: raw.OperationID, Method: method, Path: path, Deprecated: raw.Deprecated, DeprecatedReason: raw.Reason}
	if op.ID == "" {
		return op, fmt.Errorf("%s %s has no operationId", method, path)
	}
	if a := raw.Announced; a != nil {
		date, err := time.Parse(time.DateOnly, a.Date)
		if err != nil {
			return op, fmt.Errorf("%s: x-deprecation: date %q is not a YYYY-MM-DD date", op, a.Date)
		}
		if a.Link != "" {
			if u, err := url.Parse(a.Link); err != nil || !u.IsAbs() {
				return op, fmt.Errorf("%s: x-deprecation: link %q is not an absolute URL", op, a.Link)
			}
		}
		op.Announced = &Announcement{Date: date, Link: a.Link, Source: a.Source}
	}
	for code := range raw.Responses {
		status, err := strconv.Atoi(code)
		if err != nil || status < 100 || status > 599 {
			return op, fmt.Errorf("%s: response %q is not a status code; the table needs explicit statuses", op, code)
		}
		op.Statuses = append(op.Statuses, status)
	}
	if len(op.Statuses) == 0 {
		return op, fmt.Errorf("%s documents no response", op)
	}
	slices.Sort(op.Statuses)

	security := doc.Security
	if raw.Security != nil {
		security = raw.Security
	}
	if security != nil && len(*security) > 0 {
		op.Auth = !slices.ContainsFunc(*security, func(req map[string][]string) bool { return len(req) == 0 })
		for _, req := range *security {
			for scheme := range req {
				if ss, ok := doc.Components.SecuritySchemes[scheme]; ok && ss.Type == "apiKey" && ss.In == "header" &&
					ss.Name != "" && !slices.Contains(op.AuthHeaders, ss.Name) {
					op.AuthHeaders = append(op.AuthHeaders, ss.Name)
				}
			}
		}
		slices.Sort(op.AuthHeaders)
	}

	// Operation-level parameters override path-level ones of the same name
	// and location.
	params := map[string]Parameter{}
	var order []string
	for _, list := range [][]rawParam{shared, raw.Parameters} {
		for _, rp := range list {
			p, in, err := resolveParam(doc, rp)
			if err != nil {
				return op, fmt.Errorf("%s: %w", op, err)
			}
			if in != "query" {
				continue
			}
			if _, seen := params[p.Name]; !seen {
				order = append(order, p.Name)
			}
			params[p.Name] = p
		}
	}
	for _, name := range order {
		op.Query = append(op.Query, params[name])
	}
	return op, nil
}

const paramRefPrefix = "#/components/parameters/"

func resolveParam(doc *rawDoc, rp rawParam) (Parameter, string, error) {
	if rp.Ref != "" {
		name, ok := strings.CutPrefix(rp.Ref, paramRefPrefix)
		target, found := doc.Components.Parameters[name]
		if !ok || !found || target.Ref != "" {
			return Parameter{}, "", fmt.Errorf("parameter $ref %q does not name a parameter under %s", rp.Ref, paramRefPrefix)
		}
		rp = target
	}
	if rp.Name == "" || rp.In == "" {
		return Parameter{}, "", errors.New("a parameter lacks its name or its location (in)")
	}
	return Parameter{
		Name: rp.Name, Required: rp.Required, Type: rp.Schema.Type,
		Minimum: rp.Schema.Minimum, Maximum: rp.Schema.Maximum, Default: rp.Schema.Default,
	}, rp.In, nil
}

// Table is the operations, list operation, paging and server URL of any
// spec document of the token operations: the embedded one (see Operations
// and the functions beside it) or one a user gives (a published release, a
// pinned copy, a spec patched by an overlay).
type Table struct {
	// Operations are ordered by path and then by method.
	Operations []Operation
	// List is the list operation (the one GET).
	List Operation
	// Paging is the list operation's limit and offset bounds and defaults.
	Paging Paging
	// ServerURL is servers[0].url.
	ServerURL string
	// Version is info.version.
	Version string
}

// ReadTable reads the table of a spec document; name names it in errors.
func ReadTable(name string, data []byte) (*Table, error) {
	t, err := parseTable(data)
	if err != nil {
		return nil, fmt.Errorf("openapi: reading the operations of %s: %w", name, err)
	}
	list, err := listOperation(t.ops)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p, err := paging(list)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &Table{Operations: t.ops, List: list, Paging: p, ServerURL: t.serverURL, Version: t.version}, nil
}

package contract

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

// LayerRequest holds the rules about the caller's own request, which
// CheckRequest applies: a team's mistakes, never the vendor's drift.
const LayerRequest Layer = "request"

// Finding ids of the caller's request (all info).
const (
	IDRequestUnknownParameter    = "request-unknown-parameter"
	IDRequestParameterOutOfRange = "request-parameter-out-of-range"
	IDRequestMissingAuth         = "request-missing-auth"
)

func init() {
	rule(IDRequestUnknownParameter, Info, LayerRequest,
		"The caller's request has a query parameter the operation does not declare.",
		"Fix the caller: the endpoint ignores the parameter, or may start to reject it. This is the caller's mistake, not drift.")
	rule(IDRequestParameterOutOfRange, Info, LayerRequest,
		"The caller's request has a query parameter that is not an integer, or is outside the spec's minimum and maximum.",
		"Fix the caller: the endpoint answers 422, or clamps the value. This is the caller's mistake, not drift.")
	rule(IDRequestMissingAuth, Info, LayerRequest,
		"The caller's request to an operation that requires a credential carries no credential header.",
		"Fix the caller's configuration: the endpoint answers 401. This is the caller's mistake, not drift.")
}

// CheckRequest checks the caller's side of ex against the spec: query
// parameters the operation does not declare, integer parameters that are
// not integers or are outside the spec's bounds, and a missing credential
// header (the spec's apiKey scheme). Its findings are info, in
// LayerRequest, and name parameters and headers, never a value other than
// an integer out of bounds. An exchange that is no operation of the
// contract has none. contract/watch (and so tokens-contract proxy) runs it
// on the exchanges it checks; recordings drop credential headers, so check
// does not.
func (c *Checker) CheckRequest(ex *Exchange) []Finding {
	u, err := url.Parse(ex.Request.URL)
	if err != nil {
		return nil
	}
	o, _ := match(libsOf(c).ops, c.base(ex), strings.ToUpper(ex.Request.Method), u.Path)
	if o == nil {
		return nil
	}
	i := slices.IndexFunc(c.table.Operations, func(op openapi.Operation) bool { return op.ID == o.id })
	if i < 0 {
		return nil
	}
	op := c.table.Operations[i]
	var out []Finding
	add := func(id, path, format string, args ...any) {
		out = append(out, newFinding(id, path, ex.Source, format, args...))
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		p, ok := op.QueryParameter(name)
		if !ok {
			add(IDRequestUnknownParameter, "query "+safeName(name), "%s does not declare the query parameter %s", op, safeName(name))
			continue
		}
		if p.Type != "integer" {
			continue
		}
		for _, v := range q[name] {
			n, err := strconv.Atoi(v)
			switch {
			case err != nil:
				add(IDRequestParameterOutOfRange, "query "+name, "%s: %s is not an integer", op, name)
			case p.Minimum != nil && n < *p.Minimum:
				add(IDRequestParameterOutOfRange, "query "+name, "%s: %s=%d is below the minimum %d", op, name, n, *p.Minimum)
			case p.Maximum != nil && n > *p.Maximum:
				add(IDRequestParameterOutOfRange, "query "+name, "%s: %s=%d is above the maximum %d", op, name, n, *p.Maximum)
			}
		}
	}
	if op.Auth && len(op.AuthHeaders) > 0 && !slices.ContainsFunc(op.AuthHeaders, func(h string) bool {
		return hasHeader(ex.Request.Header, h)
	}) {
		add(IDRequestMissingAuth, "header "+op.AuthHeaders[0], "%s requires the %s header; the request has none", op, strings.Join(op.AuthHeaders, " or "))
	}
	return out
}

// hasHeader reports whether h has a non-empty name header, under any
// spelling: the project's client sends the vendor's "authToken" as it is,
// not in Go's canonical form.
func hasHeader(h http.Header, name string) bool {
	for k, vs := range h {
		if strings.EqualFold(k, name) && slices.ContainsFunc(vs, func(v string) bool { return v != "" }) {
			return true
		}
	}
	return false
}

// safeName is a query parameter name fit for a finding: a short run of
// word characters, or a placeholder (a name can be data).
func safeName(name string) string {
	if len(name) > 40 || strings.IndexFunc(name, func(r rune) bool {
		return !(r == '_' || r == '-' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) >= 0 {
		return "(a name with other characters)"
	}
	return name
}

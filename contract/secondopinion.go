package contract

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// secondOpinion validates the body again with kin-openapi when the Checker
// was built WithSecondOpinion, and reports a disagreement with the
// libopenapi-validator verdict of the schema layer (strict mode aside, which
// kin-openapi has no equivalent of). The route is built from the operation
// already matched, so kin-openapi's server-host matching does not get in the
// way of replays. Its error text can quote values, so only the failing
// schema keyword and the location are used.
func (s *check) secondOpinion() {
	if s.op.kin == nil {
		return
	}
	req, err := http.NewRequest(s.op.method, s.url.String(), nil)
	if err != nil {
		return
	}
	kinDoc := libsOf(s.c).kinDoc
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req,
			Route: &routers.Route{
				Spec: kinDoc, Path: s.op.kinPath, PathItem: kinDoc.Paths.Find(s.op.kinPath),
				Method: s.op.method, Operation: s.op.kin,
			},
		},
		Status: s.ex.Response.Status,
		Header: s.ex.Response.Header,
		Options: &openapi3filter.Options{
			IncludeResponseStatus:   true,
			MultiError:              true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
		},
	}
	in.SetBodyBytes(s.ex.Response.Body)
	kinErr := openapi3filter.ValidateResponse(context.Background(), in)
	switch {
	case kinErr == nil && !s.schemaOK:
		s.add(IDValidatorsDisagree, "$", "libopenapi-validator rejects the body (%s) but kin-openapi accepts it", s.schemaIDs())
	case kinErr != nil && s.schemaOK:
		s.add(IDValidatorsDisagree, "$", "kin-openapi rejects the body (%s) but libopenapi-validator accepts it", kinSummary(kinErr, s.cut))
	}
}

// schemaIDs lists the ids of the schema layer's breaking findings so far.
func (s *check) schemaIDs() string {
	set := map[string]bool{}
	for _, f := range s.findings {
		if rules[f.ID].Layer == LayerSchema && f.Severity == Breaking {
			set[f.ID+" at "+f.Path] = true
		}
	}
	var ids []string
	for id := range set {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if len(ids) > 3 {
		ids = append(ids[:3], "…")
	}
	return strings.Join(ids, "; ")
}

// kinSummary describes kin-openapi's errors by schema keyword and location;
// cut scrubs and bounds the reasons it quotes.
func kinSummary(err error, cut func(string, int) string) string {
	var parts []string
	var walk func(error)
	walk = func(err error) {
		var multi openapi3.MultiError
		if errors.As(err, &multi) {
			for _, e := range multi {
				walk(e)
			}
			return
		}
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			parts = append(parts, se.SchemaField+" at "+jsonPath(se.JSONPointer()))
			return
		}
		var re *openapi3filter.ResponseError
		if errors.As(err, &re) && re.Reason != "" {
			parts = append(parts, "response "+cut(re.Reason, 80))
			return
		}
		parts = append(parts, "a validation error")
	}
	walk(err)
	sort.Strings(parts)
	if len(parts) > 3 {
		parts = append(parts[:3], "…")
	}
	return strings.Join(parts, "; ")
}

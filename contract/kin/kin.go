// Package kin is the contract checks' second opinion: kin-openapi, an OpenAPI
// stack independent of the libopenapi-validator the Checker is built on,
// validating every checked body again. Where the two disagree, the Checker
// reports validators-disagree (info), which says that one of the validators,
// not the vendor, needs a look:
//
//	c, err := contract.New(contract.WithSecondOpinion(kin.New))
//
// It is a package of its own so that a program links kin-openapi only when
// it asks for the second opinion: package contract and its watch transport
// do not import it.
//
// The response is validated against the operation the Checker has already
// matched, so kin-openapi's server-host matching does not get in the way of
// replays. Schema error details are turned off, and a rejection carries only
// the failing schema keyword and the location, never the value.
package kin

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/kinload"
)

// opinion is kin-openapi's reading of one spec. kin-openapi's document is
// read-only once loaded, so one opinion serves concurrent checks.
type opinion struct {
	doc *openapi3.T
}

// New reads spec with kin-openapi (name names it in errors) and returns the
// second opinion a Checker asks through contract.WithSecondOpinion. External
// references are refused.
func New(name string, spec []byte) (contract.SecondOpinion, error) {
	doc, err := kinload.Load(name, spec)
	if err != nil {
		return nil, err
	}
	return &opinion{doc: doc}, nil
}

var _ contract.NewSecondOpinion = New

// Describes reports whether the spec has method path.
func (o *opinion) Describes(method, path string) bool {
	item := o.doc.Paths.Find(path)
	return item != nil && item.GetOperation(method) != nil
}

// Validate judges resp as a response of method path.
func (o *opinion) Validate(method, path string, resp contract.Response) []contract.Rejection {
	item := o.doc.Paths.Find(path)
	if item == nil || item.GetOperation(method) == nil {
		return []contract.Rejection{{Reason: "the spec has no operation " + method + " " + path}}
	}
	req := &http.Request{Method: method, URL: &url.URL{Path: path}, Header: http.Header{}}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req,
			Route: &routers.Route{
				Spec: o.doc, Path: path, PathItem: item,
				Method: method, Operation: item.GetOperation(method),
			},
		},
		Status: resp.Status,
		Header: resp.Header,
		Options: &openapi3filter.Options{
			IncludeResponseStatus:   true,
			MultiError:              true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
		},
	}
	in.SetBodyBytes(resp.Body)
	err := openapi3filter.ValidateResponse(context.Background(), in)
	if err == nil {
		return nil
	}
	return rejections(err)
}

// rejections turns kin-openapi's errors into the Checker's rejections: the
// schema keyword and the location of each, or the reason of a response-level
// error. Something else is an unnamed rejection.
func rejections(err error) []contract.Rejection {
	var out []contract.Rejection
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
			out = append(out, contract.Rejection{Keyword: se.SchemaField, Location: se.JSONPointer()})
			return
		}
		var re *openapi3filter.ResponseError
		if errors.As(err, &re) && re.Reason != "" {
			out = append(out, contract.Rejection{Reason: re.Reason})
			return
		}
		out = append(out, contract.Rejection{})
	}
	walk(err)
	return out
}

// Package specload loads an OpenAPI document of the token operations with
// the two OpenAPI stacks the project uses: kin-openapi and libopenapi. It
// takes any document's bytes, so callers can load the embedded spec
// (package openapi), a published release or a user's file alike. Package
// openapi itself stays free of both stacks, so that printing the spec costs
// a downstream module nothing but the standard library and a YAML parser.
package specload

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/pb33f/libopenapi"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

// Kin parses data with kin-openapi. name names the document in errors (a
// file path, or openapi.FileName for the embedded spec). Each call returns a
// new document, so callers may change it. External references are refused.
func Kin(name string, data []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("loading %s with kin-openapi: %w", name, err)
	}
	return doc, nil
}

// Libopenapi parses data with libopenapi and builds its OpenAPI 3
// high-level model. It returns the document too, since validators built from
// libopenapi take it. Each call returns a new document.
func Libopenapi(name string, data []byte) (libopenapi.Document, *v3.Document, error) {
	doc, err := libopenapi.NewDocument(data)
	if err != nil {
		return nil, nil, fmt.Errorf("loading %s with libopenapi: %w", name, err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, nil, fmt.Errorf("building the OpenAPI 3 model of %s: %w", name, err)
	}
	if model == nil {
		return nil, nil, fmt.Errorf("building the OpenAPI 3 model of %s: not an OpenAPI 3 document", name)
	}
	return doc, &model.Model, nil
}

// EmbeddedKin loads the embedded spec with kin-openapi.
func EmbeddedKin() (*openapi3.T, error) { return Kin(openapi.FileName, openapi.YAML()) }

// EmbeddedLibopenapi loads the embedded spec with libopenapi.
func EmbeddedLibopenapi() (libopenapi.Document, *v3.Document, error) {
	return Libopenapi(openapi.FileName, openapi.YAML())
}

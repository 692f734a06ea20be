// Package specload loads an OpenAPI document of the token operations with
// libopenapi, the OpenAPI stack the contract checks are built on (package
// kinload loads it with kin-openapi, the second opinion's stack). It
// takes any document's bytes, so callers can load the embedded spec
// (package openapi), a published release or a user's file alike. Package
// openapi itself stays free of both stacks, so that printing the spec costs
// a downstream module nothing but the standard library and a YAML parser.
package specload

import (
	"fmt"

	"github.com/pb33f/libopenapi"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

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

// EmbeddedLibopenapi loads the embedded spec with libopenapi.
func EmbeddedLibopenapi() (libopenapi.Document, *v3.Document, error) {
	return Libopenapi(openapi.FileName, openapi.YAML())
}

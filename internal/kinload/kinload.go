// Package kinload loads an OpenAPI document of the token operations with
// kin-openapi, the project's second OpenAPI stack (package specload loads it
// with libopenapi). It is a package of its own so that importing the
// libopenapi loader, as package contract does, does not link kin-openapi.
package kinload

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

// Load parses data with kin-openapi. name names the document in errors (a
// file path, or openapi.FileName for the embedded spec). Each call returns a
// new document, so callers may change it. External references are refused.
func Load(name string, data []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("loading %s with kin-openapi: %w", name, err)
	}
	return doc, nil
}

// Embedded loads the embedded spec with kin-openapi.
func Embedded() (*openapi3.T, error) { return Load(openapi.FileName, openapi.YAML()) }

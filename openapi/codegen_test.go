package openapi_test

import (
	"fmt"
	"strings"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

// ExampleCodegenConfig prints the fields of the recommended oapi-codegen
// configuration that a downstream module changes (tokens-spec --config
// --package NAME does it for them).
func ExampleCodegenConfig() {
	for line := range strings.Lines(string(openapi.CodegenConfig())) {
		if strings.HasPrefix(line, "package:") || strings.HasPrefix(line, "output:") {
			fmt.Print(line)
		}
	}
	// Output:
	// package: tokensapi
	// output: tokensapi.gen.go
}

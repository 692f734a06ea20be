package openapi

import (
	"fmt"

	"github.com/pb33f/go-yaml"

	"github.com/b2b-contract/s2s-tokens/internal/yamljson"
)

// yamlToJSON renders a YAML document as indented JSON, keeping mapping keys in
// their YAML order and following aliases.
func yamlToJSON(src []byte) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, fmt.Errorf("openapi: parsing YAML: %w", err)
	}
	out, err := yamljson.Indented(&root)
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	return append(out, '\n'), nil
}

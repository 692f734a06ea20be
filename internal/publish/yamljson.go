package publish

import (
	"github.com/pb33f/go-yaml"

	"github.com/b2b-contract/s2s-tokens/internal/yamljson"
)

// nodeJSON renders a YAML value from libopenapi's model (an example) as
// indented JSON, keeping keys in the spec's order.
func nodeJSON(n *yaml.Node) (string, error) {
	b, err := yamljson.Indented(n)
	return string(b), err
}

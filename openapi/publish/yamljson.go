package publish

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/pb33f/go-yaml"
)

// maxDepth bounds the nesting (and alias chains) of an example value.
const maxDepth = 64

// nodeJSON renders a YAML value from libopenapi's model (an example) as
// indented JSON, keeping keys in the spec's order.
func nodeJSON(n *yaml.Node) (string, error) {
	var b bytes.Buffer
	if err := writeNode(&b, n, 0); err != nil {
		return "", err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "  "); err != nil {
		return "", err
	}
	return out.String(), nil
}

func writeNode(b *bytes.Buffer, n *yaml.Node, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("example nests deeper than %d levels at line %d", maxDepth, n.Line)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return fmt.Errorf("example at line %d holds %d documents", n.Line, len(n.Content))
		}
		return writeNode(b, n.Content[0], depth+1)
	case yaml.AliasNode:
		return writeNode(b, n.Alias, depth+1)
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(n.Content[i].Value)
			b.Write(k)
			b.WriteByte(':')
			if err := writeNode(b, n.Content[i+1], depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeNode(b, c, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			b.WriteString("null")
		case "!!bool":
			v, err := strconv.ParseBool(n.Value)
			if err != nil {
				var bv bool
				if derr := n.Decode(&bv); derr != nil {
					return fmt.Errorf("boolean at line %d: %w", n.Line, derr)
				}
				v = bv
			}
			b.WriteString(strconv.FormatBool(v))
		case "!!int", "!!float":
			var f float64
			if err := n.Decode(&f); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				return fmt.Errorf("number %q at line %d has no JSON form", n.Value, n.Line)
			}
			if n.ShortTag() == "!!int" {
				var i int64
				if err := n.Decode(&i); err == nil {
					b.WriteString(strconv.FormatInt(i, 10))
					return nil
				}
			}
			b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		default:
			s, _ := json.Marshal(n.Value)
			b.Write(s)
		}
	default:
		return fmt.Errorf("unsupported YAML node at line %d", n.Line)
	}
	return nil
}

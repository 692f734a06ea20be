// Package yamljson renders YAML nodes (libopenapi's go-yaml fork) as JSON,
// keeping mapping keys in their YAML order (a map-based conversion sorts
// them) and following aliases. The openapi package uses it for the spec's
// JSON form; internal/publish for the examples on the reference page.
package yamljson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/pb33f/go-yaml"
)

// maxDepth bounds nesting and alias chains, so a self-referencing alias
// cannot recurse forever.
const maxDepth = 64

// Indented renders n as JSON indented by two spaces.
func Indented(n *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	if err := write(&b, n, 0); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "  "); err != nil {
		return nil, fmt.Errorf("indenting JSON: %w", err)
	}
	return out.Bytes(), nil
}

func write(b *bytes.Buffer, n *yaml.Node, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("YAML nests deeper than %d levels at line %d", maxDepth, n.Line)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return fmt.Errorf("expected one YAML document at line %d, found %d", n.Line, len(n.Content))
		}
		return write(b, n.Content[0], depth+1)
	case yaml.AliasNode:
		return write(b, n.Alias, depth+1)
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return fmt.Errorf("non-scalar mapping key at line %d has no JSON form", k.Line)
			}
			kb, _ := json.Marshal(k.Value)
			b.Write(kb)
			b.WriteByte(':')
			if err := write(b, n.Content[i+1], depth+1); err != nil {
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
			if err := write(b, c, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		return scalar(b, n)
	default:
		return fmt.Errorf("unsupported YAML node kind %d at line %d", n.Kind, n.Line)
	}
	return nil
}

func scalar(b *bytes.Buffer, n *yaml.Node) error {
	switch n.ShortTag() {
	case "!!null":
		b.WriteString("null")
	case "!!bool":
		var v bool
		if err := n.Decode(&v); err != nil {
			return fmt.Errorf("boolean at line %d: %w", n.Line, err)
		}
		b.WriteString(strconv.FormatBool(v))
	case "!!int", "!!float":
		var f float64
		if err := n.Decode(&f); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return fmt.Errorf("number at line %d has no JSON form", n.Line)
		}
		var i int64
		if n.ShortTag() == "!!int" && n.Decode(&i) == nil {
			b.WriteString(strconv.FormatInt(i, 10))
			return nil
		}
		b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
	default: // strings, timestamps and binary stay strings
		s, _ := json.Marshal(n.Value)
		b.Write(s)
	}
	return nil
}

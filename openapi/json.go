package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// yamlToJSON renders a YAML document as indented JSON, keeping mapping keys in
// their YAML order (a map-based conversion would sort them) and following
// aliases.
func yamlToJSON(src []byte) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, fmt.Errorf("openapi: parsing YAML: %w", err)
	}
	var buf bytes.Buffer
	if err := writeJSON(&buf, &root, 0); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, buf.Bytes(), "", "  "); err != nil {
		return nil, fmt.Errorf("openapi: indenting JSON: %w", err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// maxAliasDepth bounds alias chains, so that a self-referencing alias cannot
// recurse forever.
const maxAliasDepth = 64

func writeJSON(buf *bytes.Buffer, n *yaml.Node, depth int) error {
	if depth > maxAliasDepth {
		return fmt.Errorf("openapi: YAML nests deeper than %d levels at line %d", maxAliasDepth, n.Line)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return fmt.Errorf("openapi: expected one YAML document, found %d", len(n.Content))
		}
		return writeJSON(buf, n.Content[0], depth)
	case yaml.AliasNode:
		return writeJSON(buf, n.Alias, depth+1)
	case yaml.MappingNode:
		buf.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				buf.WriteByte(',')
			}
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return fmt.Errorf("openapi: non-scalar mapping key at line %d", k.Line)
			}
			kb, _ := json.Marshal(k.Value)
			buf.Write(kb)
			buf.WriteByte(':')
			if err := writeJSON(buf, n.Content[i+1], depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeJSON(buf, c, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case yaml.ScalarNode:
		return writeScalar(buf, n)
	default:
		return fmt.Errorf("openapi: unsupported YAML node kind %d at line %d", n.Kind, n.Line)
	}
	return nil
}

func writeScalar(buf *bytes.Buffer, n *yaml.Node) error {
	switch n.ShortTag() {
	case "!!null":
		buf.WriteString("null")
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return fmt.Errorf("openapi: boolean at line %d: %w", n.Line, err)
		}
		buf.WriteString(strconv.FormatBool(b))
	case "!!int":
		var i int64
		if err := n.Decode(&i); err != nil {
			return fmt.Errorf("openapi: integer at line %d: %w", n.Line, err)
		}
		buf.WriteString(strconv.FormatInt(i, 10))
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return fmt.Errorf("openapi: number at line %d: %w", n.Line, err)
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return fmt.Errorf("openapi: number at line %d has no JSON form", n.Line)
		}
		buf.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
	default: // strings, timestamps and binary stay strings
		b, _ := json.Marshal(n.Value)
		buf.Write(b)
	}
	return nil
}

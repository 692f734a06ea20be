package overlay

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// specIndex finds, in a spec's YAML, the nodes an overlay targets and the
// JSONPath that reaches each.
type specIndex struct {
	root    *yaml.Node
	version string
	ops     map[string]opRef // by operationId
	pol     policy           // what may be taken from the exchanges
	table   *openapi.Table   // the spec's operation table, nil when unreadable
}

type opRef struct {
	target string     // JSONPath of the operation object
	node   *yaml.Node // the operation object
}

// schemaRef is a schema node and the JSONPath of the node that defines it
// (after following $ref, so an action changes the definition, not a use).
type schemaRef struct {
	target string
	node   *yaml.Node
}

func newSpecIndex(spec []byte) (*specIndex, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("overlay: the spec is not YAML: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("overlay: the spec is not a YAML mapping")
	}
	idx := &specIndex{root: doc.Content[0], ops: map[string]opRef{}}
	if t, err := openapi.ReadTable("the spec", spec); err == nil {
		idx.table = t
	}
	if v := get(get(idx.root, "info"), "version"); v != nil {
		idx.version = v.Value
	}
	paths := get(idx.root, "paths")
	if paths == nil || paths.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("overlay: the spec has no paths")
	}
	for i := 0; i+1 < len(paths.Content); i += 2 {
		p, item := paths.Content[i].Value, paths.Content[i+1]
		if item.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j+1 < len(item.Content); j += 2 {
			method := item.Content[j].Value
			if !slices.Contains([]string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}, method) {
				continue
			}
			if id := get(item.Content[j+1], "operationId"); id != nil {
				idx.ops[id.Value] = opRef{target: "$.paths" + member(p) + member(method), node: item.Content[j+1]}
			}
		}
	}
	return idx, nil
}

// responseSchema returns the application/json schema of op's response for
// status, following $refs.
func (idx *specIndex) responseSchema(op opRef, status int) (schemaRef, bool) {
	code := fmt.Sprint(status)
	resp, respTarget := idx.deref(get(get(op.node, "responses"), code), op.target+".responses"+member(code))
	if resp == nil {
		return schemaRef{}, false
	}
	content := get(resp, "content")
	if content == nil {
		return schemaRef{}, false
	}
	for i := 0; i+1 < len(content.Content); i += 2 {
		if mt := content.Content[i].Value; mt == "application/json" || strings.HasSuffix(mt, "+json") {
			schema := get(content.Content[i+1], "schema")
			if schema == nil {
				return schemaRef{}, false
			}
			node, target := idx.deref(schema, respTarget+".content"+member(mt)+".schema")
			return schemaRef{target: target, node: node}, node != nil
		}
	}
	return schemaRef{}, false
}

// walk follows path steps through properties and items, following $refs.
func (idx *specIndex) walk(at schemaRef, steps []contract.PathStep) (schemaRef, bool) {
	for _, st := range steps {
		var next *yaml.Node
		var nextTarget string
		switch {
		case st.Wildcard || st.IsIndex:
			next, nextTarget = get(at.node, "items"), at.target+".items"
		default:
			next, nextTarget = get(get(at.node, "properties"), st.Name), at.target+".properties"+member(st.Name)
		}
		if next == nil {
			return schemaRef{}, false
		}
		node, target := idx.deref(next, nextTarget)
		if node == nil {
			return schemaRef{}, false
		}
		at = schemaRef{target: target, node: node}
	}
	return at, true
}

// deref follows a $ref to a local component; target is the JSONPath of n
// itself (empty when unknown), replaced by the component's when n is a ref.
func (idx *specIndex) deref(n *yaml.Node, target string) (*yaml.Node, string) {
	for range 16 {
		ref := get(n, "$ref")
		if ref == nil {
			return n, target
		}
		parts := strings.Split(strings.TrimPrefix(ref.Value, "#/"), "/")
		if !strings.HasPrefix(ref.Value, "#/") {
			return nil, ""
		}
		n, target = idx.root, "$"
		for _, p := range parts {
			p = strings.NewReplacer("~1", "/", "~0", "~").Replace(p)
			n = get(n, p)
			target += member(p)
		}
		if n == nil {
			return nil, ""
		}
	}
	return nil, ""
}

func (s schemaRef) enum() []string     { return scalars(get(s.node, "enum")) }
func (s schemaRef) required() []string { return scalars(get(s.node, "required")) }

func scalars(n *yaml.Node) []string {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, c := range n.Content {
		out = append(out, c.Value)
	}
	return out
}

// get returns the value of key in a mapping node.
func get(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// member is the JSONPath step to an object member: dot notation for plain
// names, bracket notation with single quotes for anything else.
func member(name string) string {
	plain := name != ""
	for i := 0; i < len(name) && plain; i++ {
		c := name[i]
		plain = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9'
	}
	if plain {
		return "." + name
	}
	return "[" + quote(name) + "]"
}

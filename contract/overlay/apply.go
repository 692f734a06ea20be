package overlay

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/pb33f/libopenapi"
	lover "github.com/pb33f/libopenapi/overlay"
)

// Apply applies an Overlay document to a spec, both as YAML or JSON, with
// libopenapi's overlay engine, and returns the patched spec as YAML. Warnings
// are the engine's: an action whose target selected nothing, say. An overlay
// that does not parse, or whose application fails, is an error naming
// overlayName.
//
// Only what the actions target changes: every node of a YAML spec that the
// overlay left equal keeps its original form (a folded description stays
// folded, quoting and comments stay), so the patched spec diffs against the
// original in the lines the actions touched.
func Apply(spec []byte, overlayName string, overlayDoc []byte) ([]byte, []string, error) {
	ov, err := libopenapi.NewOverlayDocument(overlayDoc)
	if err != nil {
		return nil, nil, fmt.Errorf("overlay %s: %w", overlayName, err)
	}
	res, err := lover.Apply(spec, ov)
	if err != nil {
		return nil, nil, fmt.Errorf("overlay %s: %w", overlayName, err)
	}
	var warnings []string
	for _, w := range res.Warnings {
		warnings = append(warnings, fmt.Sprintf("overlay %s: %s", overlayName, w))
	}
	out, err := reindent(spec, res.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("overlay %s: re-encoding the patched spec: %w", overlayName, err)
	}
	return out, warnings, nil
}

// reindent re-encodes the patched YAML with the two-space indentation the
// spec file uses (the overlay engine writes four), keeping comments, and
// with every node the overlay left equal taken from the original spec (when
// that is YAML, not JSON), so that its style survives the engine.
func reindent(orig, doc []byte) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, err
	}
	var folded map[string][]string
	if trimmed := bytes.TrimSpace(orig); len(trimmed) > 0 && trimmed[0] != '{' {
		var before yaml.Node
		if yaml.Unmarshal(orig, &before) == nil && len(before.Content) == 1 && len(root.Content) == 1 {
			root.Content[0] = keepUntouched(before.Content[0], root.Content[0])
			folded = keepFolded(root.Content[0], strings.Split(string(orig), "\n"), map[string][]string{})
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	if len(folded) == 0 {
		return buf.Bytes(), nil
	}
	// Put each folded scalar's original text back in its placeholder's place.
	lines := strings.SplitAfter(buf.String(), "\n")
	var out strings.Builder
	for _, line := range lines {
		body := strings.TrimSuffix(line, "\n")
		if i := strings.LastIndexByte(body, ' '); i >= 0 {
			if text, ok := folded[body[i+1:]]; ok {
				out.WriteString(body[:i+1])
				out.WriteString(strings.Join(text, "\n"))
				out.WriteString("\n")
				continue
			}
		}
		out.WriteString(line)
	}
	return []byte(out.String()), nil
}

// keepFolded replaces, under n, each folded block scalar taken from the
// original spec (yaml.v3 writes folded text on one line, since it does not
// wrap) by a placeholder, and returns, by placeholder, the scalar's original
// lines: its header (">-") and the indented lines that follow.
func keepFolded(n *yaml.Node, src []string, out map[string][]string) map[string][]string {
	if n == nil || len(out) > 1024 {
		return out
	}
	if n.Kind == yaml.ScalarNode && n.Style&yaml.FoldedStyle != 0 && n.Line > 0 && n.Line <= len(src) {
		header := src[n.Line-1]
		if n.Column < 1 || n.Column > len(header) {
			return out
		}
		// The scalar starts at its anchor, if it has one, then the '>'.
		at := strings.IndexByte(header[n.Column-1:], '>')
		if at < 0 {
			return out
		}
		indent := len(header) - len(strings.TrimLeft(header, " "))
		text := []string{header[n.Column-1+at:]}
		end := n.Line
		for end < len(src) && (strings.TrimSpace(src[end]) == "" || len(src[end])-len(strings.TrimLeft(src[end], " ")) > indent) {
			end++
		}
		for end > n.Line && strings.TrimSpace(src[end-1]) == "" {
			end--
		}
		text = append(text, src[n.Line:end]...)
		key := fmt.Sprintf("tokens-contract-folded-%d-%d", n.Line, n.Column)
		out[key] = text
		n.Value, n.Style, n.Tag = key, 0, ""
		return out
	}
	for _, c := range n.Content {
		out = keepFolded(c, src, out)
	}
	return out
}

// keepUntouched returns orig where patched equals it, and otherwise patched
// with the members and items that equal the original's replaced by them.
func keepUntouched(orig, patched *yaml.Node) *yaml.Node {
	if sameNode(orig, patched, 0) {
		return orig
	}
	switch {
	case orig.Kind == yaml.MappingNode && patched.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(patched.Content); i += 2 {
			for j := 0; j+1 < len(orig.Content); j += 2 {
				if orig.Content[j].Value == patched.Content[i].Value && sameNode(orig.Content[j], patched.Content[i], 0) {
					patched.Content[i] = orig.Content[j]
					patched.Content[i+1] = keepUntouched(orig.Content[j+1], patched.Content[i+1])
					break
				}
			}
		}
	case orig.Kind == yaml.SequenceNode && patched.Kind == yaml.SequenceNode:
		for i := range min(len(orig.Content), len(patched.Content)) {
			patched.Content[i] = keepUntouched(orig.Content[i], patched.Content[i])
		}
	default:
		return patched
	}
	patched.Style = orig.Style
	if patched.HeadComment == "" && patched.LineComment == "" && patched.FootComment == "" {
		patched.HeadComment, patched.LineComment, patched.FootComment = orig.HeadComment, orig.LineComment, orig.FootComment
	}
	return patched
}

// sameNode reports whether two nodes hold the same data, whatever their
// style, comments and positions.
func sameNode(a, b *yaml.Node, depth int) bool {
	if depth > 256 {
		return false
	}
	for a.Kind == yaml.AliasNode && a.Alias != nil {
		a = a.Alias
	}
	for b.Kind == yaml.AliasNode && b.Alias != nil {
		b = b.Alias
	}
	if a.Kind != b.Kind || len(a.Content) != len(b.Content) {
		return false
	}
	if a.Kind == yaml.ScalarNode && (a.Value != b.Value || a.ShortTag() != b.ShortTag()) {
		return false
	}
	for i := range a.Content {
		if !sameNode(a.Content[i], b.Content[i], depth+1) {
			return false
		}
	}
	return true
}

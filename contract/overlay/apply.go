package overlay

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
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

// Source is one overlay document to apply, named as the user gave it.
type Source struct {
	Name string
	Doc  []byte
}

// ProvenanceKey is the extension of the patched document's info object in
// which ApplyAll records the overlays that made it.
const ProvenanceKey = "x-tokens-contract-overlays"

// ApplyAll applies overlays to spec one after another, in order (each to the
// result of the one before), and records them in the patched document's
// info under ProvenanceKey: a list of {file, sha256}, the overlay's base
// name and the SHA-256 of its bytes, appended to the list a document
// patched before already holds. Warnings are every overlay's, named; the
// first overlay that fails to apply is the error.
func ApplyAll(spec []byte, overlays []Source) ([]byte, []string, error) {
	var warnings []string
	out := spec
	for _, o := range overlays {
		patched, w, err := Apply(out, o.Name, o.Doc)
		if err != nil {
			return nil, nil, err
		}
		warnings = append(warnings, w...)
		out = patched
	}
	if len(overlays) == 0 {
		return out, nil, nil
	}
	stamped, err := stamp(out, overlays)
	if err != nil {
		return nil, nil, fmt.Errorf("recording the overlays in the patched spec: %w", err)
	}
	return stamped, warnings, nil
}

// stamp appends the overlays to info[ProvenanceKey] of the YAML document
// doc.
func stamp(doc []byte, overlays []Source) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, err
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("the patched spec is not a YAML mapping")
	}
	str := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	info := lookup(root.Content[0], "info")
	if info == nil || info.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("the patched spec has no info object")
	}
	list := lookup(info, ProvenanceKey)
	if list == nil || list.Kind != yaml.SequenceNode {
		if list != nil {
			return nil, fmt.Errorf("info.%s is not a list", ProvenanceKey)
		}
		list = &yaml.Node{Kind: yaml.SequenceNode}
		info.Content = append(info.Content, str(ProvenanceKey), list)
	}
	for _, o := range overlays {
		sum := sha256.Sum256(o.Doc)
		list.Content = append(list.Content, &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
			str("file"), str(filepath.Base(o.Name)), str("sha256"), str(hex.EncodeToString(sum[:])),
		}})
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
	return buf.Bytes(), nil
}

// lookup returns the value of key in mapping m, or nil.
func lookup(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

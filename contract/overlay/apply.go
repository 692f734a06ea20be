package overlay

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/pb33f/libopenapi"
	lover "github.com/pb33f/libopenapi/overlay"
)

// Apply applies an Overlay document to a spec, both as YAML or JSON, with
// libopenapi's overlay engine, and returns the patched spec as YAML. Warnings
// are the engine's: an action whose target selected nothing, say. An overlay
// that does not parse, or whose application fails, is an error naming
// overlayName.
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
	out, err := reindent(res.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("overlay %s: re-encoding the patched spec: %w", overlayName, err)
	}
	return out, warnings, nil
}

// reindent re-encodes YAML with the two-space indentation the spec file
// uses (the overlay engine writes four), keeping comments, so that a patched
// spec diffs against the original line by line.
func reindent(doc []byte) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, err
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

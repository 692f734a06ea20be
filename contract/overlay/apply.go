package overlay

import (
	"bytes"
	"fmt"

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

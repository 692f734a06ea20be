package overlay

import (
	"fmt"

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
	return res.Bytes, warnings, nil
}

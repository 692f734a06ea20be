package openapi

import _ "embed"

//go:embed CHANGELOG.md
var changelog []byte

// Changelog returns a copy of CHANGELOG.md, the Keep a Changelog record of
// every change to the spec, as it is in the repository. It ships with the spec
// in the Go module and in the published bundle.
func Changelog() []byte {
	return append([]byte(nil), changelog...)
}

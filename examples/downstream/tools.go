//go:build tools

// This file pins, in go.mod, the two programs that go generate runs: the spec
// printer tokens-spec, which prints the spec of the pinned s2s-tokens version
// and imports nothing of the checker, and oapi-codegen. Neither comes from the
// machine's PATH.
package tools

import (
	_ "github.com/b2b-contract/s2s-tokens/cmd/tokens-spec"
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)

//go:build tools

// This file pins, in go.mod, the two programs that go generate runs: the
// s2s-tokens CLI, which prints the spec of the pinned s2s-tokens version, and
// oapi-codegen. Neither comes from the machine's PATH.
package tools

import (
	_ "github.com/b2b-contract/s2s-tokens/cmd/tokens-contract"
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)

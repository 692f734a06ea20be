//go:build tools

// This file pins the code generator in go.mod, so that `go generate` uses the
// version recorded there instead of whatever is installed on the machine.
// The other Go tools the Makefile runs (staticcheck, actionlint, the spec and
// API guards, the browser test) are pinned in the tools module's go.mod
// (internal/tools), so that a module requiring this one does not carry them.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)

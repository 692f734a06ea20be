//go:build tools

// This file pins the code generator (and the other Go tools the Makefile runs)
// in go.mod, so that `go generate` and `make` use the versions recorded there
// instead of whatever is installed on the machine.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
	_ "github.com/rhysd/actionlint/cmd/actionlint"
	_ "honnef.co/go/tools/cmd/staticcheck"
)

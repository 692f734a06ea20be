//go:build tools

// Package tools is the tools module: the Go tools the Makefile runs beside
// the code generator (which the top-level tools.go pins), with their
// versions in this directory's go.mod, so that the library module
// (github.com/b2b-contract/s2s-tokens) requires only what its importable
// packages and tests need. Besides the pins below, the module holds the spec
// and API guard (specguard, apiguard: apidiff and go/packages) and the
// reference page's browser test (browser: chromedp). The Makefile builds the
// tools into bin/tools and runs them from the repository's root.
package tools

import (
	_ "github.com/rhysd/actionlint/cmd/actionlint"
	_ "honnef.co/go/tools/cmd/staticcheck"
)

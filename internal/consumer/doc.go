// Package consumer holds no code: its tests build the module graph that a
// team sees when its own module requires this one, from two programs under
// testdata (one using package client, one adding contract/watch), and state
// it. The tool modules (staticcheck, actionlint, apidiff, chromedp) live in
// the tools module (internal/tools) and must not appear; kin-openapi is in
// the graph (the code generator needs it) but the programs must not link it
// (package contract/kin is the only importer).
//
// TestConsumerModules compares `go list -m all` of the consumer with
// testdata/modules.txt; after an intended change of go.mod, run
//
//	go test ./internal/consumer -run Modules -args -update
//
// and review the diff. BenchmarkConsumerBinarySize builds both programs
// (make bench-sizes) and reports their sizes.
package consumer

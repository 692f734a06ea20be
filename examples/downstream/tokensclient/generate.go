// Package tokensclient is this repository's own client for listing B2B
// Edition server-to-server tokens. go generate takes the spec and the
// recommended oapi-codegen configuration from the s2s-tokens module version
// pinned in go.mod (tokens-spec), and runs the oapi-codegen pinned there,
// which applies this module's overlay.yaml to the spec first. openapi.yaml,
// cfg.yaml and tokensclient.gen.go are generated and committed; overlay.yaml
// is this module's own.
package tokensclient

//go:generate go run github.com/b2b-contract/s2s-tokens/cmd/tokens-spec -o openapi.yaml
//go:generate go run github.com/b2b-contract/s2s-tokens/cmd/tokens-spec --config --package tokensclient --overlay overlay.yaml -o cfg.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config cfg.yaml openapi.yaml

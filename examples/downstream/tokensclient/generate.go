// Package tokensclient is this repository's own client for listing B2B
// Edition server-to-server tokens. go generate fetches the spec from the
// s2s-tokens module version pinned in go.mod and runs the oapi-codegen pinned
// there with cfg.yaml; both outputs are committed.
package tokensclient

//go:generate go run github.com/b2b-contract/s2s-tokens/cmd/tokens-spec -o openapi.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config cfg.yaml openapi.yaml

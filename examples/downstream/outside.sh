#!/usr/bin/env bash
# Proves that a module outside this repository can go generate its client from
# `tokens-spec` (the spec and the oapi-codegen configuration) and its own
# overlay, and build it, with nothing but Go: it copies this example to a fresh
# temporary directory, points the replace at the repository root, deletes the
# generated files, regenerates them, checks that they equal the committed
# ones, then vets, builds and tests the copy (the tests check the overlay's
# effect).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/token-audit.XXXXXX")"
trap 'rm -rf "$work"' EXIT
case "$work/" in
  "$root"/*) echo "outside.sh: $work is inside the repository $root" >&2; exit 1 ;;
esac

cp -R "$here"/. "$work"/
cd "$work"
export GOWORK=off

go mod edit -replace "github.com/b2b-contract/s2s-tokens=$root"
generated=(tokensclient/openapi.yaml tokensclient/cfg.yaml tokensclient/tokensclient.gen.go)
rm -f "${generated[@]}"
go generate ./...
for f in "${generated[@]}"; do
  if ! cmp -s "$f" "$here/$f"; then
    echo "outside.sh: $f generated outside the repository differs from the committed one:" >&2
    diff -u "$here/$f" "$f" | head -40 >&2 || true
    exit 1
  fi
done
go vet ./...
go build ./...
go test -count=1 ./...
echo "outside.sh: a copy in $work (replace => $root) generated its client from tokens-spec and its overlay, built and passed its tests"

#!/usr/bin/env bash
# make release: tag a release of this module. The procedure and the rule that
# maps spec versions to module versions are in the package doc of
# internal/specguard (go doc ./internal/specguard); this script only checks
# and tags, it never pushes.
#
# Usage: scripts/release.sh SPEC_VERSION   (X.Y.Z, the spec's info.version)
#
# Run from the repository root. Fails, changing nothing, unless:
#   - the working tree is clean (no modified, staged or untracked files);
#   - SPEC_VERSION is X.Y.Z and openapi/releases/vX.Y.Z is committed
#     (make spec-release made it);
#   - go.mod's module path carries /vX when X >= 2, and no /vN suffix below 2;
#   - neither vX.Y.Z nor spec/vX.Y.Z exists yet.
# Then creates, on HEAD, the annotated tags vX.Y.Z (the Go module version)
# and spec/vX.Y.Z (the spec version), and prints the push command.
set -euo pipefail

die() { echo "release: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: scripts/release.sh SPEC_VERSION (for example 1.2.0)"
version=$1
[[ $version =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] ||
  die "spec version \"$version\" is not X.Y.Z (a release has no pre-release or build suffix)"
major=${BASH_REMATCH[1]}

git rev-parse --is-inside-work-tree >/dev/null 2>&1 || die "$(pwd) is not a git working tree"
cd "$(git rev-parse --show-toplevel)"

dirty=$(git status --porcelain --untracked-files=all)
[ -z "$dirty" ] || die "the working tree is not clean; commit or remove these first:
$dirty"

release_dir="openapi/releases/v$version"
[ -d "$release_dir" ] || die "$release_dir does not exist: run 'make spec-release' for spec $version and commit it"
[ -n "$(git ls-files -- "$release_dir")" ] || die "$release_dir is not committed"

module=$(sed -n 's/^module[[:space:]]\{1,\}\([^[:space:]]*\).*/\1/p' go.mod | head -n 1)
[ -n "$module" ] || die "go.mod names no module"
suffix=""
if [[ $module =~ /v([0-9]+)$ ]]; then suffix=${BASH_REMATCH[1]}; fi
if [ "$major" -ge 2 ]; then
  [ "$suffix" = "$major" ] ||
    die "spec $version is major version $major, so the module path must end in /v$major (go.mod says $module): change the module line and every import, then release"
else
  [ -z "$suffix" ] || die "spec $version is major version $major, but the module path $module ends in /v$suffix"
fi

for tag in "v$version" "spec/v$version"; do
  if git rev-parse -q --verify "refs/tags/$tag" >/dev/null; then
    die "tag $tag already exists ($(git rev-list -n 1 "$tag")); a version is released once"
  fi
done

commit=$(git rev-parse HEAD)
git tag -a "v$version" -m "$module v$version: Go module release embedding spec $version" "$commit"
git tag -a "spec/v$version" -m "spec $version (openapi/b2b-s2s-tokens.yaml, released in $release_dir)" "$commit"
echo "release: tagged v$version and spec/v$version on $commit"
echo "release: publish them with: git push origin v$version spec/v$version"

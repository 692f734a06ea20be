#!/usr/bin/env bash
# The steps of the composite action in action.yml: install a released
# tokens-contract by version from its release archive, verified against the
# release's checksums.txt, run `check` on a path, write the Markdown report to
# the job summary, and set outputs. Everything comes from the environment, as
# action.yml passes it:
#
#   TC_VERSION       release to install, vX.Y.Z (required)
#   TC_PATH          recordings to check: a file or directory (required)
#   TC_FAIL_ON       --fail-on threshold (empty: the tool's default)
#   TC_SARIF         "true": also write a SARIF report to $RUNNER_TEMP (the
#                    output sarif-file names it; action.yml uploads it)
#   TC_RELEASE_URL   where releases live; the archive is fetched from
#                    $TC_RELEASE_URL/$TC_VERSION/<archive> (curl, so file:// works)
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
#                    as GitHub Actions sets them
#
# Outputs: exit-code (0 clean, 1 findings at or above fail-on, 2 unreadable
# input), sarif-file (empty unless TC_SARIF is true), and the counts breaking, additive, deprecation, info, unreadable from
# the JSON report. The script exits with the check's exit code, after setting
# the outputs and the summary. Needs bash, curl, tar (unzip on Windows), jq and
# sha256sum or shasum, which GitHub-hosted runners have.
set -euo pipefail

die() { echo "::error title=tokens-contract action::$*" >&2; exit 2; }

: "${TC_VERSION:?TC_VERSION (the input version) is required}"
: "${TC_PATH:?TC_PATH (the input path) is required}"
: "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set: run this script as a GitHub Actions step}"
: "${GITHUB_STEP_SUMMARY:?GITHUB_STEP_SUMMARY is not set: run this script as a GitHub Actions step}"
release_url=${TC_RELEASE_URL:-https://github.com/b2b-contract/s2s-tokens/releases/download}

[[ $TC_VERSION =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] ||
  die "version \"$TC_VERSION\" is not a release version vX.Y.Z"
[ -e "$TC_PATH" ] || die "path \"$TC_PATH\" does not exist"
case "${TC_SARIF:-false}" in
  true | false) ;;
  *) die "sarif \"$TC_SARIF\" is not true or false" ;;
esac

case "${RUNNER_OS:-$(uname -s)}" in
  Linux) os=linux ;;
  macOS | Darwin) os=darwin ;;
  Windows | MINGW* | MSYS*) os=windows ;;
  *) die "unsupported runner OS ${RUNNER_OS:-$(uname -s)}" ;;
esac
case "${RUNNER_ARCH:-$(uname -m)}" in
  X64 | x86_64 | amd64) arch=amd64 ;;
  ARM64 | arm64 | aarch64) arch=arm64 ;;
  *) die "unsupported runner architecture ${RUNNER_ARCH:-$(uname -m)}" ;;
esac
ext=tar.gz
[ "$os" = windows ] && ext=zip
# The name .goreleaser.yaml gives: {{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}.
archive="tokens-contract_${TC_VERSION#v}_${os}_${arch}.$ext"

work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tokens-contract.XXXXXX")
trap 'rm -rf "$work"' EXIT
fetch() { curl --fail --silent --show-error --location --retry 3 -o "$work/$1" "$release_url/$TC_VERSION/$1" ||
  die "cannot download $release_url/$TC_VERSION/$1"; }
fetch checksums.txt
fetch "$archive"

want=$(awk -v f="$archive" '$2 == f { print $1 }' "$work/checksums.txt")
[ -n "$want" ] || die "checksums.txt of $TC_VERSION lists no $archive"
if command -v sha256sum >/dev/null 2>&1; then
  got=$(sha256sum "$work/$archive" | awk '{ print $1 }')
else
  got=$(shasum -a 256 "$work/$archive" | awk '{ print $1 }')
fi
[ "$got" = "$want" ] || die "$archive has SHA-256 $got, but checksums.txt of $TC_VERSION says $want: refusing to run it"

mkdir "$work/bin"
if [ "$ext" = zip ]; then unzip -q "$work/$archive" -d "$work/bin"; else tar -xzf "$work/$archive" -C "$work/bin"; fi
bin="$work/bin/tokens-contract"
[ "$os" = windows ] && bin="$bin.exe"
[ -x "$bin" ] || die "$archive holds no tokens-contract binary"
echo "tokens-contract action: installed $("$bin" version | head -n 1) from $archive (SHA-256 verified)"

args=(check --format json --report "markdown=$work/report.md")
[ -n "${TC_FAIL_ON:-}" ] && args+=(--fail-on "$TC_FAIL_ON")
sarif=""
if [ "${TC_SARIF:-false}" = true ]; then
  # Outside $work, which is removed on exit: the upload step reads it.
  sarif=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tokens-contract-XXXXXX.sarif")
  args+=(--report "sarif=$sarif")
fi
set +e
"$bin" "${args[@]}" "$TC_PATH" >"$work/report.json"
code=$?
set -e

{
  echo "exit-code=$code"
  echo "sarif-file=$sarif"
  for key in breaking additive deprecation info unreadable; do
    echo "$key=$(jq -r --arg k "$key" '.summary[$k] // 0' "$work/report.json" 2>/dev/null || echo 0)"
  done
} >>"$GITHUB_OUTPUT"
if [ -s "$work/report.md" ]; then
  cat "$work/report.md" >>"$GITHUB_STEP_SUMMARY"
else
  echo "tokens-contract check of \`$TC_PATH\` wrote no report (exit code $code)." >>"$GITHUB_STEP_SUMMARY"
fi
exit "$code"

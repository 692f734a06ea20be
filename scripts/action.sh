#!/usr/bin/env bash
# The step of the composite action in action.yml. It gets tokens-contract one
# of two ways, runs `check` on the recordings, and reports in the step log, as
# annotations, in the job summary and as step outputs:
#
#   - without a version, it builds tokens-contract with `go build` from the
#     action's own source ($GITHUB_ACTION_PATH: the commit the workflow
#     pinned), so the action works before any release exists; Go must be on
#     the PATH (action.yml's setup-go step puts the version go.mod names
#     there);
#   - with a version vX.Y.Z, it downloads that release's archive and
#     checksums.txt and runs the binary only if its SHA-256 matches.
#
# Then it runs `check --format text` with the report on the step log (so a
# failed step says why), the GitHub annotations report printed after it (an
# annotation on each recording with a finding), the Markdown report appended
# to the job summary, an optional SARIF report, and --github-output
# "$GITHUB_OUTPUT", with which the tool itself appends the outputs exit-code,
# breaking, additive, deprecation, info, accepted, unreadable, exchanges,
# skipped and coverage. This script adds sarif-file and sarif-category. It
# parses no report: no JSON tool is needed. The text report is printed
# between ::stop-commands:: markers, so that nothing a recording puts in it
# is taken for a workflow command.
#
# Everything comes from the environment, as action.yml passes it:
#
#   TC_PATH            recordings to check: files or directories, separated
#                      by spaces or newlines (required)
#   TC_VERSION         release to install, vX.Y.Z; empty: build from source
#   TC_FAIL_ON         --fail-on (empty: the tool's default, additive)
#   TC_BASELINE        --baseline FILE
#   TC_SPEC            --spec FILE
#   TC_COVERAGE        "true": --coverage
#   TC_MIN_COVERAGE    --min-coverage PERCENT
#   TC_COVERAGE_SCOPE  --coverage-scope SCOPE
#   TC_MAX_AGE         --max-age DURATION
#   TC_SEVERITY        --severity ID=SEVERITY for each word (spaces or
#                      newlines between them)
#   TC_ARGS            further check flags, split at spaces and newlines (no
#                      quoting), given before the paths
#   TC_SARIF           "true": also write a SARIF report to $RUNNER_TEMP (the
#                      output sarif-file names it; action.yml uploads it)
#   TC_SARIF_CATEGORY  the code scanning category of that report; empty:
#                      "tokens-contract:" and the paths joined by commas
#   TC_RELEASE_URL     where releases live; the archive is fetched from
#                      $TC_RELEASE_URL/$TC_VERSION/<archive> (curl, so file://
#                      works)
#   GITHUB_ACTION_PATH the action's checkout (default: this script's folder's
#                      parent)
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
#                      as GitHub Actions sets them
#
# The script exits with the check's exit code (0 clean, 1 findings at or
# above fail-on, 2 a usage error or unreadable input) after the outputs and
# the summary are written. Input it refuses before running anything (a path
# that does not exist, a version that is not vX.Y.Z, an archive whose
# checksum differs, no Go to build with) is an error annotation, exit 2, and
# no outputs. Needs bash, and: go (source builds); curl, tar (unzip on
# Windows) and sha256sum or shasum (releases). GitHub-hosted runners have
# them all.
set -euo pipefail

die() { echo "::error title=tokens-contract action::$*" >&2; exit 2; }

: "${TC_PATH:?TC_PATH (the input path) is required}"
: "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set: run this script as a GitHub Actions step}"
: "${GITHUB_STEP_SUMMARY:?GITHUB_STEP_SUMMARY is not set: run this script as a GitHub Actions step}"
action_root=${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
release_url=${TC_RELEASE_URL:-https://github.com/b2b-contract/s2s-tokens/releases/download}
version=${TC_VERSION:-}

# Lists are split at spaces, tabs and newlines, without globbing.
IFS=$' \t\n' read -r -d '' -a paths <<<"$TC_PATH" || true
IFS=$' \t\n' read -r -d '' -a severities <<<"${TC_SEVERITY:-}" || true
IFS=$' \t\n' read -r -d '' -a extra <<<"${TC_ARGS:-}" || true

[ "${#paths[@]}" -gt 0 ] || die "path is empty: name the recordings to check"
for p in "${paths[@]}"; do
  [ -e "$p" ] || die "path \"$p\" does not exist (in $(pwd))"
done
for input in "sarif=${TC_SARIF:-false}" "coverage=${TC_COVERAGE:-false}"; do
  case "${input#*=}" in
    true | false) ;;
    *) die "${input%%=*} \"${input#*=}\" is not true or false" ;;
  esac
done
if [ -n "$version" ]; then
  [[ $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] ||
    die "version \"$version\" is not a release version vX.Y.Z (leave it empty to build from the action's source)"
fi

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

work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tokens-contract.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
bin="$work/bin/tokens-contract"
[ "$os" = windows ] && bin="$bin.exe"

if [ -z "$version" ]; then
  # From source: the commit the workflow pinned the action to.
  { [ -f "$action_root/go.mod" ] && [ -d "$action_root/cmd/tokens-contract" ]; } ||
    die "$action_root holds no tokens-contract source to build (no go.mod or cmd/tokens-contract)"
  command -v go >/dev/null 2>&1 ||
    die "no version given, so the action builds tokens-contract from its source, and Go is not on the PATH: leave the input setup-go true, set up Go before the action, or name a release with version"
  echo "tokens-contract action: building tokens-contract from the action's source ($action_root${GITHUB_ACTION_REF:+, ref $GITHUB_ACTION_REF}) with $(go version)"
  (cd "$action_root" && GOWORK=off GOFLAGS=-mod=readonly go build -buildvcs=false -o "$bin" ./cmd/tokens-contract) ||
    die "go build of $action_root/cmd/tokens-contract failed (the compiler's messages are above)"
  echo "tokens-contract action: built $("$bin" version | head -n 1) from source"
else
  ext=tar.gz
  [ "$os" = windows ] && ext=zip
  # The name .goreleaser.yaml gives: {{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}.
  archive="tokens-contract_${version#v}_${os}_${arch}.$ext"
  fetch() { curl --fail --silent --show-error --location --retry 3 -o "$work/$1" "$release_url/$version/$1" ||
    die "cannot download $release_url/$version/$1"; }
  fetch checksums.txt
  fetch "$archive"
  want=$(awk -v f="$archive" '$2 == f { print $1 }' "$work/checksums.txt")
  [ -n "$want" ] || die "checksums.txt of $version lists no $archive"
  if command -v sha256sum >/dev/null 2>&1; then
    got=$(sha256sum "$work/$archive" | awk '{ print $1 }')
  else
    got=$(shasum -a 256 "$work/$archive" | awk '{ print $1 }')
  fi
  [ "$got" = "$want" ] || die "$archive has SHA-256 $got, but checksums.txt of $version says $want: refusing to run it"
  if [ "$ext" = zip ]; then unzip -q "$work/$archive" -d "$work/bin"; else tar -xzf "$work/$archive" -C "$work/bin"; fi
  [ -x "$bin" ] || die "$archive holds no tokens-contract binary"
  echo "tokens-contract action: installed $("$bin" version | head -n 1) from $archive (SHA-256 verified)"
fi

annotations="$work/annotations.txt"
markdown="$work/report.md"
args=(check --format text --report "github=$annotations" --report "markdown=$markdown" --github-output "$GITHUB_OUTPUT")
[ -n "${TC_FAIL_ON:-}" ] && args+=(--fail-on "$TC_FAIL_ON")
[ -n "${TC_BASELINE:-}" ] && args+=(--baseline "$TC_BASELINE")
[ -n "${TC_SPEC:-}" ] && args+=(--spec "$TC_SPEC")
[ "${TC_COVERAGE:-false}" = true ] && args+=(--coverage)
[ -n "${TC_MIN_COVERAGE:-}" ] && args+=(--min-coverage "$TC_MIN_COVERAGE")
[ -n "${TC_COVERAGE_SCOPE:-}" ] && args+=(--coverage-scope "$TC_COVERAGE_SCOPE")
[ -n "${TC_MAX_AGE:-}" ] && args+=(--max-age "$TC_MAX_AGE")
for s in ${severities[@]+"${severities[@]}"}; do args+=(--severity "$s"); done
sarif=""
category=""
if [ "${TC_SARIF:-false}" = true ]; then
  # Outside $work, which is removed on exit: the upload step reads it. A
  # folder of its own per use (BSD mktemp randomises only a name's end).
  sarif="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tokens-contract-sarif.XXXXXX")/tokens-contract.sarif"
  args+=(--report "sarif=$sarif")
  category=${TC_SARIF_CATEGORY:-}
  if [ -z "$category" ]; then
    category="tokens-contract:$(IFS=,; echo "${paths[*]}")"
  fi
fi
args+=(${extra[@]+"${extra[@]}"} -- "${paths[@]}")

# The tool appends its outputs to $GITHUB_OUTPUT; what it held before is
# another writer's.
before=$(wc -c <"$GITHUB_OUTPUT")
stop="tokens-contract-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
echo "::stop-commands::$stop"
set +e
"$bin" "${args[@]}" 2>&1
code=$?
set -e
echo "::$stop::"
[ -s "$annotations" ] && cat "$annotations"

# The tool writes exit-code whenever it parsed its flags; a command line it
# could not parse (a flag in args it does not know) gets it here.
tail -c +"$((before + 1))" "$GITHUB_OUTPUT" | grep -q '^exit-code=' || echo "exit-code=$code" >>"$GITHUB_OUTPUT"
{
  echo "sarif-file=$sarif"
  echo "sarif-category=$category"
} >>"$GITHUB_OUTPUT"
if [ -s "$markdown" ]; then
  cat "$markdown" >>"$GITHUB_STEP_SUMMARY"
else
  echo "tokens-contract check of \`${paths[*]}\` wrote no report (exit code $code): see the step log." >>"$GITHUB_STEP_SUMMARY"
fi
case "$code" in
  0) ;;
  1) echo "::error title=tokens-contract check::findings at or above fail-on (exit 1): the report is in this step's log and on the job summary" ;;
  *) echo "::error title=tokens-contract check::exit $code: a usage error or an input that could not be read, named in this step's log" ;;
esac
exit "$code"

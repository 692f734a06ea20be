#!/usr/bin/env bash
# Tests scripts/action.sh, the step of action.yml, the way a runner runs it,
# both ways the action gets the tool:
#
#   - from source: the action as a runner downloads it for a pinned commit
#     (this tree's files that a commit holds, without .git, copied to a
#     temporary folder: GITHUB_ACTION_PATH), built there with go build;
#   - from a release archive: named, laid out and checksummed as
#     .goreleaser.yaml makes them. Archives from `make snapshot` or `make
#     snapshot-host` (dist/goreleaser) are used when present; otherwise the
#     archive is built here with go build, tar and sha256sum in the same
#     layout, unless ACTION_TEST_REQUIRE_SNAPSHOT=1 (as .ci/run sets after
#     `make snapshot-host`), which makes a missing snapshot a failure.
#
# Each runs on this repository's recordings and on a consumer-shaped fixture
# made here (another team's repository: recordings in two folders, an
# accepted-drift ledger accepting one finding, a spec release of its own),
# with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY in temporary files, and checks
# the outputs line by line, the step log (the text report saying why the
# step failed) and the annotations, with jq on the PATH (a stand-in that
# records any call) and with a PATH that has no jq. The Go environment
# (GOPROXY, GOFLAGS, GOCACHE, ...) is passed through to the source build.
# Run by `make action-test`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
GO=${GO:-go}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "action_test: FAIL: $*" >&2; exit 1; }

# The action never calls jq: no line of the script names it.
if grep -nw jq scripts/action.sh; then fail "scripts/action.sh names jq (above): the outputs come from the tool"; fi

# The action as a runner has it for a pinned commit: the files a commit of
# this tree holds (tracked, and new ones not ignored), without .git.
action="$work/action"
mkdir "$action"
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar --null -T - -cf - | tar -xf - -C "$action"
[ -x "$action/scripts/action.sh" ] || fail "the copied action has no executable scripts/action.sh"

# A release archive of the tool.
version=v0.0.0-test
os=$($GO env GOOS)
arch=$($GO env GOARCH)
archive="tokens-contract_${version#v}_${os}_${arch}.tar.gz"
rel="$work/releases/$version"
mkdir -p "$rel" "$work/stage"
snapshot=""
for f in dist/goreleaser/tokens-contract_*_"${os}_${arch}".tar.gz; do [ -e "$f" ] && snapshot=$f && break; done
if [ -n "$snapshot" ]; then
  echo "action_test: using the goreleaser snapshot $snapshot"
  cp "$snapshot" "$rel/$archive"
elif [ "${ACTION_TEST_REQUIRE_SNAPSHOT:-}" = 1 ]; then
  fail "ACTION_TEST_REQUIRE_SNAPSHOT=1 but dist/goreleaser holds no tokens-contract_*_${os}_${arch}.tar.gz: run make snapshot-host first"
else
  echo "action_test: no goreleaser snapshot in dist/goreleaser; building $archive with go build"
  $GO build -o "$work/stage/tokens-contract" ./cmd/tokens-contract
  cp README.md "$work/stage/"
  tar -czf "$rel/$archive" -C "$work/stage" tokens-contract README.md
fi
(cd "$rel" && sha256sum "$archive" >checksums.txt)
mkdir "$work/tool"
tar -xzf "$rel/$archive" -C "$work/tool"
tool="$work/tool/tokens-contract"

# PATHs: "jq" puts first a jq that records every call (and runs the real
# one, if there is one); "nojq" is a folder of links to every command on the
# PATH except jq; "nogo" lacks go too.
mkdir "$work/tattle" "$work/nojq" "$work/nogo"
real_jq=$(command -v jq || true)
cat >"$work/tattle/jq" <<EOF
#!/usr/bin/env bash
echo "jq \$*" >>"$work/jq-calls"
if [ -n "$real_jq" ]; then exec "$real_jq" "\$@"; fi
exit 127
EOF
chmod +x "$work/tattle/jq"
IFS=: read -r -a dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  [ -d "$d" ] || continue
  for f in "$d"/*; do
    name=${f##*/}
    { [ -x "$f" ] && [ ! -d "$f" ] && [ "$name" != jq ]; } || continue
    [ -e "$work/nojq/$name" ] || ln -s "$f" "$work/nojq/$name"
    [ "$name" = go ] || [ -e "$work/nogo/$name" ] || ln -s "$f" "$work/nogo/$name"
  done
done
with_jq="$work/tattle:$PATH"
if PATH="$work/nojq" command -v jq >/dev/null; then fail "the PATH without jq has one"; fi
PATH="$work/nojq" command -v go >/dev/null || fail "the PATH without jq has no go"
if PATH="$work/nogo" command -v go >/dev/null; then fail "the PATH without go has one"; fi

# The Go environment a runner's job would have, passed to the source build.
goenv=()
for v in GOPATH GOMODCACHE GOCACHE GOPROXY GOFLAGS GOTOOLCHAIN GOSUMDB GONOSUMDB GOPRIVATE GONOPROXY GOINSECURE; do
  [ -n "${!v:-}" ] && goenv+=("$v=${!v}")
done

# run_action NAME MODE PATH DIR [VAR=VALUE...]: runs the action's script in
# DIR (the workspace), getting the tool from source or release, with PATH and
# fresh output and summary files; leaves its exit code in $code and its
# files in $out, $sum and $log.
run_action() {
  local name=$1 mode=$2 path=$3 dir=$4
  shift 4
  out="$work/$name.output"
  sum="$work/$name.summary"
  log="$work/$name.log"
  printf 'earlier=kept\n' >"$out" # another writer's line, which stays
  : >"$sum"
  local get=(TC_VERSION=)
  [ "$mode" = release ] && get=(TC_VERSION="$version" TC_RELEASE_URL="file://$work/releases")
  set +e
  (cd "$dir" && env -i PATH="$path" HOME="$HOME" ${goenv[@]+"${goenv[@]}"} RUNNER_TEMP="$work" \
    GITHUB_ACTION_PATH="$action" GITHUB_OUTPUT="$out" GITHUB_STEP_SUMMARY="$sum" "${get[@]}" "$@" \
    bash "$action/scripts/action.sh" >"$log" 2>&1)
  code=$?
  set -e
}
output() { sed -n "s/^$1=//p" "$out"; }
# outputs: the lines the run added, less sarif-file (a temporary path).
outputs() { sed -e '1{/^earlier=kept$/d;}' -e '/^sarif-file=/d' "$out"; }
expect_code() { [ "$code" -eq "$1" ] || fail "$2: exit $code, want $1; log:
$(cat "$log")"; }
expect_log() { grep -qF -- "$1" "$log" || fail "$2: the log lacks \"$1\":
$(cat "$log")"; }
no_jq_called() { [ ! -e "$work/jq-calls" ] || fail "$1: the action called jq: $(cat "$work/jq-calls")"; }

# 1. This repository's recordings, from source without jq and from the
#    release with jq: exit 0, the counts of the text report's summary line,
#    the report in the log, the closing notice, the Markdown summary.
summary=$(cd "$root" && "$tool" check contract/testdata/recordings | grep -E '^[0-9]+ breaking, [0-9]+ additive, [0-9]+ deprecation, [0-9]+ info')
read -r b _ a _ d _ i _ <<<"$summary"
want="exit-code=0
breaking=$b
additive=$a
deprecation=$d
info=${i%%[^0-9]*}"
for run in "ours-source source $work/nojq" "ours-release release $with_jq"; do
  read -r name mode path <<<"$run"
  run_action "$name" "$mode" "$path" "$root" TC_PATH=contract/testdata/recordings
  expect_code 0 "$name"
  [ "$(outputs | head -n 5)" = "$want" ] || fail "$name: outputs
$(outputs)
want them to start with
$want"
  [ "$(head -n 1 "$out")" = earlier=kept ] || fail "$name: the line another writer left is gone: $(head -n 3 "$out")"
  expect_log "$summary" "$name"
  expect_log "PASS: nothing at or above additive" "$name"
  expect_log "::notice title=tokens-contract check::" "$name"
  grep -q "^## .*tokens-contract check" "$sum" || fail "$name: the summary does not hold the Markdown report: $(head -5 "$sum")"
  { [ -z "$(output sarif-file)" ] && [ -z "$(output sarif-category)" ]; } || fail "$name: SARIF outputs set without sarif: true"
done
grep -qF "building tokens-contract from the action's source ($action" "$work/ours-source.log" ||
  fail "the source run does not say it built from the action's source: $(head -3 "$work/ours-source.log")"
grep -q "SHA-256 verified" "$work/ours-release.log" || fail "the release run does not say the archive was verified"
[ "$(sed -e '1d' -e '/^sarif-file=/d' "$work/ours-source.output")" = "$(sed -e '1d' -e '/^sarif-file=/d' "$work/ours-release.output")" ] ||
  fail "source and release outputs differ"
no_jq_called "our recordings"

# 2. A consumer's repository: recordings in two folders, a ledger that
#    accepts one finding, a spec release of its own; a breaking finding, an
#    additive one (re-graded to deprecation by a severity override), a
#    deprecation, a finding the ledger accepts, and recordings older than
#    max-age (recording-stale: one finding, as the five recordings share
#    their date and so its message). fail-on deprecation.
consumer="$work/consumer"
mkdir -p "$consumer/recordings/list" "$consumer/recordings/admin" "$consumer/contract"
cp contract/testdata/recordings/list-no-query.yaml contract/testdata/drift/field-removed-storehash.yaml \
  contract/testdata/drift/field-added-item.yaml "$consumer/recordings/list/"
cp contract/testdata/drift/deprecation-header.yaml contract/testdata/drift/event-channel-new-value.yaml "$consumer/recordings/admin/"
cp openapi/releases/v1.1.0/b2b-s2s-tokens.yaml "$consumer/contract/"
cat >"$consumer/contract/accepted.yaml" <<'EOF'
# Accepted drift of the B2B token endpoints.
accepted:
  - id: enum-mismatch
    operation: get-backend-tokens
    path: $.data[*].eventChannel
    reason: the vendor added an event channel; our sync ignores it
    ticket: SYNC-12
    expires: 2099-12-31
EOF
consumer_inputs=(TC_PATH="recordings/list
recordings/admin" TC_BASELINE=contract/accepted.yaml TC_SPEC=contract/b2b-s2s-tokens.yaml TC_FAIL_ON=deprecation
  TC_MAX_AGE=1h TC_SEVERITY="unknown-field=deprecation" TC_COVERAGE=true TC_SARIF=true)
want="exit-code=1
breaking=1
additive=0
deprecation=2
info=1
accepted=1
unreadable=0
exchanges=5
skipped=0"
for run in "consumer-source source $work/nojq" "consumer-release release $with_jq"; do
  read -r name mode path <<<"$run"
  run_action "$name" "$mode" "$path" "$consumer" "${consumer_inputs[@]}"
  expect_code 1 "$name"
  [ "$(outputs | head -n 9)" = "$want" ] || fail "$name: outputs
$(outputs)
want them to start with
$want"
  output coverage | grep -Eq '^[0-9]+\.[0-9]$' || fail "$name: coverage output '$(output coverage)' is not a percentage"
  [ "$(output sarif-category)" = "tokens-contract:recordings/list,recordings/admin" ] || fail "$name: sarif-category '$(output sarif-category)'"
  f=$(output sarif-file)
  { [ -s "$f" ] && grep -q '"version": "2.1.0"' "$f" && grep -q '"ruleId": "missing-field"' "$f"; } ||
    fail "$name: sarif-file '$f' is not a SARIF 2.1.0 log with the missing-field result"
  # The log says why the step failed: the findings, the verdict, the exit.
  expect_log "missing-field at \$.data[*].storeHash" "$name"
  expect_log "1 breaking, 0 additive, 2 deprecation, 1 info (1 more accepted by the baseline)" "$name"
  expect_log "FAIL: " "$name"
  expect_log "::error title=tokens-contract check::findings at or above fail-on (exit 1)" "$name"
  # Annotations on the recording files, at the line where the exchange's
  # entry starts (each cassette's one interaction is on line 11).
  expect_log "::error file=recordings/list/field-removed-storehash.yaml,line=11," "$name"
  expect_log "::warning file=recordings/list/field-added-item.yaml,line=11,title=unknown-field (deprecation)::" "$name"
  expect_log "::warning file=recordings/admin/deprecation-header.yaml,line=11,title=deprecation-announced (deprecation)::" "$name"
  expect_log "::notice file=recordings/admin/event-channel-new-value.yaml,line=11,title=enum-mismatch (accepted)::" "$name"
  # The text report is fenced off from the runner's command parser.
  grep -q '^::stop-commands::tokens-contract-[0-9a-f]\{24\}$' "$log" || fail "$name: no ::stop-commands:: before the report"
  grep -q "ACCEPTED BY THE BASELINE (1)" "$sum" || grep -q "Accepted by the baseline (1)" "$sum" || fail "$name: the summary lacks the accepted finding: $(cat "$sum")"
done
[ "$(sed -e '1d' -e '/^sarif-file=/d' "$work/consumer-source.output")" = "$(sed -e '1d' -e '/^sarif-file=/d' "$work/consumer-release.output")" ] ||
  fail "consumer: source and release outputs differ"
no_jq_called "the consumer"

# 3. Two uses in one repository: another category when asked; args passed
#    through (here a baseline draft of the run's findings).
run_action consumer-args release "$work/nojq" "$consumer" TC_PATH=recordings/admin TC_SARIF=true TC_SARIF_CATEGORY=contract-admin \
  TC_ARGS="--write-baseline $work/draft.yaml --fail-on breaking"
expect_code 1 consumer-args
[ "$(output sarif-category)" = contract-admin ] || fail "sarif-category '$(output sarif-category)', want contract-admin"
grep -q "id: enum-mismatch" "$work/draft.yaml" || fail "args: --write-baseline wrote no draft: $(cat "$log")"

# 4. A usage error the tool finds still sets exit-code (2), and says why.
run_action bad-fail-on release "$work/nojq" "$root" TC_PATH=contract/testdata/recordings TC_FAIL_ON=info
expect_code 2 bad-fail-on
[ "$(output exit-code)" = 2 ] || fail "fail-on info: exit-code output '$(output exit-code)', want 2"
expect_log '--fail-on "info" is not one of' bad-fail-on
run_action bad-args release "$work/nojq" "$root" TC_PATH=contract/testdata/recordings TC_ARGS=--no-such-flag
expect_code 2 bad-args
[ "$(output exit-code)" = 2 ] || fail "unknown flag in args: exit-code output '$(output exit-code)', want 2"

# 5. Refusals before anything runs: no outputs, the input named.
cp "$rel/$archive" "$work/good.tar.gz"
printf 'x' >>"$rel/$archive"
run_action tampered release "$work/nojq" "$root" TC_PATH=contract/testdata/recordings
cp "$work/good.tar.gz" "$rel/$archive"
expect_code 2 tampered
expect_log "refusing to run it" tampered
refusals=(
  "no-such-version|TC_VERSION=v9.9.9|cannot download file://$work/releases/v9.9.9/"
  "bad-version|TC_VERSION=latest|\"latest\" is not a release version"
  "no-path|TC_PATH=contract/testdata/recordings no-such-dir|path \"no-such-dir\" does not exist"
  "bad-sarif|TC_SARIF=yes|sarif \"yes\" is not true or false"
  "bad-coverage|TC_COVERAGE=1|coverage \"1\" is not true or false"
)
for r in "${refusals[@]}"; do
  IFS='|' read -r name input msg <<<"$r"
  run_action "$name" release "$work/nojq" "$root" TC_PATH=contract/testdata/recordings "$input"
  expect_code 2 "$name"
  expect_log "$msg" "$name"
  [ "$(outputs)" = "" ] || fail "$name: a refused run set outputs: $(outputs)"
done
run_action no-go source "$work/nogo" "$root" TC_PATH=contract/testdata/recordings
expect_code 2 no-go
expect_log "Go is not on the PATH" no-go
[ "$(outputs)" = "" ] || fail "no-go: a refused run set outputs: $(outputs)"
echo "action_test: ok (source build and release archive, our recordings and a consumer's, outputs without jq, log, annotations, summary, SARIF, refusals)"

#!/usr/bin/env bash
# Tests scripts/action.sh, the step of action.yml, the way a workflow runs it:
# against this repository's shipped recordings, installing tokens-contract
# from a local release archive named, laid out and checksummed as
# .goreleaser.yaml makes them, with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY in
# temporary files. Archives from `make snapshot` (dist/goreleaser) are used
# when present; otherwise the archive is built here with go build, tar and
# sha256sum in the same layout, unless ACTION_TEST_REQUIRE_SNAPSHOT=1 (as
# .ci/run sets after `make snapshot`), which makes a missing snapshot a
# failure. Run by `make action-test`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
GO=${GO:-go}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "action_test: FAIL: $*" >&2; exit 1; }

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
  fail "ACTION_TEST_REQUIRE_SNAPSHOT=1 but dist/goreleaser holds no tokens-contract_*_${os}_${arch}.tar.gz: run make snapshot first"
else
  echo "action_test: no goreleaser snapshot in dist/goreleaser; building $archive with go build"
  $GO build -o "$work/stage/tokens-contract" ./cmd/tokens-contract
  cp README.md "$work/stage/"
  tar -czf "$rel/$archive" -C "$work/stage" tokens-contract README.md
fi
(cd "$rel" && sha256sum "$archive" >checksums.txt)

# run_action NAME [VAR=VALUE...]: runs the action's script with fresh output
# and summary files; leaves its exit code in $code and the files in $out, $sum.
run_action() {
  local name=$1; shift
  out="$work/$name.output"; sum="$work/$name.summary"
  : >"$out"; : >"$sum"
  set +e
  env -i PATH="$PATH" HOME="$HOME" RUNNER_TEMP="$work" \
    GITHUB_OUTPUT="$out" GITHUB_STEP_SUMMARY="$sum" \
    TC_VERSION="$version" TC_PATH="$root/contract/testdata/recordings" \
    TC_RELEASE_URL="file://$work/releases" "$@" \
    bash scripts/action.sh >"$work/$name.log" 2>&1
  code=$?
  set -e
}
output() { sed -n "s/^$1=//p" "$out"; }

# 1. The shipped recordings are healthy: exit 0, counts from the JSON report,
#    the Markdown report in the summary.
run_action clean
[ "$code" -eq 0 ] || fail "clean run exited $code: $(cat "$work/clean.log")"
want=$("$GO" run ./cmd/tokens-contract check --format json contract/testdata/recordings | jq -c '.summary | [.breaking, .additive, .deprecation, .info, .unreadable]')
got="[$(output breaking),$(output additive),$(output deprecation),$(output info),$(output unreadable)]"
[ "$got" = "$want" ] || fail "outputs $got, the JSON report says $want"
[ "$(output exit-code)" = 0 ] || fail "exit-code output $(output exit-code), want 0"
grep -q "tokens-contract" "$sum" || fail "the summary does not hold the Markdown report: $(head -5 "$sum")"
grep -q "SHA-256 verified" "$work/clean.log" || fail "the log does not say the archive was verified"

# 2. --fail-on info is not a valid threshold: exit 2, said in the outputs.
run_action bad-fail-on TC_FAIL_ON=info
if ! { [ "$code" -eq 2 ] && [ "$(output exit-code)" = 2 ]; }; then fail "fail-on info: exit $code, output $(output exit-code); want 2"; fi

# 3. A tampered archive is refused before it runs.
cp "$rel/$archive" "$work/good.tar.gz"
printf 'x' >>"$rel/$archive"
run_action tampered
cp "$work/good.tar.gz" "$rel/$archive"
[ "$code" -ne 0 ] || fail "a tampered archive was accepted"
grep -q "refusing to run it" "$work/tampered.log" || fail "tampered: $(cat "$work/tampered.log")"
[ ! -s "$out" ] || fail "a refused install set outputs: $(cat "$out")"

# 4. Bad input is named: a missing version, path, or release.
run_action no-such-version TC_VERSION=v9.9.9
if ! { [ "$code" -ne 0 ] && grep -q "cannot download .*v9.9.9" "$work/no-such-version.log"; }; then fail "missing release: $(cat "$work/no-such-version.log")"; fi
run_action bad-version TC_VERSION=latest
if ! { [ "$code" -ne 0 ] && grep -q '"latest" is not a release version' "$work/bad-version.log"; }; then fail "bad version: $(cat "$work/bad-version.log")"; fi
run_action no-path TC_PATH="$work/no-such-dir"
if ! { [ "$code" -ne 0 ] && grep -q "does not exist" "$work/no-path.log"; }; then fail "missing path: $(cat "$work/no-path.log")"; fi

# 5. Findings: a recording with drift fails the step with exit 1 and counts it.
drift=""
for f in contract/testdata/drift/*.yaml; do [ -e "$f" ] && drift=$f && break; done
if [ -n "$drift" ]; then
  run_action drift TC_PATH="$root/$drift"
  if ! { [ "$code" -eq 1 ] && [ "$(output exit-code)" = 1 ]; }; then fail "drift recording $drift: exit $code; want 1"; fi
fi
# 6. SARIF when asked: a SARIF 2.1.0 log at the path the output names, with
#    the drift recording's findings as results; none when not asked.
[ -z "$(output sarif-file)" ] || fail "sarif-file is set without sarif: true"
run_action sarif TC_SARIF=true TC_PATH="$root/${drift:-contract/testdata/recordings}"
f=$(output sarif-file)
if ! { [ -n "$f" ] && [ -s "$f" ] && [ "$(jq -r .version "$f")" = 2.1.0 ]; }; then fail "sarif: output '$f' is not a SARIF 2.1.0 log: $(cat "$work/sarif.log")"; fi
if [ -n "$drift" ] && [ "$(jq '.runs[0].results | length' "$f")" -lt 1 ]; then fail "sarif: no results for $drift"; fi
run_action bad-sarif TC_SARIF=yes
if ! { [ "$code" -eq 2 ] && grep -q '"yes" is not true or false' "$work/bad-sarif.log"; }; then fail "sarif yes: $(cat "$work/bad-sarif.log")"; fi
echo "action_test: ok (install, checksum, check, outputs, summary, SARIF, refusals)"

# Self-documenting Makefile: every public target carries a "## description".
# Run `make help` (or just `make`) to list them.

GO ?= go
GOFILES = $(shell git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*')

.DEFAULT_GOAL := help
# Every target is a command, not a file: one list, in the order of this file.
.PHONY: help build generate check-generated tidy-check lint test bench bench-large bench-contract fuzz contract \
	fake bench-client spec-diff api-diff spec-release publish reference-test downstream \
	contract-live lint-workflows vendor-check release snapshot action-test sarif-validate docker-lint snapshot-host tools

# How long each fuzz target runs under `make fuzz`.
FUZZTIME ?= 30s

help: ## List the targets and what they do
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

generate: ## Regenerate generated/ from openapi/ with the oapi-codegen pinned in go.mod
	$(GO) generate ./...

check-generated: generate ## Regenerate, then fail if anything differs from what is committed
	@git diff --exit-code -- generated/ || { echo "generated/ is stale: run 'make generate' and commit the result" >&2; exit 1; }
	@untracked=$$(git status --porcelain --untracked-files=all -- generated/); \
	if [ -n "$$untracked" ]; then echo "generated/ has files that are not committed:" >&2; echo "$$untracked" >&2; exit 1; fi
	@echo "generated/ matches the spec"

tidy-check: ## Fail if go.mod or go.sum (of the module and of the tools module) is not tidy
	$(GO) mod tidy -diff
	$(GO) -C $(TOOLS) mod tidy -diff

# The tools module: the Go tools the Makefile runs beside the generator
# (staticcheck, actionlint, specguard) and the browser test, with their
# versions in its own go.mod, so that a module requiring this one does not
# carry them (see internal/tools/tools.go). `make tools` builds them into
# bin/tools; the targets below run them from the repository's root.
TOOLS := internal/tools
TOOLBIN := $(CURDIR)/bin/tools

tools: ## Build the pinned tools (staticcheck, actionlint, specguard) from the tools module into bin/tools
	$(GO) -C $(TOOLS) build -o $(TOOLBIN)/ honnef.co/go/tools/cmd/staticcheck github.com/rhysd/actionlint/cmd/actionlint ./specguard

lint: tools ## gofmt check, go vet, and staticcheck (pinned in the tools module) on the module and the tools module
	@unformatted=$$(gofmt -l $(GOFILES)); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:" >&2; echo "$$unformatted" >&2; exit 1; fi
	$(GO) vet ./...
	$(TOOLBIN)/staticcheck ./...
	$(GO) -C $(TOOLS) vet ./...
	cd $(TOOLS) && $(TOOLBIN)/staticcheck ./...

# TEST_TIMEOUT bounds each package's test binary in `make test`: a hung test
# fails the run in minutes instead of Go's default 10 minutes per package.
TEST_TIMEOUT ?= 5m

test: ## Run every test with the race detector (needs cgo and a C compiler: gcc or clang)
	@cc=$$($(GO) env CC); \
	command -v "$${cc%% *}" >/dev/null 2>&1 || { echo "make test: the race detector (-race) needs cgo and a C compiler, and the compiler '$$cc' (go env CC) is not installed: install one (Debian/Ubuntu: apt-get install gcc), or run 'go test ./...' without -race" >&2; exit 1; }; \
	[ "$$($(GO) env CGO_ENABLED)" = 1 ] || { echo "make test: the race detector (-race) needs cgo, but CGO_ENABLED is $$($(GO) env CGO_ENABLED): set CGO_ENABLED=1" >&2; exit 1; }
	$(GO) test -race -timeout $(TEST_TIMEOUT) ./...
	$(GO) -C $(TOOLS) test -race -timeout $(TEST_TIMEOUT) ./...

bench: ## Run every benchmark
	$(GO) test -run '^$$' -bench . -benchmem ./...

bench-large: ## Read and check generated HARs of 10 MB, 100 MB and 1 GB (1% token calls): MB/s and peak RSS; whole `check` processes on HARs of 10k to 1M skipped entries: peak RSS (needs ~1 GB in TMPDIR)
	TOKENS_CONTRACT_BENCH_1GB=1 $(GO) test -run '^$$' -bench 'LoadLargeHAR' -benchtime 1x -timeout 30m ./contract/recording/
	TOKENS_CONTRACT_BENCH_1GB=1 $(GO) test -run '^$$' -bench 'CheckSkippedEntries' -benchtime 1x -timeout 30m ./internal/benchproc/

bench-contract: ## CheckCorpus against DecodeCorpus, ROUNDS interleaved rounds: wall-time ratio with GOMAXPROCS=2 (goal 1.5) and CPU ratio with GOMAXPROCS=1 (goal 2.0), and each layer's share of the CPU (BenchmarkLayers)
	@uptime
	$(GO) test -c -o $(BENCHOUT)/contract.test ./contract/
	@rm -f $(BENCHOUT)/bench-contract.txt; cd contract && for i in $$(seq $(ROUNDS)); do for p in 2 1; do \
	  GOMAXPROCS=$$p $(BENCHOUT)/contract.test -test.run '^$$' -test.bench 'CheckCorpus$$|DecodeCorpus$$' -test.benchtime 10x \
	    | sed "s/^\(Benchmark[A-Za-z]*\)\(-[0-9]*\)\{0,1\} /\1-procs$$p /"; \
	done; GOMAXPROCS=1 $(BENCHOUT)/contract.test -test.run '^$$' -test.bench 'Layers' -test.benchtime 5x; \
	done | tee $(BENCHOUT)/bench-contract.txt
	@f=$(BENCHOUT)/bench-contract.txt; \
	awk -v c=$$($(median) $$f BenchmarkCheckCorpus-procs2 ns/op) -v d=$$($(median) $$f BenchmarkDecodeCorpus-procs2 ns/op) \
	  'BEGIN {printf "GOMAXPROCS=2 wall medians: check %.0f ns, decode %.0f ns; ratio %.2f (goal <= 1.5)\n", c, d, c/d}'; \
	awk -v c=$$($(median) $$f BenchmarkCheckCorpus-procs1 cpu-ns/op) -v d=$$($(median) $$f BenchmarkDecodeCorpus-procs1 cpu-ns/op) \
	  'BEGIN {printf "GOMAXPROCS=1 CPU medians: check %.0f ns, decode %.0f ns per corpus (200 pages); per page %.2f ms vs %.2f ms; ratio %.2f (goal <= 2.0)\n", c, d, c/2e8, d/2e8, c/d}'; \
	awk -v d=$$($(median) $$f BenchmarkLayers/decode cpu-ns/op) -v t=$$($(median) $$f BenchmarkLayers/transport cpu-ns/op) \
	  -v s=$$($(median) $$f BenchmarkLayers/transport+schema cpu-ns/op) -v y=$$($(median) $$f BenchmarkLayers/transport+schema+typed cpu-ns/op) \
	  'BEGIN {printf "GOMAXPROCS=1 CPU by layer (BenchmarkLayers), as ratios to the decode: transport (body decode) %.2f, + schema (validator, strict mode) %.2f, + typed (generated client) %.2f; together %.2f\n", t/d, (s-t)/d, (y-s)/d, y/d}'

fuzz: ## Run every fuzz target of the module for FUZZTIME each (default 30s)
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$target"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $$pkg; \
	  done; \
	done

# The binary is built first and then run: `go run` turns every exit code of
# the program into 1 ("exit status 2"), so findings and an unreadable input
# looked alike. GNU make itself exits 2 whenever a recipe fails, whatever the
# code; the recipe therefore says which code the tool returned and what it
# means, and make's own "Error N" line carries it too. A CI step that branches
# on the code runs bin/tokens-contract itself after `make build`.
TOKENS_CONTRACT := bin/tokens-contract

build: ## Build the CLI into bin/tokens-contract
	$(GO) build -o $(TOKENS_CONTRACT) ./cmd/tokens-contract

contract: build ## The main job: check the recordings shipped in contract/testdata/recordings and print the report; says the tool's exit code (1 findings, 2 unreadable input)
	@$(TOKENS_CONTRACT) check $(CONTRACT_ARGS) contract/testdata/recordings; code=$$?; \
	case $$code in \
	  0) ;; \
	  1) echo "make contract: tokens-contract exited 1: findings at or above --fail-on" >&2 ;; \
	  2) echo "make contract: tokens-contract exited 2: a usage error or an input it could not read" >&2 ;; \
	  *) echo "make contract: tokens-contract exited $$code" >&2 ;; \
	esac; exit $$code

FAKE_ADDR ?= 127.0.0.1:8080
fake: ## Serve the fake on FAKE_ADDR (default 127.0.0.1:8080); needs B2B_AUTH_TOKEN; extra flags in FAKE_ARGS
	$(GO) run ./cmd/tokens-contract fake --addr $(FAKE_ADDR) $(FAKE_ARGS)

bench-sizes: ## Build a consumer's two programs (client alone; client with contract/watch) and report their sizes in MB; see go doc ./internal/consumer
	$(GO) test -run '^$$' -bench ConsumerBinarySize -benchtime 1x ./internal/consumer/

bench-client: ## Benchmark client.FetchAll: 10,000 tokens, 20 ms per request, sequential vs 4 at a time
	$(GO) test -run '^$$' -bench BenchmarkFetchAll -benchtime 5x ./client/

spec-diff: tools ## Compare the spec with the last release (oasdiff): a breaking change fails without a new major version; checks openapi/CHANGELOG.md
	$(TOOLBIN)/specguard spec

api-diff: tools ## Compare the Go API of generated/ with the last release (apidiff): an incompatible change fails without a new major version
	$(TOOLBIN)/specguard api

spec-release: tools ## Record the spec and generated/ as the release of the spec's version under openapi/releases/ (then commit, and make release)
	$(TOOLBIN)/specguard release

release: check-generated spec-diff api-diff ## Tag a release: with the tree clean and openapi/releases/v<spec version> committed, create tags v<spec version> and spec/v<spec version> (no push); see go doc ./internal/specguard
	@v=$$($(GO) run ./cmd/tokens-contract version | sed -n 's/^spec: //p'); \
	[ -n "$$v" ] || { echo "release: cannot read the spec version from 'tokens-contract version'" >&2; exit 1; }; \
	scripts/release.sh "$$v"

# goreleaser is pinned here rather than in go.mod: its module graph is larger
# than this project's whole go.mod. go install ...@version takes exactly that
# version, checked against the Go checksum database, into bin/.
GORELEASER_VERSION ?= v2.17.0
GORELEASER := $(CURDIR)/bin/goreleaser-$(GORELEASER_VERSION)

$(GORELEASER):
	GOBIN=$(CURDIR)/bin/.install $(GO) install github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION)
	mv $(CURDIR)/bin/.install/goreleaser $@

snapshot: $(GORELEASER) ## goreleaser check, then a snapshot release build (Linux, macOS, Windows archives and checksums.txt) into dist/goreleaser/
	$(GORELEASER) check
	$(GORELEASER) release --snapshot --clean

# The same pipeline (check, build, archive, checksums) for this machine's
# platform only: six cross-compilations took over an hour on the shared
# 2-core CI machine. The configuration is .goreleaser.yaml with its goos and
# goarch lines narrowed; the recipe fails if they are not found.
SNAPSHOT_HOST_CONFIG := dist/goreleaser-host.yaml
snapshot-host: $(GORELEASER) ## goreleaser check, then a snapshot release build for this machine's OS and architecture only (what CI runs)
	$(GORELEASER) check
	@mkdir -p dist
	@os=$$($(GO) env GOOS); arch=$$($(GO) env GOARCH); \
	sed -e "s/^    goos: \[linux, darwin, windows\]$$/    goos: [$$os]/" -e "s/^    goarch: \[amd64, arm64\]$$/    goarch: [$$arch]/" .goreleaser.yaml >$(SNAPSHOT_HOST_CONFIG); \
	grep -q "^    goos: \[$$os\]$$" $(SNAPSHOT_HOST_CONFIG) && grep -q "^    goarch: \[$$arch\]$$" $(SNAPSHOT_HOST_CONFIG) || \
	  { echo "snapshot-host: the goos/goarch lines of .goreleaser.yaml changed; update this recipe" >&2; exit 1; }
	$(GORELEASER) check --config $(SNAPSHOT_HOST_CONFIG)
	$(GORELEASER) release --snapshot --clean --config $(SNAPSHOT_HOST_CONFIG)

# The Dockerfile is linted, not built: CI has no Docker daemon. The linter is
# BuildKit's own (the checks of `docker build --check`), in a module of its
# own under internal/tools/dockerlint with BuildKit pinned in its go.mod, so
# that BuildKit's dependencies stay out of this module's.
DOCKERLINT := internal/tools/dockerlint
docker-lint: ## Lint Dockerfile with BuildKit's build checks (no daemon needed), after testing the linter itself
	cd $(DOCKERLINT) && $(GO) mod verify >/dev/null && $(GO) vet . && $(GO) test -count=1 . && $(GO) run . $(CURDIR)/Dockerfile

DIST ?= dist

publish: ## Write dist/: the spec as YAML and JSON, CHANGELOG.md, VERSION (spec, oapi-codegen and vendor source versions), oapi-codegen.yaml (the recommended generator config) and index.html, the offline reference page
	rm -rf $(DIST)
	$(GO) run ./cmd/publish -o $(DIST)

reference-test: publish ## Open dist/index.html in headless Chromium (needs chromium): checks what it shows and that it fetches nothing; screenshot under dist/test-output/
	@mkdir -p $(CURDIR)/$(DIST)/test-output
	REQUIRE_BROWSER=1 REFERENCE_PAGE=$(CURDIR)/$(DIST)/index.html $(GO) -C $(TOOLS) test -count=1 -v -run 'TestReferencePageInBrowser|TestBrowserWatchCatchesRequests' -artifacts -outputdir $(CURDIR)/$(DIST)/test-output ./browser/

DOWNSTREAM := examples/downstream

downstream: ## The downstream example: go generate from `tokens-spec`, fail on drift from what is committed, vet, build, test; again from a copy outside the repo
	@cd $(DOWNSTREAM) && GOWORK=off $(GO) mod tidy -diff || { echo "$(DOWNSTREAM)/go.mod is not tidy (the CLI's dependencies changed?): run 'cd $(DOWNSTREAM) && go mod tidy' and commit" >&2; exit 1; }
	cd $(DOWNSTREAM) && GOWORK=off $(GO) generate ./...
	@git diff --exit-code -- $(DOWNSTREAM) || { echo "$(DOWNSTREAM): go generate changed committed files: commit the regenerated output" >&2; exit 1; }
	@untracked=$$(git status --porcelain --untracked-files=all -- $(DOWNSTREAM)); \
	if [ -n "$$untracked" ]; then echo "$(DOWNSTREAM) has files that are not committed:" >&2; echo "$$untracked" >&2; exit 1; fi
	cd $(DOWNSTREAM) && GOWORK=off $(GO) vet ./... && GOWORK=off $(GO) build ./... && GOWORK=off $(GO) test -race -count=1 ./...
	$(DOWNSTREAM)/outside.sh

contract-live: ## The live path against the fake: live --record on a free loopback port, then check the recording (LIVE_RECORD_DIR=DIR keeps it)
	GO="$(GO)" bash .ci/contract-live

WORKFLOWS ?= .github/workflows/live-drift.yml examples/github-actions/nightly-live-reusable.yml examples/github-actions/nightly-live.yml examples/github-actions/check-recordings.yml examples/github-actions/pr-recordings.yml examples/github-actions/nightly-upstream.yml
lint-workflows: tools ## Lint the example GitHub Actions workflows with the actionlint pinned in the tools module (and shellcheck, if installed)
	$(TOOLBIN)/actionlint $(WORKFLOWS)

# The vendor documents vendor-check reads: empty means GitHub (network); set
# SOURCE (and BASELINE_SOURCE) to a file or a loopback URL to run offline.
# UPSTREAM_ARGS adds flags (--format markdown, --fail-on breaking ...).
SOURCE ?=
BASELINE_SOURCE ?=

vendor-check: build ## Compare the vendor's published OpenAPI document (newest and reviewed commit, fetched from GitHub over https; or SOURCE=FILE|URL [BASELINE_SOURCE=...] offline) with the contract: tokens-contract upstream; exit 1 on news. Not run by .ci/run (no network there)
	$(TOKENS_CONTRACT) upstream $(if $(SOURCE),--source $(SOURCE)) $(if $(BASELINE_SOURCE),--baseline-source $(BASELINE_SOURCE)) $(UPSTREAM_ARGS)

sarif-validate: ## Judge check's SARIF (shipped recordings by a relative path, drift corpus by an absolute one) with Microsoft's SARIF Multitool, pinned, against the SARIF 2.1.0 schema, its own rules and its GitHub code scanning rules (needs node and npm)
	GO="$(GO)" bash .ci/sarif-validate

action-test: ## Run the composite action's script (action.yml) both ways, built from a copy of this tree and installed from a local release archive, on the shipped recordings and a consumer-shaped fixture, with and without jq on the PATH
	GO="$(GO)" bash scripts/action_test.sh

.PHONY: bench-transport bench-startup production-rules bench-sizes
# Benchmarks on a shared machine: each runs in ROUNDS interleaved rounds from
# one test binary, and the ratios are of medians. The load average is printed.
ROUNDS ?= 5
BENCHOUT ?= $${TMPDIR:-/tmp}
median = scripts/benchmedian.sh

bench-transport: ## contract/watch: the caller's cost of a request through the transport at sample rate 0 and 1 against the bare one (pages of the default and the maximum limit, a caller that discards the body and one that decodes it with the client, requests spaced as at 150 a minute and interleaved, goals 1.01 and 1.05), the same back to back, the body copy that sets the floor at rate 0, and checks per second per core; ROUNDS rounds, medians of ratios
	@uptime
	$(GO) test -c -o $(BENCHOUT)/watch.test ./contract/watch/
	@rm -f $(BENCHOUT)/bench-transport.txt; cd contract/watch && for i in $$(seq $(ROUNDS)); do \
	  GOMAXPROCS=2 $(BENCHOUT)/watch.test -test.run '^$$' -test.bench 'RoundTrip$$' -test.benchmem -test.benchtime 300x; \
	  GOMAXPROCS=2 $(BENCHOUT)/watch.test -test.run '^$$' -test.bench 'RoundTripBackToBack' -test.benchmem -test.benchtime 2000x; \
	  GOMAXPROCS=1 $(BENCHOUT)/watch.test -test.run '^$$' -test.bench 'CheckPage250|ShapeOf' -test.benchmem -test.benchtime 50x; \
	  GOMAXPROCS=2 $(BENCHOUT)/watch.test -test.run '^$$' -test.bench 'BodyCopy' -test.benchtime 300x; \
	done | tee $(BENCHOUT)/bench-transport.txt
	@f=$(BENCHOUT)/bench-transport.txt; for n in $$(awk '$$1 ~ /^BenchmarkRoundTrip\/caller=/ {sub(/-[0-9]+$$/, "", $$1); print $$1}' $$f | sort -u | sort -t= -k2,2 -k3,3n); do \
	  awk -v n=$${n#BenchmarkRoundTrip/} -v b=$$($(median) $$f $$n bare-p50-ns) -v r0=$$($(median) $$f $$n rate0/bare) -v r1=$$($(median) $$f $$n rate1/bare) \
	    'BEGIN {printf "RoundTrip %s: caller p50 bare %.1f us; medians of the ratios rate0/bare %.3f (goal <= 1.01), rate1/bare %.3f (goal <= 1.05)\n", n, b/1000, r0, r1}'; \
	done; for u in allocs/op ns/op cpu-ns/op; do \
	  b=$$($(median) $$f BenchmarkRoundTripBackToBack/bare $$u); r0=$$($(median) $$f BenchmarkRoundTripBackToBack/rate0 $$u); r1=$$($(median) $$f BenchmarkRoundTripBackToBack/rate1 $$u); \
	  awk -v b=$$b -v r0=$$r0 -v r1=$$r1 -v u=$$u 'BEGIN {printf "RoundTripBackToBack %s medians: bare %s, rate0 %s, rate1 %s", u, b, r0, r1; \
	    if (u == "allocs/op") printf "; extra allocations at rate 0: %d (goal <= 2)\n", r0-b; \
	    else printf "; ratios rate0/bare %.3f, rate1/bare %.3f (no idle core: for information)\n", r0/b, r1/b}'; \
	done; awk -v c=$$($(median) $$f BenchmarkBodyCopy cold-ns) -v h=$$($(median) $$f BenchmarkBodyCopy hot-ns) -v b=$$($(median) $$f BenchmarkRoundTrip/caller=discard/limit=250 bare-p50-ns) \
	  'BEGIN {printf "BodyCopy: the tee copy of a 250-token page takes %.1f us into a cold buffer, %.1f us hot; the cold copy alone is %.3f of a bare request (caller=discard/limit=250): the floor of rate0/bare there\n", c/1000, h/1000, 1+c/b}'; \
	c=$$($(median) $$f BenchmarkCheckPage250 cpu-ns/op); \
	awk -v c=$$c 'BEGIN {printf "checks of a 250-token page per second per core (CPU, GOMAXPROCS=1): %.0f\n", 1e9/c}'

bench-startup: ## Whole process, side by side: CPU of one `check` on a small HAR against a minimal libopenapi-validator program (goal: check/minimal <= 1); see go doc ./internal/benchproc
	@uptime
	$(GO) test -run '^$$' -bench 'Startup' -benchtime 20x -count $(ROUNDS) ./internal/benchproc/ | tee $(BENCHOUT)/bench-startup.txt
	@f=$(BENCHOUT)/bench-startup.txt; awk -v c=$$($(median) $$f BenchmarkStartup check-cpu-ms/op) -v m=$$($(median) $$f BenchmarkStartup minimal-cpu-ms/op) -v r=$$($(median) $$f BenchmarkStartup check/minimal) \
	  'BEGIN {printf "medians: check %.1f ms CPU, minimal %.1f ms CPU; check/minimal %.3f (goal <= 1)\n", c, m, r}'

PROMETHEUS_EXAMPLE := examples/production/prometheus
production-rules: ## Check the production example's Prometheus config and alerting rules, and run their unit tests (needs promtool)
	promtool check config $(PROMETHEUS_EXAMPLE)/prometheus.yml
	promtool check rules $(PROMETHEUS_EXAMPLE)/rules.yml
	cd $(PROMETHEUS_EXAMPLE) && promtool test rules rules_test.yml

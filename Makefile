# Self-documenting Makefile: every public target carries a "## description".
# Run `make help` (or just `make`) to list them.

GO ?= go
GOFILES = $(shell git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*')

.DEFAULT_GOAL := help
# Every target is a command, not a file: one list, in the order of this file.
.PHONY: help build generate check-generated tidy-check lint test bench bench-contract fuzz contract \
	fake bench-client spec-diff api-diff spec-release publish reference-test downstream \
	contract-live lint-workflows release snapshot action-test sarif-validate docker-lint snapshot-host

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

tidy-check: ## Fail if go.mod or go.sum is not tidy
	$(GO) mod tidy -diff

lint: ## gofmt check, go vet, and staticcheck (pinned in go.mod) on the whole module
	@unformatted=$$(gofmt -l $(GOFILES)); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:" >&2; echo "$$unformatted" >&2; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck ./...

test: ## Run every test with the race detector (needs cgo and a C compiler: gcc or clang)
	@cc=$$($(GO) env CC); \
	command -v "$${cc%% *}" >/dev/null 2>&1 || { echo "make test: the race detector (-race) needs cgo and a C compiler, and the compiler '$$cc' (go env CC) is not installed: install one (Debian/Ubuntu: apt-get install gcc), or run 'go test ./...' without -race" >&2; exit 1; }; \
	[ "$$($(GO) env CGO_ENABLED)" = 1 ] || { echo "make test: the race detector (-race) needs cgo, but CGO_ENABLED is $$($(GO) env CGO_ENABLED): set CGO_ENABLED=1" >&2; exit 1; }
	$(GO) test -race ./...

bench: ## Run every benchmark
	$(GO) test -run '^$$' -bench . -benchmem ./...

bench-contract: ## CheckCorpus against DecodeCorpus with GOMAXPROCS=2 (goal: a ratio of at most 2.0)
	GOMAXPROCS=2 $(GO) test -run '^$$' -bench 'CheckCorpus$$|DecodeCorpus$$' -benchtime 20x -count 5 ./contract/

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

bench-client: ## Benchmark client.FetchAll: 10,000 tokens, 20 ms per request, sequential vs 4 at a time
	$(GO) test -run '^$$' -bench BenchmarkFetchAll -benchtime 5x ./client/

spec-diff: ## Compare the spec with the last release (oasdiff): a breaking change fails without a new major version; checks openapi/CHANGELOG.md
	$(GO) run ./cmd/specguard spec

api-diff: ## Compare the Go API of generated/ with the last release (apidiff): an incompatible change fails without a new major version
	$(GO) run ./cmd/specguard api

spec-release: ## Record the spec and generated/ as the release of the spec's version under openapi/releases/ (then commit, and make release)
	$(GO) run ./cmd/specguard release

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
	REQUIRE_BROWSER=1 REFERENCE_PAGE=$(CURDIR)/$(DIST)/index.html $(GO) test -count=1 -v -run 'TestReferencePageInBrowser|TestBrowserWatchCatchesRequests' -artifacts -outputdir $(CURDIR)/$(DIST)/test-output ./internal/publish/

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

WORKFLOWS ?= .github/workflows/live-drift.yml examples/github-actions/nightly-live-reusable.yml examples/github-actions/nightly-live.yml examples/github-actions/check-recordings.yml examples/github-actions/pr-recordings.yml
lint-workflows: ## Lint the example GitHub Actions workflows with the actionlint pinned in go.mod (and shellcheck, if installed)
	$(GO) run github.com/rhysd/actionlint/cmd/actionlint $(WORKFLOWS)

sarif-validate: ## Judge check's SARIF (shipped recordings and drift corpus) with Microsoft's SARIF Multitool, pinned, against the SARIF 2.1.0 schema (needs node and npm)
	GO="$(GO)" bash .ci/sarif-validate

action-test: ## Run the composite action's script (action.yml) on the shipped recordings, installing from a local release archive
	GO="$(GO)" bash scripts/action_test.sh

.PHONY: bench-transport production-rules
bench-transport: ## contract/watch: a request through the transport at sample rate 0 and 1 against the bare one (goals 1.01 and 1.05), and checks per second per core
	GOMAXPROCS=2 $(GO) test -run '^$$' -bench 'RoundTrip' -benchmem -benchtime 2000x -count 3 ./contract/watch/ | tee $${TMPDIR:-/tmp}/bench-transport.txt
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench 'CheckPage250' -benchmem -benchtime 50x ./contract/watch/ | tee -a $${TMPDIR:-/tmp}/bench-transport.txt
	@awk '/^BenchmarkRoundTrip\/bare/ {b += $$3; nb++} /^BenchmarkRoundTrip\/rate0/ {r0 += $$3; n0++} /^BenchmarkRoundTrip\/rate1/ {r1 += $$3; n1++} \
	  /^BenchmarkCheckPage250/ {c = $$3} END { if (nb && n0 && n1) printf "ratio rate0/bare %.3f (goal <= 1.01), rate1/bare %.3f (goal <= 1.05)\n", (r0/n0)/(b/nb), (r1/n1)/(b/nb); \
	  if (c) printf "checks of a 250-token page per second per core: %.0f\n", 1e9/c }' $${TMPDIR:-/tmp}/bench-transport.txt

PROMETHEUS_EXAMPLE := examples/production/prometheus
production-rules: ## Check the production example's Prometheus config and alerting rules, and run their unit tests (needs promtool)
	promtool check config $(PROMETHEUS_EXAMPLE)/prometheus.yml
	promtool check rules $(PROMETHEUS_EXAMPLE)/rules.yml
	cd $(PROMETHEUS_EXAMPLE) && promtool test rules rules_test.yml

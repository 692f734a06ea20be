# Self-documenting Makefile: every public target carries a "## description".
# Run `make help` (or just `make`) to list them.

GO ?= go
GOFILES = $(shell git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*')

.DEFAULT_GOAL := help
.PHONY: help generate check-generated tidy-check lint test bench contract

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

lint: ## gofmt check and go vet
	@unformatted=$$(gofmt -l $(GOFILES)); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:" >&2; echo "$$unformatted" >&2; exit 1; fi
	$(GO) vet ./...

test: ## Run every test with the race detector
	$(GO) test -race ./...

bench: ## Run the benchmarks
	$(GO) test -run '^$$' -bench . -benchmem ./...

contract: ## The main job: check the contract (for now: the spec loads, and the generated client decodes the documented example)
	@echo "The contract engine (tokens-contract check) is not built yet; running the spec and generated-client checks that exist."
	$(GO) test -count=1 ./openapi/ ./generated/

FAKE_ADDR ?= 127.0.0.1:8080
.PHONY: fake
fake: ## Serve the fake on FAKE_ADDR (default 127.0.0.1:8080); needs B2B_AUTH_TOKEN; extra flags in FAKE_ARGS
	$(GO) run ./cmd/tokens-contract fake --addr $(FAKE_ADDR) $(FAKE_ARGS)

.PHONY: contract-live lint-workflows
contract-live: ## The live path against the fake: live --record on a free loopback port, then check the recording (LIVE_RECORD_DIR=DIR keeps it)
	GO="$(GO)" bash .ci/contract-live

WORKFLOWS ?= examples/github-actions/nightly-live.yml
lint-workflows: ## Lint the example GitHub Actions workflows with the actionlint pinned in go.mod (and shellcheck, if installed)
	$(GO) run github.com/rhysd/actionlint/cmd/actionlint $(WORKFLOWS)

# tokens-contract as a container image, for teams that run their tools as
# images. CI lints it (make docker-lint: BuildKit's build checks) rather than
# building it: the machine CI runs on has no Docker daemon.
#
#   docker build --build-arg VERSION=<commit> -t tokens-contract:<commit> .
#   docker run --rm -v "$PWD/recordings:/work:ro" tokens-contract:<commit> check /work
#
# VERSION is anything go install accepts after the @ that pins one version: a
# commit of this repository (full or abbreviated hash; no release is tagged
# yet) or, once one exists, a release tag vX.Y.Z. The build stage installs
# that module version through the Go module proxy (go install ...@VERSION),
# not the build context, so the image holds exactly that commit or release,
# and `tokens-contract version` says which: a release tag, or for a commit its
# pseudo-version and a "commit:" line. The final stage
# is distroless "static" (no shell, no package manager), running as the
# non-root user nonroot (uid 65532). Pin the two base images by digest
# (image@sha256:...) where you build, as for any image you ship.
ARG GO_VERSION=1.26

FROM golang:${GO_VERSION} AS build
ARG VERSION
RUN test -n "$VERSION" || { echo "build with --build-arg VERSION=<commit> (a commit hash of github.com/b2b-contract/s2s-tokens) or VERSION=<tag> (a release tag vX.Y.Z, once one exists)" >&2; exit 1; }
ENV CGO_ENABLED=0 GOBIN=/out
RUN go install -trimpath -ldflags="-s -w" "github.com/b2b-contract/s2s-tokens/cmd/tokens-contract@${VERSION}"

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/tokens-contract /usr/local/bin/tokens-contract
USER nonroot:nonroot
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/tokens-contract"]
CMD ["help"]

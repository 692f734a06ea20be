# tokens-contract as a container image, for teams that run their tools as
# images. CI lints it (make docker-lint: BuildKit's build checks) rather than
# building it: the machine CI runs on has no Docker daemon.
#
#   docker build --build-arg VERSION=v1.2.0 -t tokens-contract:v1.2.0 .
#   docker run --rm -v "$PWD/recordings:/work:ro" tokens-contract:v1.2.0 check /work
#
# The build stage installs the released module version through the Go module
# proxy (go install ...@VERSION), not the build context, so the image holds
# exactly that release and `tokens-contract version` says so. The final stage
# is distroless "static" (no shell, no package manager), running as the
# non-root user nonroot (uid 65532). Pin the two base images by digest
# (image@sha256:...) where you build, as for any image you ship.
ARG GO_VERSION=1.26

FROM golang:${GO_VERSION} AS build
ARG VERSION
RUN test -n "$VERSION" || { echo "build with --build-arg VERSION=vX.Y.Z (a tagged release)" >&2; exit 1; }
ENV CGO_ENABLED=0 GOBIN=/out
RUN go install -trimpath -ldflags="-s -w" "github.com/b2b-contract/s2s-tokens/cmd/tokens-contract@${VERSION}"

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/tokens-contract /usr/local/bin/tokens-contract
USER nonroot:nonroot
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/tokens-contract"]
CMD ["help"]

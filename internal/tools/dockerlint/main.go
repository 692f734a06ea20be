// Command dockerlint lints Dockerfiles with BuildKit's own Dockerfile
// checks, the ones `docker build --check` runs (see
// https://docs.docker.com/reference/build-checks/), without a Docker daemon
// or a registry: base images are never fetched; the check that needs an
// image's configuration sees an empty one.
//
// Usage:
//
//	go run . FILE...
//
// It prints each warning as FILE:LINE: RULE: detail and exits 1 when there is
// one, or when a file does not parse (2 when it cannot be read). It lives in
// its own module so that BuildKit's dependencies stay out of the project's
// go.mod; `make docker-lint` runs it.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	digest "github.com/opencontainers/go-digest"
)

// offline resolves every base image to an empty Linux image, so that the
// lint never reaches a registry.
type offline struct{}

func (offline) ResolveImageConfig(_ context.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	cfg := []byte(`{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}`)
	return ref, digest.FromBytes(cfg), cfg, nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dockerlint FILE...")
		os.Exit(2)
	}
	code := 0
	for _, path := range os.Args[1:] {
		if c := lint(os.Stdout, os.Stderr, path); c > code {
			code = c
		}
	}
	os.Exit(code)
}

// lint lints one file, printing findings on stdout and errors on stderr, and
// returns the exit code for it.
func lint(stdout, stderr io.Writer, path string) int {
	dt, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "dockerlint: %v\n", err)
		return 2
	}
	smap := llb.NewSourceMap(nil, path, "Dockerfile", dt)
	smap.Definition = &llb.Definition{} // the file itself, not an LLB graph
	res, err := dockerfile2llb.DockerfileLint(context.Background(), dt, dockerfile2llb.ConvertOpt{
		SourceMap:    smap,
		MetaResolver: offline{},
	})
	if err != nil {
		fmt.Fprintf(stderr, "dockerlint: %s: %v\n", path, err)
		return 2
	}
	code := 0
	for _, w := range res.Warnings {
		line := 0
		if w.Location != nil && len(w.Location.Ranges) > 0 {
			line = int(w.Location.Ranges[0].Start.Line)
		}
		fmt.Fprintf(stdout, "%s:%d: %s: %s\n", path, line, w.RuleName, w.Detail)
		code = 1
	}
	if res.Error != nil {
		fmt.Fprintf(stdout, "%s: does not build: %s\n", path, res.Error.Message)
		code = 1
	}
	if code == 0 {
		fmt.Fprintf(stdout, "%s: no findings\n", path)
	}
	return code
}

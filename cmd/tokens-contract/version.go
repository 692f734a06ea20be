package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"

	// Nothing of this package is used. Linking it, the smallest package of
	// the oapi-codegen module (standard library only), puts that module in
	// the build info, so "version" can say which oapi-codegen this build's
	// go.mod pins: the one `make check-generated` proves generated/ came from.
	_ "github.com/oapi-codegen/oapi-codegen/v2/pkg/ecdsafile"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

// Module paths "version" reports on.
const (
	modulePath    = "github.com/b2b-contract/s2s-tokens"
	generatorPath = "github.com/oapi-codegen/oapi-codegen/v2"
)

// develVersion is what Go records as the main module's version when it
// cannot tell one (go run, go build -buildvcs=false, no version control).
const develVersion = "(devel)"

// versionCommand prints the versions this build is made of.
func versionCommand() command {
	return command{
		name:    "version",
		summary: "print the module, spec, oapi-codegen and Go versions of this build",
		run:     runVersion,
	}
}

const versionDescription = `Prints the versions this build is made of, one "name: value" line each:
the module version of github.com/b2b-contract/s2s-tokens (a release tag for
go install ...@vX.Y.Z; a pseudo-version for go install ...@<commit> and for
a build in a checkout with git; "(devel)" for a build without version
control), the spec version (info.version of the embedded spec), the
oapi-codegen version the module pins (which generated its client), and the
Go toolchain. For a pseudo-version a "commit:" line follows the first: the
commit, its time, and the newest release tag before it (or none), since such
a build is not a release. "tokens-contract --version" prints the same.`

func runVersion(_ context.Context, env *environment, args []string) int {
	fs := newFlagSet(env, "version", "version", versionDescription)
	args, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(args) > 0 {
		fmt.Fprintf(env.stderr, "tokens-contract version: unexpected argument %q (version takes no arguments)\n", args[0])
		return exitcode.Usage
	}
	if err := writeVersions(env.stdout, env.versions()); err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract version: writing to standard output: %v\n", err)
		return exitcode.Usage
	}
	return exitcode.OK
}

// versions returns what "version" prints, from the environment's build
// information.
func (e *environment) versions() versions {
	read := e.buildInfo
	if read == nil {
		read = debug.ReadBuildInfo
	}
	return buildVersions(read())
}

// versions is what "version" prints.
type versions struct {
	Module, Spec, Generator, Go string
}

// commitOf describes the build of a pseudo-version (go install ...@<commit>,
// or a build in a checkout with version control): the commit, its time (UTC),
// the newest release tag before it and whether the tree had uncommitted
// changes. ok=false for any other version: a release tag, "(devel)",
// "unknown".
func commitOf(version string) (desc string, ok bool) {
	build := semver.Build(version)
	v := version[:len(version)-len(build)]
	if !module.IsPseudoVersion(v) {
		return "", false
	}
	rev, err := module.PseudoVersionRev(v)
	if err != nil {
		return "", false
	}
	at, err := module.PseudoVersionTime(v)
	if err != nil {
		return "", false
	}
	base, err := module.PseudoVersionBase(v)
	if err != nil {
		return "", false
	}
	desc = fmt.Sprintf("%s (%s), not a tagged release; ", rev, at.UTC().Format(time.RFC3339))
	if base == "" {
		desc += "no release tag precedes it"
	} else {
		desc += "the newest release tag before it is " + base
	}
	if build == "+dirty" {
		desc += "; built with uncommitted changes"
	}
	return desc, true
}

// buildVersions reads the versions out of a build's info. ok=false (a binary
// built without module support) leaves the module and generator versions
// "unknown"; the spec version comes from the embedded spec either way.
func buildVersions(bi *debug.BuildInfo, ok bool) versions {
	v := versions{Module: "unknown", Spec: openapi.Version(), Generator: "unknown", Go: runtime.Version()}
	if !ok || bi == nil {
		return v
	}
	if bi.GoVersion != "" {
		v.Go = bi.GoVersion
	}
	// In a test binary the main module is the test's; only trust Main when it
	// is this module.
	if bi.Main.Path == modulePath {
		v.Module = moduleVersion(&bi.Main)
	}
	for _, dep := range bi.Deps {
		if dep.Path == generatorPath {
			v.Generator = moduleVersion(dep)
		}
	}
	return v
}

// moduleVersion is m's version, following a replace directive, or
// develVersion when the build recorded none.
func moduleVersion(m *debug.Module) string {
	if m.Replace != nil {
		m = m.Replace
	}
	if m.Version == "" {
		return develVersion
	}
	return m.Version
}

func writeVersions(w io.Writer, v versions) error {
	commit := ""
	if desc, ok := commitOf(v.Module); ok {
		commit = "commit: " + desc + "\n"
	}
	_, err := fmt.Fprintf(w, "tokens-contract: %s %s\n%sspec: %s\noapi-codegen: %s %s\ngo: %s\n",
		modulePath, v.Module, commit, v.Spec, generatorPath, v.Generator, v.Go)
	return err
}

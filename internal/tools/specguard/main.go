// Command specguard guards the published spec and the Go API generated from
// it against silent breakage. Run it from the repository's root (make
// spec-diff, make api-diff, make spec-release build it from the tools module,
// internal/tools, and run it there).
//
// Usage:
//
//	specguard spec    [-format text,github]
//	specguard api     [-format text,github]
//	specguard release
//
// "spec" compares the working spec (openapi/b2b-s2s-tokens.yaml, as embedded
// by package openapi) with the last release under openapi/releases using
// oasdiff, applies the version policy, and checks openapi/CHANGELOG.md. "api"
// compares the Go API of package generated with the last release's using
// apidiff. Both fail (exit 1) on a breaking change without a new major
// version. "release" records the working spec and generated package as the
// release of the spec's version, the new baseline, once both checks pass.
//
// -format takes a comma-separated list: text (a report for people) and github
// (GitHub Actions annotations). The default is text, plus github when
// GITHUB_ACTIONS is "true".
//
// Exit codes: 0 no rule violated; 1 a rule violated; 2 usage error, or a spec
// or package that cannot be read.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/specguard"
	"github.com/b2b-contract/s2s-tokens/internal/tools/apiguard"
	"github.com/b2b-contract/s2s-tokens/openapi"
	"github.com/b2b-contract/s2s-tokens/openapi/releases"
)

// Repository-relative paths the reports name.
const (
	specPath      = "openapi/" + openapi.FileName
	changelogPath = "openapi/CHANGELOG.md"
	releasesPath  = "openapi/releases"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv, "."))
}

const usage = `Usage:
  specguard spec    [-format text,github]   compare the working spec with the last release; check the changelog
  specguard api     [-format text,github]   compare the generated package's Go API with the last release
  specguard release                         record the working spec and generated/ as the release of its version

Exit codes: 0 no rule violated, 1 a rule violated, 2 usage error or unreadable input.
`

// run runs the command line args with dir as the directory inside the
// module, and returns the exit code.
func run(args []string, stdout, stderr io.Writer, getenv func(string) string, dir string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitcode.Usage
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitcode.OK
	case "spec", "api", "release":
	default:
		fmt.Fprintf(stderr, "specguard: unknown command %q\n\n%s", cmd, usage)
		return exitcode.Usage
	}

	fs := flag.NewFlagSet("specguard "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	defFormat := "text"
	if getenv("GITHUB_ACTIONS") == "true" {
		defFormat = "text,github"
	}
	format := defFormat
	if cmd != "release" {
		fs.StringVar(&format, "format", defFormat, "comma-separated output `formats`: text, github")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitcode.OK
		}
		return exitcode.Usage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "specguard %s: unexpected argument %q\n", cmd, fs.Arg(0))
		return exitcode.Usage
	}
	formats, err := parseFormats(format)
	if err != nil {
		fmt.Fprintf(stderr, "specguard %s: %v\n", cmd, err)
		return exitcode.Usage
	}

	latest, err := releases.Latest()
	if err != nil {
		fmt.Fprintf(stderr, "specguard: %v\n", err)
		return exitcode.Usage
	}
	working := specguard.Spec{Name: specPath, Data: openapi.YAML()}

	var report *specguard.Report
	switch cmd {
	case "spec":
		report, err = checkSpec(latest, working)
	case "api":
		report, err = checkAPI(dir, latest, working)
	case "release":
		return release(dir, latest, working, stdout, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "specguard %s: %v\n", cmd, err)
		return exitcode.Usage
	}
	for _, f := range formats {
		var werr error
		switch f {
		case "text":
			werr = report.WriteText(stdout)
		case "github":
			werr = report.WriteGitHub(stdout)
		}
		if werr != nil {
			fmt.Fprintf(stderr, "specguard %s: writing the report: %v\n", cmd, werr)
			return exitcode.Usage
		}
	}
	if report.Failed() {
		return exitcode.Findings
	}
	return exitcode.OK
}

func parseFormats(s string) ([]string, error) {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		switch f {
		case "text", "github":
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		default:
			return nil, fmt.Errorf("unknown -format %q: want text, github or both (text,github)", f)
		}
	}
	return out, nil
}

func releasedVersions() ([]string, error) {
	rs, err := releases.All()
	if err != nil {
		return nil, err
	}
	var vs []string
	for _, r := range rs {
		vs = append(vs, r.Version)
	}
	return vs, nil
}

func releaseSpec(r releases.Release) specguard.Spec {
	return specguard.Spec{Name: releasesPath + "/" + r.Dir + "/" + releases.SpecFile, Data: r.Spec}
}

// checkSpec compares the working spec with the latest release and checks the
// changelog; changelog problems join the report's violations.
func checkSpec(latest releases.Release, working specguard.Spec) (*specguard.Report, error) {
	report, err := specguard.CompareSpecs(releaseSpec(latest), working)
	if err != nil {
		return nil, err
	}
	vs, err := releasedVersions()
	if err != nil {
		return nil, err
	}
	report.Violations = append(report.Violations,
		specguard.CheckChangelog(changelogPath, openapi.Changelog(), openapi.Version(), vs)...)
	return report, nil
}

// checkAPI compares the Go API of the generated package in the module at dir
// with the latest release's.
func checkAPI(dir string, latest releases.Release, working specguard.Spec) (*specguard.Report, error) {
	files := map[string][]byte{}
	for name, src := range latest.Generated {
		files[releasesPath+"/"+latest.Dir+"/"+releases.GeneratedDir+"/"+name+releases.GoSuffix] = src
	}
	base, err := apiguard.SourceAPI(dir, apiguard.GeneratedPackage, files, releaseSpec(latest))
	if err != nil {
		return nil, err
	}
	rev, err := apiguard.LoadAPI(dir, apiguard.GeneratedPackage, working)
	if err != nil {
		return nil, err
	}
	return apiguard.CompareAPI(base, rev), nil
}

// release writes openapi/releases/v<version>/ from the working spec and the
// generated package's non-test Go files, once the spec and its Go API pass
// the guard against the latest release.
func release(dir string, latest releases.Release, working specguard.Spec, stdout, stderr io.Writer) int {
	version := openapi.Version()
	for _, check := range []func() (*specguard.Report, error){
		func() (*specguard.Report, error) { return checkSpec(latest, working) },
		func() (*specguard.Report, error) { return checkAPI(dir, latest, working) },
	} {
		report, err := check()
		if err != nil {
			fmt.Fprintf(stderr, "specguard release: %v\n", err)
			return exitcode.Usage
		}
		if report.Failed() {
			_ = report.WriteText(stderr)
			fmt.Fprintf(stderr, "specguard release: not recording %s: fix what the %s check reports first\n", version, report.Subject)
			return exitcode.Findings
		}
	}
	cfg := &packages.Config{Dir: dir, Mode: packages.NeedName | packages.NeedFiles | packages.NeedModule}
	pkgs, err := packages.Load(cfg, apiguard.GeneratedPackage)
	if err != nil || len(pkgs) != 1 || pkgs[0].Module == nil || len(pkgs[0].Errors) > 0 {
		fmt.Fprintf(stderr, "specguard release: cannot find package %s in the module at %s: %v\n", apiguard.GeneratedPackage, dir, errOf(err, pkgs))
		return exitcode.Usage
	}
	generated := map[string][]byte{}
	for _, f := range pkgs[0].GoFiles {
		src, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(stderr, "specguard release: %v\n", err)
			return exitcode.Usage
		}
		generated[filepath.Base(f)] = src
	}
	vs, err := releasedVersions()
	if err != nil {
		fmt.Fprintf(stderr, "specguard release: %v\n", err)
		return exitcode.Usage
	}
	if fs := specguard.CheckChangelog(changelogPath, openapi.Changelog(), version, vs); len(fs) > 0 {
		for _, f := range fs {
			fmt.Fprintf(stderr, "specguard release: %s:%d: %s: %s\n", f.File, f.Line, f.ID, f.Message)
		}
		return exitcode.Findings
	}
	root := filepath.Join(pkgs[0].Module.Dir, filepath.FromSlash(releasesPath))
	out, err := writeRelease(root, latest.Version, version, openapi.YAML(), generated)
	if err != nil {
		fmt.Fprintf(stderr, "specguard release: %v\n", err)
		return exitcode.Findings
	}
	fmt.Fprintf(stdout, "recorded release %s in %s\ncommit it, then tag the commit spec/v%s\n", version, out, version)
	return exitcode.OK
}

func errOf(err error, pkgs []*packages.Package) error {
	if err != nil {
		return err
	}
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			return p.Errors[0]
		}
	}
	return errors.New("no module")
}

// writeRelease writes the release directory for version under root. It
// refuses a version that is not newer than latest, and never overwrites a
// release: released baselines are immutable.
func writeRelease(root, latest, version string, spec []byte, generated map[string][]byte) (string, error) {
	if !specguard.ValidVersion(version) {
		return "", fmt.Errorf("info.version %q is not a semantic version", version)
	}
	if specguard.CompareVersions(version, latest) <= 0 {
		return "", fmt.Errorf("info.version %s is not newer than the latest release %s: bump it first", version, latest)
	}
	if len(generated) == 0 {
		return "", errors.New("the generated package has no Go files")
	}
	dir := filepath.Join(root, "v"+version)
	if _, err := os.Stat(dir); err == nil {
		return "", fmt.Errorf("%s already exists: a release is never rewritten", dir)
	}
	gen := filepath.Join(dir, releases.GeneratedDir)
	if err := os.MkdirAll(gen, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, releases.SpecFile), spec, 0o644); err != nil {
		return "", err
	}
	for name, src := range generated {
		if err := os.WriteFile(filepath.Join(gen, name+releases.GoSuffix), src, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

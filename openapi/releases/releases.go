// Package releases holds the released versions of the spec and of the Go API
// generated from it: the baselines that the spec guard (package
// internal/specguard, make spec-diff and make api-diff) compares the working
// tree against.
//
// Each release lives in a directory v<version>/ beside this file, holding the
// spec file exactly as it was released and, under generated/, the non-test Go
// files of package tokensapi at that release with ".txt" appended to their
// names (so that the go command does not build them as a package). The
// directories are written by "make spec-release" and never edited afterwards.
package releases

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"golang.org/x/mod/semver"
)

// SpecFile is the name of the spec file inside a release directory.
const SpecFile = "b2b-s2s-tokens.yaml"

// GeneratedDir is the directory, inside a release directory, that holds the
// generated Go package's source.
const GeneratedDir = "generated"

// GoSuffix is appended to the names of the Go files kept in a release.
const GoSuffix = ".txt"

//go:embed v*
var files embed.FS

// Release is one released version of the spec.
type Release struct {
	// Version is the spec's info.version at the release, such as "1.0.0".
	Version string
	// Dir is the release's directory relative to this package, such as
	// "v1.0.0"; the guard names it in its reports.
	Dir string
	// Spec is the spec file as released, byte for byte.
	Spec []byte
	// Generated maps the name of each non-test Go file of package tokensapi
	// at the release (such as "tokensapi.gen.go") to its source.
	Generated map[string][]byte
}

var dirName = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)

var all = sync.OnceValues(func() ([]Release, error) { return load(files) })

// All returns every release, oldest first.
func All() ([]Release, error) {
	rs, err := all()
	if err != nil {
		return nil, err
	}
	return slices.Clone(rs), nil
}

// Latest returns the newest release.
func Latest() (Release, error) {
	rs, err := all()
	if err != nil {
		return Release{}, err
	}
	return rs[len(rs)-1], nil
}

// Get returns the release of version (such as "1.0.0").
func Get(version string) (Release, error) {
	rs, err := all()
	if err != nil {
		return Release{}, err
	}
	for _, r := range rs {
		if r.Version == version {
			return r, nil
		}
	}
	return Release{}, fmt.Errorf("releases: no release %q", version)
}

// load reads the release directories of fsys.
func load(fsys fs.FS) ([]Release, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("releases: %w", err)
	}
	var rs []Release
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if !dirName.MatchString(e.Name()) {
			return nil, fmt.Errorf("releases: directory %q is not named v<major>.<minor>.<patch>", e.Name())
		}
		r, err := loadOne(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("releases: no release directories")
	}
	slices.SortFunc(rs, func(a, b Release) int { return semver.Compare("v"+a.Version, "v"+b.Version) })
	return rs, nil
}

func loadOne(fsys fs.FS, dir string) (Release, error) {
	r := Release{Version: strings.TrimPrefix(dir, "v"), Dir: dir, Generated: map[string][]byte{}}
	spec, err := fs.ReadFile(fsys, path.Join(dir, SpecFile))
	if err != nil {
		return Release{}, fmt.Errorf("releases: %s: %w", dir, err)
	}
	r.Spec = spec
	gen, err := fs.ReadDir(fsys, path.Join(dir, GeneratedDir))
	if err != nil {
		return Release{}, fmt.Errorf("releases: %s: %w", dir, err)
	}
	for _, e := range gen {
		name, ok := strings.CutSuffix(e.Name(), ".go"+GoSuffix)
		if e.IsDir() || !ok {
			return Release{}, fmt.Errorf("releases: %s/%s/%s is not a Go file kept as *.go%s", dir, GeneratedDir, e.Name(), GoSuffix)
		}
		src, err := fs.ReadFile(fsys, path.Join(dir, GeneratedDir, e.Name()))
		if err != nil {
			return Release{}, fmt.Errorf("releases: %w", err)
		}
		r.Generated[name+".go"] = src
	}
	if len(r.Generated) == 0 {
		return Release{}, fmt.Errorf("releases: %s/%s holds no Go files", dir, GeneratedDir)
	}
	return r, nil
}

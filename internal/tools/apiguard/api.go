// Package apiguard guards the Go API of the generated package: it compares
// the package with the last released generated code using apidiff, and
// applies package specguard's version policy, so that an incompatible change
// fails unless the spec's major version was bumped. The command in
// internal/tools/specguard runs it for "make api-diff". It lives in the tools
// module (internal/tools), so that apidiff and go/packages stay out of the
// library module's requirements.
package apiguard

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"golang.org/x/exp/apidiff"
	"golang.org/x/tools/go/packages"

	"github.com/b2b-contract/s2s-tokens/internal/specguard"
)

// GeneratedPackage is the import path of the generated client package whose
// Go API the guard watches.
const GeneratedPackage = "github.com/b2b-contract/s2s-tokens/generated"

// Rule ids of Go API changes, as Finding.ID.
const (
	// RuleAPIIncompatible: apidiff found a change that can break code using
	// the package (a removed or changed exported identifier).
	RuleAPIIncompatible = "api-incompatible"
	// RuleAPICompatible: apidiff found a change that breaks nobody (an
	// addition).
	RuleAPICompatible = "api-compatible"
)

// API is one side of a Go API comparison: a type-checked package and the
// spec it was generated from, whose info.version is the API's version.
type API struct {
	// Spec is the spec the package was generated from.
	Spec specguard.Spec
	// Package is the type-checked package.
	Package *types.Package
	// Fset holds the positions of the package's objects.
	Fset *token.FileSet
	// Root is the directory file positions are made relative to ("" when
	// they already are).
	Root string
}

// LoadAPI type-checks the package importPath of the module in dir (with
// go/packages, as the go command sees it) and pairs it with spec.
func LoadAPI(dir, importPath string, spec specguard.Spec) (API, error) {
	cfg := &packages.Config{
		Dir:   dir,
		Mode:  packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedModule,
		Tests: false,
	}
	pkgs, err := packages.Load(cfg, importPath)
	if err != nil {
		return API{}, fmt.Errorf("apiguard: loading %s: %w", importPath, err)
	}
	if len(pkgs) != 1 {
		return API{}, fmt.Errorf("apiguard: loading %s: found %d packages", importPath, len(pkgs))
	}
	p := pkgs[0]
	if len(p.Errors) > 0 {
		return API{}, fmt.Errorf("apiguard: loading %s: %v", importPath, p.Errors[0])
	}
	root := ""
	if p.Module != nil {
		root = p.Module.Dir
	}
	return API{Spec: spec, Package: p.Types, Fset: p.Fset, Root: root}, nil
}

// SourceAPI type-checks Go source files (file name to source) as the package
// importPath, resolving their imports through the module in dir, and pairs
// the package with spec. It is how a released package, kept as text, is read
// back. File names should be relative to the repository root, since findings
// report them.
func SourceAPI(dir, importPath string, files map[string][]byte, spec specguard.Spec) (API, error) {
	if len(files) == 0 {
		return API{}, fmt.Errorf("apiguard: no Go files for %s", importPath)
	}
	fset := token.NewFileSet()
	var parsed []*ast.File
	imports := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		f, err := parser.ParseFile(fset, name, files[name], parser.SkipObjectResolution)
		if err != nil {
			return API{}, fmt.Errorf("apiguard: parsing %s: %w", name, err)
		}
		parsed = append(parsed, f)
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return API{}, fmt.Errorf("apiguard: %s: bad import %s", name, imp.Path.Value)
			}
			imports[p] = true
		}
	}
	deps := map[string]*types.Package{}
	if len(imports) > 0 {
		cfg := &packages.Config{Dir: dir, Mode: packages.NeedName | packages.NeedTypes}
		pkgs, err := packages.Load(cfg, slices.Sorted(maps.Keys(imports))...)
		if err != nil {
			return API{}, fmt.Errorf("apiguard: loading the imports of %s: %w", importPath, err)
		}
		for _, p := range pkgs {
			if len(p.Errors) > 0 {
				return API{}, fmt.Errorf("apiguard: loading %s, imported by %s: %v", p.PkgPath, importPath, p.Errors[0])
			}
			deps[p.PkgPath] = p.Types
		}
	}
	conf := types.Config{Importer: importerFunc(func(path string) (*types.Package, error) {
		if p, ok := deps[path]; ok {
			return p, nil
		}
		return nil, fmt.Errorf("package %s is not available", path)
	})}
	pkg, err := conf.Check(importPath, fset, parsed, nil)
	if err != nil {
		return API{}, fmt.Errorf("apiguard: type-checking %s: %w", importPath, err)
	}
	return API{Spec: spec, Package: pkg, Fset: fset}, nil
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// CompareAPI compares the exported API of revision with base using apidiff,
// and applies the major-version rule: an incompatible change needs a new
// major version of the spec the package is generated from. Compatible
// changes (additions) are reported as info.
func CompareAPI(base, revision API) *specguard.Report {
	bv, rv := specVersion(base.Spec), specVersion(revision.Spec)
	r := &specguard.Report{
		Subject:  "Go API",
		Base:     fmt.Sprintf("package %s of spec %s (%s)", base.Package.Name(), bv, base.Spec.Name),
		Revision: fmt.Sprintf("package %s of spec %s (%s)", revision.Package.Name(), rv, revision.Spec.Name),
	}
	for _, c := range apidiff.Changes(base.Package, revision.Package).Changes {
		f := specguard.Finding{ID: RuleAPICompatible, Level: specguard.Info, Message: c.Message}
		if !c.Compatible {
			f.ID, f.Level = RuleAPIIncompatible, specguard.Breaking
		}
		if where, what, ok := strings.Cut(c.Message, ": "); ok {
			f.Where, f.Message = where, what
		}
		// An identifier that still exists is located in the revision, a
		// removed one in the base.
		if !revision.locate(&f) {
			base.locate(&f)
		}
		r.Changes = append(r.Changes, f)
	}
	slices.SortStableFunc(r.Changes, func(a, b specguard.Finding) int { return int(b.Level) - int(a.Level) })
	at := specguard.Finding{File: revision.Spec.Name, Line: specguard.VersionLine(revision.Spec.Data)}
	for _, v := range specguard.VersionRules(bv, rv, false, r.Count(specguard.Breaking), at) {
		if v.ID == specguard.RuleMajorVersionNotBumped {
			v.Message = fmt.Sprintf("%d incompatible change(s) to the Go API of package %s since spec %s, but info.version %s is not a new major version: bump it to %s (and record the change in openapi/CHANGELOG.md), or undo the change",
				r.Count(specguard.Breaking), revision.Package.Name(), bv, rv, specguard.NextMajor(bv))
		}
		r.Violations = append(r.Violations, v)
	}
	return r
}

// locate sets f's file and line from the package object that f.Where names
// ("Token", "Token.Name", "(*Client).GetBackendTokens"), if there is one.
func (a API) locate(f *specguard.Finding) bool {
	if a.Package == nil || a.Fset == nil {
		return false
	}
	name := strings.TrimPrefix(f.Where, "(*")
	name = strings.TrimPrefix(name, "(")
	name, _, _ = strings.Cut(name, ")")
	name, _, _ = strings.Cut(name, ".")
	obj := a.Package.Scope().Lookup(name)
	if obj == nil || !obj.Pos().IsValid() {
		return false
	}
	pos := a.Fset.Position(obj.Pos())
	file := pos.Filename
	if a.Root != "" {
		if rel, err := filepath.Rel(a.Root, file); err == nil {
			file = filepath.ToSlash(rel)
		}
	}
	f.File, f.Line, f.Column = file, pos.Line, pos.Column
	return true
}

// specVersion returns info.version of a spec, or "" if it has none.
func specVersion(s specguard.Spec) string {
	var doc struct {
		Info struct {
			Version string `yaml:"version"`
		} `yaml:"info"`
	}
	if yaml.Unmarshal(s.Data, &doc) != nil {
		return ""
	}
	return doc.Info.Version
}

// Package typereach finds which packages a Go type reaches through its
// type descriptor: its fields, elements, keys, function signatures and
// method signatures, recursively. It exists for one build-time rule of this
// module: a type that other packages name must not reach libopenapi's or
// kin-openapi's models, because the compiler then instantiates those models'
// generic methods (about 9,000 functions, 10 to 15 s of CPU) in every
// package that names the type. An interface type's own method signatures are
// walked, but not the dynamic types its values may hold (an any field ends
// the chain, for the compiler too).
//
// reflect does not show unexported methods, whose signatures the descriptor
// holds as well: a method returning a type that reaches libopenapi is not
// found here, so keep such helpers plain functions.
package typereach

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Models are the package path prefixes whose types no type that other
// packages name may reach: libopenapi's models (and libopenapi-validator,
// which shares the prefix) and kin-openapi's.
var Models = []string{"github.com/pb33f/libopenapi", "github.com/getkin/kin-openapi"}

// Exported returns the sorted names of the exported types declared in the
// non-test Go files of the directory dir, so that a test can check that its
// table of types is complete.
func Exported(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var names []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		file, err := parser.ParseFile(fset, f, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range file.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, s := range g.Specs {
				if ts := s.(*ast.TypeSpec); ts.Name.IsExported() {
					names = append(names, ts.Name.Name)
				}
			}
		}
	}
	slices.Sort(names)
	return names, nil
}

// Path returns the first chain of types from t to a named type whose package
// path starts with one of prefixes, as "T.field -> U -> V", or "" when t
// reaches none of them.
func Path(t reflect.Type, prefixes ...string) string {
	w := walker{prefixes: prefixes, seen: map[reflect.Type]bool{}}
	return w.walk(t, t.String())
}

type walker struct {
	prefixes []string
	seen     map[reflect.Type]bool
}

func (w *walker) walk(t reflect.Type, chain string) string {
	if w.seen[t] {
		return ""
	}
	w.seen[t] = true
	if pkg := t.PkgPath(); pkg != "" {
		for _, p := range w.prefixes {
			if strings.HasPrefix(pkg, p) {
				return chain
			}
		}
	}
	step := func(u reflect.Type, label string) string {
		return w.walk(u, chain+" -> "+label+u.String())
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		if hit := step(t.Elem(), ""); hit != "" {
			return hit
		}
	case reflect.Map:
		if hit := step(t.Key(), "key "); hit != "" {
			return hit
		}
		if hit := step(t.Elem(), ""); hit != "" {
			return hit
		}
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if hit := step(f.Type, "."+f.Name+" "); hit != "" {
				return hit
			}
		}
	case reflect.Func:
		for i := range t.NumIn() {
			if hit := step(t.In(i), ""); hit != "" {
				return hit
			}
		}
		for i := range t.NumOut() {
			if hit := step(t.Out(i), ""); hit != "" {
				return hit
			}
		}
	}
	// Then the methods: a method's signature is part of the descriptor, for a
	// value's method set and its pointer's.
	for _, m := range []reflect.Type{t, reflect.PointerTo(t)} {
		for i := range m.NumMethod() {
			if hit := step(m.Method(i).Type, m.Method(i).Name+" "); hit != "" {
				return hit
			}
		}
	}
	return ""
}

// CheckPackage is the test each package whose types other packages name
// runs: it fails when types (exported type name to reflect type) lacks an
// exported type declared in dir, names one dir no longer declares, or holds
// a type that reaches one of Models.
func CheckPackage(tb testing.TB, dir string, types map[string]reflect.Type) {
	tb.Helper()
	names, err := Exported(dir)
	if err != nil {
		tb.Fatal(err)
	}
	for _, n := range names {
		if _, ok := types[n]; !ok {
			tb.Errorf("exported type %s is not in this test's table: add it", n)
		}
	}
	for n, ty := range types {
		if !slices.Contains(names, n) {
			tb.Errorf("the table names %s, which the package no longer declares", n)
		}
		if p := Path(ty, Models...); p != "" {
			tb.Errorf("%s reaches a libopenapi or kin-openapi type: %s\nevery package that names %s then compiles that model's generic methods: hold the value in a field of type any (go doc ./internal/typereach)", n, p, n)
		}
	}
}

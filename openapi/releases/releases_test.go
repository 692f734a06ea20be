package releases

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"
)

func TestEveryReleaseIsConsistent(t *testing.T) {
	rs, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		t.Run(r.Dir, func(t *testing.T) {
			var doc struct {
				Info struct {
					Version string `yaml:"version"`
				} `yaml:"info"`
			}
			if err := yaml.Unmarshal(r.Spec, &doc); err != nil {
				t.Fatalf("%s/%s: %v", r.Dir, SpecFile, err)
			}
			if doc.Info.Version != r.Version {
				t.Errorf("%s/%s has info.version %q, want %q (its directory's version)", r.Dir, SpecFile, doc.Info.Version, r.Version)
			}
			if _, ok := r.Generated["tokensapi.gen.go"]; !ok {
				t.Errorf("%s/%s lacks tokensapi.gen.go%s", r.Dir, GeneratedDir, GoSuffix)
			}
			fset := token.NewFileSet()
			for name, src := range r.Generated {
				f, err := parser.ParseFile(fset, name, src, parser.PackageClauseOnly)
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				if f.Name.Name != "tokensapi" {
					t.Errorf("%s is package %s, want tokensapi", name, f.Name.Name)
				}
			}
		})
	}
}

func TestLatestAndGet(t *testing.T) {
	l, err := Latest()
	if err != nil {
		t.Fatal(err)
	}
	g, err := Get(l.Version)
	if err != nil || g.Dir != l.Dir {
		t.Errorf("Get(%q) = %q, %v; want the latest release", l.Version, g.Dir, err)
	}
	if _, err := Get("0.0.0-nope"); err == nil {
		t.Error("Get of an unknown version succeeded")
	}
	first, _ := Get("1.0.0")
	if string(first.Spec) == "" {
		t.Error("release 1.0.0, the first release, is missing")
	}
}

func release(version string) fstest.MapFS {
	return fstest.MapFS{
		"v" + version + "/" + SpecFile:                           {Data: []byte("info: {version: " + version + "}\n")},
		"v" + version + "/generated/tokensapi.gen.go" + GoSuffix: {Data: []byte("package tokensapi\n")},
	}
}

func merge(fss ...fstest.MapFS) fstest.MapFS {
	out := fstest.MapFS{}
	for _, f := range fss {
		for k, v := range f {
			out[k] = v
		}
	}
	return out
}

func TestLoadOrdersBySemver(t *testing.T) {
	rs, err := load(merge(release("1.10.0"), release("1.2.0"), release("2.0.0"), release("1.0.0")))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.Version)
	}
	if strings.Join(got, " ") != "1.0.0 1.2.0 1.10.0 2.0.0" {
		t.Errorf("order %v, want semver order", got)
	}
}

func TestLoadRejectsMalformedReleases(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"no releases", fstest.MapFS{}, "no release directories"},
		{"bad directory name", merge(release("1.0.0"), fstest.MapFS{"v1.1/" + SpecFile: {}}), `"v1.1" is not named`},
		{"leading zero", fstest.MapFS{"v01.0.0/" + SpecFile: {}}, "is not named"},
		{"missing spec", fstest.MapFS{"v1.0.0/generated/a.go" + GoSuffix: {}}, SpecFile},
		{"missing generated", fstest.MapFS{"v1.0.0/" + SpecFile: {}}, "generated"},
		{"stray file", merge(release("1.0.0"), fstest.MapFS{"v1.0.0/generated/notes.md": {}}), "notes.md is not a Go file"},
		{"raw go file", merge(release("1.0.0"), fstest.MapFS{"v1.0.0/generated/x.go": {}}), "x.go is not a Go file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(tt.fsys)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("load: %v; want an error mentioning %q", err, tt.want)
			}
		})
	}
}

package typereach

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

type leaf struct{ when time.Time }

type viaPointer struct{ p *leaf }
type viaSlice struct{ s []leaf }
type viaMapKey struct{ m map[time.Duration]int }
type viaFunc struct{ f func(int) time.Month }
type viaAny struct{ a any }
type viaMethod struct{}

func (viaMethod) When() time.Time { return time.Time{} }

type cycle struct {
	next *cycle
	n    int
}

type viaInterface struct {
	i interface{ Since() time.Duration }
}

func TestPath(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"field of a pointer's element", viaPointer{p: &leaf{when: time.Time{}}}, "typereach.viaPointer -> .p *typereach.leaf -> typereach.leaf -> .when time.Time"},
		{"slice element", viaSlice{s: []leaf{}}, "typereach.viaSlice -> .s []typereach.leaf -> typereach.leaf -> .when time.Time"},
		{"map key", viaMapKey{m: map[time.Duration]int{}}, "typereach.viaMapKey -> .m map[time.Duration]int -> key time.Duration"},
		{"function result", viaFunc{f: nil}, "typereach.viaFunc -> .f func(int) time.Month -> time.Month"},
		{"exported method", viaMethod{}, "typereach.viaMethod -> When func(typereach.viaMethod) time.Time -> time.Time"},
		{"interface method", viaInterface{i: nil}, "typereach.viaInterface -> .i interface { Since() time.Duration } -> Since func() time.Duration -> time.Duration"},
		{"any ends the walk", viaAny{a: time.Time{}}, ""},
		{"a cycle ends", cycle{next: nil, n: 0}, ""},
		{"a basic type", 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Path(reflect.TypeOf(tc.v), "time"); got != tc.want {
				t.Errorf("Path = %q\nwant   %q", got, tc.want)
			}
		})
	}
}

func TestPathMatchesThePackageItself(t *testing.T) {
	if got := Path(reflect.TypeOf(time.Time{}), "time"); got != "time.Time" {
		t.Errorf("Path(time.Time) = %q, want %q", got, "time.Time")
	}
	if got := Path(reflect.TypeOf(time.Time{}), "net/"); got != "" {
		t.Errorf("Path(time.Time, net/) = %q, want none", got)
	}
}

func TestExported(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"a.go":      "package p\n\ntype Zed int\ntype hidden int\n\ntype (\n\tAlpha struct{}\n\tbeta  struct{}\n)\n\nvar Var int\n",
		"b.go":      "package p\n\ntype Mid interface{}\n",
		"a_test.go": "package p\n\ntype FromTest int\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Exported(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Alpha", "Mid", "Zed"}; !slices.Equal(got, want) {
		t.Errorf("Exported = %v, want %v", got, want)
	}
	if err := os.WriteFile(filepath.Join(dir, "c.go"), []byte("package p\n\ntype Broken struct {"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Exported(dir); err == nil || !strings.Contains(err.Error(), "c.go") {
		t.Errorf("Exported on a file that does not parse: err = %v, want one naming c.go", err)
	}
}

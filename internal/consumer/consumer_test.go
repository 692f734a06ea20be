package consumer_test

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

var update = flag.Bool("update", false, "rewrite testdata/modules.txt from the consumer's module graph")

// toolModules must never reach a consumer: the tools module pins them.
var toolModules = []string{
	"honnef.co/go/tools",
	"github.com/rhysd/actionlint",
	"golang.org/x/exp",
	"github.com/chromedp/chromedp",
	"github.com/chromedp/cdproto",
}

const self = "github.com/b2b-contract/s2s-tokens"

// consumerModule writes a module example.com/consumer that requires this one
// (replaced by the working tree) and holds the programs under testdata, and
// tidies it. go.sum starts as a copy of the library module's; what the
// module cache lacks comes through the Go module proxy (GOPROXY), and the
// checksum database is not asked (GOSUMDB=off): the copied go.sum holds the
// hashes the library module was verified with.
func consumerModule(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mf, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil || mf.Go == nil {
		t.Fatalf("reading the library module's go.mod: %v", err)
	}
	dir := t.TempDir()
	gomod := "module example.com/consumer\n\ngo " + mf.Go.Version + "\n\nrequire " + self + " v0.0.0-00010101000000-000000000000\n\nreplace " + self + " => " + root + "\n"
	write(t, filepath.Join(dir, "go.mod"), []byte(gomod))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "go.sum"), sum)
	for _, prog := range []string{"client", "watch"} {
		src, err := os.ReadFile(filepath.Join("testdata", prog, "main.go"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, prog), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, prog, "main.go"), src)
	}
	goCmd(t, dir, "mod", "tidy")
	return dir
}

func write(t testing.TB, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// goCmd runs the go command in dir and returns its output.
func goCmd(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GOSUMDB=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s in the consumer module: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// TestConsumerModules states the module graph a consumer sees: exactly
// testdata/modules.txt, none of the tool modules, and no kin-openapi linked
// into either program.
func TestConsumerModules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go mod tidy on a consumer module")
	}
	dir := consumerModule(t)
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(goCmd(t, dir, "list", "-m", "-f", "{{.Path}}", "all")), "\n") {
		if line != "example.com/consumer" {
			got = append(got, line)
		}
	}
	slices.Sort(got)
	for _, m := range toolModules {
		if slices.Contains(got, m) {
			t.Errorf("a consumer's module graph holds the tool module %s: it belongs in internal/tools/go.mod", m)
		}
	}
	golden := filepath.Join("testdata", "modules.txt")
	if *update {
		write(t, golden, []byte(strings.Join(got, "\n")+"\n"))
	}
	data, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Fields(string(data))
	if !slices.Equal(got, want) {
		var added, removed []string
		for _, m := range got {
			if !slices.Contains(want, m) {
				added = append(added, m)
			}
		}
		for _, m := range want {
			if !slices.Contains(got, m) {
				removed = append(removed, m)
			}
		}
		t.Errorf("a consumer sees %d modules, %s lists %d; new: %v; gone: %v (if go.mod changed on purpose, run go test ./internal/consumer -run Modules -args -update and review the diff)",
			len(got), golden, len(want), added, removed)
	}
	for _, prog := range []string{"client", "watch"} {
		deps := goCmd(t, dir, "list", "-deps", "./"+prog)
		if strings.Contains(deps, "github.com/getkin/kin-openapi/") {
			t.Errorf("the %s program links kin-openapi: only package contract/kin may import it", prog)
		}
		if !strings.Contains(deps, self+"/client\n") {
			t.Errorf("the %s program does not import package client: the fixture is wrong", prog)
		}
	}
}

// BenchmarkConsumerBinarySize builds the two consumer programs (go build, default flags) once
// and reports their sizes in MB: client alone, and client with contract/watch.
func BenchmarkConsumerBinarySize(b *testing.B) {
	dir := consumerModule(b)
	sizes := map[string]float64{}
	for _, prog := range []string{"client", "watch"} {
		out := filepath.Join(b.TempDir(), prog)
		goCmd(b, dir, "build", "-o", out, "./"+prog)
		fi, err := os.Stat(out)
		if err != nil {
			b.Fatal(err)
		}
		sizes[prog] = float64(fi.Size()) / 1e6
	}
	for range b.N {
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(sizes["client"], "client-MB")
	b.ReportMetric(sizes["watch"], "client+watch-MB")
	b.ReportMetric(sizes["watch"]/sizes["client"], "watch/client")
}

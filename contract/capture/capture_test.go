package capture_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/capture"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// exchanges fetches targets from a fake without drift and returns them as
// exchanges, with the auth value.
func exchanges(t *testing.T, targets ...string) ([]*contract.Exchange, string) {
	t.Helper()
	auth := synthetic.RandomHex(20)
	f, err := fake.New(fake.Options{AuthToken: auth, SeedTokens: 6})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f)
	defer srv.Close()
	var out []*contract.Exchange
	for _, target := range targets {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+target, nil)
		req.Header.Set("authToken", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		out = append(out, &contract.Exchange{Source: "test",
			Request:  contract.Request{Method: http.MethodGet, URL: srv.URL + target, Header: req.Header},
			Response: contract.Response{Status: resp.StatusCode, Header: resp.Header, Body: body}})
	}
	return out, auth
}

// TestKeepsFirstOfEachShapeFindingsAndSignals feeds a Capture exchanges
// without drift: the first of each shape is kept, a repeat is not; a
// repeat with a finding or a retirement header is; accepted findings are
// not a reason. What is written loads, and holds no auth value.
func TestKeepsFirstOfEachShapeFindingsAndSignals(t *testing.T) {
	c, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	exs, auth := exchanges(t, "/api/io/backend/tokens?limit=2", "/api/io/backend/tokens?limit=2&offset=2", "/api/io/backend/tokens?limit=3")
	dir := t.TempDir()
	cp, err := capture.New(dir, c, "test", capture.Limits{PerHour: 100, MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	observe := func(ex *contract.Exchange, res contract.Result) int {
		before := cp.Stats().Written
		cp.Observe(context.Background(), ex, res)
		return cp.Stats().Written - before
	}
	if n := observe(exs[0], c.Check(exs[0])); n != 1 {
		t.Errorf("the first exchange of its shape: %d written", n)
	}
	if n := observe(exs[1], c.Check(exs[1])); n != 0 {
		t.Errorf("a second exchange of the same shape: %d written", n)
	}
	res := c.Check(exs[2])
	res.Findings = append(res.Findings, contract.Finding{ID: contract.IDUnknownField, Path: "$.x", Accepted: &contract.Acceptance{}})
	if n := observe(exs[2], res); n != 0 {
		t.Errorf("a repeat whose only finding is accepted: %d written", n)
	}
	res.Findings = append(res.Findings, contract.Finding{ID: contract.IDUnknownField, Path: "$.y"})
	if n := observe(exs[2], res); n != 1 {
		t.Errorf("a repeat with a finding: %d written", n)
	}
	signal := *exs[1]
	signal.Response.Header = exs[1].Response.Header.Clone()
	signal.Response.Header.Set("Sunset", time.Now().AddDate(0, 1, 0).UTC().Format(http.TimeFormat))
	if n := observe(&signal, c.Check(exs[1])); n != 1 {
		t.Errorf("a repeat with a Sunset header: %d written", n)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) != 3 {
		t.Fatalf("%d files, want 3", len(files))
	}
	for _, f := range files {
		rec, err := recording.LoadFile(f)
		if err != nil {
			t.Fatalf("a captured cassette does not load: %v", err)
		}
		if len(rec.Exchanges) != 1 {
			t.Errorf("%s: %d exchanges", f, len(rec.Exchanges))
		}
		data, _ := os.ReadFile(f)
		if strings.Contains(string(data), auth) {
			t.Errorf("%s holds the auth value", f)
		}
	}
}

func TestNewRefusesBadLimits(t *testing.T) {
	c, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	for _, tc := range []struct {
		name, dir string
		l         capture.Limits
		want      string
	}{
		{"no dir", "", capture.Limits{PerHour: 1, MaxBytes: 1}, "no directory"},
		{"per hour", t.TempDir(), capture.Limits{PerHour: 0, MaxBytes: 1}, "per hour"},
		{"bytes", t.TempDir(), capture.Limits{PerHour: 1, MaxBytes: 0}, "bytes"},
		{"a file", file, capture.Limits{PerHour: 1, MaxBytes: 1}, "capture:"},
	} {
		if _, err := capture.New(tc.dir, c, "test", tc.l); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
}

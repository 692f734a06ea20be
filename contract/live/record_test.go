package live_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/live"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// TestRecordingRechecksTheSame records a live run against the fake, clean
// and under every drift scenario, and checks the recording: it holds no
// secret, carries its provenance, and re-checks with exactly the findings of
// the live run.
func TestRecordingRechecksTheSame(t *testing.T) {
	scenarios := append([]fake.Scenario{fake.ScenarioNone}, fake.Scenarios()...)
	for _, sc := range scenarios {
		t.Run(sc.String(), func(t *testing.T) {
			t.Parallel() // each scenario has its own fake and directory
			token := "auth-" + synthetic.RandomHex(16)
			srv := serveFake(t, token, 260, sc)
			out, _ := runLive(t, live.Config{BaseURL: srv.URL, Token: token})
			r := recording.NewRedactor(token)
			path, err := recording.WriteToDir(t.TempDir(), live.NewRecording(out, r), r.Secrets())
			if err != nil {
				t.Fatalf("WriteToDir: %v", err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), token) {
				t.Error("the recording holds the auth token")
			}
			rec, err := recording.LoadFile(path)
			if err != nil {
				t.Fatalf("the recording does not load: %v", err)
			}
			p := rec.Provenance
			if p == nil || p.Host != srv.Listener.Addr().String() || p.SpecVersion != openapi.Version() ||
				!strings.HasPrefix(p.ToolVersion, "tokens-contract ") || p.Redacted != recording.RedactionNote ||
				!p.RecordedAt.Equal(out.StartedAt.Truncate(time.Second)) {
				t.Errorf("provenance %+v", p)
			}
			if len(rec.Exchanges) != len(out.Exchanges) {
				t.Fatalf("%d exchanges recorded of %d", len(rec.Exchanges), len(out.Exchanges))
			}
			for _, ex := range rec.Exchanges {
				if ex.Request.Header.Get("authToken") != "" {
					t.Error("a recorded request keeps its authToken header")
				}
			}
			again := newChecker(t).CheckSequence(context.Background(), rec.Exchanges)
			if b, a := findingKeys(out.Results), findingKeys(again); strings.Join(b, "\n") != strings.Join(a, "\n") {
				t.Errorf("the recording re-checks differently\nlive:     %q\nrecorded: %q", b, a)
			}
			if sc == fake.ScenarioNone && len(findingKeys(again)) != 0 {
				t.Errorf("a clean run's recording gives findings: %q", findingKeys(again))
			}
		})
	}
}

func TestWriteToDir(t *testing.T) {
	token := "auth-" + synthetic.RandomHex(16)
	srv := serveFake(t, token, 3, fake.ScenarioNone)
	out, _ := runLive(t, live.Config{BaseURL: srv.URL, Token: token})
	dir := filepath.Join(t.TempDir(), "new", "dir")

	r := recording.NewRedactor(token)
	rec := live.NewRecording(out, r)
	first, err := recording.WriteToDir(dir, rec, r.Secrets())
	if err != nil {
		t.Fatal(err)
	}
	if want := "live-20261126T090000Z.yaml"; filepath.Base(first) != want {
		t.Errorf("named %s, want %s (from the run's start, UTC)", filepath.Base(first), want)
	}
	if fi, err := os.Stat(first); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("stat: %v, mode %v; want 0644", err, fi.Mode())
	}
	second, err := recording.WriteToDir(dir, rec, r.Secrets())
	if err != nil || filepath.Base(second) != "live-20261126T090000Z-2.yaml" {
		t.Errorf("a second recording of the same second: %s, %v; want a new name, never an overwrite", second, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("%d files in the directory, want 2 (no temporary file left)", len(entries))
	}

	// The last check before the disk: a secret that is somehow still in the
	// encoded bytes stops the write.
	leaky := live.NewRecording(out, recording.NewRedactor(token))
	leaky.Exchanges[0].Response.Header.Set("X-Leak", token)
	if _, err := recording.WriteToDir(dir, leaky, []string{token}); !errors.Is(err, recording.ErrLeak) {
		t.Errorf("a leaking recording: %v, want ErrLeak", err)
	}
	foreign := live.NewRecording(out, recording.NewRedactor(token))
	foreign.Exchanges[0].Response.Header.Set("X-Leak", synthetic.CanaryJWT(synthetic.CanaryEmail(), "abc"))
	if _, err := recording.WriteToDir(dir, foreign, nil); !errors.Is(err, recording.ErrLeak) {
		t.Errorf("a recording with a foreign JWT: %v, want ErrLeak", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("%d files after refused writes, want 2", len(entries))
	}

	if _, err := recording.WriteToDir(dir, &recording.Recording{}, nil); err == nil {
		t.Error("an empty recording was written")
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := recording.WriteToDir(file, rec, nil); err == nil {
		t.Error("writing into a path that is a file succeeded")
	}
}

// findingKeys lists results' findings as "#exchange id severity path",
// sorted, for comparing two checks of the same exchanges.
func findingKeys(results []contract.Result) []string {
	var keys []string
	for i, r := range results {
		for _, f := range r.Findings {
			keys = append(keys, fmt.Sprintf("#%d %s %s %s", i, f.ID, f.Severity, f.Path))
		}
		if r.Skipped {
			keys = append(keys, fmt.Sprintf("#%d skipped", i))
		}
	}
	sort.Strings(keys)
	return keys
}

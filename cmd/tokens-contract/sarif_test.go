package main

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCheckSARIFLocatesEntriesByAbsolutePath runs check --format sarif on
// recordings named by absolute paths (as CI passes $GITHUB_WORKSPACE/...):
// every result's artifact is a file:// URI of the recording (never a URI
// that begins with a slash) with a region at the line where the entry starts
// (a cassette's "- id: N" line, a HAR entry's "{").
func TestCheckSARIFLocatesEntriesByAbsolutePath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		// entryLine finds, in the fixture's lines, where entry n starts.
		entryLine func(lines []string, n int) int
	}{
		{"field-added-item.yaml", func(lines []string, n int) int {
			for i, l := range lines {
				if l == "  - id: "+strconv.Itoa(n) {
					return i + 1
				}
			}
			return -1
		}},
		{"har-content-truncated.har", func(lines []string, n int) int {
			for i, l := range lines { // entries are objects indented by six spaces
				if l == "      {" {
					if n == 0 {
						return i + 1
					}
					n--
				}
			}
			return -1
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("..", "..", "contract", "testdata", "drift", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "work dir", tt.file)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runCLI(t, "check", "--format", "sarif", path)
			if code != 1 {
				t.Fatalf("exit %d, want 1 (the fixture drifts)\n%s", code, stderr)
			}
			var log struct {
				Runs []struct {
					Results []struct {
						Locations []struct {
							PhysicalLocation *struct {
								ArtifactLocation struct{ URI string } `json:"artifactLocation"`
								Region           *struct {
									StartLine int `json:"startLine"`
								} `json:"region"`
							} `json:"physicalLocation"`
							LogicalLocations []struct{ Name string } `json:"logicalLocations"`
						} `json:"locations"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal([]byte(stdout), &log); err != nil {
				t.Fatal(err)
			}
			wantURI := (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
			lines := strings.Split(string(data), "\n")
			if len(log.Runs) != 1 || len(log.Runs[0].Results) == 0 {
				t.Fatalf("no results:\n%s", stdout)
			}
			for i, res := range log.Runs[0].Results {
				loc := res.Locations[0]
				pl := loc.PhysicalLocation
				if pl == nil || pl.Region == nil {
					t.Fatalf("result %d has no physical location with a region:\n%s", i, stdout)
				}
				if pl.ArtifactLocation.URI != wantURI {
					t.Errorf("result %d: URI %q, want %q", i, pl.ArtifactLocation.URI, wantURI)
				}
				if len(loc.LogicalLocations) != 1 {
					t.Fatalf("result %d names no entry", i)
				}
				n, err := strconv.Atoi(loc.LogicalLocations[0].Name)
				if err != nil {
					t.Fatalf("result %d: entry %q", i, loc.LogicalLocations[0].Name)
				}
				if want := tt.entryLine(lines, n); pl.Region.StartLine != want {
					t.Errorf("result %d (entry %d): region starts on line %d, want %d", i, n, pl.Region.StartLine, want)
				}
			}
		})
	}
}

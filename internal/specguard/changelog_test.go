package specguard_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/specguard"
	"github.com/b2b-contract/s2s-tokens/openapi"
	"github.com/b2b-contract/s2s-tokens/openapi/releases"
)

func TestProjectChangelog(t *testing.T) {
	rs, err := releases.All()
	if err != nil {
		t.Fatal(err)
	}
	var released []string
	for _, r := range rs {
		released = append(released, r.Version)
	}
	if fs := specguard.CheckChangelog("openapi/CHANGELOG.md", openapi.Changelog(), openapi.Version(), released); len(fs) > 0 {
		for _, f := range fs {
			t.Errorf("openapi/CHANGELOG.md:%d: %s: %s", f.Line, f.ID, f.Message)
		}
	}
}

const goodChangelog = `# Changelog

Intro text.

## [Unreleased]

## [1.1.0] - 2026-12-01

### Added

- An optional field.

## [1.0.0] - 2026-11-26

### Added

- The first release.

[1.0.0]: https://example.com/1.0.0
`

func TestCheckChangelog(t *testing.T) {
	tests := []struct {
		name     string
		md       string
		version  string
		released []string
		want     []string
	}{
		{"good", goodChangelog, "1.1.0", []string{"1.0.0"}, nil},
		{"good without unreleased", strings.Replace(goodChangelog, "## [Unreleased]\n", "", 1), "1.1.0", []string{"1.0.0"}, nil},
		{"working version missing", goodChangelog, "1.2.0", []string{"1.0.0"}, []string{specguard.RuleChangelogMissingEntry}},
		{"released version missing", goodChangelog, "1.1.0", []string{"0.9.0", "1.0.0"}, []string{specguard.RuleChangelogMissingEntry}},
		{"bad title", strings.Replace(goodChangelog, "# Changelog", "# Changes", 1), "1.1.0", nil, []string{specguard.RuleChangelogMalformed}},
		{"empty file", "", "1.0.0", nil, []string{specguard.RuleChangelogMalformed, specguard.RuleChangelogMissingEntry}},
		{"heading without date", strings.Replace(goodChangelog, "## [1.1.0] - 2026-12-01", "## [1.1.0]", 1), "1.0.0", nil, []string{specguard.RuleChangelogMalformed}},
		{"impossible date", strings.Replace(goodChangelog, "2026-12-01", "2026-13-01", 1), "1.1.0", nil, []string{specguard.RuleChangelogMalformed}},
		{"not semver", strings.Replace(goodChangelog, "[1.1.0]", "[1.1]", 1), "1.0.0", nil, []string{specguard.RuleChangelogMalformed}},
		{"unknown change type", strings.Replace(goodChangelog, "### Added\n\n- An optional", "### New\n\n- An optional", 1), "1.1.0", nil, []string{specguard.RuleChangelogMalformed}},
		{"empty entry", strings.Replace(goodChangelog, "### Added\n\n- An optional field.\n", "", 1), "1.1.0", nil, []string{specguard.RuleChangelogEmptyEntry}},
		{"oldest first", "# Changelog\n\n## [1.0.0] - 2026-11-26\n\n### Added\n\n- a\n\n## [1.1.0] - 2026-12-01\n\n### Added\n\n- b\n", "1.1.0", nil, []string{specguard.RuleChangelogOrder}},
		{"unreleased after a release", goodChangelog + "\n## [Unreleased]\n", "1.1.0", nil, []string{specguard.RuleChangelogOrder}},
		{"duplicate entry", goodChangelog + "\n## [1.0.0] - 2026-11-26\n\n### Fixed\n\n- again\n", "1.1.0", nil, []string{specguard.RuleChangelogMalformed, specguard.RuleChangelogOrder}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := specguard.CheckChangelog("CHANGELOG.md", []byte(tt.md), tt.version, tt.released)
			got := ids(fs)
			slices.Sort(got)
			got = slices.Compact(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("rule ids %v, want %v; findings: %+v", got, want, fs)
			}
			for _, f := range fs {
				if f.Level != specguard.Breaking || f.File != "CHANGELOG.md" || f.Message == "" {
					t.Errorf("finding %+v lacks its level, file or message", f)
				}
			}
		})
	}
}

// FuzzCheckChangelog feeds arbitrary text to the changelog parser: it must
// never panic, and every finding must say what and where.
func FuzzCheckChangelog(f *testing.F) {
	f.Add(goodChangelog, "1.1.0")
	f.Add(string(openapi.Changelog()), openapi.Version())
	f.Add("# Changelog\n## [", "1.0.0")
	f.Add("## [1.0.0] - 2026-02-30\n### Added\n- x\n", "1.0.0")
	f.Fuzz(func(t *testing.T, md, version string) {
		for _, fd := range specguard.CheckChangelog("CHANGELOG.md", []byte(md), version, []string{"1.0.0"}) {
			if fd.ID == "" || fd.Message == "" || fd.File != "CHANGELOG.md" {
				t.Errorf("finding without id, message or file: %+v", fd)
			}
		}
	})
}

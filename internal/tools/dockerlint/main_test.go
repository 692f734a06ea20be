package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestLint(t *testing.T) {
	tests := []struct {
		name, path string
		code       int
		want       []string // lines in stdout or stderr
	}{
		{"the project's Dockerfile is clean", "../../../Dockerfile", 0, []string{"../../../Dockerfile: no findings"}},
		{"each mistake is named by its rule", "testdata/bad.Dockerfile", 1, []string{
			"testdata/bad.Dockerfile:3: FromAsCasing:",
			"testdata/bad.Dockerfile:4: MaintainerDeprecated:",
			"testdata/bad.Dockerfile:5: LegacyKeyValueFormat:",
			"testdata/bad.Dockerfile:9: JSONArgsRecommended:",
		}},
		{"a file that does not parse", "testdata/broken.Dockerfile", 1, []string{"testdata/broken.Dockerfile: does not build:"}},
		{"a missing file", "testdata/missing", 2, []string{"dockerlint: open testdata/missing: no such file or directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := lint(&stdout, &stderr, tt.path); code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.code, stdout.String(), stderr.String())
			}
			out := stdout.String() + stderr.String()
			for _, want := range tt.want {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

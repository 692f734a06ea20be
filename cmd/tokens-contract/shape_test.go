package main

import (
	"strings"
	"testing"
)

func TestShape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		stdout   string
		stderr   string
	}{
		{"prints", []string{recordingsDir + "/list-no-query.yaml"}, 0, "get-backend-tokens 200 $.data[*].eventChannel string\n", ""},
		{"same shape", []string{"--against", recordingsDir + "/list-no-query.yaml", recordingsDir + "/list-first-middle-last.yaml"}, 0, "", ""},
		{"a new field", []string{"--against", recordingsDir + "/list-no-query.yaml", driftDir + "/field-added-item.yaml"}, 1, "+ get-backend-tokens 200 $.data[*].createdAt number", ""},
		{"a type change", []string{"--against", recordingsDir + "/list-no-query.yaml", driftDir + "/id-as-string.yaml"}, 1, "- get-backend-tokens 200 $.data[*].id number", ""},
		{"unreadable", []string{"--against", "nope", recordingsDir}, 2, "", "nope"},
		{"no path", nil, 2, "", "no PATH given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"shape"}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(stdout, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d (want %d); stdout lacks %q or stderr lacks %q:\n%s\n%s", code, tt.wantCode, tt.stdout, tt.stderr, stdout, stderr)
			}
			if tt.name == "same shape" && stdout != "" {
				t.Errorf("same shape printed %q", stdout)
			}
		})
	}
}

func TestDiffSorted(t *testing.T) {
	t.Parallel()
	got := strings.Join(diffSorted([]string{"a", "c", "d"}, []string{"b", "c", "e"}), ",")
	if want := "- a,+ b,- d,+ e"; got != want {
		t.Errorf("diff %q, want %q", got, want)
	}
	if d := diffSorted(nil, nil); len(d) != 0 {
		t.Errorf("diff of nothing: %v", d)
	}
}

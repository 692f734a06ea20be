package main

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
)

func TestParseFlagsInterleaved(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantArgs   []string
		wantFormat string
		wantQuiet  bool
		wantCode   int
		wantOK     bool
	}{
		{"flags first", []string{"--format", "json", "a", "b"}, []string{"a", "b"}, "json", false, exitcode.OK, true},
		{"flags last", []string{"a", "b", "--format", "json"}, []string{"a", "b"}, "json", false, exitcode.OK, true},
		{"flags between", []string{"a", "-format=json", "b", "-q"}, []string{"a", "b"}, "json", true, exitcode.OK, true},
		{"no flags", []string{"a"}, []string{"a"}, "text", false, exitcode.OK, true},
		{"nothing", nil, []string{}, "text", false, exitcode.OK, true},
		{"dash is an argument", []string{"-", "-q"}, []string{"-"}, "text", true, exitcode.OK, true},
		{"-- ends the flags", []string{"a", "--", "-q", "--format"}, []string{"a", "-q", "--format"}, "text", false, exitcode.OK, true},
		{"-- first", []string{"--", "-q"}, []string{"-q"}, "text", false, exitcode.OK, true},
		{"a later flag wins", []string{"--format", "json", "a", "--format", "sarif"}, []string{"a"}, "sarif", false, exitcode.OK, true},
		{"unknown flag after an argument", []string{"a", "--nope"}, nil, "", false, exitcode.Usage, false},
		{"missing value after an argument", []string{"a", "--format"}, nil, "", false, exitcode.Usage, false},
		{"help after an argument", []string{"a", "-h"}, nil, "", false, exitcode.OK, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFlagSet(&environment{stderr: io.Discard}, "t", "t [-q] [--format F] ARG...", "A test command.")
			format := fs.String("format", "text", "")
			quiet := fs.Bool("q", false, "")
			args, code, ok := parseFlags(fs, tt.args)
			if code != tt.wantCode || ok != tt.wantOK {
				t.Fatalf("code %d ok %v, want %d %v", code, ok, tt.wantCode, tt.wantOK)
			}
			if !ok {
				return
			}
			if !slices.Equal(args, tt.wantArgs) || *format != tt.wantFormat || *quiet != tt.wantQuiet {
				t.Errorf("args %q format %q quiet %v, want %q %q %v", args, *format, *quiet, tt.wantArgs, tt.wantFormat, tt.wantQuiet)
			}
		})
	}
}

// TestUsageErrors pins what a usage error prints: one line saying what is
// wrong (with a "did you mean" only for a near flag or command), the usage
// line and where the help is, and never the full help; -h prints the full
// help.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	checkUsage := "Usage: tokens-contract check [--format "
	checkHint := "run 'tokens-contract check -h' for help"
	topUsage := "Usage: tokens-contract <command> [flags] [arguments]"
	topHint := "run 'tokens-contract help' for the list of commands"
	tests := []struct {
		name  string
		args  []string
		lines []string // stderr, line by line: each a prefix of the line
	}{
		{"unknown flag, near (swapped letters)", []string{"check", "--fromat", "json", "x"},
			[]string{"tokens-contract check: unknown flag --fromat; did you mean --format?", checkUsage, checkHint}},
		{"unknown flag, near (one letter off)", []string{"check", "x", "--baselin", "b.yaml"},
			[]string{"tokens-contract check: unknown flag --baselin; did you mean --baseline?", checkUsage, checkHint}},
		{"unknown flag, near, single dash", []string{"spec", "-overlya", "o.yaml"},
			[]string{"tokens-contract spec: unknown flag --overlya; did you mean --overlay?", "Usage: tokens-contract spec [-o FILE]", "run 'tokens-contract spec -h' for help"}},
		{"unknown flag, far", []string{"check", "--zebra", "x"},
			[]string{"tokens-contract check: unknown flag --zebra", checkUsage, checkHint}},
		{"flag without its value", []string{"check", "x", "--format"},
			[]string{"tokens-contract check: flag --format needs a value", checkUsage, checkHint}},
		{"missing argument", []string{"check", "--format", "json"},
			[]string{"tokens-contract check: no PATH given (a recording file or a directory of them)", checkUsage, checkHint}},
		{"missing argument of redact", []string{"redact"},
			[]string{"tokens-contract redact: ", "Usage: tokens-contract redact -o OUT PATH", "run 'tokens-contract redact -h' for help"}},
		{"unknown command, near", []string{"chekc", "x"},
			[]string{"tokens-contract: unknown command \"chekc\"; did you mean 'check'?", topUsage, topHint}},
		{"unknown command, near (one letter missing)", []string{"rule"},
			[]string{"tokens-contract: unknown command \"rule\"; did you mean 'rules'?", topUsage, topHint}},
		{"unknown command, far", []string{"deploy"},
			[]string{"tokens-contract: unknown command \"deploy\"", topUsage, topHint}},
		{"no command", nil,
			[]string{"tokens-contract: no command given", topUsage, topHint}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != exitcode.Usage {
				t.Errorf("exit %d, want %d", code, exitcode.Usage)
			}
			if stdout != "" {
				t.Errorf("stdout is not empty:\n%s", stdout)
			}
			got := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if len(got) != len(tt.lines) {
				t.Fatalf("stderr has %d lines, want %d:\n%s", len(got), len(tt.lines), stderr)
			}
			for i, want := range tt.lines {
				if !strings.HasPrefix(got[i], want) {
					t.Errorf("stderr line %d = %q, want it to start with %q", i+1, got[i], want)
				}
			}
			// A far miss suggests nothing.
			if strings.HasSuffix(tt.name, "far") && strings.Contains(stderr, "did you mean") {
				t.Errorf("a far miss got a suggestion:\n%s", stderr)
			}
		})
	}
}

// TestHelpIsComplete: -h and --help print the whole help (every flag), and
// exit 0.
func TestHelpIsComplete(t *testing.T) {
	t.Parallel()
	for _, c := range commands() {
		for _, h := range []string{"-h", "--help"} {
			code, _, stderr := runCLI(t, c.name, h)
			if code != exitcode.OK {
				t.Errorf("%s %s: exit %d, want 0", c.name, h, code)
			}
			if !strings.HasPrefix(stderr, "Usage: tokens-contract "+c.name) || !strings.Contains(stderr, "Flags (before or after the arguments") {
				t.Errorf("%s %s: not the full help:\n%s", c.name, h, stderr)
			}
			if strings.Contains(stderr, "for help\n") {
				t.Errorf("%s %s: help ends like a usage error:\n%s", c.name, h, stderr)
			}
		}
	}
	code, stdout, _ := runCLI(t, "--help")
	if code != exitcode.OK || !strings.Contains(stdout, "Commands:") {
		t.Errorf("--help: exit %d, stdout:\n%s", code, stdout)
	}
}

func TestNearest(t *testing.T) {
	t.Parallel()
	flags := []string{"format", "fail-on", "baseline", "base-url", "spec", "o"}
	for _, tt := range []struct{ word, want string }{
		{"fromat", "format"},
		{"formt", "format"},
		{"FORMAT", "format"},
		{"fail-of", "fail-on"},
		{"basline", "baseline"},
		{"spek", "spec"},
		{"base", "baseline"}, // an abbreviation; the nearest by distance wins among prefixes
		{"zebra", ""},
		{"x", ""}, // one letter is near every one-letter flag: suggest none
		{"", ""},
		{"oo", "o"},
		{"colour", ""},
	} {
		if got := nearest(tt.word, flags); got != tt.want {
			t.Errorf("nearest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestPlural(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 exchanges"}, {1, "1 exchange"}, {2, "2 exchanges"}, {250, "250 exchanges"}} {
		if got := plural(tt.n, "exchange"); got != tt.want {
			t.Errorf("plural(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

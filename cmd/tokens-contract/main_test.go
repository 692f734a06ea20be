package main

import (
	"flag"
	"io"
	"slices"
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
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
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

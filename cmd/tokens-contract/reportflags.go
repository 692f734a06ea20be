package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/fileutil"
	"github.com/b2b-contract/s2s-tokens/internal/report"
)

// reportFlags are the output flags check and live share.
type reportFlags struct {
	format  string
	failOn  string
	reports multiFlag
	colour  string
	// severities are the --severity overrides, applied to every finding
	// before the baseline and the report see it.
	severities contract.Severities
	// githubOutput is --github-output FILE (check only), and
	// githubOutputDone whether the run's outputs were appended to it.
	githubOutput     string
	githubOutputDone bool
}

// colourModes are the values of --color.
var colourModes = []string{"auto", "always", "never"}

func (r *reportFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.format, "format", "text", "report format on stdout: "+strings.Join(report.Formats, ", "))
	fs.StringVar(&r.failOn, "fail-on", "additive", "exit 1 when a finding is at or above this severity: breaking, additive or deprecation")
	fs.StringVar(&r.colour, "color", "auto", "colour the text report: auto (on a terminal, unless NO_COLOR is set), always or never")
	fs.Var(&r.severities, "severity", "give finding `ID` another severity, as ID=SEVERITY (repeatable), e.g. recording-stale=additive to fail on stale evidence")
	fs.Var(&r.reports, "report", "also write a report to a file, as FORMAT=FILE (repeatable), e.g. junit=out/report.xml; missing folders are created, a device, FIFO or symbolic link is written through, and a FILE that cannot be written, is an input or is named twice stops the run before it starts")
}

// registerGitHubOutput adds --github-output, which check takes.
func (r *reportFlags) registerGitHubOutput(fs *flag.FlagSet) {
	fs.StringVar(&r.githubOutput, "github-output", "", "append the run's step outputs to `FILE` as key=value lines ("+
		strings.Join(report.OutputKeys, ", ")+"), as GitHub Actions reads them: --github-output \"$GITHUB_OUTPUT\"; "+
		"a usage error still appends exit-code")
}

// validate checks the flag values and returns the fail-on severity.
func (r *reportFlags) validate() (contract.Severity, error) {
	if !report.ValidFormat(r.format) {
		return 0, fmt.Errorf("--format %q is not one of %s", r.format, strings.Join(report.Formats, ", "))
	}
	if !slices.Contains(colourModes, r.colour) {
		return 0, fmt.Errorf("--color %q is not one of %s", r.colour, strings.Join(colourModes, ", "))
	}
	sev, err := contract.ParseSeverity(r.failOn)
	if err != nil || sev == contract.Info {
		return 0, fmt.Errorf("--fail-on %q is not one of breaking, additive, deprecation", r.failOn)
	}
	for _, spec := range r.reports {
		format, file, ok := strings.Cut(spec, "=")
		if !ok || file == "" || !report.ValidFormat(format) {
			return 0, fmt.Errorf("--report %q: want FORMAT=FILE with FORMAT one of %s", spec, strings.Join(report.Formats, ", "))
		}
	}
	return sev, nil
}

// outputs are the --report files, for prepareOutputs: checked before the
// run starts, so that a typo in a path costs nothing.
func (r *reportFlags) outputs() []fileutil.Output {
	var out []fileutil.Output
	for _, spec := range r.reports {
		_, file, _ := strings.Cut(spec, "=")
		out = append(out, fileutil.Output{Flag: "--report", Path: file})
	}
	if r.githubOutput != "" {
		out = append(out, fileutil.Output{Flag: "--github-output", Path: r.githubOutput})
	}
	return out
}

// unwrapPath drops the path from a *fs.PathError, which the caller names
// already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// color reports whether the text report on stdout gets colours: --color
// always or never as asked; auto when stdout is a terminal and NO_COLOR
// (https://no-color.org) is unset or empty.
func (r *reportFlags) color(env *environment) bool {
	switch r.colour {
	case "always":
		return true
	case "never":
		return false
	}
	if env.getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := env.stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// emit writes the stdout report and every --report file, and returns the
// exit code: the report's, or 2 when a report file cannot be written.
func (r *reportFlags) emit(env *environment, in report.Input) int {
	code := report.ExitCode(in)
	if err := report.Write(env.stdout, r.format, in); err != nil {
		fmt.Fprintf(env.stderr, "%s: writing the report: %v\n", in.Tool, err)
		return exitcode.Usage
	}
	for _, spec := range r.reports {
		format, file, _ := strings.Cut(spec, "=")
		in := in
		in.Color = false // a file is not a terminal
		if err := writeReportFile(file, format, in); err != nil {
			fmt.Fprintf(env.stderr, "%s: --report %s: %v\n", in.Tool, file, err)
			code = exitcode.Usage
		}
	}
	if r.githubOutput != "" {
		code = r.writeGitHubOutput(env, in.Tool, &in, code)
	}
	return code
}

// writeGitHubOutput appends the step outputs (report.WriteGitHubOutput; in
// is nil for a run that stopped before it checked anything) to
// --github-output FILE by the output policy for a shared file
// (fileutil.AppendFile), and returns code, or 2 when FILE cannot be written.
func (r *reportFlags) writeGitHubOutput(env *environment, tool string, in *report.Input, code int) int {
	r.githubOutputDone = true
	var b bytes.Buffer
	err := report.WriteGitHubOutput(&b, in, code)
	if err == nil {
		err = fileutil.AppendFile(r.githubOutput, b.Bytes(), 0o644)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "%s: --github-output %s: %v\n", tool, r.githubOutput, unwrapPath(err))
		return exitcode.Usage
	}
	return code
}

// writeReportFile writes the report by the output policy
// (internal/fileutil): atomically to a regular file, in place to a device
// or FIFO, through a symbolic link, creating the missing folders.
func writeReportFile(path, format string, in report.Input) error {
	var b bytes.Buffer
	if err := report.Write(&b, format, in); err != nil {
		return err
	}
	return unwrapPath(fileutil.WriteFile(path, b.Bytes(), 0o644))
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

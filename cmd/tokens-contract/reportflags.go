package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/report"
)

// reportFlags are the output flags check and live share.
type reportFlags struct {
	format  string
	failOn  string
	reports multiFlag
}

func (r *reportFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.format, "format", "text", "report format on stdout: "+strings.Join(report.Formats, ", "))
	fs.StringVar(&r.failOn, "fail-on", "additive", "exit 1 when a finding is at or above this severity: breaking, additive or deprecation")
	fs.Var(&r.reports, "report", "also write a report to a file, as FORMAT=FILE (repeatable), e.g. junit=report.xml")
}

// validate checks the flag values and returns the fail-on severity.
func (r *reportFlags) validate() (contract.Severity, error) {
	if !report.ValidFormat(r.format) {
		return 0, fmt.Errorf("--format %q is not one of %s", r.format, strings.Join(report.Formats, ", "))
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
		if err := writeReportFile(file, format, in); err != nil {
			fmt.Fprintf(env.stderr, "%s: --report %s: %v\n", in.Tool, file, err)
			code = exitcode.Usage
		}
	}
	return code
}

func writeReportFile(path, format string, in report.Input) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	return report.Write(f, format, in)
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

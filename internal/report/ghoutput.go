package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// OutputKeys are the names WriteGitHubOutput gives a run's step outputs, in
// the order it writes them.
var OutputKeys = []string{"exit-code", "breaking", "additive", "deprecation", "info", "accepted", "unreadable", "exchanges", "skipped", "coverage"}

// WriteGitHubOutput writes a run's step outputs in the format of the file
// GitHub Actions names in $GITHUB_OUTPUT: one key=value line per name of
// OutputKeys. exit-code is code, the command's exit code (which can differ
// from ExitCode(in) when a report file could not be written). breaking,
// additive, deprecation, info, accepted, unreadable, exchanges and skipped
// are Summarize(in)'s counts, the ones every format shows. coverage is the
// percentage, to one decimal, of the total --min-coverage applies to
// (Input.CoverageScope), empty without Input.Coverage. A run that stopped
// before it checked anything (in is nil: a usage error) gets the line
// exit-code only. Every value is a number or empty, so no line needs the
// file's multi-line syntax and nothing a recording supplies is written.
func WriteGitHubOutput(w io.Writer, in *Input, code int) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "%s=%d\n", OutputKeys[0], code)
	if in != nil {
		s := Summarize(*in)
		coverage := ""
		if in.Coverage != nil {
			coverage = strconv.FormatFloat(floorTotal(*in).Percent, 'f', 1, 64)
		}
		values := []string{strconv.Itoa(s.Breaking), strconv.Itoa(s.Additive), strconv.Itoa(s.Deprecation), strconv.Itoa(s.Info),
			strconv.Itoa(s.Accepted), strconv.Itoa(s.Unreadable), strconv.Itoa(s.Exchanges), strconv.Itoa(s.Skipped), coverage}
		for i, v := range values {
			fmt.Fprintf(b, "%s=%s\n", OutputKeys[i+1], v)
		}
	}
	return b.Flush()
}

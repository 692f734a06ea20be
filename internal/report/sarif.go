package report

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
)

// sarifInformationURI is where the tool's documentation lives, for the
// SARIF driver.
const sarifInformationURI = "https://github.com/b2b-contract/s2s-tokens"

// fingerprintKey names the partial fingerprint the SARIF results carry, with
// its version: a change to what it hashes gets a new version, so code
// scanning does not merge old and new alerts.
const fingerprintKey = "tokensContractFinding/v1"

// writeSARIF writes a SARIF 2.1.0 log for code scanning: one rule per finding
// id of the registry (with its summary, advice and severity), one result per
// finding (merged across the exchanges of a run: the other exchanges are
// relatedLocations, the count the property "count") located on the recording file and, as a logical location, the entry
// or interaction within it, and a stable partial fingerprint (id, JSON path
// and file, never a value) so that code scanning tracks a finding across
// runs. Unreadable inputs become tool execution notifications, and the
// invocation records the exit code.
func writeSARIF(w io.Writer, in Input) error {
	run := sarif.NewRunWithInformationURI("tokens-contract", sarifInformationURI)
	run.Tool.Driver.WithSemanticVersion(toolSemver(in)).
		WithFullName(in.Tool + " (contract " + in.SpecVersion + ")")
	for _, r := range contract.Rules() {
		props := sarif.NewPropertyBag()
		props.Add("severity", r.Severity.String())
		props.Add("layer", string(r.Layer))
		props.Add("tags", []string{"contract-drift", "severity/" + r.Severity.String(), "layer/" + string(r.Layer)})
		run.AddRule(r.ID).
			WithName(ruleName(r.ID)).
			WithShortDescription(sarif.NewMultiformatMessageString().WithText(r.Summary)).
			WithFullDescription(sarif.NewMultiformatMessageString().WithText(r.Summary)).
			WithHelp(sarif.NewMultiformatMessageString().WithText(r.Advice).WithMarkdown(r.Advice)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(r.Severity))).
			WithProperties(props)
	}
	lines := sourceLines(in)
	for _, f := range append(findings(in), accepted(in)...) {
		source := clean(f.Source)
		path := clean(f.Path)
		res := run.CreateResultForRule(f.ID).
			WithLevel(sarifLevel(f.Severity)).
			WithMessage(sarif.NewTextMessage(path + ": " + clean(f.Message)))
		if i := run.GetRuleIndex(f.ID); i >= 0 {
			res.WithRuleIndex(i)
		}
		res.WithLocations([]*sarif.Location{sarifLocation(run, source, lines[f.Source])})
		if len(f.Sources) > 1 {
			related := make([]*sarif.Location, 0, len(f.Sources)-1)
			for i, src := range f.Sources[1:] {
				related = append(related, sarifLocation(run, clean(src), lines[src]).WithID(i+1).
					WithMessage(sarif.NewTextMessage("the same finding in "+clean(src))))
			}
			res.WithRelatedLocations(related)
		}
		rprops := sarif.NewPropertyBag()
		rprops.Add("count", f.Count)
		res.WithProperties(rprops)
		res.WithPartialFingerprints(map[string]string{fingerprintKey: fingerprint(f.ID, path, source)})
		if a := f.Accepted; a != nil {
			res.WithSuppressions([]*sarif.Suppression{sarif.NewSuppression().WithKind("external").
				WithStatus("accepted").
				WithJustification(clean(acceptance(a))).
				WithLocation(sarif.NewLocation().WithPhysicalLocation(sarif.NewPhysicalLocation().
					WithArtifactLocation(sarif.NewSimpleArtifactLocation(sarifURI(clean(a.File)))).
					WithRegion(sarif.NewRegion().WithStartLine(a.Line))))})
		}
	}
	inv := sarif.NewInvocation().WithExecutionSuccessful(ExitCode(in) != exitcode.Usage)
	inv.WithExitCode(ExitCode(in))
	for _, err := range sortedErrors(in.Errors) {
		p, m := errorText(err)
		n := sarif.NewNotification().WithLevel("error").WithMessage(sarif.NewTextMessage(m))
		if p != "" {
			n.WithLocations([]*sarif.Location{sarif.NewLocation().WithPhysicalLocation(
				sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(sarifURI(p))))})
		}
		inv.WithToolExecutionNotifications(append(inv.ToolExecutionNotifications, n))
	}
	for _, e := range runErrors(in) {
		n := sarif.NewNotification().WithLevel("error").WithMessage(sarif.NewTextMessage(clean(e.run) + ": " + clean(e.err.Error())))
		inv.WithToolExecutionNotifications(append(inv.ToolExecutionNotifications, n))
	}
	run.WithInvocations([]*sarif.Invocation{inv})
	props := sarif.NewPropertyBag()
	props.Add("specVersion", in.SpecVersion)
	props.Add("failOn", in.FailOn.String())
	sum := Summarize(in)
	props.Add("exchanges", sum.Exchanges)
	props.Add("skipped", sum.Skipped)
	sarifCoverageProperties(in, props)
	run.WithProperties(props)

	log := sarif.NewReport()
	log.AddRun(run)
	return log.PrettyWrite(w)
}

// sourceLines maps each exchange's source ("file.har#3") to the line where
// the exchange starts in its recording, where the loader knew it.
func sourceLines(in Input) map[string]int {
	lines := map[string]int{}
	for _, s := range in.Sources {
		for _, r := range s.Results {
			if r.Line > 0 {
				lines[r.Source] = r.Line
			}
		}
	}
	return lines
}

// sarifLocation locates a finding source: the recording file, with a region
// at line (where the entry starts; 1, the file's start, for a finding about
// the whole file or an entry whose line is not known) and, as a logical
// location, the entry within it; or a live source as a resource.
func sarifLocation(run *sarif.Run, source string, line int) *sarif.Location {
	loc := sarif.NewLocation()
	if file, entry := splitSource(source); file != "" {
		run.AddDistinctArtifact(file)
		if line < 1 {
			line = 1
		}
		loc.WithPhysicalLocation(sarif.NewPhysicalLocation().
			WithArtifactLocation(sarif.NewSimpleArtifactLocation(file)).
			WithRegion(sarif.NewRegion().WithStartLine(line)))
		if entry != "" {
			loc.WithLogicalLocations([]*sarif.LogicalLocation{sarif.NewLogicalLocation().
				WithName(entry).WithFullyQualifiedName(file + "#" + entry).WithKind("element")})
		}
	} else {
		loc.WithLogicalLocations([]*sarif.LogicalLocation{sarif.NewLogicalLocation().
			WithName(source).WithKind("resource")})
	}
	return loc
}

// sarifLevel maps a severity to a SARIF level: breaking is an error,
// additive and deprecation warnings, info a note.
func sarifLevel(s contract.Severity) string {
	switch s {
	case contract.Breaking:
		return "error"
	case contract.Additive, contract.Deprecation:
		return "warning"
	}
	return "note"
}

// ruleName turns a kebab-case id into the PascalCase name SARIF viewers show.
func ruleName(id string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(id, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// splitSource splits a finding source "dir/file.har#3" into the file, as a
// relative URI with forward slashes, and the entry ("3"). A live source
// ("live GET …") has no file.
func splitSource(source string) (file, entry string) {
	if strings.HasPrefix(source, "live ") || source == "" {
		return "", ""
	}
	file = sourceFile(source)
	if i := strings.LastIndexByte(source, '#'); i >= 0 {
		entry = source[i+1:]
		if _, err := strconv.Atoi(entry); err != nil {
			entry = ""
		}
	}
	return sarifURI(file), entry
}

// sarifURI makes a file path a URI: a relative path a relative URI
// reference, an absolute one a file:// URI (file:///home/ci/rec.har, and on
// Windows file:///C:/ci/rec.har), with forward slashes and the characters
// that are not allowed in a URI percent-encoded. SARIF consumers (the
// Multitool's SARIF1004, code scanning) reject a URI that begins with a
// slash.
func sarifURI(p string) string {
	abs := filepath.IsAbs(p)
	p = filepath.ToSlash(p)
	var b strings.Builder
	if abs {
		b.WriteString("file://")
		if !strings.HasPrefix(p, "/") {
			b.WriteByte('/') // C:/ci becomes file:///C:/ci
		}
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"%<>\^`+"`{|}#?[]", c) >= 0 {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// fingerprint is a stable hash of what identifies a finding across runs: its
// id, its JSON path and its file (not the entry index, which moves when a
// recording is re-made, and not the message, which carries counts).
func fingerprint(id, path, source string) string {
	file, _ := splitSource(source)
	if file == "" {
		file = source
	}
	// An absolute path hashes as it did before it became a file:// URI, so
	// code scanning keeps tracking the alerts it already has.
	file = strings.TrimPrefix(file, "file://")
	sum := sha256.Sum256([]byte(id + "\x00" + path + "\x00" + file))
	return hex.EncodeToString(sum[:16])
}

// toolSemver is the driver's semantic version: the module version without
// its leading v when it is one, else 0.0.0 (a checkout's "(devel)").
func toolSemver(in Input) string {
	v := strings.TrimPrefix(in.ToolVersion, "v")
	if v == "" || !('0' <= v[0] && v[0] <= '9') {
		return "0.0.0"
	}
	return v
}

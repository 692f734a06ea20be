// Package specguard guards what this project publishes against silent
// breakage: the OpenAPI spec, compared with the last released spec by oasdiff,
// and (with package internal/tools/apiguard, in the tools module) the Go API
// of the generated package, compared with the last released generated code by
// apidiff. A breaking change fails unless the spec's major version was
// bumped; any change to the spec needs a new version and an entry in
// openapi/CHANGELOG.md.
//
// The comparisons return a Report, which renders as text and as GitHub
// Actions annotations. The command in internal/tools/specguard runs them for
// "make spec-diff" and "make api-diff".
//
// # Versions
//
// The Go module github.com/b2b-contract/s2s-tokens is versioned by its spec:
// module version vX.Y.Z embeds spec X.Y.Z (info.version of
// openapi/b2b-s2s-tokens.yaml), so pinning the module in go.mod pins the
// spec, and "tokens-contract version" prints both. Each release carries two
// annotated tags on one commit: vX.Y.Z, the Go module version that go get and
// go install resolve, and spec/vX.Y.Z, the spec version. Consequences:
//
//   - A release that changes only code (client, checker, CLI) still bumps the
//     spec's version, its patch number for a fix and its minor number for a
//     feature, with a CHANGELOG entry that says the contract did not change.
//   - A breaking change to the spec or the generated Go API needs a new major
//     version (the rules above enforce it), and Go's semantic import
//     versioning then needs a new module path: spec 2.0.0 is released as
//     module github.com/b2b-contract/s2s-tokens/v2, with the go.mod module
//     line and every import in the repository changed to /v2 before the
//     tag. Consumers move by changing their imports; v1 keeps working for
//     those who stay. Below 1.0.0, a new minor version is the breaking one,
//     and the path has no suffix.
//   - A breaking change to the Go API of the hand-written packages (client,
//     contract, fake) is a major version too, so the spec's major version is
//     bumped with it.
//
// # Releasing
//
// A maintainer releases from a clean checkout of the commit to release:
//
//  1. Bump info.version in openapi/b2b-s2s-tokens.yaml and add its entry to
//     openapi/CHANGELOG.md.
//  2. make generate spec-diff api-diff: both diffs pass against the last
//     release.
//  3. make spec-release records the spec and generated/ under
//     openapi/releases/vX.Y.Z, the next release's baseline; commit it all.
//  4. make release checks the generated code, both diffs, that the tree is
//     clean, that openapi/releases/vX.Y.Z is committed, that the module path
//     fits the major version and that neither tag exists, then creates the
//     annotated tags vX.Y.Z and spec/vX.Y.Z on HEAD (scripts/release.sh). It
//     pushes nothing.
//  5. git push origin vX.Y.Z spec/vX.Y.Z. From then on
//     go install github.com/b2b-contract/s2s-tokens/cmd/tokens-contract@vX.Y.Z
//     builds that release, and its "version" command says vX.Y.Z.
package specguard

import (
	"fmt"
	"io"
	"strings"

	"github.com/b2b-contract/s2s-tokens/internal/ghannot"
)

// Level says how much a change matters to consumers.
type Level int

// Levels, from least to most severe.
const (
	// Info is a change that breaks nobody, such as a new optional field.
	Info Level = iota
	// Warning is a change that may break some consumers.
	Warning
	// Breaking is a change that breaks consumers; it needs a major version.
	Breaking
)

// String returns the level's name as reports print it.
func (l Level) String() string {
	switch l {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Breaking:
		return "breaking"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Finding is one change the comparison found, or one rule it violated.
type Finding struct {
	// ID is stable kebab-case: an oasdiff rule id for spec changes
	// ("response-required-property-removed"), "api-incompatible" or
	// "api-compatible" for Go API changes, or a guard rule id for violations
	// ("major-version-not-bumped").
	ID string
	// Level is the change's severity. Violations are always Breaking.
	Level Level
	// Where names what changed: an operation ("GET /backend/tokens"), a Go
	// identifier ("Token.Name"), or the spec's info.version.
	Where string
	// Message says what changed, for humans.
	Message string
	// File, Line and Column locate the change in the revision (or, for a
	// removal, in the base), when known. File is relative to the repository
	// root, so that GitHub can attach an annotation to it.
	File         string
	Line, Column int
}

// Report is the outcome of one comparison.
type Report struct {
	// Subject names what was compared, such as "spec" or "Go API".
	Subject string
	// Base and Revision describe the two sides, such as
	// "1.0.0 (openapi/releases/v1.0.0)".
	Base, Revision string
	// Changes lists every difference found, most severe first.
	Changes []Finding
	// Violations lists the rules the revision breaks (a missing version bump,
	// a missing changelog entry). The comparison failed if there is any.
	Violations []Finding
}

// Failed reports whether the revision violates a rule.
func (r *Report) Failed() bool { return len(r.Violations) > 0 }

// Count returns how many changes of level l the report holds.
func (r *Report) Count(l Level) int {
	n := 0
	for _, c := range r.Changes {
		if c.Level == l {
			n++
		}
	}
	return n
}

func (f Finding) location() string {
	switch {
	case f.File == "":
		return ""
	case f.Line == 0:
		return f.File
	default:
		return fmt.Sprintf("%s:%d", f.File, f.Line)
	}
}

// WriteText writes the report for a terminal: a header, one line per change
// and per violation, and a verdict.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s -> %s\n", r.Subject, r.Base, r.Revision)
	if len(r.Changes) == 0 {
		b.WriteString("  no changes\n")
	}
	for _, c := range r.Changes {
		fmt.Fprintf(&b, "  %-8s %s", c.Level, c.ID)
		if c.Where != "" {
			fmt.Fprintf(&b, "  %s", c.Where)
		}
		fmt.Fprintf(&b, ": %s", c.Message)
		if loc := c.location(); loc != "" {
			fmt.Fprintf(&b, " (%s)", loc)
		}
		b.WriteByte('\n')
	}
	for _, v := range r.Violations {
		fmt.Fprintf(&b, "  FAIL %s: %s", v.ID, v.Message)
		if loc := v.location(); loc != "" {
			fmt.Fprintf(&b, " (%s)", loc)
		}
		b.WriteByte('\n')
	}
	if r.Failed() {
		fmt.Fprintf(&b, "%s: FAIL (%d breaking, %d warning, %d info; %d rule(s) violated)\n",
			r.Subject, r.Count(Breaking), r.Count(Warning), r.Count(Info), len(r.Violations))
	} else {
		fmt.Fprintf(&b, "%s: ok (%d breaking, %d warning, %d info)\n",
			r.Subject, r.Count(Breaking), r.Count(Warning), r.Count(Info))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteGitHub writes the report as GitHub Actions workflow commands: one
// annotation per change and per violation. Breaking changes are errors while
// a rule is violated (they are what needs fixing) and warnings once the major
// version was bumped; warnings stay warnings and the rest are notices.
func (r *Report) WriteGitHub(w io.Writer) error {
	var b strings.Builder
	for _, c := range r.Changes {
		kind := "notice"
		switch {
		case c.Level == Breaking && r.Failed():
			kind = "error"
		case c.Level >= Warning:
			kind = "warning"
		}
		writeAnnotation(&b, kind, r.Subject+": "+c.ID, c, c.messageWithWhere())
	}
	for _, v := range r.Violations {
		writeAnnotation(&b, "error", r.Subject+": "+v.ID, v, v.Message)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (f Finding) messageWithWhere() string {
	if f.Where == "" {
		return f.Message
	}
	return f.Where + ": " + f.Message
}

func writeAnnotation(b *strings.Builder, kind, title string, f Finding, msg string) {
	params := []string{"title=" + ghannot.Property(title)}
	if f.File != "" {
		params = append(params, "file="+ghannot.Property(f.File))
		if f.Line > 0 {
			params = append(params, fmt.Sprintf("line=%d", f.Line))
		}
		if f.Column > 0 {
			params = append(params, fmt.Sprintf("col=%d", f.Column))
		}
	}
	fmt.Fprintf(b, "::%s %s::%s\n", kind, strings.Join(params, ","), ghannot.Data(msg))
}

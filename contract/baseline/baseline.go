// Package baseline is the accepted-drift ledger: a YAML file, committed next
// to the recordings, that lists findings a team knows about and accepts until
// a date. A finding that an unexpired entry matches is marked accepted (it
// stays visible in every report but fails no run); an entry whose date has
// passed fails the run with its own finding id (baseline-expired) and names
// the entry; an entry that matched nothing is reported (baseline-entry-unused)
// so the ledger shrinks when the vendor fixes things.
//
// The file:
//
//	# Accepted drift of the B2B token endpoints.
//	accepted:
//	  - id: unknown-field                 # a finding id (tokens-contract check --format json)
//	    operation: get-backend-tokens      # the spec's operationId
//	    path: $.data[*].expiresAt          # the finding's path, exactly as reported
//	    reason: the vendor added expiresAt; nothing reads it yet
//	    ticket: PLAT-1234                  # optional
//	    expires: 2027-03-31                # the last day the entry accepts the finding
//
// Loading is strict: an unknown key, a missing or malformed field, a date that
// is not YYYY-MM-DD, an id that no rule has, an operation the spec lacks, or
// the same (id, operation, path) twice is an error naming the file and line.
// Write drafts a file from the current findings, with an expiry date and an
// empty reason that the user must fill in: until then the file does not load.
package baseline

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/b2b-contract/s2s-tokens/contract"
)

// DateLayout is the layout of an entry's expires date.
const DateLayout = time.DateOnly

// MaxFileSize bounds the baseline file that Load reads.
const MaxFileSize = 4 << 20

// Entry is one accepted finding.
type Entry struct {
	ID        string `yaml:"id"`
	Operation string `yaml:"operation"`
	Path      string `yaml:"path"`
	Reason    string `yaml:"reason"`
	Ticket    string `yaml:"ticket,omitempty"`
	Expires   string `yaml:"expires"`

	// Line is the entry's line in the file (0 for an entry made in code).
	Line    int       `yaml:"-"`
	expires time.Time // the end of the expires day, UTC
}

// Baseline is a loaded ledger.
type Baseline struct {
	// File names the ledger in findings and reports.
	File    string
	Entries []Entry
}

type file struct {
	Accepted []Entry `yaml:"accepted"`
}

// Load reads and validates the baseline file at path. operations are the
// operationIds the entries may name (the checker's, see
// contract.Checker.Operations).
func Load(path string, operations []string) (*Baseline, error) {
	// Stat before opening: opening a FIFO blocks until a writer comes.
	if st, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("baseline %s: not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("baseline %s: larger than %d bytes", path, MaxFileSize)
	}
	return Parse(path, data, operations)
}

// Parse validates a baseline document; name names it in errors and findings.
func Parse(name string, data []byte, operations []string) (*Baseline, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("baseline %s: not YAML: %w", name, err)
	}
	b := &Baseline{File: name}
	if len(root.Content) == 0 {
		return b, nil // an empty file accepts nothing
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var doc file
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("baseline %s: %w", name, err)
	}
	lines := entryLines(&root)
	seen := map[string]int{}
	for i, e := range doc.Accepted {
		if i < len(lines) {
			e.Line = lines[i]
		}
		at := fmt.Sprintf("baseline %s: line %d", name, e.Line)
		switch {
		case e.ID == "":
			return nil, fmt.Errorf("%s: the entry has no id", at)
		case e.Operation == "":
			return nil, fmt.Errorf("%s: the entry has no operation (an operationId: %s)", at, strings.Join(operations, ", "))
		case e.Path == "":
			return nil, fmt.Errorf("%s: the entry has no path (the finding's path, e.g. $.data[*].email)", at)
		case strings.TrimSpace(e.Reason) == "":
			return nil, fmt.Errorf("%s: the entry has no reason: say why this drift is accepted", at)
		case e.Expires == "":
			return nil, fmt.Errorf("%s: the entry has no expires date (YYYY-MM-DD)", at)
		}
		r, ok := contract.RuleFor(e.ID)
		if !ok || r.Layer == contract.LayerBaseline {
			return nil, fmt.Errorf("%s: %q is not a finding id that a baseline can accept", at, e.ID)
		}
		if !slices.Contains(operations, e.Operation) {
			return nil, fmt.Errorf("%s: operation %q is not in the spec (want one of %s)", at, e.Operation, strings.Join(operations, ", "))
		}
		day, err := time.Parse(DateLayout, e.Expires)
		if err != nil {
			return nil, fmt.Errorf("%s: expires %q is not a date (YYYY-MM-DD)", at, e.Expires)
		}
		e.expires = day.Add(24 * time.Hour)
		key := e.ID + "\x00" + e.Operation + "\x00" + e.Path
		if first, dup := seen[key]; dup {
			return nil, fmt.Errorf("%s: the same id, operation and path as the entry at line %d", at, first)
		}
		seen[key] = e.Line
		b.Entries = append(b.Entries, e)
	}
	return b, nil
}

// entryLines returns the line of each item of the top-level accepted list.
func entryLines(root *yaml.Node) []int {
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "accepted" && doc.Content[i+1].Kind == yaml.SequenceNode {
			var out []int
			for _, item := range doc.Content[i+1].Content {
				out = append(out, item.Line)
			}
			return out
		}
	}
	return nil
}

// Outcome is what applying a baseline did.
type Outcome struct {
	// Accepted counts the findings that an unexpired entry accepted.
	Accepted int
	// Findings are the baseline's own findings: one baseline-expired per
	// expired entry that matched, one baseline-entry-unused per entry that
	// matched nothing. Their Source is "FILE#Lline".
	Findings []contract.Finding
}

// Apply marks the findings of results that an unexpired entry matches as
// accepted (Finding.Accepted), in place, and returns the baseline's own
// findings. A finding matches an entry with the same id and path, in a
// result of the entry's operation. now decides expiry: an entry accepts
// through the whole of its expires day (UTC).
func (b *Baseline) Apply(results [][]contract.Result, now time.Time) Outcome {
	var out Outcome
	if b == nil {
		return out
	}
	used := make([]bool, len(b.Entries))
	expired := make([]int, len(b.Entries)) // matches of an expired entry
	index := map[string]int{}
	for i, e := range b.Entries {
		// A finding's path has [*] for every array item (contract.StablePath);
		// an entry written with an index ($.data[0].email, as findings
		// were before) matches it too. Of entries that become one, the first
		// accepts, and the others are unused.
		key := e.ID + "\x00" + e.Operation + "\x00" + contract.StablePath(e.Path)
		if _, dup := index[key]; !dup {
			index[key] = i
		}
	}
	for _, run := range results {
		for r := range run {
			res := &run[r]
			for f := range res.Findings {
				fd := &res.Findings[f]
				i, ok := index[fd.ID+"\x00"+res.Operation+"\x00"+fd.Path]
				if !ok {
					continue
				}
				used[i] = true
				e := b.Entries[i]
				if !now.Before(e.expires) {
					expired[i]++
					continue
				}
				fd.Accepted = &contract.Acceptance{File: b.File, Line: e.Line, Reason: e.Reason, Ticket: e.Ticket, Expires: e.Expires}
				out.Accepted++
			}
		}
	}
	for i, e := range b.Entries {
		source := fmt.Sprintf("%s#L%d", b.File, e.Line)
		switch {
		case expired[i] > 0:
			out.Findings = append(out.Findings, finding(contract.IDBaselineExpired, e.Path, source,
				fmt.Sprintf("the entry for %s at %s (%s) expired on %s; it matched %d finding(s), which now count", e.ID, e.Path, e.Operation, e.Expires, expired[i])))
		case !used[i]:
			out.Findings = append(out.Findings, finding(contract.IDBaselineUnused, e.Path, source,
				fmt.Sprintf("the entry for %s at %s (%s) matched no finding in this run", e.ID, e.Path, e.Operation)))
		}
	}
	return out
}

func finding(id, path, source, message string) contract.Finding {
	r, _ := contract.RuleFor(id)
	return contract.Finding{ID: id, Severity: r.Severity, Path: path, Message: message, Source: source}
}

// Draft returns a baseline document that accepts every finding of results
// (one entry per id, operation and path, the baseline's own findings and
// already accepted ones left out) until expires, with an empty reason for the
// user to fill in: the draft does not load until every reason is written.
func Draft(results [][]contract.Result, expires time.Time) []byte {
	var entries []Entry
	seen := map[string]bool{}
	for _, run := range results {
		for _, res := range run {
			for _, f := range res.Findings {
				r, _ := contract.RuleFor(f.ID)
				if f.Accepted != nil || r.Layer == contract.LayerBaseline || res.Operation == "" {
					continue
				}
				key := f.ID + "\x00" + res.Operation + "\x00" + f.Path
				if seen[key] {
					continue
				}
				seen[key] = true
				entries = append(entries, Entry{ID: f.ID, Operation: res.Operation, Path: f.Path, Expires: expires.UTC().Format(DateLayout)})
			}
		}
	}
	slices.SortFunc(entries, func(a, b Entry) int {
		return strings.Compare(a.ID+"\x00"+a.Operation+"\x00"+a.Path, b.ID+"\x00"+b.Operation+"\x00"+b.Path)
	})
	var buf bytes.Buffer
	buf.WriteString("# Accepted drift, drafted by tokens-contract check --write-baseline.\n")
	buf.WriteString("# Write a reason for every entry (and a ticket, if you track it) and confirm\n")
	buf.WriteString("# each expires date: the file does not load while a reason is empty.\n")
	if len(entries) == 0 {
		buf.WriteString("accepted: []\n")
		return buf.Bytes()
	}
	buf.WriteString("accepted:\n")
	for _, e := range entries {
		fmt.Fprintf(&buf, "  - id: %s\n    operation: %s\n    path: %s\n    reason: \"\"\n    expires: %s\n",
			yamlScalar(e.ID), yamlScalar(e.Operation), yamlScalar(e.Path), e.Expires)
	}
	return buf.Bytes()
}

// yamlScalar renders s as a YAML scalar that reads back as the same string.
func yamlScalar(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(out), "\n")
}

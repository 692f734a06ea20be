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
// Draft drafts a file from the current findings, with an expiry date and an
// empty reason that the user must fill in: until then the file does not load.
// Update brings a loaded ledger up to date with a run: every entry that still
// matched a finding is kept as written (reason, ticket, expires and the
// comments around it), a draft entry is added for each finding no entry
// matched, and the entries that matched nothing are dropped; it says which.
// Both are written with a YAML encoder, so any finding path (quotes, colons,
// a newline) reads back as itself.
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

	root *yaml.Node // the parsed document, for Update; nil when empty
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
	b.root = &root
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
	// Unused are the entries that matched no finding, in file order.
	Unused []Entry
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
			out.Unused = append(out.Unused, e)
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
	doc := &yaml.Node{Kind: yaml.MappingNode, HeadComment: draftComment}
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	entries := drafts(results, expires, nil)
	if len(entries) == 0 {
		seq.Style = yaml.FlowStyle // accepted: []
	}
	for _, e := range entries {
		seq.Content = append(seq.Content, entryNode(e))
	}
	doc.Content = []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "accepted"}, seq}
	return encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{doc}})
}

const draftComment = `Accepted drift, drafted by tokens-contract check --write-baseline.
Write a reason for every entry (and a ticket, if you track it) and confirm
each expires date: the file does not load while a reason is empty.`

// drafts returns one entry, with an empty reason, per (id, operation, path)
// of results that is not accepted, not the baseline's own, and not in
// known, sorted.
func drafts(results [][]contract.Result, expires time.Time, known map[string]bool) []Entry {
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
				if seen[key] || known[key] {
					continue
				}
				seen[key] = true
				entries = append(entries, Entry{ID: f.ID, Operation: res.Operation, Path: f.Path, Expires: expires.UTC().Format(DateLayout)})
			}
		}
	}
	slices.SortFunc(entries, func(a, b Entry) int {
		return strings.Compare(a.key(), b.key())
	})
	return entries
}

func (e Entry) key() string { return e.ID + "\x00" + e.Operation + "\x00" + e.Path }

// entryNode renders a draft entry; the YAML encoder quotes what needs it.
func entryNode(e Entry) *yaml.Node {
	str := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	n := &yaml.Node{Kind: yaml.MappingNode}
	n.Content = append(n.Content, str("id"), str(e.ID), str("operation"), str(e.Operation), str("path"), str(e.Path),
		str("reason"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: e.Reason, Style: yaml.DoubleQuotedStyle})
	if e.Ticket != "" {
		n.Content = append(n.Content, str("ticket"), str(e.Ticket))
	}
	n.Content = append(n.Content, str("expires"), str(e.Expires))
	return n
}

// encode renders a YAML document with two-space indentation.
func encode(doc *yaml.Node) []byte {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		// Nodes built here and nodes read by yaml.Unmarshal always encode.
		panic(fmt.Sprintf("baseline: encoding a ledger: %v", err))
	}
	enc.Close()
	return buf.Bytes()
}

// Changes says what Update did.
type Changes struct {
	// Kept are the entries that still matched a finding, unchanged.
	Kept []Entry
	// Added are the new draft entries, one per finding no entry matched,
	// with an empty reason to write.
	Added []Entry
	// Dropped are the entries that matched no finding.
	Dropped []Entry
}

// Update returns the ledger b brought up to date with the run whose
// results b.Apply marked, and whose Outcome was out: the entries that
// matched are kept as they are written in the file (reason, ticket, expires
// date, comments; an expired one too, whose date is the user's to move),
// the entries in out.Unused are dropped, and an entry with an empty reason
// expiring on expires is added for each finding no entry matched. Until
// those reasons are written the file does not load, as with Draft. A nil b
// is an empty ledger. Update edits b's parsed document: call it once.
func (b *Baseline) Update(results [][]contract.Result, out Outcome, expires time.Time) ([]byte, Changes) {
	var ch Changes
	var entries []Entry
	var root *yaml.Node
	if b != nil {
		entries, root = b.Entries, b.root
	}
	known := map[string]bool{}
	for _, e := range entries {
		known[e.key()] = true
	}
	dropped := map[string]bool{}
	for _, e := range out.Unused {
		dropped[e.key()] = true
	}
	ch.Added = drafts(results, expires, known)

	var doc, seq *yaml.Node
	if root != nil && len(root.Content) > 0 && root.Content[0].Kind == yaml.MappingNode {
		doc = root.Content[0]
		for i := 0; i+1 < len(doc.Content); i += 2 {
			if doc.Content[i].Value == "accepted" {
				seq = doc.Content[i+1]
			}
		}
	}
	if doc == nil {
		doc = &yaml.Node{Kind: yaml.MappingNode, HeadComment: draftComment}
		root = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{doc}}
	}
	if seq == nil || seq.Kind != yaml.SequenceNode {
		seq = &yaml.Node{Kind: yaml.SequenceNode}
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "accepted"}, seq)
	}
	// Parse made Entries from seq's items, in order.
	var items []*yaml.Node
	for i, item := range seq.Content {
		if i < len(entries) && dropped[entries[i].key()] {
			ch.Dropped = append(ch.Dropped, entries[i])
			continue
		}
		if i < len(entries) {
			ch.Kept = append(ch.Kept, entries[i])
		}
		items = append(items, item)
	}
	for _, e := range ch.Added {
		items = append(items, entryNode(e))
	}
	seq.Content = items
	seq.Style = 0
	if len(items) == 0 {
		seq.Style = yaml.FlowStyle
	}
	return encode(root), ch
}

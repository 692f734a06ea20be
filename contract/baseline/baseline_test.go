package baseline_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/baseline"
)

var ops = []string{"get-backend-tokens", "delete-auth-backend", "post-auth-backend"}

func TestParseRejectsBadFiles(t *testing.T) {
	entry := func(extra string) string {
		return "accepted:\n  - id: unknown-field\n    operation: get-backend-tokens\n    path: $.data[*].x\n    reason: r\n    expires: 2027-03-31\n" + extra
	}
	tests := []struct {
		name, doc, want string
	}{
		{"not YAML", "accepted: [", "not YAML"},
		{"unknown top-level key", "acepted: []\n", "field acepted not found"},
		{"unknown entry key", entry("    owner: me\n"), "line 7: field owner not found"},
		{"no id", "accepted:\n  - operation: get-backend-tokens\n    path: p\n    reason: r\n    expires: 2027-01-01\n", "line 2: the entry has no id"},
		{"unknown id", strings.Replace(entry(""), "unknown-field", "no-such-rule", 1), `line 2: "no-such-rule" is not a finding id`},
		{"a baseline rule", strings.Replace(entry(""), "unknown-field", contract.IDBaselineExpired, 1), "is not a finding id that a baseline can accept"},
		{"unknown operation", strings.Replace(entry(""), "get-backend-tokens", "list-tokens", 1), `line 2: operation "list-tokens" is not in the spec`},
		{"no path", strings.Replace(entry(""), "    path: $.data[*].x\n", "", 1), "line 2: the entry has no path"},
		{"empty reason", strings.Replace(entry(""), "reason: r", `reason: "  "`, 1), "line 2: the entry has no reason"},
		{"no expiry", strings.Replace(entry(""), "    expires: 2027-03-31\n", "", 1), "no expires date"},
		{"bad date", strings.Replace(entry(""), "2027-03-31", "31/03/2027", 1), `line 2: expires "31/03/2027" is not a date`},
		{"impossible date", strings.Replace(entry(""), "2027-03-31", "2027-02-30", 1), "is not a date"},
		{"duplicate", entry("  - id: unknown-field\n    operation: get-backend-tokens\n    path: $.data[*].x\n    reason: again\n    expires: 2027-01-01\n"), "line 7: the same id, operation and path as the entry at line 2"},
		{"list instead of map", "- id: x\n", "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := baseline.Parse("accepted.yaml", []byte(tt.doc), ops)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "accepted.yaml") {
				t.Errorf("error = %v, want one naming accepted.yaml and containing %q", err, tt.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	b, err := baseline.Load(filepath.Join("testdata", "accepted.yaml"), ops)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Entries) != 3 || b.Entries[0].Line != 4 || b.Entries[0].Ticket != "PLAT-1234" {
		t.Fatalf("entries = %+v", b.Entries)
	}
	for _, bad := range []string{filepath.Join("testdata", "no-such-file.yaml"), "testdata"} {
		if _, err := baseline.Load(bad, ops); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("Load(%s) = %v, want an error naming it", bad, err)
		}
	}
	// A byte-order mark and an empty document are fine.
	dir := t.TempDir()
	for name, doc := range map[string]string{"bom.yaml": "\xef\xbb\xbfaccepted: []\n", "empty.yaml": ""} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		if b, err := baseline.Load(p, ops); err != nil || len(b.Entries) != 0 {
			t.Errorf("%s: %v, %v", name, b, err)
		}
	}
}

func results(fs ...contract.Finding) [][]contract.Result {
	return [][]contract.Result{{{Source: "rec.yaml#0", Operation: "get-backend-tokens", Findings: fs}}}
}

func TestApply(t *testing.T) {
	b, err := baseline.Load(filepath.Join("testdata", "accepted.yaml"), ops)
	if err != nil {
		t.Fatal(err)
	}
	unknown := contract.Finding{ID: contract.IDUnknownField, Severity: contract.Additive, Path: "$.data[*].expiresAt", Source: "rec.yaml#0"}
	null := contract.Finding{ID: contract.IDUnexpectedNull, Severity: contract.Breaking, Path: "$.data[*].email", Source: "rec.yaml#0"}
	other := contract.Finding{ID: contract.IDUnknownField, Severity: contract.Additive, Path: "$.data[*].other", Source: "rec.yaml#0"}

	t.Run("before expiry", func(t *testing.T) {
		rs := results(unknown, null, other)
		out := b.Apply(rs, time.Date(2027, 3, 31, 23, 59, 0, 0, time.UTC)) // the last day still accepts
		fs := rs[0][0].Findings
		if out.Accepted != 1 || fs[0].Accepted == nil || fs[0].Accepted.Line != 4 || fs[0].Accepted.Reason == "" || fs[2].Accepted != nil {
			t.Fatalf("accepted %d, findings %+v", out.Accepted, fs)
		}
		// The null entry expired on 2026-12-01: its finding counts again,
		// and the entry fails the run with its own id. The delete entry
		// matched nothing.
		if fs[1].Accepted != nil {
			t.Error("an expired entry accepted its finding")
		}
		ids := map[string]string{}
		for _, f := range out.Findings {
			ids[f.ID] = f.Source
		}
		if len(out.Findings) != 2 || ids[contract.IDBaselineExpired] != "testdata/accepted.yaml#L10" || ids[contract.IDBaselineUnused] != "testdata/accepted.yaml#L15" {
			t.Errorf("baseline findings = %+v", out.Findings)
		}
	})
	t.Run("after expiry", func(t *testing.T) {
		rs := results(unknown)
		out := b.Apply(rs, time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC))
		if out.Accepted != 0 || rs[0][0].Findings[0].Accepted != nil {
			t.Error("an entry accepted a finding the day after it expired")
		}
		if out.Findings[0].ID != contract.IDBaselineExpired || out.Findings[0].Severity != contract.Breaking {
			t.Errorf("findings = %+v", out.Findings)
		}
	})
	t.Run("another operation does not match", func(t *testing.T) {
		rs := [][]contract.Result{{{Source: "x#0", Operation: "post-auth-backend", Findings: []contract.Finding{unknown}}}}
		if out := b.Apply(rs, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)); out.Accepted != 0 {
			t.Error("an entry for get-backend-tokens accepted a finding of post-auth-backend")
		}
	})
	t.Run("nil baseline", func(t *testing.T) {
		var nb *baseline.Baseline
		if out := nb.Apply(results(unknown), time.Now()); out.Accepted != 0 || len(out.Findings) != 0 {
			t.Error("a nil baseline did something")
		}
	})
}

// TestIndexedEntryMatchesStablePath: an entry written when a one-item page
// gave $.data[0].email still accepts the finding, which now says
// $.data[*].email whatever the page size; a second entry that becomes the
// same is unused.
func TestIndexedEntryMatchesStablePath(t *testing.T) {
	file := filepath.Join(t.TempDir(), "accepted.yaml")
	doc := "accepted:\n" +
		"  - id: unexpected-null\n    operation: get-backend-tokens\n    path: $.data[0].email\n    reason: vendor ticket 42\n    expires: 2027-03-31\n" +
		"  - id: unexpected-null\n    operation: get-backend-tokens\n    path: $.data[3].email\n    reason: the same, from a page of ten\n    expires: 2027-03-31\n"
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := baseline.Load(file, ops)
	if err != nil {
		t.Fatal(err)
	}
	rs := results(contract.Finding{ID: contract.IDUnexpectedNull, Severity: contract.Breaking, Path: "$.data[*].email", Source: "rec.yaml#0"})
	out := b.Apply(rs, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	if a := rs[0][0].Findings[0].Accepted; out.Accepted != 1 || a == nil || a.Line != 2 {
		t.Fatalf("accepted %d, acceptance %+v; want the first entry (line 2)", out.Accepted, a)
	}
	if len(out.Findings) != 1 || out.Findings[0].ID != contract.IDBaselineUnused || !strings.Contains(out.Findings[0].Message, "$.data[3].email") {
		t.Errorf("baseline findings = %+v; want the second entry unused", out.Findings)
	}
}

// A draft lists each (id, operation, path) once, leaves the reason empty so
// that it does not load until edited, and loads once a reason is written.
func TestDraft(t *testing.T) {
	f := contract.Finding{ID: contract.IDUnknownField, Severity: contract.Additive, Path: "$.data[*]['odd: key']", Source: "a#0"}
	rs := results(f, f, contract.Finding{ID: contract.IDBaselineUnused, Path: "p", Source: "b#L1"})
	rs[0] = append(rs[0], contract.Result{Source: "x#1", Skipped: true, Findings: []contract.Finding{f}})
	draft := baseline.Draft(rs, time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC))
	if n := strings.Count(string(draft), "- id:"); n != 1 {
		t.Fatalf("%d entries in the draft, want 1:\n%s", n, draft)
	}
	if _, err := baseline.Parse("draft.yaml", draft, ops); err == nil || !strings.Contains(err.Error(), "no reason") {
		t.Fatalf("the unedited draft loaded (%v)", err)
	}
	edited := strings.Replace(string(draft), `reason: ""`, "reason: known, harmless", 1)
	b, err := baseline.Parse("draft.yaml", []byte(edited), ops)
	if err != nil {
		t.Fatal(err)
	}
	if e := b.Entries[0]; e.Path != f.Path || e.Operation != "get-backend-tokens" || e.Expires != "2027-01-31" {
		t.Errorf("entry read back = %+v", e)
	}
	if out := b.Apply(results(f), time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)); out.Accepted != 1 {
		t.Error("the edited draft does not accept the finding it was drafted from")
	}
	if empty := baseline.Draft(nil, time.Now()); !strings.Contains(string(empty), "accepted: []") {
		t.Errorf("empty draft:\n%s", empty)
	}
}

// FuzzParse: any bytes give a baseline or an error naming the file, never a
// panic.
func FuzzParse(f *testing.F) {
	seed, _ := os.ReadFile(filepath.Join("testdata", "accepted.yaml"))
	f.Add(seed)
	f.Add([]byte("accepted:\n  - id: [\n"))
	f.Add([]byte("&a [*a, *a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := baseline.Parse("fuzz.yaml", data, ops)
		if err != nil && !strings.Contains(err.Error(), "fuzz.yaml") {
			t.Fatalf("error does not name the file: %v", err)
		}
		if err == nil && b == nil {
			t.Fatal("no baseline and no error")
		}
	})
}

// TestUpdate: an update keeps every entry that still matched exactly as
// reviewed (reason, ticket, date, comment; an expired one too), adds a
// draft for the new finding, drops the entry that matched nothing, and
// says so; the result loads once the new reason is written, and a second
// run with the same findings changes nothing.
func TestUpdate(t *testing.T) {
	b, err := baseline.Load(filepath.Join("testdata", "accepted.yaml"), ops)
	if err != nil {
		t.Fatal(err)
	}
	unknown := contract.Finding{ID: contract.IDUnknownField, Severity: contract.Additive, Path: "$.data[*].expiresAt"}
	null := contract.Finding{ID: contract.IDUnexpectedNull, Severity: contract.Breaking, Path: "$.data[*].email"}
	added := contract.Finding{ID: contract.IDUnknownField, Severity: contract.Additive, Path: "$.data[*]['two\nlines: \"x\"']"}
	now := time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC)
	rs := results(unknown, null, added)
	out := b.Apply(rs, now)
	data, ch := b.Update(rs, out, now.AddDate(0, 0, 30))

	keys := func(es []baseline.Entry) []string {
		var k []string
		for _, e := range es {
			k = append(k, e.ID+" "+e.Path)
		}
		return k
	}
	if got := strings.Join(keys(ch.Kept), "|"); got != "unknown-field $.data[*].expiresAt|unexpected-null $.data[*].email" {
		t.Errorf("kept %q", got)
	}
	if got := keys(ch.Added); len(got) != 1 || got[0] != "unknown-field "+added.Path {
		t.Errorf("added %q", got)
	}
	if got := keys(ch.Dropped); len(got) != 1 || got[0] != "undocumented-status status" {
		t.Errorf("dropped %q", got)
	}
	if !strings.Contains(string(data), "# The vendor added expiresAt; nothing reads it yet.") {
		t.Errorf("the comment of a kept entry was lost:\n%s", data)
	}
	if _, err := baseline.Parse("updated.yaml", data, ops); err == nil || !strings.Contains(err.Error(), "no reason") {
		t.Fatalf("the update loaded with an empty reason (%v):\n%s", err, data)
	}
	edited := strings.Replace(string(data), `reason: ""`, "reason: a new field we ignore", 1)
	nb, err := baseline.Parse("updated.yaml", []byte(edited), ops)
	if err != nil {
		t.Fatalf("%v:\n%s", err, edited)
	}
	want := map[string]baseline.Entry{}
	for _, e := range b.Entries {
		want[e.ID+" "+e.Path] = e
	}
	for _, e := range nb.Entries {
		w, ok := want[e.ID+" "+e.Path]
		switch {
		case e.Path == added.Path:
			if e.Reason != "a new field we ignore" || e.Expires != "2027-02-14" || e.Operation != "get-backend-tokens" {
				t.Errorf("added entry read back as %+v", e)
			}
		case !ok:
			t.Errorf("unexpected entry %+v", e)
		case e.Reason != w.Reason || e.Ticket != w.Ticket || e.Expires != w.Expires || e.Operation != w.Operation:
			t.Errorf("entry %s changed: %+v, was %+v", e.ID, e, w)
		}
	}
	if len(nb.Entries) != 3 {
		t.Errorf("%d entries after the update, want 3", len(nb.Entries))
	}

	// Again, with the reason written: nothing to add or drop.
	rs = results(unknown, null, added)
	again, ch := nb.Update(rs, nb.Apply(rs, now), now)
	if len(ch.Added)+len(ch.Dropped) != 0 || len(ch.Kept) != 3 {
		t.Errorf("second update changed %+v", ch)
	}
	if nb2, err := baseline.Parse("again.yaml", again, ops); err != nil || len(nb2.Entries) != 3 {
		t.Errorf("second update: %v\n%s", err, again)
	}
}

// TestUpdateEmpty: updating no ledger (a nil one, or an empty file) is
// drafting; dropping every entry leaves a ledger that still loads.
func TestUpdateEmpty(t *testing.T) {
	f := contract.Finding{ID: contract.IDUnknownField, Path: "$.data[*].x"}
	var nb *baseline.Baseline
	data, ch := nb.Update(results(f), baseline.Outcome{}, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(ch.Added) != 1 || !strings.Contains(string(data), "path: $.data[*].x") {
		t.Errorf("update of no ledger: %+v\n%s", ch, data)
	}
	b, err := baseline.Parse("l.yaml", []byte("accepted:\n  - id: unknown-field\n    operation: get-backend-tokens\n    path: $.gone\n    reason: r\n    expires: 2027-01-01\n"), ops)
	if err != nil {
		t.Fatal(err)
	}
	data, ch = b.Update(nil, b.Apply(nil, time.Now()), time.Now())
	if len(ch.Dropped) != 1 {
		t.Errorf("dropped %+v", ch.Dropped)
	}
	if b, err := baseline.Parse("l.yaml", data, ops); err != nil || len(b.Entries) != 0 {
		t.Errorf("after dropping everything: %v\n%s", err, data)
	}
}

// TestDraftOddPaths: a finding path with a newline, quotes, a colon or a
// leading dash reads back as itself: the draft is written by a YAML
// encoder, not pasted together.
func TestDraftOddPaths(t *testing.T) {
	paths := []string{"$.data[*]['a\nb']", `$.data[*]['x": y']`, "- $.data", "$.data[*]['#not a comment']", "$.data[*]['  ']"}
	var fs []contract.Finding
	for _, p := range paths {
		fs = append(fs, contract.Finding{ID: contract.IDUnknownField, Path: p})
	}
	draft := baseline.Draft(results(fs...), time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC))
	edited := strings.ReplaceAll(string(draft), `reason: ""`, "reason: ok")
	b, err := baseline.Parse("draft.yaml", []byte(edited), ops)
	if err != nil {
		t.Fatalf("%v:\n%s", err, draft)
	}
	got := map[string]bool{}
	for _, e := range b.Entries {
		got[e.Path] = true
	}
	for _, p := range paths {
		if !got[p] {
			t.Errorf("path %q did not read back; draft:\n%s", p, draft)
		}
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/internal/leakscan"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// The baseline loop as a user walks it: draft a ledger from a drifting
// recording, see that it does not load until the reasons are written, accept
// the drift with it, and see an expired entry fail the run.
func TestCheckBaseline(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rec := driftDir + "/field-added-item.yaml"
	ledger := filepath.Join(dir, "accepted.yaml")

	code, _, stderr := runCLI(t, "check", "--write-baseline", ledger, rec)
	if code != 1 || !strings.Contains(stderr, "drafted "+ledger) {
		t.Fatalf("drafting: exit %d, stderr %s", code, stderr)
	}
	draft, err := os.ReadFile(ledger)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "check", "--baseline", ledger, rec); code != 2 || !strings.Contains(stderr, "has no reason") || !strings.Contains(stderr, ledger) {
		t.Fatalf("an unedited draft: exit %d, stderr %s; want 2 naming the file and the empty reason", code, stderr)
	}

	edited := strings.ReplaceAll(string(draft), `reason: ""`, "reason: the vendor added it; nothing reads it")
	if err := os.WriteFile(ledger, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "check", "--format", "json", "--baseline", ledger, rec, driftDir+"/deprecation-header.yaml")
	if code != 0 {
		t.Fatalf("accepted drift: exit %d, want 0; stderr %s\n%s", code, stderr, stdout)
	}
	var rep struct {
		Summary struct {
			Additive, Accepted, Info int
		}
		Findings []struct {
			ID       string
			Source   string
			Baseline *struct {
				Line    int
				Expires string
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Additive != 0 || rep.Summary.Accepted != 1 {
		t.Errorf("summary %+v, want 0 additive and 1 accepted", rep.Summary)
	}
	var sawAccepted bool
	for _, f := range rep.Findings {
		if f.ID == "unknown-field" && f.Baseline != nil && f.Baseline.Line == 5 {
			sawAccepted = true
		}
	}
	if !sawAccepted {
		t.Errorf("no accepted unknown-field with its baseline entry in %s", stdout)
	}

	// The same entry, expired yesterday: the finding counts again and the
	// entry fails the run with its own id.
	yesterday := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	expired := strings.ReplaceAll(edited, time.Now().AddDate(0, 0, 30).Format(time.DateOnly), yesterday)
	if expired == edited {
		t.Fatalf("the draft's expiry is not 30 days out:\n%s", edited)
	}
	if err := os.WriteFile(ledger, []byte(expired), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runCLI(t, "check", "--baseline", ledger, rec)
	if code != 1 || !strings.Contains(stdout, "baseline-expired") || !strings.Contains(stdout, "unknown-field at") || !strings.Contains(stdout, ledger+"#L5") {
		t.Errorf("expired entry: exit %d, want 1 with baseline-expired naming %s#L5 and the finding again:\n%s", code, ledger, stdout)
	}

	// An entry that matched nothing is reported, and fails nothing.
	code, stdout, _ = runCLI(t, "check", "--baseline", ledger, recordingsDir)
	if code != 0 || !strings.Contains(stdout, "baseline-entry-unused") {
		t.Errorf("unused entry: exit %d, want 0 with baseline-entry-unused:\n%s", code, stdout)
	}
}

func TestCheckBaselineErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("accepted:\n  - id: unknown-field\n    operation: list-tokens\n    path: p\n    reason: r\n    expires: 2027-01-01\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--baseline", filepath.Join(dir, "missing.yaml"), recordingsDir}, "missing.yaml: stat "},
		{[]string{"check", "--baseline", bad, recordingsDir}, `line 2: operation "list-tokens" is not in the spec`},
		{[]string{"check", "--write-baseline", dir, recordingsDir}, "--write-baseline " + dir},
	} {
		code, _, stderr := runCLI(t, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}

// TestCheckUpdateBaseline pins issue 24: --update-baseline keeps each
// reviewed entry that still matches, with its reason, ticket and date,
// adds a draft for a new finding, drops the entry that matched nothing, and
// says so; "--baseline L --write-baseline L", the gesture that used to wipe
// the ledger, is refused.
func TestCheckUpdateBaseline(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	added := driftDir + "/field-added-item.yaml"
	top := driftDir + "/field-added-top-level.yaml"
	ledger := filepath.Join(dir, "accepted.yaml")
	if code, _, stderr := runCLI(t, "check", "--write-baseline", ledger, added); code != 1 {
		t.Fatalf("drafting: exit %d, %s", code, stderr)
	}
	reviewed := strings.Replace(mustRead(t, ledger), `reason: ""`, "reason: reviewed, harmless\n    ticket: PLAT-7", 1)
	reviewed = strings.Replace(reviewed, "accepted:", "# our ledger\naccepted:", 1)
	if err := os.WriteFile(ledger, []byte(reviewed), 0o600); err != nil {
		t.Fatal(err)
	}
	entry := func(doc, path string) string { // the entry holding path
		for _, e := range strings.Split(doc, "  - ")[1:] {
			if strings.Contains(e, path) {
				return e
			}
		}
		return ""
	}
	kept := entry(reviewed, "createdAt")
	if kept == "" {
		t.Fatalf("no createdAt entry in the draft:\n%s", reviewed)
	}

	// Add: the same drift plus a new one.
	code, _, stderr := runCLI(t, "check", "--update-baseline", ledger, added, top)
	if code != 1 { // the new finding is not accepted yet
		t.Fatalf("update (add): exit %d, %s", code, stderr)
	}
	if !strings.Contains(stderr, "updated "+ledger+": kept 1, added 1, dropped 0") || !strings.Contains(stderr, "+ unknown-field") {
		t.Errorf("update (add) did not say what changed: %s", stderr)
	}
	afterAdd := mustRead(t, ledger)
	if entry(afterAdd, "createdAt") != kept || !strings.Contains(afterAdd, "# our ledger") {
		t.Errorf("the reviewed entry or the comment changed:\n%s\nwas:\n%s", afterAdd, kept)
	}
	if strings.Count(afterAdd, `reason: ""`) != 1 {
		t.Errorf("want one new draft with an empty reason:\n%s", afterAdd)
	}
	// Write the new reason; prune: only the first drift remains.
	if err := os.WriteFile(ledger, []byte(strings.Replace(afterAdd, `reason: ""`, "reason: also fine", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, "check", "--update-baseline", ledger, added)
	if code != 0 || !strings.Contains(stderr, "kept 1, added 0, dropped 1") || !strings.Contains(stderr, "- unknown-field") {
		t.Fatalf("update (prune): exit %d, %s", code, stderr)
	}
	afterPrune := mustRead(t, ledger)
	if entry(afterPrune, "createdAt") != kept || strings.Contains(afterPrune, "also fine") {
		t.Errorf("prune kept the wrong entries:\n%s", afterPrune)
	}
	if code, _, stderr := runCLI(t, "check", "--baseline", ledger, added); code != 0 {
		t.Errorf("the updated ledger does not accept the drift: exit %d, %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "check", "--baseline", ledger, "--update-baseline", ledger, added); code != 0 || !strings.Contains(stderr, "kept 1, added 0, dropped 0") {
		t.Errorf("--baseline L --update-baseline L: exit %d, %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "check", "--baseline", filepath.Join(dir, "other.yaml"), "--update-baseline", ledger, added); code != 2 || !strings.Contains(stderr, "leave out --baseline") {
		t.Errorf("--baseline OTHER --update-baseline L: exit %d, %s", code, stderr)
	}
}

// TestUpdatedBaselineLeaksNoSecret: the canary leak test for the ledger
// --update-baseline writes and for what it prints: a page with a token and
// an email in undeclared fields, and an email as an undeclared member's
// name, drafts entries that hold neither, in any encoding.
func TestUpdatedBaselineLeaksNoSecret(t *testing.T) {
	t.Parallel()
	email := synthetic.CanaryEmail()
	token := synthetic.CanaryJWT(email, "store1")
	item := fmt.Sprintf(`{"id":1,"name":"n","email":%q,"storeHash":"store1","token":%q,"shadowToken":%q,%q:1,"contact":{"mail":%q}}`,
		email, token, token, email, email)
	body := fmt.Sprintf(`{"code":200,"data":[%s],"meta":{"message":"SUCCESS","pagination":{"totalCount":1,"offset":0,"limit":10}}}`, item)
	entry := fmt.Sprintf(`{"startedDateTime":"2026-11-30T10:00:00Z","request":{"method":"GET","url":"https://api-b2b.bigcommerce.com/api/io/backend/tokens","headers":[]},`+
		`"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"size":%d,"text":%q}}}`, len(body), body)
	dir := t.TempDir()
	in := filepath.Join(dir, "canary.ndjson")
	if err := os.WriteFile(in, []byte(entry+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ledger := filepath.Join(dir, "ledger", "accepted.yaml")
	code, stdout, stderr := runCLI(t, "check", "--update-baseline", ledger, in)
	if code != 1 || !strings.Contains(stderr, "added ") {
		t.Fatalf("exit %d, want 1 and a drafted ledger; stderr %s", code, stderr)
	}
	doc := mustRead(t, ledger)
	if !strings.Contains(doc, "shadowToken") {
		t.Errorf("the ledger does not list the undeclared field:\n%s", doc)
	}
	secrets := emailTokenCanaries(email, token)
	for where, text := range map[string]string{"the ledger": doc, "stderr": stderr, "stdout": stdout} {
		assertNoCanary(t, where, []byte(text), secrets)
	}
	if hits := leakscan.Scan([]byte(doc + stderr)); len(hits) > 0 {
		t.Errorf("leakscan finds %d secret(s) in the ledger or stderr", len(hits))
	}
}

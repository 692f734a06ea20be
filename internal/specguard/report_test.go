package specguard_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/specguard"
)

func failingReport() *specguard.Report {
	return &specguard.Report{
		Subject:  "spec",
		Base:     "1.0.0 (base.yaml)",
		Revision: "1.1.0 (rev.yaml)",
		Changes: []specguard.Finding{
			{ID: "response-required-property-removed", Level: specguard.Breaking, Where: "GET /backend/tokens", Message: "removed `data/items/name`\n50% of it, a: b", File: "base.yaml", Line: 556, Column: 9},
			{ID: "request-parameter-removed", Level: specguard.Warning, Where: "GET /x", Message: "warned", File: "rev.yaml", Line: 3},
			{ID: "response-optional-property-added", Level: specguard.Info, Message: "added"},
		},
		Violations: []specguard.Finding{
			{ID: specguard.RuleMajorVersionNotBumped, Level: specguard.Breaking, Where: "info.version", Message: "bump it", File: "rev,1:x.yaml", Line: 4},
		},
	}
}

func TestWriteGitHub(t *testing.T) {
	var b bytes.Buffer
	if err := failingReport().WriteGitHub(&b); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"::error title=spec%3A response-required-property-removed,file=base.yaml,line=556,col=9::GET /backend/tokens: removed `data/items/name`%0A50%25 of it, a: b\n" +
		"::warning title=spec%3A request-parameter-removed,file=rev.yaml,line=3::GET /x: warned\n" +
		"::notice title=spec%3A response-optional-property-added::added\n" +
		"::error title=spec%3A major-version-not-bumped,file=rev%2C1%3Ax.yaml,line=4::bump it\n"
	if b.String() != want {
		t.Errorf("annotations:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestWriteGitHubAcceptedBreakingChangeIsAWarning(t *testing.T) {
	r := failingReport()
	r.Violations = nil // the major version was bumped
	var b bytes.Buffer
	if err := r.WriteGitHub(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "::error") {
		t.Errorf("an accepted breaking change is annotated as an error:\n%s", b.String())
	}
	if !strings.HasPrefix(b.String(), "::warning title=spec%3A response-required-property-removed") {
		t.Errorf("an accepted breaking change should be a warning:\n%s", b.String())
	}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := failingReport().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"spec: 1.0.0 (base.yaml) -> 1.1.0 (rev.yaml)\n",
		"  breaking response-required-property-removed  GET /backend/tokens: removed `data/items/name`",
		"(base.yaml:556)",
		"  warning  request-parameter-removed  GET /x: warned (rev.yaml:3)\n",
		"  info     response-optional-property-added: added\n",
		"  FAIL major-version-not-bumped: bump it (rev,1:x.yaml:4)\n",
		"spec: FAIL (1 breaking, 1 warning, 1 info; 1 rule(s) violated)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	var empty bytes.Buffer
	_ = (&specguard.Report{Subject: "Go API", Base: "a", Revision: "b"}).WriteText(&empty)
	if empty.String() != "Go API: a -> b\n  no changes\nGo API: ok (0 breaking, 0 warning, 0 info)\n" {
		t.Errorf("empty report:\n%s", empty.String())
	}
}

type brokenWriter struct{}

func (brokenWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorsReachTheCaller(t *testing.T) {
	if err := failingReport().WriteText(brokenWriter{}); err == nil {
		t.Error("WriteText hid a write error")
	}
	if err := failingReport().WriteGitHub(brokenWriter{}); err == nil {
		t.Error("WriteGitHub hid a write error")
	}
}

func TestLevelString(t *testing.T) {
	for l, want := range map[specguard.Level]string{specguard.Info: "info", specguard.Warning: "warning", specguard.Breaking: "breaking", 7: "Level(7)"} {
		if l.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(l), l.String(), want)
		}
	}
}

// ExampleCompareSpecs compares the 1.0.0 release with a revision that drops
// the list operation's pagination metadata without a new major version.
func ExampleCompareSpecs() {
	base := specguard.Spec{Name: "openapi/releases/v1.0.0/b2b-s2s-tokens.yaml", Data: release100Spec()}
	rev := strings.Replace(string(base.Data), "version: 1.0.0", "version: 1.1.0", 1)
	rev = strings.Replace(rev, "      required: [message, pagination]\n", "      required: [message]\n", 1)
	r, err := specguard.CompareSpecs(base, specguard.Spec{Name: "openapi/b2b-s2s-tokens.yaml", Data: []byte(rev)})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range r.Changes {
		fmt.Println(c.Level, c.ID, c.Where)
	}
	for _, v := range r.Violations {
		fmt.Println("FAIL", v.ID)
	}
	_ = r.WriteGitHub(os.Stdout)
	// Output:
	// breaking response-property-became-optional GET /backend/tokens
	// FAIL major-version-not-bumped
	// ::error title=spec%3A response-property-became-optional,file=openapi/releases/v1.0.0/b2b-s2s-tokens.yaml,line=606,col=27::GET /backend/tokens: the response property `meta/pagination` became optional for the status `200`
	// ::error title=spec%3A major-version-not-bumped,file=openapi/b2b-s2s-tokens.yaml,line=4::1 breaking change(s) since the released 1.0.0, but info.version 1.1.0 is not a new major version: bump it to 2.0.0 (and record the change in openapi/CHANGELOG.md), or undo the breaking change
}

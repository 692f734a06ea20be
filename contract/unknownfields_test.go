package contract_test

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/racedetect"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// manyItems is a list page of n token items, each with its own email and
// token made at run time, and whatever extra members extra(i) returns for
// item i (JSON members without the leading comma, or ""; a "name" member
// there replaces the item's). It is written
// directly, not through obj, so 22,000 items build in milliseconds.
type manyItems struct {
	body    []byte
	secrets []string // every email and token of the page
}

func newManyItems(n int, extra func(i int) string) manyItems {
	var b bytes.Buffer
	var m manyItems
	store := "s" + synthetic.RandomHex(4)
	b.WriteString(`{"code":200,"data":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		email := "u" + strconv.Itoa(i) + "-" + synthetic.RandomHex(3) + "@leak.test"
		token := synthetic.CanaryJWT(email, store)
		m.secrets = append(m.secrets, email, token)
		e := extra(i)
		name := `"name":"n",`
		if strings.HasPrefix(e, `"name":`) {
			name = "" // extra replaces it
		}
		fmt.Fprintf(&b, `{"id":%d,%s"email":%q,"storeHash":%q,"token":%q,"eventChannel":"app"`, i+1, name, email, store, token)
		if e != "" {
			b.WriteByte(',')
			b.WriteString(e)
		}
		b.WriteByte('}')
	}
	fmt.Fprintf(&b, `],"meta":{"message":"SUCCESS","pagination":{"totalCount":%d,"offset":0,"limit":%d}}}`, n, n)
	m.body = b.Bytes()
	return m
}

// exchange wraps the page in a list exchange whose query echoes its size.
func (m manyItems) exchange(n int) *contract.Exchange {
	return list(fmt.Sprintf("limit=%d&offset=0", n), 200, m.body, 1)
}

// byID returns the findings with the given id.
func byID(fs []contract.Finding, id string) []contract.Finding {
	var out []contract.Finding
	for _, f := range fs {
		if f.ID == id {
			out = append(out, f)
		}
	}
	return out
}

// assertNoSecretOf fails when a finding carries one of the page's emails or
// tokens (or a token's segment), without printing the value.
func assertNoSecretOf(t *testing.T, fs []contract.Finding, secrets []string) {
	t.Helper()
	var text strings.Builder
	for _, f := range fs {
		text.WriteString(f.ID + "\x00" + f.Path + "\x00" + f.Message + "\x00" + f.Source + "\x00")
	}
	all := text.String()
	for _, s := range secrets {
		for _, part := range append([]string{s}, strings.Split(s, ".")...) {
			if len(part) >= 8 && strings.Contains(all, part) {
				t.Fatalf("a finding carries a planted email or token (%d bytes long)", len(part))
			}
		}
	}
}

// TestUnknownFieldOnEveryItemIsOneFinding: a page whose every item has the
// same undeclared member gives one unknown-field finding that counts them,
// however many items there are, in the same words collapse gives any
// repeated finding; the findings carry none of the page's emails or tokens.
func TestUnknownFieldOnEveryItemIsOneFinding(t *testing.T) {
	c := newChecker(t)
	for _, n := range []int{2, 4000, 22000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			if n > 4000 && (testing.Short() || racedetect.Enabled) {
				t.Skip("the 22,000-item page takes seconds, and a minute with -race (BenchmarkUnknownFieldPerShape checks it)")
			}
			m := newManyItems(n, func(int) string { return `"extra":1` })
			if len(m.body) > contract.DefaultMaxBody {
				t.Fatalf("the page is %d bytes, over the body cap: the test would not reach strict mode", len(m.body))
			}
			r := c.Check(m.exchange(n))
			unknown := byID(r.Findings, contract.IDUnknownField)
			if len(unknown) != 1 || len(r.Findings) != 1 {
				t.Fatalf("findings %v, want exactly one unknown-field", findingIDs(r))
			}
			f := unknown[0]
			want := fmt.Sprintf("field extra is not declared in the contract (%d occurrences; the first at $.data[0].extra)", n)
			if f.Path != "$.data[*].extra" || f.Message != want || f.Severity != contract.Additive {
				t.Errorf("got %s %q %v, want $.data[*].extra %q additive", f.Path, f.Message, f.Severity, want)
			}
			assertNoSecretOf(t, r.Findings, m.secrets)
		})
	}
}

// TestUnknownFieldMergesAcrossShapes: items of different shapes that share
// an undeclared member merge into one finding whose "first" is the first
// path in string order (as collapse has always written it), and an item
// whose undeclared member sits under a value of the wrong type is not
// counted.
func TestUnknownFieldMergesAcrossShapes(t *testing.T) {
	c := newChecker(t)
	m := newManyItems(12, func(i int) string {
		switch i {
		case 2:
			return `"extra":1`
		case 10, 11:
			return `"extra":1,"more":true`
		case 5:
			return `"more":"x"`
		case 4, 7:
			return `"name":{"first":"a"}` // the wrong type: its members are not new fields
		}
		return ""
	})
	r := c.Check(m.exchange(12))
	got := map[string]string{}
	for _, f := range byID(r.Findings, contract.IDUnknownField) {
		got[f.Path] = f.Message
	}
	want := map[string]string{
		"$.data[*].extra": "field extra is not declared in the contract (3 occurrences; the first at $.data[10].extra)",
		"$.data[*].more":  "field more is not declared in the contract (3 occurrences; the first at $.data[10].more)",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("unknown-field findings\n got %v\nwant %v", got, want)
	}
	if mistyped := byID(r.Findings, contract.IDTypeMismatch); len(mistyped) != 1 || mistyped[0].Path != "$.data[*].name" {
		t.Errorf("type-mismatch findings %+v, want one at $.data[*].name", mistyped)
	}
	assertNoSecretOf(t, r.Findings, m.secrets)

	// One item alone has the same stable path; the message says which item.
	one := newManyItems(3, func(i int) string {
		if i == 1 {
			return `"extra":{"a":1}`
		}
		return ""
	})
	r = c.Check(one.exchange(3))
	unknown := byID(r.Findings, contract.IDUnknownField)
	if len(unknown) != 1 || unknown[0].Path != "$.data[*].extra" || unknown[0].Message != "field extra is not declared in the contract (at $.data[1].extra)" {
		t.Errorf("one undeclared member: got %+v", unknown)
	}
}

// TestUnknownFieldsPerExchangeAreBounded: items that each carry an
// undeclared member of a different name defeat merging by shape; an exchange
// then lists contract.MaxUnknownFields of them, the first in path order with
// indexes as [*], and one unknown-fields-elided finding counts the rest
// without naming them.
func TestUnknownFieldsPerExchangeAreBounded(t *testing.T) {
	c := newChecker(t)
	emails := make([]string, 1000)
	for i := range emails {
		emails[i] = synthetic.CanaryEmail()
	}
	max := contract.MaxUnknownFields
	tests := []struct {
		name          string
		n             int
		extra         func(i int) string
		listed        int
		elided        string // the elided finding's message, "" for none
		kept, dropped string // a path listed, a path not listed
	}{
		{"at the cap", max, func(i int) string { return fmt.Sprintf(`"x%03d":1`, i) },
			max, "", fmt.Sprintf("$.data[*].x%03d", max-1), ""},
		{"one over", max + 1, func(i int) string { return fmt.Sprintf(`"x%03d":1`, i) },
			max, fmt.Sprintf("1 more undeclared field (1 occurrence) is not listed: an exchange lists at most %d", max),
			fmt.Sprintf("$.data[*].x%03d", max-1), fmt.Sprintf("$.data[*].x%03d", max)},
		{"500 names, two items each", 1000, func(i int) string { return fmt.Sprintf(`"x%04d":1`, i/2) },
			max, fmt.Sprintf("%d more undeclared fields (%d occurrences) are not listed: an exchange lists at most %d", 500-max, 2*(500-max), max),
			fmt.Sprintf("$.data[*].x%04d", max-1), fmt.Sprintf("$.data[*].x%04d", max)},
		{"email-shaped names", 1000, func(i int) string { return fmt.Sprintf(`%q:1`, emails[i]) },
			max, fmt.Sprintf("%d more undeclared fields (%d occurrences) are not listed: an exchange lists at most %d", 1000-max, 1000-max, max), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newManyItems(tt.n, tt.extra)
			r := c.Check(m.exchange(tt.n))
			unknown := byID(r.Findings, contract.IDUnknownField)
			elided := byID(r.Findings, contract.IDUnknownFieldsElided)
			if len(unknown) != tt.listed {
				t.Errorf("%d unknown-field findings, want %d", len(unknown), tt.listed)
			}
			paths := map[string]bool{}
			for _, f := range unknown {
				paths[f.Path] = true
			}
			if tt.kept != "" && !paths[tt.kept] {
				t.Errorf("%s is not listed", tt.kept)
			}
			if tt.dropped != "" && paths[tt.dropped] {
				t.Errorf("%s is listed, beyond the cap", tt.dropped)
			}
			switch {
			case tt.elided == "" && len(elided) != 0:
				t.Errorf("unexpected %s: %q", elided[0].ID, elided[0].Message)
			case tt.elided != "" && (len(elided) != 1 || elided[0].Message != tt.elided || elided[0].Path != "$" || elided[0].Severity != contract.Additive):
				t.Errorf("elided findings %+v, want one at $ saying %q", elided, tt.elided)
			}
			assertNoSecretOf(t, r.Findings, append(m.secrets, emails...))
		})
	}
}

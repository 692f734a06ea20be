package contract_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/kin"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
)

// ordinaryCase is one recording of the ordinary-day corpus
// (testdata/ordinary): traffic a service or a browser records on a day when
// the vendor changed nothing. Its exchanges may meet gateways, mistyped
// paths, writes and the announced deprecation, and the checker must report
// nothing above info: exactly the info ids in want, from the exchanges and
// from the run (base-path-mismatch). skipped is how many exchanges the run
// skips.
type ordinaryCase struct {
	file, note string
	exs        []*contract.Exchange
	har        bool
	want       []string
	skipped    int
}

// knownDeprecation is the deprecation the spec records (x-deprecation): the
// date as RFC 9745 writes it, and the page the vendor's notice links to.
const (
	knownDeprecationHeader = "@1759190400" // 2025-09-30
	knownDeprecationLink   = `<https://developer.bigcommerce.com/b2b-edition/docs/authentication>; rel="deprecation"`
)

// storePage is a healthy list page of a store holding the tokens numbered
// in ids (in the store's order), at limit and offset.
func storePage(ids []int, limit, offset int) obj {
	data := []any{}
	for i := offset; i < len(ids) && i < offset+limit; i++ {
		data = append(data, tokenItem(ids[i]))
	}
	return obj{
		{"code", 200},
		{"data", data},
		{"meta", obj{{"message", "SUCCESS"}, {"pagination", obj{{"totalCount", len(ids)}, {"offset", offset}, {"limit", limit}}}}},
	}
}

// tokens is 1 to n.
func tokens(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// atPath is ex sent to path (below the host) instead of the operation's
// path under the base path.
func atPath(ex *contract.Exchange, path string) *contract.Exchange {
	ex.Request.URL = "https://api-b2b.bigcommerce.com" + path
	return ex
}

func ordinaryCases() []ordinaryCase {
	const cdnPage = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad gateway</h1>" +
		"<p>The web server reported a bad gateway error.</p><p>Ray ID: 7f0c0ffee0001</p></body></html>"
	const maintenance = "<html><body><h1>We'll be back soon</h1><p>Scheduled maintenance is in progress.</p></body></html>"
	afterDelete := slices.DeleteFunc(tokens(25), func(n int) bool { return n == 3 })
	afterCreate := append(slices.Clone(afterDelete), 26)
	created := obj{{"code", 200}, {"data", []any{obj{{"name", "nightly audit"}, {"token", tokenItem(26).get("token")}}}}, {"meta", obj{{"message", "SUCCESS"}}}}
	return []ordinaryCase{
		{file: "gateway-502-html.har", har: true,
			note: "a browser export: a CDN answers one request with its own 502 HTML page, and the retry succeeds",
			exs: []*contract.Exchange{
				withHeader(list("limit=10&offset=0", 502, cdnPage, 1), "Content-Type", "text/html; charset=UTF-8"),
				list("limit=10&offset=0", 200, listBody(25, 10, 0), 2),
				list("limit=10&offset=10", 200, listBody(25, 10, 10), 3),
			},
			want: []string{contract.IDUpstreamTransient}},
		{file: "load-balancer-504-json.yaml",
			note: "a load balancer's own JSON 504, not the B2B error envelope",
			exs:  []*contract.Exchange{list("limit=10&offset=0", 504, obj{{"message", "Gateway Timeout"}}, 1)},
			want: []string{contract.IDUpstreamTransient}},
		{file: "maintenance-503-html.yaml",
			note: "a maintenance page in front of the API (503, HTML, Retry-After)",
			exs: []*contract.Exchange{withHeader(list("limit=10&offset=0", 503, maintenance, 1),
				"Content-Type", "text/html", "Retry-After", "120")},
			want: []string{contract.IDUpstreamTransient}},
		{file: "server-error-empty.yaml",
			note: "a 500 with an empty body, then the same page answered",
			exs: []*contract.Exchange{
				withHeader(list("limit=10&offset=0", 500, "", 1), "Content-Type", "application/json"),
				list("limit=10&offset=0", 200, listBody(25, 10, 0), 2),
			},
			want: []string{contract.IDUpstreamTransient}},
		{file: "mistyped-paths.har", har: true,
			note: "a caller's base URL is wrong: the base path doubled, /api/v3/io, a trailing slash and a gateway's prefix, each answered 404; the right one works",
			exs: []*contract.Exchange{
				atPath(list("", 404, envelope(404, "Not found", "Not Found Error"), 1), "/api/io/api/io/backend/tokens"),
				withHeader(atPath(list("", 404, "<html><body>Not Found</body></html>", 2), "/api/v3/io/backend/tokens?limit=10"),
					"Content-Type", "text/html"),
				atPath(list("", 404, envelope(404, "Not found", "Not Found Error"), 3), "/api/io/backend/tokens/"),
				atPath(list("", 404, obj{{"error", "no route"}}, 4), "/b2b-gateway/api/io/backend/tokens"),
				atPath(exchange(http.MethodDelete, "", "", 404, "", 5), "/api/v3/io/auth/backend"),
				list("", 200, listBody(25, 10, 0), 6),
			},
			want: []string{contract.IDBasePathMismatch}, skipped: 5},
		{file: "writes-between-reads.yaml",
			note: "list, delete token 3, list again (the count drops, ids shift), create a token, list again (the count rises)",
			exs: []*contract.Exchange{
				list("limit=10&offset=0", 200, storePage(tokens(25), 10, 0), 1),
				withRequestBody(exchange(http.MethodDelete, "", "/auth/backend", 200,
					obj{{"code", 200}, {"data", []any{}}, {"meta", obj{{"message", "SUCCESS"}}}}, 2), obj{{"id", 1003}}),
				list("limit=10&offset=0", 200, storePage(afterDelete, 10, 0), 3),
				list("limit=10&offset=10", 200, storePage(afterDelete, 10, 10), 4),
				withRequestBody(exchange(http.MethodPost, "", "/auth/backend", 200, created, 5),
					obj{{"storeHash", fixtureStore}, {"email", "owner@example.com"}, {"password", "synthetic-password"}, {"name", "nightly audit"}}),
				list("limit=10&offset=0", 200, storePage(afterCreate, 10, 0), 6),
				list("limit=10&offset=20", 200, storePage(afterCreate, 10, 20), 7),
			}},
		{file: "one-item-pages.yaml",
			note: "a caller that pages one token at a time",
			exs: []*contract.Exchange{
				list("limit=1&offset=0", 200, listBody(3, 1, 0), 1),
				list("limit=1&offset=1", 200, listBody(3, 1, 1), 2),
				list("limit=1&offset=2", 200, listBody(3, 1, 2), 3),
			}},
		{file: "known-deprecation.yaml",
			note: "the vendor sends the deprecation it announced: its date, and a link to the page its notice names",
			exs:  []*contract.Exchange{withHeader(firstPage(page10()), "Deprecation", knownDeprecationHeader, "Link", knownDeprecationLink)}},
		{file: "rate-limited-429.yaml",
			note: "the store's shared limit is used up: a 429 with the error envelope, then the page after the window",
			exs: []*contract.Exchange{
				withHeader(list("limit=10&offset=0", 429, envelope(429, "Too many requests.", "Too Many Requests"), 1),
					"X-Requests-Remaining", "0 times", "Retry-After", "43"),
				list("limit=10&offset=0", 200, listBody(25, 10, 0), 2),
			}},
		{file: "aborted-request.har", har: true,
			note: "a browser export with a request the page aborted (status 0, no response)",
			exs: []*contract.Exchange{
				list("limit=10&offset=0", 0, "", 1),
				list("limit=10&offset=0", 200, listBody(25, 10, 0), 2),
			},
			skipped: 1},
	}
}

// TestOrdinaryDayCorpus checks every recording of testdata/ordinary: nothing
// above info, exactly the info ids expected, and the skips counted.
func TestOrdinaryDayCorpus(t *testing.T) {
	c := newChecker(t, contract.WithSecondOpinion(kin.New))
	cases := ordinaryCases()
	if len(cases) < 10 {
		t.Errorf("the ordinary-day corpus has %d cases", len(cases))
	}
	onDisk, err := os.ReadDir(filepath.Join("testdata", "ordinary"))
	if err != nil {
		t.Fatal(err)
	}
	if len(onDisk) != len(cases) {
		t.Errorf("testdata/ordinary holds %d files, ordinaryCases defines %d", len(onDisk), len(cases))
	}
	for _, oc := range cases {
		t.Run(oc.file, func(t *testing.T) {
			rec, err := recording.LoadFile(filepath.Join("testdata", "ordinary", oc.file))
			if err != nil {
				t.Fatal(err)
			}
			results := c.CheckSequence(context.Background(), rec.Exchanges)
			skips := rec.Skipped
			skips.AddResults(results)
			findings := contract.PathMismatchFindings(oc.file, skips)
			for _, r := range results {
				findings = append(findings, r.Findings...)
			}
			var got []string
			for _, f := range findings {
				if f.Severity > contract.Info {
					t.Errorf("%s: %s %s at %s: %s", f.Source, f.Severity, f.ID, f.Path, f.Message)
				}
				if !slices.Contains(got, f.ID) {
					got = append(got, f.ID)
				}
			}
			slices.Sort(got)
			if want := slices.Sorted(slices.Values(oc.want)); !slices.Equal(got, want) {
				t.Errorf("finding ids %v, want %v", got, want)
			}
			if skips.Total() != oc.skipped {
				t.Errorf("%d exchanges skipped (%v), want %d", skips.Total(), skips.Reasons(), oc.skipped)
			}
		})
	}
}

// TestFindingKeysDoNotDependOnPageSize: the same drift on a page of one token
// and on a page of ten gives the same finding id and path ([*]), so a
// baseline entry or a metric label made from one matches the other.
func TestFindingKeysDoNotDependOnPageSize(t *testing.T) {
	c := newChecker(t)
	keys := func(file string) []string {
		rec, err := recording.LoadFile(filepath.Join("testdata", "drift", file))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range c.CheckSequence(context.Background(), rec.Exchanges) {
			for _, f := range r.Findings {
				out = append(out, f.ID+" "+f.Path)
			}
		}
		return out
	}
	one, ten := keys("field-added-one-item-page.yaml"), keys("field-added-item.yaml")
	if want := []string{contract.IDUnknownField + " $.data[*].createdAt"}; !slices.Equal(one, want) || !slices.Equal(ten, want) {
		t.Errorf("one item: %v; ten items: %v; want both %v", one, ten, want)
	}
}

package contract_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// updateEnv names the environment variable that rewrites the generated
// files under testdata from their definitions in this package.
const updateEnv = "UPDATE_TESTDATA"

// driftCase is one mutated exchange (or run) of the drift corpus, with the
// exact set of finding ids, and their severities, the checker must report.
type driftCase struct {
	file, note string
	exs        []*contract.Exchange
	want       map[string]contract.Severity
	// messageHas, when set, must appear in the message of the finding of
	// the first wanted id listed in messageID.
	messageID, messageHas string
}

const (
	B = contract.Breaking
	A = contract.Additive
	D = contract.Deprecation
	I = contract.Info
)

func page10() obj { return listBody(25, 10, 0) }

// item returns page's i-th token item, for mutation.
func item(page obj, i int) obj { return page.get("data").([]any)[i].(obj) }

func setItem(page obj, i int, it obj) obj {
	page.get("data").([]any)[i] = it
	return page
}

func pagination(page obj) obj { return page.get("meta").(obj).get("pagination").(obj) }

func withHeader(ex *contract.Exchange, kv ...string) *contract.Exchange {
	for i := 0; i+1 < len(kv); i += 2 {
		ex.Response.Header.Set(kv[i], kv[i+1])
	}
	return ex
}

// firstPage is the healthy first page request most cases mutate.
func firstPage(body any) *contract.Exchange { return list("limit=10&offset=0", 200, body, 1) }

func driftCases() []driftCase {
	one := func(ex *contract.Exchange) []*contract.Exchange { return []*contract.Exchange{ex} }
	var cases []driftCase
	add := func(file, note string, exs []*contract.Exchange, want map[string]contract.Severity) {
		cases = append(cases, driftCase{file: file, note: note, exs: exs, want: want})
	}

	// Layer 1: transport.
	add("status-418-undocumented.yaml", "the list answers a status the contract does not document",
		one(list("limit=10&offset=0", 418, envelope(418, "I'm a teapot", "Teapot"), 1)),
		map[string]contract.Severity{contract.IDUndocumentedStatus: B})
	add("endpoint-gone-410.yaml", "the list endpoint is retired: 410 with an HTML page",
		one(withHeader(list("limit=10&offset=0", 410, "<html><body>Gone</body></html>", 1), "Content-Type", "text/html")),
		map[string]contract.Severity{contract.IDEndpointGone: B})
	add("endpoint-gone-404-json.yaml", "the list endpoint answers 404 with the envelope",
		one(list("limit=10&offset=0", 404, envelope(404, "Not found", "Not Found Error"), 1)),
		map[string]contract.Severity{contract.IDEndpointGone: B})
	add("endpoint-gone-404-html.yaml", "the list endpoint's exact path answers 404 with an HTML page",
		one(withHeader(list("limit=10&offset=0", 404, "<html><body>Not Found</body></html>", 1), "Content-Type", "text/html")),
		map[string]contract.Severity{contract.IDEndpointGone: B})
	add("server-error-502-envelope.yaml", "a 502 that carries the B2B error envelope: the API's own answer, which the contract does not document",
		one(list("limit=10&offset=0", 502, envelope(502, "Upstream service failed.", "Bad Gateway"), 1)),
		map[string]contract.Severity{contract.IDUndocumentedStatus: B})
	add("html-error-page-200.yaml", "a proxy answers 200 with an HTML page",
		one(withHeader(firstPage("<html><body>Maintenance</body></html>"), "Content-Type", "text/html; charset=utf-8")),
		map[string]contract.Severity{contract.IDUndeclaredContentType: B})
	add("body-not-json.yaml", "application/json that is plain text",
		one(firstPage("Service temporarily unavailable")),
		map[string]contract.Severity{contract.IDBodyNotJSON: B})
	add("body-empty.yaml", "a 200 with an empty body",
		one(firstPage("")),
		map[string]contract.Severity{contract.IDBodyNotJSON: B})
	full, _ := json.Marshal(page10())
	add("body-truncated-json.yaml", "the JSON stops half way (Content-Length matches what arrived)",
		one(firstPage(full[:len(full)/2])),
		map[string]contract.Severity{contract.IDBodyTruncated: B})
	add("body-short-of-content-length.yaml", "fewer bytes than Content-Length announces",
		one(withHeader(firstPage(page10()), "Content-Length", strconv.Itoa(len(full)+512))),
		map[string]contract.Severity{contract.IDBodyTruncated: B})
	add("duplicate-member-name.yaml", "the envelope repeats code",
		one(firstPage(append(obj{{"code", 200}}, page10()...))),
		map[string]contract.Severity{contract.IDDuplicateKey: B})

	// Layer 2: schema.
	p := page10()
	setItem(p, 0, item(p, 0).del("storeHash"))
	add("field-removed-storehash.yaml", "a token item loses storeHash", one(firstPage(p)),
		map[string]contract.Severity{contract.IDMissingField: B})
	p = page10()
	p.set("meta", obj{{"message", "SUCCESS"}})
	add("pagination-removed.yaml", "meta loses pagination", one(firstPage(p)),
		map[string]contract.Severity{contract.IDMissingField: B})
	p = page10()
	for i := range 10 {
		it := item(p, i)
		it.set("id", strconv.Itoa(it.get("id").(int)))
	}
	add("id-as-string.yaml", "every id becomes a string", one(firstPage(p)),
		map[string]contract.Severity{contract.IDTypeMismatch: B})
	p = page10()
	item(p, 3).set("email", nil)
	add("email-null.yaml", "one email is null", one(firstPage(p)),
		map[string]contract.Severity{contract.IDUnexpectedNull: B})
	p = page10()
	item(p, 2).set("eventChannel", "storefront")
	add("event-channel-new-value.yaml", "eventChannel gains a value", one(firstPage(p)),
		map[string]contract.Severity{contract.IDEnumMismatch: B})
	p = page10()
	for i := range 10 {
		setItem(p, i, append(item(p, i), kv{"createdAt", 1764000000 + i}))
	}
	add("field-added-item.yaml", "every token item gains createdAt", one(firstPage(p)),
		map[string]contract.Severity{contract.IDUnknownField: A})
	p = listBody(25, 1, 0)
	setItem(p, 0, append(item(p, 0), kv{"createdAt", 1764000000}))
	add("field-added-one-item-page.yaml", "a one-token page whose item gains createdAt: the same finding, at the same path, as a full page's",
		one(list("limit=1&offset=0", 200, p, 1)),
		map[string]contract.Severity{contract.IDUnknownField: A})
	p = append(page10(), kv{"links", obj{{"next", "/backend/tokens?offset=10"}}})
	add("field-added-top-level.yaml", "the envelope gains links", one(firstPage(p)),
		map[string]contract.Severity{contract.IDUnknownField: A})
	p = page10()
	item(p, 1).set("email", "user-2 at example dot com")
	add("email-not-an-email.yaml", "an email that is not an address; kin-openapi does not check the format, libopenapi-validator does",
		one(firstPage(p)),
		map[string]contract.Severity{contract.IDFormatMismatch: B, contract.IDValidatorsDisagree: I})
	p = page10()
	pagination(p).set("totalCount", -1)
	add("total-count-negative.yaml", "totalCount below its minimum", one(firstPage(p)),
		map[string]contract.Severity{contract.IDConstraintViolation: B})
	created := synthetic.NewJWT(synthetic.Claims{Email: "owner@example.com", StoreHash: fixtureStore, ID: "drift-created"})
	add("create-data-object.yaml", "create answers data as an object, as a 2022 client assumed",
		one(withRequestBody(exchange(http.MethodPost, "", "/auth/backend", 200,
			obj{{"code", 200}, {"data", obj{{"name", "nightly audit"}, {"token", created}}}, {"meta", obj{{"message", "SUCCESS"}}}}, 1),
			obj{{"storeHash", fixtureStore}, {"email", "owner@example.com"}, {"password", "synthetic-password"}, {"name", "nightly audit"}})),
		map[string]contract.Severity{contract.IDTypeMismatch: B})
	p = page10()
	for i := range 10 {
		item(p, i).rename("email", "emailAddress")
	}
	add("field-renamed-email.yaml", "email renamed to emailAddress: missing and new at once", one(firstPage(p)),
		map[string]contract.Severity{contract.IDMissingField: B, contract.IDUnknownField: A})
	add("error-envelope-data-string.yaml", "a 401 whose data is a string, not the envelope's object",
		one(list("limit=10&offset=0", 401, obj{{"code", 401}, {"data", "Unauthorized"}, {"meta", obj{{"message", "Unauthorized"}}}}, 1)),
		map[string]contract.Severity{contract.IDTypeMismatch: B})

	// Layer 3: the generated client.
	p = page10()
	item(p, 0).set("id", rawNumber("1001.0"))
	add("id-float-notation.yaml", "id 1001.0: an integer to JSON Schema, not to Go's int", one(firstPage(p)),
		map[string]contract.Severity{contract.IDClientDecodeFailed: B})
	p = page10()
	setItem(p, 0, append(item(p, 0), kv{"ID", 7}))
	add("id-case-collision.yaml", "an extra ID member that Go's case-insensitive decoding reads into id", one(firstPage(p)),
		map[string]contract.Severity{contract.IDUnknownField: A, contract.IDClientDataLoss: B})

	// Layer 4: invariants.
	p = page10()
	p.set("code", 201)
	add("code-differs-from-status.yaml", "the body says 201 on a 200", one(firstPage(p)),
		map[string]contract.Severity{contract.IDCodeStatusMismatch: B})
	p = listBody(25, 6, 0)
	pagination(p).set("limit", 5)
	add("page-over-limit.yaml", "six tokens for limit 5", one(list("limit=5&offset=0", 200, p, 1)),
		map[string]contract.Severity{contract.IDPageOverLimit: B})
	p = listBody(25, 10, 10)
	pagination(p).set("offset", 0)
	add("pagination-offset-not-echoed.yaml", "offset 10 requested, 0 reported", one(list("limit=10&offset=10", 200, p, 1)),
		map[string]contract.Severity{contract.IDPaginationEcho: B})
	p = page10()
	pagination(p).set("limit", 250)
	add("pagination-default-not-echoed.yaml", "no limit sent, so 10 applies, but 250 is reported", one(list("", 200, p, 1)),
		map[string]contract.Severity{contract.IDPaginationEcho: B})
	p = page10()
	item(p, 7).set("id", item(p, 2).get("id"))
	add("duplicate-id-in-page.yaml", "one id twice in a page", one(firstPage(p)),
		map[string]contract.Severity{contract.IDDuplicateID: B})
	p2 := listBody(25, 10, 10)
	setItem(p2, 4, tokenItem(3))
	add("duplicate-id-across-pages.yaml", "token 3 reappears on page 2 at another position",
		[]*contract.Exchange{firstPage(page10()), list("limit=10&offset=10", 200, p2, 2)},
		map[string]contract.Severity{contract.IDDuplicateIDAcross: B})
	p2 = listBody(25, 10, 10)
	pagination(p2).set("totalCount", 24)
	add("total-count-changed.yaml", "totalCount 25 then 24 within one walk",
		[]*contract.Exchange{firstPage(page10()), list("limit=10&offset=10", 200, p2, 2)},
		map[string]contract.Severity{contract.IDTotalCountChanged: B})
	p = page10()
	for i := range 10 {
		item(p, i).set("token", "****************")
	}
	add("token-masked.yaml", "listed tokens are masked", one(firstPage(p)),
		map[string]contract.Severity{contract.IDTokenNotJWT: B})
	notJSON := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","kid":"synthetic","typ":"JWT"}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte("opaque-reference-000000")) + "." +
		base64.RawURLEncoding.EncodeToString([]byte("synthetic-signature"))
	p = page10()
	item(p, 5).set("token", notJSON)
	add("token-payload-not-json.yaml", "a token whose payload is not a JSON object", one(firstPage(p)),
		map[string]contract.Severity{contract.IDTokenNotJWT: B})

	// Layer 5: deprecation.
	add("deprecation-header.yaml", "Deprecation: @1780272000 (2026-06-01), a date the spec does not record",
		one(withHeader(firstPage(page10()), "Deprecation", "@1780272000")),
		map[string]contract.Severity{contract.IDDeprecationAnnounced: D})
	add("deprecation-link-new-page.yaml", "the announced Deprecation date, with a link to a page the spec does not record",
		one(withHeader(firstPage(page10()), "Deprecation", knownDeprecationHeader,
			"Link", `<https://developer.bigcommerce.com/b2b-edition/docs/api-accounts-migration>; rel="deprecation"`)),
		map[string]contract.Severity{contract.IDDeprecationLink: D})
	cases = append(cases, driftCase{file: "sunset-soon.yaml", note: "Sunset on 2027-01-15, 50 days after the test clock",
		exs: one(withHeader(firstPage(page10()), "Sunset", "Fri, 15 Jan 2027 00:00:00 GMT",
			"Link", `<https://developer.bigcommerce.com/b2b-edition/docs/api-accounts>; rel="sunset"`)),
		want:      map[string]contract.Severity{contract.IDSunsetAnnounced: D, contract.IDDeprecationLink: D},
		messageID: contract.IDSunsetAnnounced, messageHas: "less than 90 days"})
	add("sunset-malformed.yaml", "a Sunset that is not an HTTP-date",
		one(withHeader(firstPage(page10()), "Sunset", "2027-01-15")),
		map[string]contract.Severity{contract.IDMalformedDeprecation: D})
	add("deprecation-true-draft.yaml", "the draft-era Deprecation: true",
		one(withHeader(firstPage(page10()), "Deprecation", "true")),
		map[string]contract.Severity{contract.IDMalformedDeprecation: D})
	add("gone-with-sunset.yaml", "410 after the sunset date, with the Sunset header still sent",
		one(withHeader(list("limit=10&offset=0", 410, envelope(410, "This endpoint has been retired.", "Gone"), 1),
			"Sunset", "Tue, 01 Sep 2026 00:00:00 GMT")),
		map[string]contract.Severity{contract.IDEndpointGone: B, contract.IDSunsetAnnounced: D})
	return cases
}

// harFile builds a HAR 1.2 document from exchanges; base64 content when
// asked, and a content.size override to simulate truncated capture.
func harFile(entries []harSpec) []byte {
	type nv struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	headers := func(h http.Header) []nv {
		out := []nv{}
		for _, k := range sortedKeys(h) {
			for _, v := range h[k] {
				out = append(out, nv{k, v})
			}
		}
		return out
	}
	var es []any
	for _, e := range entries {
		ex := e.ex
		content := obj{{"size", len(ex.Response.Body)}, {"mimeType", ex.Response.Header.Get("Content-Type")}}
		if e.size > 0 {
			content.set("size", e.size)
		}
		if e.base64 {
			content = append(content, kv{"text", base64.StdEncoding.EncodeToString(ex.Response.Body)}, kv{"encoding", "base64"})
		} else {
			content = append(content, kv{"text", string(ex.Response.Body)})
		}
		es = append(es, obj{
			{"startedDateTime", "2026-11-26T09:00:00.000Z"},
			{"time", 120},
			{"request", obj{{"method", ex.Request.Method}, {"url", ex.Request.URL}, {"httpVersion", "HTTP/2"},
				{"headers", headers(ex.Request.Header)}, {"queryString", []any{}}, {"cookies", []any{}}, {"headersSize", -1}, {"bodySize", 0}}},
			{"response", obj{{"status", ex.Response.Status}, {"statusText", http.StatusText(ex.Response.Status)}, {"httpVersion", "HTTP/2"},
				{"headers", headers(ex.Response.Header)}, {"cookies", []any{}}, {"content", content}, {"redirectURL", ""},
				{"headersSize", -1}, {"bodySize", -1}}},
			{"cache", obj{}},
			{"timings", obj{{"send", 0}, {"wait", 110}, {"receive", 10}}},
		})
	}
	doc := obj{{"log", obj{{"version", "1.2"}, {"creator", obj{{"name", "contract/testdata_test.go"}, {"version", "1"}}}, {"entries", es}}}}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

type harSpec struct {
	ex     *contract.Exchange
	base64 bool
	size   int
}

func sortedKeys(h http.Header) []string {
	return slices.Sorted(maps.Keys(h))
}

// generatedTestdata renders every generated file under testdata, by path.
func generatedTestdata(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, r := range recordingFixtures() {
		files[filepath.Join("testdata", "recordings", r.file)] = encode(t, r.exchanges, r.note)
	}
	unrelated := exchange(http.MethodGet, "", "/../v3/catalog/products", 200, obj{{"data", []any{}}}, 4)
	unrelated.Request.URL = "https://api.bigcommerce.com/stores/x7k2m9q4p1/v3/catalog/products"
	files[filepath.Join("testdata", "recordings", "browser-export.har")] = harFile([]harSpec{
		{ex: list("limit=10&offset=0", 200, listBody(25, 10, 0), 1), base64: true},
		{ex: unrelated},
		{ex: list("limit=10&offset=10", 200, listBody(25, 10, 10), 2)},
	})
	overlapA := list("", 200, listBody(12, 10, 0), 1)
	overlapB := list("limit=250", 200, listBody(12, 250, 0), 2)
	files[filepath.Join("testdata", "recordings", "list-overlapping-probes.yaml")] = encode(t,
		[]*contract.Exchange{overlapA, overlapB},
		"a live run's first probes overlap: the default page and the limit=250 page both start at offset 0")
	for _, c := range driftCases() {
		files[filepath.Join("testdata", "drift", c.file)] = encode(t, c.exs, c.note)
	}
	for _, c := range ordinaryCases() {
		path := filepath.Join("testdata", "ordinary", c.file)
		if c.har {
			entries := make([]harSpec, len(c.exs))
			for i, ex := range c.exs {
				entries[i] = harSpec{ex: ex}
			}
			files[path] = harFile(entries)
		} else {
			files[path] = encode(t, c.exs, c.note)
		}
	}
	full, _ := json.Marshal(listBody(25, 10, 0))
	files[filepath.Join("testdata", "drift", "har-content-truncated.har")] = harFile([]harSpec{
		{ex: list("limit=10&offset=0", 200, full[:len(full)-200], 1), size: len(full)},
	})
	return files
}

func encode(t *testing.T, exs []*contract.Exchange, note string) []byte {
	t.Helper()
	b, err := recording.EncodeCassette(&recording.Recording{Exchanges: exs, Provenance: fixtureProvenance(note)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTestdataIsUpToDate keeps the committed fixtures equal to their
// definitions above. Run with UPDATE_TESTDATA=1 to rewrite them.
func TestTestdataIsUpToDate(t *testing.T) {
	files := generatedTestdata(t)
	update := os.Getenv(updateEnv) != ""
	for _, path := range sortedPaths(files) {
		want := files[path]
		if update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v (run %s=1 go test ./contract -run TestTestdataIsUpToDate)", path, err, updateEnv)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from its definition in contract/*_test.go (run %s=1 go test ./contract -run TestTestdataIsUpToDate)", path, updateEnv)
		}
	}
}

func sortedPaths(m map[string][]byte) []string {
	return slices.Sorted(maps.Keys(m))
}

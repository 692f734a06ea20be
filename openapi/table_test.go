package openapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

const minimalSpec = `openapi: 3.0.3
info: {title: t, version: 1.0.0}
servers: [{url: "https://api.example.test/base"}]
security: [{key: []}]
paths:
  /items:
    parameters:
      - {name: offset, in: query, schema: {type: integer, minimum: 0, default: 0}}
    get:
      operationId: list-items
      parameters:
        - $ref: '#/components/parameters/Limit'
        - {name: X-Trace, in: header, schema: {type: string}}
      responses: {'200': {description: ok}, '404': {description: gone}}
  /items/open:
    post:
      operationId: open-item
      security: [{}, {key: []}]
      responses: {'201': {description: ok}}
components:
  parameters:
    Limit: {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 50, default: 5}}
`

func TestReadTable(t *testing.T) {
	tab, err := openapi.ReadTable("minimal.yaml", []byte(minimalSpec))
	if err != nil {
		t.Fatal(err)
	}
	if tab.ServerURL != "https://api.example.test/base" || tab.Version != "1.0.0" || len(tab.Operations) != 2 {
		t.Fatalf("table = %+v", tab)
	}
	list, post := tab.Operations[0], tab.Operations[1]
	if list.ID != "list-items" || !list.Auth || len(list.Query) != 2 || list.Query[0].Name != "offset" || list.Query[1].Name != "limit" {
		t.Errorf("list = %+v; want auth, query offset (path level) then limit (the $ref), no header", list)
	}
	if post.ID != "open-item" || post.Auth {
		t.Errorf("post = %+v; an empty requirement makes credentials optional", post)
	}
	if tab.List.ID != "list-items" {
		t.Errorf("List = %s, want list-items", tab.List.ID)
	}
	if want := (openapi.Paging{MinLimit: 1, MaxLimit: 50, DefaultLimit: 5, MinOffset: 0, DefaultOffset: 0}); tab.Paging != want {
		t.Errorf("Paging = %+v, want %+v", tab.Paging, want)
	}
}

func TestReadTableRejectsWhatItCannotRepresent(t *testing.T) {
	tests := []struct {
		name, from, to, want string
	}{
		{"no server", `servers: [{url: "https://api.example.test/base"}]`, `servers: []`, "servers[0].url"},
		{"status range", `'404': {description: gone}`, `'4XX': {description: gone}`, `"4XX" is not a status code`},
		{"default response", `'404': {description: gone}`, `default: {description: gone}`, `"default" is not a status code`},
		{"status out of range", `'404': {description: gone}`, `'999': {description: gone}`, `"999" is not a status code`},
		{"no operationId", `operationId: open-item`, `summary: x`, "POST /items/open has no operationId"},
		{"duplicate operationId", `operationId: open-item`, `operationId: list-items`, "used twice"},
		{"dangling $ref", `'#/components/parameters/Limit'`, `'#/components/parameters/Nope'`, `"#/components/parameters/Nope"`},
		{"foreign $ref", `'#/components/parameters/Limit'`, `'other.yaml#/Limit'`, `"other.yaml#/Limit"`},
		{"fractional bound", `maximum: 50`, `maximum: 50.5`, "50.5"},
		{"no responses", `responses: {'201': {description: ok}}`, `responses: {}`, "documents no response"},
		{"no paths", "paths:\n", "paths: {}\nx-old-paths:\n", "no operations"},
		{"not YAML", `openapi: 3.0.3`, "openapi: [", ""},
		{"deprecation date", `operationId: open-item`, "operationId: open-item\n      x-deprecation: {date: 30 September 2025}", `date "30 September 2025" is not a YYYY-MM-DD date`},
		{"deprecation link", `operationId: open-item`, "operationId: open-item\n      x-deprecation: {date: '2025-09-30', link: /docs}", `link "/docs" is not an absolute URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(minimalSpec, tt.from) {
				t.Fatalf("the fixture lacks %q", tt.from)
			}
			_, err := openapi.ReadTable("minimal.yaml", []byte(strings.Replace(minimalSpec, tt.from, tt.to, 1)))
			if err == nil {
				t.Fatalf("ReadTable accepted the spec with %q", tt.to)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

// TestAnnouncement: an operation's x-deprecation says which Deprecation date
// and which deprecation page repeat what the vendor announced.
func TestAnnouncement(t *testing.T) {
	spec := strings.Replace(minimalSpec, "operationId: open-item",
		"operationId: open-item\n      x-deprecation: {date: '2025-09-30', link: 'https://docs.example.test/deprecation/', source: a notice}", 1)
	tbl, err := openapi.ReadTable("minimal.yaml", []byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	var a *openapi.Announcement
	for _, op := range tbl.Operations {
		if op.ID == "open-item" {
			a = op.Announced
		} else if op.Announced != nil {
			t.Errorf("%s has an announcement it does not record", op)
		}
	}
	if a == nil || a.Source != "a notice" {
		t.Fatalf("open-item's announcement = %+v", a)
	}
	for _, tt := range []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2025, 9, 30, 17, 30, 0, 0, time.UTC), true},
		{time.Date(2025, 9, 30, 23, 0, 0, 0, time.FixedZone("UTC-2", -2*3600)), false}, // 2025-10-01 in UTC
		{time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Time{}, false},
	} {
		if got := a.Repeats(tt.at); got != tt.want {
			t.Errorf("Repeats(%v) = %v", tt.at, got)
		}
	}
	for link, want := range map[string]bool{
		"https://docs.example.test/deprecation/": true,
		"https://docs.example.test/deprecation":  true,
		"https://docs.example.test/other":        false,
		"":                                       false,
	} {
		if got := a.Links(link); got != want {
			t.Errorf("Links(%q) = %v", link, got)
		}
	}
	var none *openapi.Announcement
	if none.Repeats(time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC)) || none.Links("https://docs.example.test/deprecation/") {
		t.Error("a nil announcement repeats something")
	}
}

func TestReadTableRejectsMissingOrContradictoryPaging(t *testing.T) {
	for _, tt := range []struct {
		name, from, to, want string
	}{
		{"no limit", "        - $ref: '#/components/parameters/Limit'\n", "", `no query parameter "limit"`},
		{"no maximum", "maximum: 50, ", "", `"limit" has no maximum`},
		{"no offset default", "minimum: 0, default: 0", "minimum: 0", `"offset" has no default`},
		{"default over maximum", "default: 5}", "default: 51}", "contradict"},
		{"no GET", "    get:\n      operationId: list-items", "    put:\n      operationId: list-items", "0 GET operations"},
		{"two GETs", "    post:\n      operationId: open-item", "    get:\n      operationId: open-item", "2 GET operations"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(minimalSpec, tt.from) {
				t.Fatalf("the fixture lacks %q", tt.from)
			}
			_, err := openapi.ReadTable("minimal.yaml", []byte(strings.Replace(minimalSpec, tt.from, tt.to, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "minimal.yaml") {
				t.Errorf("ReadTable = %v; want an error naming minimal.yaml and saying %q", err, tt.want)
			}
		})
	}
}

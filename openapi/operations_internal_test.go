package openapi

import (
	"strings"
	"testing"
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

func TestParseTable(t *testing.T) {
	tab, err := parseTable([]byte(minimalSpec))
	if err != nil {
		t.Fatal(err)
	}
	if tab.serverURL != "https://api.example.test/base" || len(tab.ops) != 2 {
		t.Fatalf("table = %+v", tab)
	}
	list, post := tab.ops[0], tab.ops[1]
	if list.ID != "list-items" || !list.Auth || len(list.Query) != 2 || list.Query[0].Name != "offset" || list.Query[1].Name != "limit" {
		t.Errorf("list = %+v; want auth, query offset (path level) then limit (the $ref), no header", list)
	}
	if post.ID != "open-item" || post.Auth {
		t.Errorf("post = %+v; an empty requirement makes credentials optional", post)
	}
	p, err := paging(list)
	if err != nil || p != (Paging{MinLimit: 1, MaxLimit: 50, DefaultLimit: 5, MinOffset: 0, DefaultOffset: 0}) {
		t.Errorf("paging = %+v, %v", p, err)
	}
}

func TestParseTableRejectsWhatItCannotRepresent(t *testing.T) {
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(minimalSpec, tt.from) {
				t.Fatalf("the fixture lacks %q", tt.from)
			}
			_, err := parseTable([]byte(strings.Replace(minimalSpec, tt.from, tt.to, 1)))
			if err == nil {
				t.Fatalf("parseTable accepted the spec with %q", tt.to)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

func TestPagingRejectsMissingOrContradictoryBounds(t *testing.T) {
	tab, err := parseTable([]byte(minimalSpec))
	if err != nil {
		t.Fatal(err)
	}
	list := tab.ops[0]
	for _, tt := range []struct {
		name   string
		change func(*Operation)
		want   string
	}{
		{"no limit", func(o *Operation) { o.Query = o.Query[:1] }, `no query parameter "limit"`},
		{"no maximum", func(o *Operation) { o.Query[1].Maximum = nil }, `"limit" has no maximum`},
		{"no offset default", func(o *Operation) { o.Query[0].Default = nil }, `"offset" has no default`},
		{"default over maximum", func(o *Operation) { v := 51; o.Query[1].Default = &v }, "contradict"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := list.clone()
			tt.change(&o)
			if _, err := paging(o); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("paging = %v; want an error saying %q", err, tt.want)
			}
		})
	}
	if _, err := listOperation(nil); err == nil || !strings.Contains(err.Error(), "0 GET operations") {
		t.Errorf("listOperation(nil) = %v", err)
	}
	if _, err := listOperation([]Operation{list, list}); err == nil || !strings.Contains(err.Error(), "2 GET operations") {
		t.Errorf("listOperation of two GETs = %v", err)
	}
}

package contract

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

// Shapes returns the key shape of exchanges, the notion the production
// transport (contract/watch) samples by, in a form two recordings can be
// compared in: one line per operation, status, member path and kind of
// value, sorted and without repeats, such as
//
//	get-backend-tokens 200 $.data[*].eventChannel string
//
// Array items share their array's path ([*]), so a page of 250 tokens has
// the shape of one token. Only member names and JSON kinds are kept, never a
// value, but a member name can itself be data (an object keyed by ids, the
// per-field messages of an error): the names the contract declares as a map
// are shown as [*]. Exchanges that are not operations of the contract, and
// bodies that are not JSON, contribute their operation and status only.
func (c *Checker) Shapes(exs []*Exchange) []string {
	set := map[string]struct{}{}
	for _, ex := range exs {
		if ex == nil {
			continue
		}
		u, err := url.Parse(ex.Request.URL)
		if err != nil {
			continue
		}
		op, _ := match(libsOf(c).ops, c.base(ex), strings.ToUpper(ex.Request.Method), u.Path)
		if op == nil {
			continue
		}
		prefix := op.id + " " + strconv.Itoa(ex.Response.Status)
		dec := json.NewDecoder(bytes.NewReader(ex.Response.Body))
		dec.UseNumber()
		var tree any
		if ex.Response.BodyMissing || dec.Decode(&tree) != nil {
			set[prefix+" (no JSON body)"] = struct{}{}
			continue
		}
		shapeWalk(tree, "$", func(path, kind string) { set[prefix+" "+path+" "+kind] = struct{}{} }, 0)
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// mapPaths are the body locations of the contract's maps (an error's
// per-field messages), read from the strict-mode ignore list the spec
// yields: their keys are data, not names.
var mapPaths = func() map[string]bool {
	out := map[string]bool{}
	for _, p := range openapi.StrictIgnorePaths() {
		if rest, ok := strings.CutPrefix(strings.TrimSuffix(p, ".*"), "$.body"); ok {
			out["$"+rest] = true
		}
	}
	return out
}()

func shapeWalk(v any, path string, emit func(path, kind string), depth int) {
	if depth > maxSchemaDepth {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		emit(path, "object")
		keyed := mapPaths[path]
		for k, e := range t {
			name := path + "." + k
			if keyed {
				name = path + "[*]"
			}
			shapeWalk(e, name, emit, depth+1)
		}
	case []any:
		emit(path, "array")
		for _, e := range t {
			shapeWalk(e, path+"[*]", emit, depth+1)
		}
	case string:
		emit(path, "string")
	case json.Number:
		emit(path, "number")
	case bool:
		emit(path, "boolean")
	case nil:
		emit(path, "null")
	}
}

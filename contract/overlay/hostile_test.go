package overlay_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/overlay"
	"github.com/b2b-contract/s2s-tokens/internal/leakscan"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

const listURL = "https://api-b2b.bigcommerce.com/api/io/backend/tokens?limit=10&offset=0"

// tokenItem is one token of a list page, with extra members added.
func tokenItem(id int, storeHash, channel string, extra map[string]any) map[string]any {
	email := synthetic.Email()
	item := map[string]any{"id": id, "name": fmt.Sprint("token ", id), "email": email, "storeHash": storeHash,
		"token": synthetic.Token(email, storeHash), "eventChannel": channel}
	for k, v := range extra {
		item[k] = v
	}
	return item
}

// listExchange is a list page of items, requested with authToken.
func listExchange(t *testing.T, authToken string, status int, body any) *contract.Exchange {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return &contract.Exchange{
		Source:   "hostile.har#0",
		Request:  contract.Request{Method: http.MethodGet, URL: listURL, Header: http.Header{"Authtoken": {authToken}}},
		Response: contract.Response{Status: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: raw},
	}
}

func page(items ...map[string]any) map[string]any {
	return map[string]any{"code": 200, "data": items,
		"meta": map[string]any{"message": "SUCCESS", "pagination": map[string]any{"totalCount": len(items), "offset": 0, "limit": 10}}}
}

// suggestAndApply checks the exchanges, suggests an overlay with known as
// the run's auth token, and applies it to the embedded spec.
func suggestAndApply(t *testing.T, exs []*contract.Exchange, known ...string) (*overlay.Suggestion, []byte, []byte) {
	t.Helper()
	c, err := embedded()
	if err != nil {
		t.Fatal(err)
	}
	results := c.CheckSequence(context.Background(), exs)
	var ev []overlay.Evidence
	for i, r := range results {
		ev = append(ev, overlay.Evidence{Result: r, Exchange: exs[i]})
	}
	sug, err := overlay.Suggest(openapi.YAML(), "hostile", ev, known...)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := sug.YAML()
	if err != nil {
		t.Fatal(err)
	}
	patched, _, err := overlay.Apply(openapi.YAML(), "suggested.yaml", doc)
	if err != nil {
		t.Fatalf("applying the suggestion: %v", err)
	}
	return sug, doc, patched
}

// TestOverlayNeverCarriesExchangeSecrets: an enum value equal to the
// request's authToken, the storeHash or the run's B2B_AUTH_TOKEN, and an
// undocumented-status body keyed by them, never become overlay actions;
// neither the overlay, its warnings nor the patched spec holds any of them
// (nor a canary JWT, by the leak scanner), while an ordinary new enum value
// still gets its action.
func TestOverlayNeverCarriesExchangeSecrets(t *testing.T) {
	auth := synthetic.RandomHex(16)            // opaque: no generic pattern catches it
	storeHash := synthetic.RandomHex(5)        // 10 hex digits
	envToken := "env" + synthetic.RandomHex(8) // the run's B2B_AUTH_TOKEN
	canary := synthetic.CanaryJWT(synthetic.CanaryEmail(), storeHash)
	listed := listExchange(t, auth, 200, page(
		tokenItem(1, storeHash, auth, nil),
		tokenItem(2, storeHash, storeHash, nil),
		tokenItem(3, storeHash, envToken, nil),
		tokenItem(4, storeHash, canary, nil),
		tokenItem(5, storeHash, "webhook", nil),
	))
	undocumented := listExchange(t, auth, http.StatusTeapot, map[string]any{
		auth: map[string]any{"detail": "x"}, storeHash: 1, envToken: true, canary: 2, "reason": "teapot",
	})
	sug, doc, patched := suggestAndApply(t, []*contract.Exchange{listed, undocumented}, envToken)
	for name, out := range map[string]string{"overlay": string(doc), "patched spec": string(patched), "warnings": strings.Join(sug.Warnings, "\n")} {
		for what, secret := range map[string]string{"the request's authToken": auth, "the storeHash": storeHash, "B2B_AUTH_TOKEN": envToken, "a canary JWT": canary} {
			if strings.Contains(out, secret) || strings.Contains(strings.ToLower(out), strings.ToLower(secret)) {
				t.Errorf("the %s holds %s", name, what)
			}
		}
		if hits := leakscan.Scan([]byte(out)); len(hits) > 0 {
			t.Errorf("the leak scanner finds %v in the %s", hits, name)
		}
	}
	var enumValues []any
	var teapot bool
	for _, a := range sug.Document.Actions {
		if strings.HasSuffix(a.Target, ".enum") {
			enumValues = append(enumValues, a.Update)
		}
		if u, ok := a.Update.(map[string]any); ok && u["418"] != nil {
			teapot = true
			props := fmt.Sprint(u["418"])
			if !strings.Contains(props, "reason") {
				t.Errorf("the 418 response lost its ordinary member: %s", props)
			}
		}
	}
	if fmt.Sprint(enumValues) != "[webhook]" {
		t.Errorf("enum actions add %d value(s); want only the ordinary new value", len(enumValues))
	}
	if !teapot {
		t.Error("no action documents the undocumented 418")
	}
	if len(sug.Warnings) == 0 {
		t.Error("the values left out got no warning")
	}
}

// TestOverlayTargetsEscapeMemberNames: member names that a finding's path
// cannot carry unambiguously (quotes and brackets that would re-target the
// action, an index inside a name, a secret-looking name) are left for a
// human with a warning; nothing is written to Token, Pagination or a
// property called [REDACTED], while an ordinary new member still is.
func TestOverlayTargetsEscapeMemberNames(t *testing.T) {
	auth := synthetic.RandomHex(16)
	storeHash := synthetic.RandomHex(5)
	hostile := map[string]any{
		"data'][*]['email": "user-9@example.com",
		"pagination']['x":  1,
		"a[0]b":            2,
		synthetic.Email():  3,
		"back\\slash":      4,
		"ordinaryAddition": 5,
	}
	body := page(tokenItem(1, storeHash, "app", hostile))
	body["pagination']['x"] = 7
	body["top[0]"] = 8
	sug, doc, patched := suggestAndApply(t, []*contract.Exchange{listExchange(t, auth, 200, body)})
	var keys []string
	for _, a := range sug.Document.Actions {
		if u, ok := a.Update.(map[string]any); ok {
			for k := range u {
				keys = append(keys, a.Target+" "+k)
			}
		} else {
			keys = append(keys, a.Target)
		}
	}
	if len(keys) != 1 || keys[0] != "$.components.schemas.Token.properties ordinaryAddition" {
		t.Errorf("actions %q; want only the ordinary new member on Token", keys)
	}
	for _, bad := range []string{"[REDACTED]", "['x", "a[0]b", "a[*]b", "email'", "@example.com"} {
		if strings.Contains(string(doc), bad) {
			t.Errorf("the overlay holds %q", bad)
		}
	}
	if _, err := contract.New(contract.WithSpec("patched.yaml", patched)); err != nil {
		t.Fatalf("the patched spec does not build a checker: %v", err)
	}
	if want := 6; len(sug.Warnings) < want {
		t.Errorf("%d warnings; want one per name left for a human (%d): %q", len(sug.Warnings), want, sug.Warnings)
	}
}

// TestSuggestBoundsInferredSchema: an undocumented-status body with a huge
// map of data-named members and deep nesting gives a small schema: the map as
// additionalProperties without its keys, cut at MaxSchemaDepth.
func TestSuggestBoundsInferredSchema(t *testing.T) {
	huge := map[string]any{}
	for i := range 50_000 {
		huge[fmt.Sprintf("k%06d", i)] = map[string]any{"v": i, "w": []any{i, map[string]any{"z": "s"}}}
	}
	deep := any("leaf")
	for range 200 {
		deep = map[string]any{"d": []any{deep}}
	}
	body := map[string]any{"byId": huge, "deep": deep, "wide": huge}
	sug, doc, _ := suggestAndApply(t, []*contract.Exchange{listExchange(t, synthetic.RandomHex(16), http.StatusTeapot, body)})
	if len(sug.Document.Actions) != 1 {
		t.Fatalf("%d actions; want the one 418 response", len(sug.Document.Actions))
	}
	if len(doc) > 64<<10 {
		t.Errorf("the overlay is %d bytes for one response; want it bounded (under 64 KiB)", len(doc))
	}
	if strings.Contains(string(doc), "k000001") {
		t.Error("the keys of a map (data) were written as property names")
	}
	if !strings.Contains(string(doc), "additionalProperties") {
		t.Error("the map is not written as additionalProperties")
	}
	if n := strings.Count(string(doc), "d:"); n > overlay.MaxSchemaDepth {
		t.Errorf("the nesting is written %d levels deep; want at most %d", n, overlay.MaxSchemaDepth)
	}
}

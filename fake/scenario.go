package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
)

// Scenario names one kind of drift the fake can inject, to show that the
// contract suite notices it. The zero value, ScenarioNone, injects nothing:
// every response then conforms to the contract.
type Scenario string

// The named drift scenarios. Each changes only list responses
// (GET /backend/tokens); delete and create keep conforming.
const (
	// ScenarioNone serves the contract as written.
	ScenarioNone Scenario = ""
	// ScenarioFieldRemoved drops storeHash from every token item (a required
	// field disappears: breaking).
	ScenarioFieldRemoved Scenario = "field-removed"
	// ScenarioTypeChanged serves every item's id as a JSON string instead of an
	// integer (breaking).
	ScenarioTypeChanged Scenario = "type-changed"
	// ScenarioMaskedToken replaces every item's token by a masked value that is
	// still a string but no longer a JWT (breaking, caught by the invariants
	// only: the schema still passes).
	ScenarioMaskedToken Scenario = "masked-token"
	// ScenarioUnknownField adds an undeclared field, lastUsedAt, to every item
	// (additive: strict mode reports it, the schema still passes).
	ScenarioUnknownField Scenario = "unknown-field"
	// ScenarioEnumAdded gives every item the eventChannel value "storefront",
	// which the closed enum does not list (breaking).
	ScenarioEnumAdded Scenario = "enum-added"
	// ScenarioNullField serves every item's name as null (breaking: nothing is
	// nullable).
	ScenarioNullField Scenario = "null-field"
	// ScenarioSunset keeps the bodies intact but adds retirement headers to
	// every list response: Deprecation (RFC 9745, the deprecation date the
	// spec records as announced, x-deprecation), Sunset (RFC 8594, 30 days after the current day) and Link with
	// rel="deprecation" and rel="sunset".
	ScenarioSunset Scenario = "sunset"
	// ScenarioEndpointGone answers every list request with 410 Gone and an HTML
	// body, as a retired endpoint behind a gateway would.
	ScenarioEndpointGone Scenario = "endpoint-gone"
	// ScenarioLimitOver422 answers a limit over the spec's maximum with 422
	// (a field error on limit) instead of the 413 the spec expects: only an
	// error probe (live --probe-errors) sees it, as probe-status-differs.
	ScenarioLimitOver422 Scenario = "limit-over-maximum-422"
	// ScenarioBadTokenAccepted answers a list request whose authToken is
	// wrong (but not missing) with the page a valid token gets, instead of
	// 401: only an error probe sees it, as probe-refuted.
	ScenarioBadTokenAccepted Scenario = "bad-token-accepted"
)

// noneName is how the command line spells ScenarioNone.
const noneName = "none"

var scenarioDescriptions = []struct {
	s    Scenario
	text string
}{
	{ScenarioFieldRemoved, "token items lose storeHash"},
	{ScenarioTypeChanged, "token ids are served as strings"},
	{ScenarioMaskedToken, "token values are masked (no longer JWTs)"},
	{ScenarioUnknownField, "token items gain an undeclared field, lastUsedAt"},
	{ScenarioEnumAdded, `eventChannel takes the undeclared value "storefront"`},
	{ScenarioNullField, "token names are null"},
	{ScenarioSunset, "list responses carry Deprecation, Sunset and Link headers"},
	{ScenarioEndpointGone, "the list endpoint answers 410 Gone with an HTML body"},
	{ScenarioLimitOver422, "a limit over the maximum is answered 422 instead of 413"},
	{ScenarioBadTokenAccepted, "a wrong authToken gets the list page instead of 401"},
}

// Scenarios returns every named drift scenario, in the order help lists them.
// ScenarioNone is not among them.
func Scenarios() []Scenario {
	out := make([]Scenario, len(scenarioDescriptions))
	for i, d := range scenarioDescriptions {
		out[i] = d.s
	}
	return out
}

// Description says in a few words what the scenario changes. It is empty for
// ScenarioNone and for names that are not scenarios.
func (s Scenario) Description() string {
	for _, d := range scenarioDescriptions {
		if d.s == s {
			return d.text
		}
	}
	return ""
}

// String returns the scenario's name; ScenarioNone is "none".
func (s Scenario) String() string {
	if s == ScenarioNone {
		return noneName
	}
	return string(s)
}

// ParseScenario returns the scenario called name. "none" and the empty string
// are ScenarioNone. An unknown name is an error that lists the valid ones.
func ParseScenario(name string) (Scenario, error) {
	if name == "" || name == noneName {
		return ScenarioNone, nil
	}
	s := Scenario(name)
	if s.Description() == "" {
		return "", fmt.Errorf("fake: unknown scenario %q; valid scenarios: %s", name, scenarioNames())
	}
	return s, nil
}

func scenarioNames() string {
	names := []string{noneName}
	for _, s := range Scenarios() {
		names = append(names, string(s))
	}
	return strings.Join(names, ", ")
}

// maskedToken is what ScenarioMaskedToken serves instead of each token.
const maskedToken = "********"

// setSunsetHeaders adds ScenarioSunset's retirement headers: the deprecation
// the spec records as announced (when it records one), the sunset 30 days
// after the day of now, and links pointing at the vendor's page.
func setSunsetHeaders(h http.Header, now, deprecated time.Time, link string) {
	y, m, d := now.UTC().Date()
	sunset := time.Date(y, m, d+30, 0, 0, 0, 0, time.UTC)
	if !deprecated.IsZero() {
		h.Set("Deprecation", fmt.Sprintf("@%d", deprecated.Unix()))
	}
	h.Set("Sunset", sunset.Format(http.TimeFormat))
	h.Add("Link", "<"+link+`>; rel="deprecation"`)
	h.Add("Link", "<"+link+`>; rel="sunset"`)
}

// goneBody is ScenarioEndpointGone's response body.
const goneBody = `<!DOCTYPE html>
<html><head><title>410 Gone</title></head>
<body><h1>Gone</h1><p>This endpoint has been retired.</p></body></html>
`

// encodeList marshals a list response, applying the scenario's body drift.
// Typed drift is applied to the generated structs; drift that the Go types
// cannot express (a missing field, a string id, a null, an extra field) is
// applied to the decoded JSON tree of the marshalled structs.
func (s Scenario) encodeList(list tokensapi.TokenList, now time.Time) ([]byte, error) {
	var edit func(item map[string]any)
	switch s {
	case ScenarioMaskedToken:
		for i := range list.Data {
			list.Data[i].Token = maskedToken
		}
	case ScenarioEnumAdded:
		for i := range list.Data {
			list.Data[i].EventChannel = tokensapi.EventChannel("storefront")
		}
	case ScenarioFieldRemoved:
		edit = func(item map[string]any) { delete(item, "storeHash") }
	case ScenarioTypeChanged:
		edit = func(item map[string]any) { item["id"] = fmt.Sprint(item["id"]) }
	case ScenarioNullField:
		edit = func(item map[string]any) { item["name"] = nil }
	case ScenarioUnknownField:
		lastUsed := now.UTC().Format(time.RFC3339)
		edit = func(item map[string]any) { item["lastUsedAt"] = lastUsed }
	}
	body, err := json.Marshal(list)
	if err != nil || edit == nil {
		return body, err
	}
	var tree struct {
		Code int              `json:"code"`
		Data []map[string]any `json:"data"`
		Meta json.RawMessage  `json:"meta"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // keep ids exact: 1000000 stays "1000000", not "1e+06"
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	for _, item := range tree.Data {
		edit(item)
	}
	return json.Marshal(tree)
}

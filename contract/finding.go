package contract

import (
	"fmt"
	"sort"
	"strings"
)

// Severity says how much a finding matters to a consumer of the endpoint.
// Severities are ordered: Info < Deprecation < Additive < Breaking.
type Severity int

// The severities, from least to most serious.
const (
	// Info is worth knowing and is not drift (credentials rejected, the two
	// validators disagreeing).
	Info Severity = iota
	// Deprecation is a retirement signal: a Deprecation or Sunset header, a
	// deprecation link.
	Deprecation
	// Additive is new and undeclared; nothing breaks yet.
	Additive
	// Breaking means a consumer written against the contract would break.
	Breaking
)

var severityNames = [...]string{"info", "deprecation", "additive", "breaking"}

// String returns the lower-case name used in every report format.
func (s Severity) String() string {
	if s < Info || s > Breaking {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity parses a severity name as String writes it.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(name, n) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want one of %s)", name, strings.Join(severityNames[:], ", "))
}

// MarshalText implements encoding.TextMarshaler, so JSON reports carry the
// name.
func (s Severity) MarshalText() ([]byte, error) {
	if s < Info || s > Breaking {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Finding is one thing the checker noticed about one exchange.
type Finding struct {
	// ID is a stable kebab-case identifier (see Rules). Tests and CI
	// pipelines match on it, never on Message.
	ID string `json:"id"`
	// Severity is the rule's severity.
	Severity Severity `json:"severity"`
	// Path locates the finding: a JSONPath into the body, with [*] for
	// every array index whatever the number of items ("$.data[*].email"; the
	// message names the item), "status", "request path", or
	// "header <Name>".
	Path string `json:"path"`
	// Message says what changed, in words. It never contains a token, an
	// email or a credential.
	Message string `json:"message"`
	// Source says where the exchange came from: "file.yaml#2",
	// "file.har#3", "live GET /backend/tokens?limit=250".
	Source string `json:"source"`
	// Accepted is set when an entry of the accepted-drift baseline (package
	// contract/baseline) covers the finding: it then fails no run, and every
	// report shows it apart from the others.
	Accepted *Acceptance `json:"baseline,omitempty"`
}

// Acceptance is the baseline entry that accepts a finding.
type Acceptance struct {
	// File and Line locate the entry in the baseline file.
	File string `json:"file"`
	Line int    `json:"line"`
	// Reason and Ticket are the entry's: why the drift is accepted, and
	// where it is tracked (may be empty).
	Reason string `json:"reason"`
	Ticket string `json:"ticket,omitempty"`
	// Expires is the last day the entry accepts the finding (YYYY-MM-DD).
	Expires string `json:"expires"`
}

// Layer names the checker layer a rule belongs to.
type Layer string

// The checker's layers, in the order they run.
const (
	LayerTransport     Layer = "transport"
	LayerSchema        Layer = "schema"
	LayerClient        Layer = "generated-client"
	LayerInvariant     Layer = "invariant"
	LayerDeprecation   Layer = "deprecation"
	LayerSecondOpinion Layer = "second-opinion"
	// LayerBaseline holds the rules about the accepted-drift baseline
	// (package contract/baseline), not about an exchange.
	LayerBaseline Layer = "baseline"
	// LayerEvidence holds the rules about the recordings themselves (their
	// age), not about an exchange.
	LayerEvidence Layer = "evidence"
)

// Rule describes one finding id: its severity, its layer, and what a user
// should do when it fires.
type Rule struct {
	ID       string
	Severity Severity
	Layer    Layer
	// Summary is a one-line description of what the rule detects.
	Summary string
	// Advice says what to do about it.
	Advice string
}

// Finding ids. They are part of the CLI contract: never rename one.
const (
	IDUndocumentedStatus    = "undocumented-status"
	IDEndpointGone          = "endpoint-gone"
	IDUndeclaredContentType = "undeclared-content-type"
	IDBodyNotJSON           = "body-not-json"
	IDBodyTruncated         = "body-truncated"
	IDBodyTooLarge          = "body-too-large"
	IDBodyNotRecorded       = "body-not-recorded"
	IDContentSizeMismatch   = "content-size-mismatch"
	IDDuplicateKey          = "duplicate-key"
	IDCredentialsRejected   = "credentials-rejected"
	IDProbeRefuted          = "probe-refuted"
	IDProbeStatusDiffers    = "probe-status-differs"

	IDMissingField         = "missing-field"
	IDTypeMismatch         = "type-mismatch"
	IDUnexpectedNull       = "unexpected-null"
	IDEnumMismatch         = "enum-mismatch"
	IDFormatMismatch       = "format-mismatch"
	IDConstraintViolation  = "constraint-violation"
	IDSchemaMismatch       = "schema-mismatch"
	IDUnknownField         = "unknown-field"
	IDUnknownFieldsElided  = "unknown-fields-elided"
	IDClientDecodeFailed   = "client-decode-failed"
	IDClientDataLoss       = "client-data-loss"
	IDCodeStatusMismatch   = "code-status-mismatch"
	IDPageOverLimit        = "page-over-limit"
	IDPaginationEcho       = "pagination-echo-mismatch"
	IDDuplicateID          = "duplicate-id"
	IDDuplicateIDAcross    = "duplicate-id-across-pages"
	IDTotalCountChanged    = "total-count-changed"
	IDTokenNotJWT          = "token-not-jwt"
	IDDeprecationAnnounced = "deprecation-announced"
	IDSunsetAnnounced      = "sunset-announced"
	IDDeprecationLink      = "deprecation-link"
	IDMalformedDeprecation = "malformed-deprecation-header"
	IDValidatorsDisagree   = "validators-disagree"
	IDRateLimited          = "rate-limited"
	IDBaselineExpired      = "baseline-expired"
	IDBaselineUnused       = "baseline-entry-unused"
	IDRecordingStale       = "recording-stale"
	IDUpstreamTransient    = "upstream-transient"
	IDBasePathMismatch     = "base-path-mismatch"
)

// IDClientRegenerate is the generated-client layer's finding when the
// document checked against is not the embedded spec (see Checker.Spec).
const IDClientRegenerate = "client-regenerate-needed"

var rules = map[string]Rule{}

func rule(id string, sev Severity, layer Layer, summary, advice string) {
	rules[id] = Rule{ID: id, Severity: sev, Layer: layer, Summary: summary, Advice: advice}
}

const adviceMigrate = "Move server-to-server calls to a BigCommerce API account (X-Auth-Token with X-Store-Hash) before the sunset."

func init() {
	rule(IDUndocumentedStatus, Breaking, LayerTransport,
		"The response status is not documented for the operation.",
		"Check the vendor's changelog; if the status is real and lasting, document it in the spec with x-contract-source: observed.")
	rule(IDEndpointGone, Breaking, LayerTransport,
		"The list endpoint answered 404 or 410 on its exact path (the contract's base path and the operation's path): it appears to be retired.",
		adviceMigrate+" Confirm with the vendor; stop calling the endpoint.")
	rule(IDUpstreamTransient, Info, LayerTransport,
		"A 5xx answer whose body is not the B2B error envelope (a gateway's or CDN's page, a maintenance page, an empty body): a transient failure on the way to the API, not drift.",
		"Nothing to change in the contract: retry with backoff (the project's client retries 502, 503 and 504). Availability is for the service's own monitoring; if it lasts, check the vendor's status page and the gateways in between.")
	rule(IDBasePathMismatch, Info, LayerTransport,
		"Requests went to an operation's path under another base path than the contract's, or with a trailing slash; they were skipped, not judged.",
		"Check the caller's base URL: the contract's is the spec's server URL (its path /api/io), or the one --base-url or --upstream names. A 404 there is the caller's mistake, not a retirement.")
	rule(IDUndeclaredContentType, Breaking, LayerTransport,
		"The response's content type is not declared for that status.",
		"Inspect the body (an HTML error page from a proxy or gateway is common) and the vendor's status page.")
	rule(IDBodyNotJSON, Breaking, LayerTransport,
		"The body is empty or is not JSON.",
		"Inspect the raw response; a gateway or maintenance page may be answering instead of the API.")
	rule(IDBodyTruncated, Breaking, LayerTransport,
		"The body ends before the JSON value does, or is shorter than its Content-Length.",
		"Re-record the exchange; if it repeats live, the vendor is cutting responses short.")
	rule(IDBodyTooLarge, Breaking, LayerTransport,
		"The body is larger than the checker accepts.",
		"A full page of tokens is well under the limit; inspect what the endpoint is returning.")
	rule(IDBodyNotRecorded, Info, LayerTransport,
		"The recording holds no body for this response, so only status and headers were checked.",
		"Record with content capture on (in a browser: export HAR with content).")
	rule(IDContentSizeMismatch, Info, LayerTransport,
		"A HAR entry's content.size disagrees with a body that is complete JSON; the body was checked as recorded.",
		"Nothing to do: some exporters write the base64 text's length, -1 or 0 there. The body is truncated only when its JSON ends early.")
	rule(IDDuplicateKey, Breaking, LayerTransport,
		"A JSON object repeats a member name; decoders disagree on which value wins.",
		"Report it to the vendor; Go's encoding/json keeps the last value.")
	rule(IDCredentialsRejected, Info, LayerTransport,
		"The endpoint rejected the credentials with the documented error envelope.",
		"Check that the authToken is valid and has not been deleted; this is not drift.")
	rule(IDMissingField, Breaking, LayerSchema,
		"A required field is missing.",
		"Consumers reading this field break. Check whether the vendor renamed or removed it.")
	rule(IDTypeMismatch, Breaking, LayerSchema,
		"A value has a different JSON type than the contract says.",
		"Consumers decoding into typed structs break. Check the vendor's changelog.")
	rule(IDUnexpectedNull, Breaking, LayerSchema,
		"A value is null where the contract allows no null.",
		"If nulls are real and lasting, make the field nullable in the spec (x-contract-source: observed) and handle them.")
	rule(IDEnumMismatch, Breaking, LayerSchema,
		"A value is outside the contract's enum.",
		"Code that switches on the value needs a new case; add the value to the spec once confirmed.")
	rule(IDFormatMismatch, Breaking, LayerSchema,
		"A string does not match its declared format (for example email).",
		"Check whether the vendor changed what the field carries.")
	rule(IDConstraintViolation, Breaking, LayerSchema,
		"A value breaks a declared constraint (minimum, minLength, maxItems…).",
		"Check whether the vendor changed the field's range.")
	rule(IDSchemaMismatch, Breaking, LayerSchema,
		"The body does not match the schema in another way.",
		"Compare the body with the schema named in the path.")
	rule(IDUnknownField, Additive, LayerSchema,
		"A field appears that the contract does not declare.",
		"Nothing breaks yet. Add the field to the spec (x-contract-source: observed) if it is here to stay.")
	rule(IDUnknownFieldsElided, Additive, LayerSchema,
		"One exchange has more distinct undeclared fields than the checker lists (MaxUnknownFields, 100); this finding counts the others.",
		"Read the listed unknown-field findings first. So many new member names usually means the body's shape changed, such as an object keyed by ids or emails where a list was; nothing breaks yet.")
	rule(IDClientDecodeFailed, Breaking, LayerClient,
		"The generated Go client cannot decode a body that the schema validator accepted.",
		"Consumers of the generated client break: the JSON is valid for the schema but not for Go's types (for example 1.0 for an integer).")
	rule(IDClientDataLoss, Breaking, LayerClient,
		"The generated Go client decodes the body but gets a different value than the JSON holds.",
		"Consumers of the generated client see wrong data (for example two keys differing only in case).")
	rule(IDCodeStatusMismatch, Breaking, LayerInvariant,
		"The body's code differs from the HTTP status.",
		"Consumers that trust either one are misled; report it to the vendor.")
	rule(IDPageOverLimit, Breaking, LayerInvariant,
		"The page holds more tokens than the request's limit.",
		"Paging code that trusts limit over-reads or skips tokens.")
	rule(IDPaginationEcho, Breaking, LayerInvariant,
		"meta.pagination does not echo the request's limit or offset (the spec's defaults when absent).",
		"Paging code that advances by meta.pagination skips or repeats tokens.")
	rule(IDDuplicateID, Breaking, LayerInvariant,
		"The same token id appears twice in one page.",
		"Code keyed by id loses tokens.")
	rule(IDDuplicateIDAcross, Breaking, LayerInvariant,
		"The same token id appears at two different absolute positions across the pages of one run.",
		"Paging is unstable: walking the pages can repeat and therefore also skip tokens.")
	rule(IDTotalCountChanged, Breaking, LayerInvariant,
		"meta.pagination.totalCount changed between pages of one run.",
		"Paging code that stops at totalCount misses tokens or over-reads.")
	rule(IDTokenNotJWT, Breaking, LayerInvariant,
		"A token is no longer a JWT (three base64url segments, the first two JSON objects); it may be masked.",
		"Code that uses listed tokens as credentials breaks. Check whether the vendor now masks them.")
	rule(IDDeprecationAnnounced, Deprecation, LayerDeprecation,
		"The response carries a Deprecation header (RFC 9745).",
		adviceMigrate)
	rule(IDSunsetAnnounced, Deprecation, LayerDeprecation,
		"The response carries a Sunset header (RFC 8594): the endpoint has a retirement date.",
		adviceMigrate)
	rule(IDDeprecationLink, Deprecation, LayerDeprecation,
		`The response links to a deprecation or sunset notice (Link rel="deprecation" or rel="sunset").`,
		"Read the linked notice. "+adviceMigrate)
	rule(IDMalformedDeprecation, Deprecation, LayerDeprecation,
		"A Deprecation, Sunset or Link header is present but malformed.",
		"The vendor is signalling retirement, however badly: read the raw header and plan the migration.")
	rule(IDValidatorsDisagree, Info, LayerSecondOpinion,
		"libopenapi-validator and kin-openapi disagree about this body.",
		"One validator has a blind spot; add the exchange to contract/testdata/drift as a regression case.")
	rule(IDProbeRefuted, Breaking, LayerTransport,
		"An error probe (live --probe-errors) got a success, a status the operation does not document, or the expected status outside the documented response.",
		"The endpoint does not refuse the request as the spec says: read the probe's message, then correct the spec (x-contract-source: observed) and the client's error handling. A 2xx to an invalid authToken is a security issue to raise with the vendor.")
	rule(IDProbeStatusDiffers, Additive, LayerTransport,
		"An error probe (live --probe-errors) got another documented error status than the spec expects for it (422 instead of 413).",
		"The spec's assumption is refuted: apply the correction --suggest-overlay proposes and check the client's handling of that status.")
	rule(IDRateLimited, Breaking, LayerTransport,
		"The endpoint kept answering 429 and the run stopped early.",
		"The store's shared limit of 150 requests per minute is exhausted; run again later or lower the request budget.")
	rule(IDBaselineExpired, Breaking, LayerBaseline,
		"An entry of the accepted-drift baseline matched a finding, but its expires date has passed.",
		"Fix the drift (update the spec or the code that depends on it), or renew the entry with a new date and reason.")
	rule(IDBaselineUnused, Info, LayerBaseline,
		"An entry of the accepted-drift baseline matched no finding in this run.",
		"If the vendor fixed the drift, delete the entry so the baseline shrinks; if this run simply did not exercise it, keep it.")
	rule(IDRecordingStale, Info, LayerEvidence,
		"A recording's newest evidence is older than --max-age, or the recording is undated.",
		"Re-record against the live endpoint (tokens-contract live --record DIR) and commit the new recording; a green check on old evidence says little about today's endpoint.")
	rule(IDClientRegenerate, Info, LayerClient,
		"Checked against another document (--spec), a value that document accepts cannot be represented by this project's generated client, which is built from the embedded spec.",
		"Not drift against the document: regenerate the client from it (oapi-codegen with generated/'s configuration) before consuming this value, or bring the change into the embedded spec and run make generate.")
}

// Rules returns every rule, sorted by layer order, then id.
func Rules() []Rule {
	order := layerOrder
	out := make([]Rule, 0, len(rules))
	for _, r := range rules {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if order[out[i].Layer] != order[out[j].Layer] {
			return order[out[i].Layer] < order[out[j].Layer]
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// RuleFor returns the rule of a finding id.
func RuleFor(id string) (Rule, bool) {
	r, ok := rules[id]
	return r, ok
}

// newFinding builds a finding with the rule's severity.
func newFinding(id, path, source, format string, args ...any) Finding {
	r, ok := rules[id]
	if !ok {
		panic("contract: unknown finding id " + id) // a programming error, caught by tests
	}
	return Finding{ID: id, Severity: r.Severity, Path: path, Message: fmt.Sprintf(format, args...), Source: source}
}

// Worst returns the highest severity among findings, and false when there are
// none.
func Worst(findings []Finding) (Severity, bool) {
	if len(findings) == 0 {
		return 0, false
	}
	w := findings[0].Severity
	for _, f := range findings[1:] {
		if f.Severity > w {
			w = f.Severity
		}
	}
	return w, true
}

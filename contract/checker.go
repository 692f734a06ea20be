// Package contract detects, classifies and reports drift between the B2B
// Edition server-to-server token endpoints and the project's OpenAPI
// contract.
//
// A Checker, built once from the embedded spec and safe for concurrent use,
// takes an Exchange (one request and its response, from a recording, a HAR
// file, a live probe or the fake server) and returns findings
// {id, severity, path, message, source}. It runs five layers, each able to
// fail on its own:
//
//  1. transport: documented status, declared content type, a readable JSON
//     body, and endpoint-gone for 404/410 on the list operation's exact
//     path; a 5xx whose body is not the B2B error envelope (a gateway's or
//     CDN's page, an empty body) is upstream-transient (info), not drift;
//  2. schema: libopenapi-validator's compiled schema with format assertions,
//     and its strict mode for undeclared fields (additive drift);
//  3. generated client: the response replayed through the generated
//     Parse…Response, which must decode it without losing data; checked
//     against another document (WithSpec) that accepts what the client,
//     built from the embedded spec, cannot hold, this is
//     client-regenerate-needed (info), not breaking drift;
//  4. invariants no schema can express: code equals the status, paging echoes
//     the request, ids are unique, tokens are JWTs, and across the pages of one
//     sequence (a PageTracker; a successful create or delete starts a new one),
//     positions and totalCount are stable;
//  5. deprecation: Deprecation, Sunset and Link headers (what the operation
//     already records is known, and no finding: a Sunset date as x-sunset, the
//     announced Deprecation date and page as x-deprecation).
//
// An exchange belongs to an operation only at the operation's path under the
// base path: the path of the spec's server URL (/api/io), the one
// WithBasePath gives, or the exchange's own (Exchange.BasePath). The
// operation's path under another prefix, or with a trailing slash, is a near
// miss: skipped with a reason that names the pattern, and reported once per
// run by PathMismatchFindings (base-path-mismatch, info), since a 404 there is
// the caller's mistake, not the endpoint's retirement.
//
// A second validator (kin-openapi, package contract/kin) can give a second
// opinion (WithSecondOpinion); where the two validators disagree, that is a
// finding of its own.
//
// Beside the checker, a Coverage (NewCoverage) observes checked exchanges and
// says how much of the spec they showed; Age and StaleFindings say how old
// the evidence is (recording-stale); Checker.Shapes gives the key shape of
// exchanges, to tell whether a new recording differs from an old one.
//
// No finding ever carries a token, an email or a credential: messages are
// built from the schema's own names and from counts, and a final pass removes
// any value the exchange holds under a sensitive name, any JWT-shaped string
// and any email address, in raw and encoded forms (package secrets).
//
// A finding's Path is bounded: a path longer than MaxPathLen bytes (a body
// nested thousands deep) keeps its first and last segments with
// PathElision between them, in every report format.
//
// Every finding's path has [*] for each array index (StablePath), whatever
// the number of items, so a baseline entry or a metric label does not change
// with the page size; the message names the item. Repeated findings of one
// exchange merge: one id at paths that differ only in array indexes is one
// finding, which says how many there were and where the first is. Undeclared fields are merged per item
// shape as strict mode finds them, without a finding per item, and one
// exchange lists at most MaxUnknownFields distinct ones; one
// unknown-fields-elided finding counts the rest.
package contract

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/strict"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"golang.org/x/sync/errgroup"

	"github.com/b2b-contract/s2s-tokens/internal/secrets"
	"github.com/b2b-contract/s2s-tokens/internal/specload"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// DefaultMaxBody is the largest response body the checker reads; a page of
// 250 tokens is about 110 KB.
const DefaultMaxBody = 8 << 20

// Checker checks exchanges against the contract. Build it once with New; it
// is safe for concurrent use.
type Checker struct {
	lib        any      // always a *libState; read it with libsOf
	opIDs      []string // the operations' ids in the spec's order
	now        func() time.Time
	workers    int
	maxBody    int
	strictPool sync.Pool
	paging     openapi.Paging
	specName   string
	spec       []byte
	version    string
	table      *openapi.Table // the spec's operation table, for NewCoverage
	clientSpec bool           // the spec is the one generated/ was built from (typed.go)
	modelMu    sync.Mutex     // held while the libopenapi model is read or rendered after New
	basePath   string         // the contract's base path, without a trailing slash ("" at the root)
}

// libState is what a Checker holds of libopenapi, libopenapi-validator and
// the second opinion. Checker keeps it in a field of type any, never as *libState:
// when a struct field's type reaches libopenapi's model, the compiler
// instantiates that model's generic methods (about 9,000 functions, 10 to 15
// s of CPU) in every package that merely names the struct, and most of this
// module's packages and test binaries name Checker. TestImportersDoNotCompileLibopenapi
// keeps it that way.
type libState struct {
	ops        []*operation
	strictOpts *config.ValidationOptions
	opinion    SecondOpinion // nil unless WithSecondOpinion
	model      *v3.Document  // libopenapi's reading of the spec, for NewCoverage
}

// libsOf returns c's libopenapi and second-opinion state. It is a function, not
// a method: a method's signature is part of the type's descriptor, so a
// method returning *libState would reach libopenapi just as a field would.
func libsOf(c *Checker) *libState { return c.lib.(*libState) }

// Option configures a Checker.
type Option func(*settings)

type settings struct {
	now           func() time.Time
	workers       int
	maxBody       int
	secondOpinion NewSecondOpinion
	specName      string
	spec          []byte
	basePath      *string
}

// WithBasePath sets the base path an exchange's path must start with to be
// an operation of the contract: the path of the base URL the requests were
// sent to ("/api/io", "/" for a server at the root). The default is the path
// of the spec's server URL. An exchange whose own BasePath is set (a live
// probe, a recording that records it) is matched under that instead.
func WithBasePath(p string) Option {
	return func(s *settings) { s.basePath = &p }
}

// WithSpec builds the Checker from another OpenAPI document of the token
// operations (a published release under openapi/releases, a team's pinned
// copy, a spec patched by an overlay) instead of the embedded one. name names
// it in errors. The document must describe every operation the generated
// client has.
func WithSpec(name string, spec []byte) Option {
	return func(s *settings) { s.specName, s.spec = name, spec }
}

// WithClock sets the clock used to say how far away a Sunset date is.
func WithClock(now func() time.Time) Option {
	return func(s *settings) { s.now = now }
}

// WithWorkers sets how many exchanges CheckSequence and CheckSequences check at once
// (default GOMAXPROCS).
func WithWorkers(n int) Option {
	return func(s *settings) { s.workers = n }
}

// WithMaxBody sets the largest response body checked (default
// DefaultMaxBody); a larger one is a body-too-large finding.
func WithMaxBody(n int) Option {
	return func(s *settings) { s.maxBody = n }
}

// WithSecondOpinion also validates every body with a second validator,
// built once by build from the Checker's spec, and reports where it
// disagrees with libopenapi-validator (validators-disagree, info). Package
// contract/kin is the one this module ships: WithSecondOpinion(kin.New). A
// nil build turns the second opinion off. A program links the second
// validator only when it names it, so one that never asks for the second
// opinion does not carry kin-openapi. kin-openapi roughly doubles the cost
// of a check.
func WithSecondOpinion(build NewSecondOpinion) Option {
	return func(s *settings) { s.secondOpinion = build }
}

// New builds a Checker from the embedded spec (or the one WithSpec gives).
// It reads the spec and prepares every operation; each response schema is
// compiled on its first use, once, so building a Checker is cheap and a
// check pays only for the schemas it needs. A schema that cannot be compiled
// (possible only WithSpec) is a schema-mismatch finding on every body checked
// against it.
func New(opts ...Option) (*Checker, error) {
	s := settings{now: time.Now, workers: runtime.GOMAXPROCS(0), maxBody: DefaultMaxBody}
	for _, o := range opts {
		o(&s)
	}
	if s.workers < 1 {
		return nil, fmt.Errorf("contract: workers must be at least 1, got %d", s.workers)
	}
	if s.maxBody < 1 {
		return nil, fmt.Errorf("contract: max body must be positive, got %d", s.maxBody)
	}
	embedded := s.spec == nil
	if embedded {
		s.specName, s.spec = openapi.FileName, openapi.YAML()
	}
	table, err := openapi.ReadTable(s.specName, s.spec)
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	_, model, err := specload.Libopenapi(s.specName, s.spec)
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	base := ""
	if s.basePath != nil {
		base = *s.basePath
	} else if base, err = serverPath(table.ServerURL); err != nil {
		return nil, fmt.Errorf("contract: %s: %w", s.specName, err)
	}
	lib := &libState{model: model}
	c := &Checker{lib: lib, now: s.now, workers: s.workers, maxBody: s.maxBody, paging: table.Paging,
		specName: s.specName, spec: s.spec, version: table.Version, table: table, basePath: cleanBase(base),
		clientSpec: embedded || bytes.Equal(s.spec, openapi.YAML())}
	lib.strictOpts = config.NewValidationOptions(
		config.WithFormatAssertions(),
		config.WithStrictMode(),
		config.WithStrictIgnorePaths(openapi.StrictIgnorePaths()...),
	)
	if s.secondOpinion != nil {
		if lib.opinion, err = s.secondOpinion(s.specName, s.spec); err != nil {
			return nil, fmt.Errorf("contract: second opinion: %w", err)
		}
		if lib.opinion == nil {
			return nil, fmt.Errorf("contract: second opinion: the builder returned no validator")
		}
	}
	if lib.ops, err = buildOperations(model, table, lib.strictOpts, &c.modelMu, lib.opinion, embedded); err != nil {
		return nil, fmt.Errorf("contract: %s: %w", s.specName, err)
	}
	if missing := missingOperations(lib.ops); len(missing) > 0 {
		return nil, fmt.Errorf("contract: %s lacks operations the generated client has: %s", s.specName, strings.Join(missing, ", "))
	}
	for _, o := range lib.ops {
		c.opIDs = append(c.opIDs, o.id)
	}
	// strict.Validator keeps per-instance caches and is not safe for
	// concurrent use: each goroutine borrows its own.
	c.strictPool.New = func() any { return strict.NewValidator(lib.strictOpts, specVersion) }
	return c, nil
}

// Result is the outcome of checking one exchange.
type Result struct {
	// Source is the exchange's source.
	Source string `json:"source"`
	// Line is the exchange's Line: where it starts in its recording, 0
	// when unknown.
	Line int `json:"line,omitempty"`
	// Method and Path are the request's method and URL path.
	Method string `json:"method"`
	Path   string `json:"path"`
	// Operation is the matched operationId; empty when Skipped.
	Operation string `json:"operation,omitempty"`
	// Status is the response status.
	Status int `json:"status"`
	// Skipped is true when the exchange is not an operation of the contract
	// (another endpoint in a HAR file, say); SkipReason says why (one of
	// the Skip* constants). Skips summarises a run's skipped exchanges.
	Skipped    bool   `json:"skipped,omitempty"`
	SkipReason string `json:"skipReason,omitempty"`
	// Findings are what the checker noticed, sorted by layer, path and id.
	Findings []Finding `json:"findings"`

	page *pageFacts // list pages only: what cross-page checks need
}

// Check checks one exchange on its own. Cross-page invariants need a PageTracker (or
// CheckSequence).
func (c *Checker) Check(ex *Exchange) Result {
	s, res := c.begin(ex)
	if s == nil {
		return res
	}
	if s.transport() {
		s.schema()
		s.credentialsRejected()
		s.typedClient()
		s.invariants()
		s.secondOpinion()
	}
	s.probe()
	s.deprecation()
	res.Findings = s.finish()
	res.page = s.page
	return res
}

// begin finds the operation of ex and returns the check that takes it
// through the layers, with its result so far; the check is nil when ex is
// skipped, and the result says why.
func (c *Checker) begin(ex *Exchange) (*check, Result) {
	res := Result{Source: ex.Source, Line: ex.Line, Method: strings.ToUpper(ex.Request.Method), Status: ex.Response.Status, Findings: []Finding{}}
	u, err := url.Parse(ex.Request.URL)
	if err != nil {
		res.Skipped, res.SkipReason = true, SkipBadURL
		return nil, res
	}
	res.Path = u.Path
	if ex.Response.Status < 100 {
		res.Skipped, res.SkipReason = true, SkipNoResponse
		return nil, res
	}
	op, near := match(libsOf(c).ops, c.base(ex), res.Method, u.Path)
	if op == nil {
		res.Skipped, res.SkipReason = true, cmp.Or(near, SkipNotOperation)
		return nil, res
	}
	res.Operation = op.id
	return &check{c: c, ex: ex, op: op, url: u, source: ex.Source}, res
}

// base is the base path ex is matched under: its own, else the Checker's.
func (c *Checker) base(ex *Exchange) string {
	if ex.BasePath != "" {
		return cleanBase(ex.BasePath)
	}
	return c.basePath
}

// BasePath is the base path exchanges are matched under when they carry
// none of their own, without a trailing slash ("" for a server at the
// root).
func (c *Checker) BasePath() string { return c.basePath }

// cleanBase is a base path without its trailing slashes, "" for the root.
func cleanBase(p string) string { return strings.TrimRight(p, "/") }

// serverPath is the path of a spec's server URL.
func serverPath(server string) (string, error) {
	u, err := url.Parse(server)
	if err != nil {
		return "", fmt.Errorf("servers[0].url is not a URL: %w", err)
	}
	return u.Path, nil
}

// check is the state of one exchange going through the layers.
type check struct {
	c        *Checker
	ex       *Exchange
	op       *operation
	rs       *responseSpec
	url      *url.URL
	source   string
	tree     any  // the body decoded once, shared by the layers
	schemaOK bool // the schema layer found nothing breaking
	typed    any  // the generated client's decoded body (a pointer), if any
	page     *pageFacts
	findings []Finding
	secrets  []string
	scanned  bool
	sc       *secrets.Scrubber // built from secrets, once (scrubber)
}

func (s *check) add(id, path, format string, args ...any) {
	s.findings = append(s.findings, newFinding(id, path, s.source, format, args...))
}

// credentialsRejected notes a 401 or 403 whose body is the documented error
// envelope: the credentials were refused, which is not drift. The
// credentials-invalid error probe sends a bad token on purpose: its 401 is
// what the probe asks for (ErrorProbe), not news.
func (s *check) credentialsRejected() {
	if pr, ok := s.c.probeOf(s.ex); ok && pr.BadToken {
		return
	}
	status := s.ex.Response.Status
	if (status == 401 || status == 403) && s.schemaOK {
		s.add(IDCredentialsRejected, "status", "%s %s answered %d with the documented error envelope: the credentials were rejected",
			s.op.method, s.op.path, status)
	}
}

// CheckSequence checks the exchanges of one run (one recording file, one live
// session) concurrently, then applies the cross-page invariants in order.
// If ctx is cancelled, exchanges not yet checked are returned as skipped.
func (c *Checker) CheckSequence(ctx context.Context, exs []*Exchange) []Result {
	return c.CheckSequences(ctx, [][]*Exchange{exs})[0]
}

// CheckContinued checks exs, the next exchanges of a run whose earlier ones
// went through CheckContinued with the same run tracker: what
// CheckSequence does for a run held whole, for a run read in batches (a
// stream of any length). The cross-page invariants span the batches.
func (c *Checker) CheckContinued(ctx context.Context, exs []*Exchange, run *PageTracker) []Result {
	return c.checkRuns(ctx, [][]*Exchange{exs}, run)[0]
}

// CheckSequences checks several runs, spreading all their exchanges over the
// Checker's workers, and applies each run's cross-page invariants in order.
func (c *Checker) CheckSequences(ctx context.Context, runs [][]*Exchange) [][]Result {
	return c.checkRuns(ctx, runs, nil)
}

// checkRuns checks runs as CheckSequences does; when tracker is not nil, the
// one run continues the sequence tracker holds.
func (c *Checker) checkRuns(ctx context.Context, runs [][]*Exchange, tracker *PageTracker) [][]Result {
	out := make([][]Result, len(runs))
	type job struct{ run, i int }
	var jobs []job
	for r, exs := range runs {
		out[r] = make([]Result, len(exs))
		for i := range exs {
			jobs = append(jobs, job{r, i})
		}
	}
	var g errgroup.Group
	g.SetLimit(c.workers)
	for _, j := range jobs {
		ex := runs[j.run][j.i]
		if ctx.Err() != nil {
			out[j.run][j.i] = Result{Source: ex.Source, Line: ex.Line, Skipped: true, SkipReason: SkipCancelled, Findings: []Finding{}}
			continue
		}
		g.Go(func() error {
			out[j.run][j.i] = c.Check(ex)
			return nil
		})
	}
	_ = g.Wait()
	for r := range out {
		run := tracker
		if run == nil {
			run = NewPageTracker()
		}
		for i := range out[r] {
			run.Observe(&out[r][i])
		}
	}
	return out
}

// layerOrder sorts findings by the layer of their rule.
var layerOrder = map[Layer]int{LayerTransport: 0, LayerSchema: 1, LayerClient: 2, LayerInvariant: 3, LayerDeprecation: 4, LayerSecondOpinion: 5, LayerBaseline: 6, LayerEvidence: 7, LayerUpstream: 8, LayerRequest: 9}

// finish collapses repeated findings, removes secrets, and sorts.
func (s *check) finish() []Finding {
	// Only exchanges with findings pay for the secret scan.
	if len(s.findings) == 0 {
		return []Finding{}
	}
	out := collapse(s.findings)
	s.scrubAll(out)
	sortFindings(out)
	return out
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		li, lj := layerOrder[rules[fs[i].ID].Layer], layerOrder[rules[fs[j].ID].Layer]
		if li != lj {
			return li < lj
		}
		if fs[i].Path != fs[j].Path {
			return fs[i].Path < fs[j].Path
		}
		return fs[i].ID < fs[j].ID
	})
}

// Spec returns the name and a copy of the document the checker was built
// from: the embedded spec, or the one WithSpec gave.
func (c *Checker) Spec() (name string, doc []byte) { return c.specName, slices.Clone(c.spec) }

// SpecVersion is info.version of the document the checker was built from.
func (c *Checker) SpecVersion() string { return c.version }

// Operations returns the operationIds of the spec the checker was built
// from, in the spec's order.
func (c *Checker) Operations() []string { return slices.Clone(c.opIDs) }

// missingOperations returns the generated client's operations that ops
// lacks, sorted.
func missingOperations(ops []*operation) []string {
	var missing []string
	for id := range parsers {
		if !slices.ContainsFunc(ops, func(o *operation) bool { return o.id == id }) {
			missing = append(missing, id)
		}
	}
	slices.Sort(missing)
	return missing
}

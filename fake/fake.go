// Package fake serves an in-memory fake of BigCommerce B2B Edition's three
// server-to-server token operations, as the project's contract
// (openapi/b2b-s2s-tokens.yaml) describes them, for tests, demos and the
// contract suite's own checks. A *Server is an http.Handler.
//
// # Operations
//
// The fake serves the operations of the embedded spec (openapi.Operations)
// through the server interface oapi-codegen generates from it (package
// tokensserver), so an operation added to the spec does not compile until
// the fake implements it. It answers at the spec's paths, both at the root
// and under the path of the spec's server URL (/api/io):
//
//	GET    /backend/tokens  list the store's tokens, one page at a time
//	DELETE /auth/backend    delete a token by the id in the JSON body
//	POST   /auth/backend    create a token for the backend user
//
// Every response body is one of the generated envelopes of package tokensapi,
// marshalled as JSON with Content-Type application/json, so the fake cannot
// drift from the spec by accident; the body's code equals the HTTP status. An
// unknown path answers 404 and a wrong method 405 (with Allow), both in the
// error envelope; neither is part of the contract.
//
// # Authentication
//
// The operations whose spec security requires a credential (list and
// delete) need the authToken header. Options.AuthToken always
// authenticates and is never listed: it is the caller's own credential, kept
// outside the store so that the fake never echoes it. Every token in the
// store authenticates too, until it is deleted, as the vendor's listed tokens
// do. A missing or wrong authToken answers 401 in the error envelope; the
// message never repeats the token. Create needs no authToken (the spec's
// security: []): the backend user's email and password in the body are the
// credentials, checked against Options.UserEmail and Options.UserPassword.
//
// # Status choices
//
// The vendor does not document its error responses for these operations; the
// fake makes these choices, each a documented status of the spec:
//
//   - limit over the spec's maximum (openapi.ListPaging): 413, errMsg "The
//     limit parameter exceeded the maximum of N." (the vendor's status guide
//     says 413 means the limit parameter exceeded the maximum);
//   - no limit or offset: the spec's defaults;
//   - limit or offset below the spec's minimum, offset beyond the range of
//     int, a value that is not an integer, a parameter given twice: 422 with
//     errMsg as an object of field names to messages (a malformed query
//     string: 422 with a message), for example
//     {"limit": ["Ensure this value is greater than or equal to 1."]};
//   - a request body that is not a JSON object, has fields missing or of the
//     wrong type, or is not sent as application/json: 422 (field errors where
//     a field is to blame, a message otherwise);
//   - a body over MaxBodyBytes: 413 for create and delete;
//   - create with credentials that do not match the backend user, or for
//     another store hash, or when no backend user is configured: 400 with the
//     vendor's documented errMsg "The email or password you have entered is
//     incorrect. Please try again.";
//   - delete of an id that is not in the store: 404 with the vendor's
//     documented errMsg "No matching token was found.".
//
// # Store
//
// The store holds Options.SeedTokens synthetic tokens in a stable order: ids
// 1..N, names "token N", emails user-N@example.com, eventChannel cycling app,
// admin, api, and token a synthetic JWT (package synthetic) whose payload
// carries the email and the store hash. The same N gives the same tokens on
// every start. A created token gets the next id, eventChannel api, the name
// from the request and a fresh synthetic JWT; it is appended to the list and
// authenticates like the others. Ids are never reused. The store is safe for
// concurrent use.
//
// # Rate limit
//
// The fake enforces Options.RateLimit requests (default 150) per
// Options.RateWindow (default one minute) for its one store, in a fixed window
// that starts with the first request after the previous window ended. Every
// request counts, whatever its outcome, except those refused with 429. Every
// response carries the B2B rate headers:
//
//	X-Requests-Allocated:          150 times/60 s
//	X-Requests-Remaining:          147 times
//	X-Requests-Window-Length:      60 s
//	X-Request-Window-Resets-After: 0.397 s
//	X-Request-Id:                  fake-42
//
// and a 429 also carries Retry-After, in whole seconds (at least 1).
//
// # Knobs
//
// Options.Latency delays every response; Options.FailEvery answers every Nth
// admitted request with Options.FailStatus (500 or 503) in the error
// envelope; Options.Scenario injects a named drift (see Scenarios), which only
// list responses show. Options.Now replaces the clock, for tests.
//
// # Serving
//
// NewHTTPServer wraps a Server in an *http.Server with every connection
// timeout set (header read, whole-request read, write and keep-alive idle;
// DefaultTimeouts, the values `tokens-contract fake` uses): a client that
// sends its body slowly is cut off, and an idle keep-alive connection is
// closed.
package fake

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	tokensapi "github.com/b2b-contract/s2s-tokens/generated"
	"github.com/b2b-contract/s2s-tokens/generated/tokensserver"
	"github.com/b2b-contract/s2s-tokens/internal/ctxsleep"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// Defaults and bounds of Options.
const (
	// DefaultStoreHash is the store hash of the fake's store when
	// Options.StoreHash is empty.
	DefaultStoreHash = "fake0store"
	// DefaultRateLimit is the vendor's documented limit: 150 requests per
	// minute per store.
	DefaultRateLimit = 150
	// DefaultRateWindow is the length of the rate-limit window.
	DefaultRateWindow = time.Minute
	// MaxSeedTokens bounds Options.SeedTokens, so that a typo cannot exhaust
	// memory.
	MaxSeedTokens = 100_000
	// MaxBodyBytes is the largest request body the fake reads (1 MiB).
	MaxBodyBytes = 1 << 20
)

// Options configure a fake server. Only AuthToken is required.
type Options struct {
	// AuthToken is the authToken header value that list and delete accept.
	// Required. It is never listed, logged or echoed.
	AuthToken string

	// SeedTokens is how many synthetic tokens the store starts with, from 0
	// to MaxSeedTokens.
	SeedTokens int

	// StoreHash is the store's hash, in every token item and every token's
	// payload. Default DefaultStoreHash.
	StoreHash string

	// UserEmail and UserPassword are the backend user's credentials that
	// create accepts. Set both or neither; with neither, every create answers
	// 400.
	UserEmail    string
	UserPassword string

	// Latency delays every response by this long (or until the request's
	// context ends).
	Latency time.Duration

	// RateLimit is the number of requests allowed per RateWindow. Zero means
	// DefaultRateLimit.
	RateLimit int
	// RateWindow is the length of the rate-limit window. Zero means
	// DefaultRateWindow.
	RateWindow time.Duration

	// FailEvery, when positive, answers every FailEvery-th admitted request
	// (the FailEvery-th, the 2×FailEvery-th, …) with FailStatus instead of
	// serving it. Deterministic, so tests can rely on it.
	FailEvery int
	// FailStatus is the injected status: 500 (the default) or 503.
	FailStatus int

	// Scenario is the drift to inject; ScenarioNone (the zero value) injects
	// none.
	Scenario Scenario

	// Now returns the current time; nil means time.Now. Tests pass a fake
	// clock to drive the rate-limit window and the Sunset header.
	Now func() time.Time
}

// Server is the fake. It implements http.Handler; create one with New.
type Server struct {
	opts       Options
	sunsetLink string
	// deprecated is the list operation's announced deprecation date
	// (x-deprecation), which ScenarioSunset sends; zero when the spec
	// records none.
	deprecated time.Time

	// What the spec says, read once by New: the operations (the routing
	// table), the list operation, the paging bounds and defaults, and the
	// server URL's path, under which the fake also serves.
	ops      []openapi.Operation
	listID   string
	paging   openapi.Paging
	basePath string
	// mux serves the operations through the server interface generated
	// from the spec (package tokensserver), at the root and under basePath.
	mux *http.ServeMux

	mu          sync.Mutex
	tokens      []tokensapi.Token // ordered by id
	byToken     map[string]int    // token value → id, for authentication
	nextID      int
	requests    int64 // every request, for X-Request-Id
	admitted    int64 // requests not refused with 429, for FailEvery
	windowStart time.Time
	windowUsed  int
}

// New checks opts and returns a fake server with its store seeded.
func New(opts Options) (*Server, error) {
	if opts.AuthToken == "" {
		return nil, errors.New("fake: Options.AuthToken is required")
	}
	if opts.SeedTokens < 0 || opts.SeedTokens > MaxSeedTokens {
		return nil, fmt.Errorf("fake: Options.SeedTokens is %d; want 0 to %d", opts.SeedTokens, MaxSeedTokens)
	}
	if opts.StoreHash == "" {
		opts.StoreHash = DefaultStoreHash
	}
	if (opts.UserEmail == "") != (opts.UserPassword == "") {
		return nil, errors.New("fake: set both Options.UserEmail and Options.UserPassword, or neither")
	}
	if opts.UserEmail != "" && !validEmail(opts.UserEmail) {
		return nil, errors.New("fake: Options.UserEmail is not a valid email address")
	}
	if opts.Latency < 0 {
		return nil, fmt.Errorf("fake: Options.Latency is %v; want zero or more", opts.Latency)
	}
	switch {
	case opts.RateLimit < 0:
		return nil, fmt.Errorf("fake: Options.RateLimit is %d; want zero (the default, %d) or more", opts.RateLimit, DefaultRateLimit)
	case opts.RateLimit == 0:
		opts.RateLimit = DefaultRateLimit
	}
	switch {
	case opts.RateWindow < 0:
		return nil, fmt.Errorf("fake: Options.RateWindow is %v; want zero (the default, %v) or more", opts.RateWindow, DefaultRateWindow)
	case opts.RateWindow == 0:
		opts.RateWindow = DefaultRateWindow
	}
	if opts.FailEvery < 0 {
		return nil, fmt.Errorf("fake: Options.FailEvery is %d; want zero (never) or more", opts.FailEvery)
	}
	switch opts.FailStatus {
	case 0:
		opts.FailStatus = http.StatusInternalServerError
	case http.StatusInternalServerError, http.StatusServiceUnavailable:
	default:
		return nil, fmt.Errorf("fake: Options.FailStatus is %d; want 500 or 503", opts.FailStatus)
	}
	if _, err := ParseScenario(string(opts.Scenario)); err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:    opts,
		tokens:  make([]tokensapi.Token, 0, opts.SeedTokens),
		byToken: make(map[string]int, opts.SeedTokens),
		nextID:  1,
	}
	if err := s.readSpec(); err != nil {
		return nil, fmt.Errorf("fake: %w", err)
	}
	channels := []tokensapi.EventChannel{tokensapi.EventChannelApp, tokensapi.EventChannelAdmin, tokensapi.EventChannelAPI}
	for i := range opts.SeedTokens {
		n := i + 1
		s.add(fmt.Sprintf("token %d", n), fmt.Sprintf("user-%d@example.com", n), channels[i%len(channels)])
	}
	return s, nil
}

// add appends a token with the next id to the store and returns it. The
// caller holds s.mu (or owns s exclusively, as New does).
func (s *Server) add(name, email string, channel tokensapi.EventChannel) tokensapi.Token {
	id := s.nextID
	s.nextID++
	t := tokensapi.Token{
		ID:           id,
		Name:         name,
		Email:        email,
		StoreHash:    s.opts.StoreHash,
		EventChannel: channel,
		Token: synthetic.NewJWT(synthetic.Claims{
			Email: email, StoreHash: s.opts.StoreHash, ID: "fake-" + strconv.Itoa(id),
		}),
	}
	s.tokens = append(s.tokens, t)
	s.byToken[t.Token] = id
	return t
}

// Len returns how many tokens the store holds now.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tokens)
}

// StoreHash returns the store hash the fake serves.
func (s *Server) StoreHash() string { return s.opts.StoreHash }

// readSpec fills in what the fake takes from the embedded spec and builds
// the generated handler.
func (s *Server) readSpec() error {
	info, err := openapi.SpecInfo()
	if err != nil {
		return err
	}
	s.sunsetLink = info.Vendor.Page
	if s.ops, err = openapi.Operations(); err != nil {
		return err
	}
	list, err := openapi.ListOperation()
	if err != nil {
		return err
	}
	s.listID = list.ID
	if list.Announced != nil {
		s.deprecated = list.Announced.Date
	}
	if s.paging, err = openapi.ListPaging(); err != nil {
		return err
	}
	server, err := openapi.ServerURL()
	if err != nil {
		return err
	}
	u, err := url.Parse(server)
	if err != nil {
		return fmt.Errorf("the spec's server URL: %w", err)
	}
	s.basePath = strings.TrimSuffix(u.Path, "/")
	s.mux = http.NewServeMux()
	bases := []string{""}
	if s.basePath != "" {
		bases = append(bases, s.basePath)
	}
	for _, base := range bases {
		tokensserver.HandlerWithOptions(handlers{s}, tokensserver.StdHTTPServerOptions{
			BaseURL:          base,
			BaseRouter:       s.mux,
			ErrorHandlerFunc: s.parameterError,
		})
	}
	return nil
}

// route finds the spec operation a request asks for, at the root or under
// the server URL's path. For a known path with a method the spec does not
// give it, allow lists the methods it does.
func (s *Server) route(r *http.Request) (op *openapi.Operation, allow string) {
	p := r.URL.Path
	if rest, ok := strings.CutPrefix(p, s.basePath); ok && s.basePath != "" && strings.HasPrefix(rest, "/") {
		p = rest
	}
	var methods []string
	for i := range s.ops {
		o := &s.ops[i]
		if o.Path != p {
			continue
		}
		if o.Method == r.Method {
			return o, ""
		}
		methods = append(methods, o.Method)
	}
	slices.Sort(methods)
	return nil, strings.Join(methods, ", ")
}

// rateState is the rate-limit accounting of one request.
type rateState struct {
	requestID    int64
	limited      bool
	remaining    int
	resetsAfter  time.Duration
	failInjected bool
}

// admit counts a request against the window and decides whether it is
// refused (429) or answered with an injected failure.
func (s *Server) admit(now time.Time) rateState {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	st := rateState{requestID: s.requests}
	if s.windowStart.IsZero() || !now.Before(s.windowStart.Add(s.opts.RateWindow)) {
		s.windowStart, s.windowUsed = now, 0
	}
	st.resetsAfter = s.windowStart.Add(s.opts.RateWindow).Sub(now)
	if s.windowUsed >= s.opts.RateLimit {
		st.limited = true
		return st
	}
	s.windowUsed++
	st.remaining = s.opts.RateLimit - s.windowUsed
	s.admitted++
	st.failInjected = s.opts.FailEvery > 0 && s.admitted%int64(s.opts.FailEvery) == 0
	return st
}

// seconds formats d in seconds without a needless fraction: 60, 1.5.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

func (s *Server) setRateHeaders(h http.Header, st rateState) {
	h.Set("X-Request-Id", "fake-"+strconv.FormatInt(st.requestID, 10))
	h.Set("X-Requests-Allocated", fmt.Sprintf("%d times/%s s", s.opts.RateLimit, seconds(s.opts.RateWindow)))
	h.Set("X-Requests-Remaining", fmt.Sprintf("%d times", st.remaining))
	h.Set("X-Requests-Window-Length", seconds(s.opts.RateWindow)+" s")
	h.Set("X-Request-Window-Resets-After", fmt.Sprintf("%.3f s", st.resetsAfter.Seconds()))
	if st.limited {
		retry := int64((st.resetsAfter + time.Second - 1) / time.Second)
		h.Set("Retry-After", strconv.FormatInt(max(retry, 1), 10))
	}
}

// ServeHTTP answers one request; see the package documentation for what it
// serves.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if ctxsleep.Sleep(r.Context(), s.opts.Latency) != nil {
		return // the client is gone
	}
	now := s.opts.Now()
	st := s.admit(now)
	h := w.Header()
	s.setRateHeaders(h, st)
	op, allow := s.route(r)
	list := op != nil && op.ID == s.listID
	if list && s.opts.Scenario == ScenarioSunset {
		setSunsetHeaders(h, now, s.deprecated, s.sunsetLink)
	}
	switch {
	case st.limited:
		writeError(w, errorf(http.StatusTooManyRequests, "Too many requests: the store's limit of %d requests per %s s is used up.", s.opts.RateLimit, seconds(s.opts.RateWindow)))
	case op == nil && allow != "":
		h.Set("Allow", allow)
		writeError(w, errorf(http.StatusMethodNotAllowed, "Method %s is not allowed here; use %s.", r.Method, allow))
	case op == nil:
		writeError(w, errorf(http.StatusNotFound, "No operation at %s.", r.URL.Path))
	case st.failInjected:
		writeError(w, injectedFailure(s.opts.FailStatus))
	case list && s.opts.Scenario == ScenarioEndpointGone:
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusGone)
		_, _ = w.Write([]byte(goneBody))
	case op.Auth && !s.authenticated(r) && !(list && s.opts.Scenario == ScenarioBadTokenAccepted && r.Header.Get("authToken") != ""):
		writeError(w, unauthorized(r))
	default:
		// The generated handler binds the parameters and calls handlers.
		if _, pattern := s.mux.Handler(r); pattern == "" {
			// A path the spec names but the mux does not match as sent
			// (an escaped slash, say).
			writeError(w, errorf(http.StatusNotFound, "No operation at %s.", r.URL.Path))
			return
		}
		s.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), nowKey{}, now)))
	}
}

// nowKey carries the time ServeHTTP read the clock to the handlers, so that
// a request sees one time.
type nowKey struct{}

// requestTime returns the time ServeHTTP stored in the request's context.
func (s *Server) requestTime(r *http.Request) time.Time {
	if t, ok := r.Context().Value(nowKey{}).(time.Time); ok {
		return t
	}
	return s.opts.Now()
}

// authenticated reports whether the request's authToken is Options.AuthToken
// or a token in the store.
func (s *Server) authenticated(r *http.Request) bool {
	got := r.Header.Get("authToken")
	if got == "" {
		return false
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(s.opts.AuthToken)) == 1 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.byToken[got]
	return ok
}

func unauthorized(r *http.Request) *apiError {
	if r.Header.Get("authToken") == "" {
		const msg = "Invalid token header. No credentials provided."
		return &apiError{status: http.StatusUnauthorized, meta: msg, msg: stringMessage(msg)}
	}
	// Never repeat the token that was sent.
	return errorf(http.StatusUnauthorized, "Invalid token header. The token is wrong or has been deleted.")
}

func injectedFailure(status int) *apiError {
	if status == http.StatusServiceUnavailable {
		return errorf(status, "Service unavailable (injected by the fake).")
	}
	return errorf(status, "Internal server error (injected by the fake).")
}

// apiError is an error response in the B2B error envelope.
type apiError struct {
	status int
	meta   string
	msg    tokensapi.ErrorMessage
}

// metaMessages are the envelope's meta.message per status.
var metaMessages = map[int]string{
	http.StatusBadRequest:            "API logic error",
	http.StatusUnauthorized:          "Unauthorized",
	http.StatusNotFound:              "Not Found Error",
	http.StatusMethodNotAllowed:      "Method Not Allowed",
	http.StatusRequestEntityTooLarge: "Request Entity Too Large",
	http.StatusUnprocessableEntity:   "Validation Error",
	http.StatusTooManyRequests:       "Too Many Requests",
	http.StatusInternalServerError:   "Internal Server Error",
	http.StatusBadGateway:            "Bad Gateway",
	http.StatusServiceUnavailable:    "Service Unavailable",
	http.StatusGatewayTimeout:        "Gateway Timeout",
}

func stringMessage(text string) tokensapi.ErrorMessage {
	var m tokensapi.ErrorMessage
	_ = m.FromErrorMessage0(text) // marshalling a string cannot fail
	return m
}

// errorf returns an error response whose errMsg is a string.
func errorf(status int, format string, args ...any) *apiError {
	return &apiError{status: status, meta: metaMessages[status], msg: stringMessage(fmt.Sprintf(format, args...))}
}

// fieldErrors returns a 422 whose errMsg names the fields at fault.
func fieldErrors(fe tokensapi.FieldErrors) *apiError {
	var m tokensapi.ErrorMessage
	if err := m.FromFieldErrors(fe); err != nil {
		return errorf(http.StatusUnprocessableEntity, "The request has invalid fields.")
	}
	return &apiError{status: http.StatusUnprocessableEntity, meta: metaMessages[http.StatusUnprocessableEntity], msg: m}
}

// WriteError writes an error response in the spec's B2B error envelope
// (tokensapi.ErrorEnvelope), as the fake answers its own errors: code is
// status, data.errMsg is message, and meta.message names the kind of error
// (the vendor's wording for the statuses the fake answers, otherwise the
// status text). tokens-contract proxy answers its own errors with it, so a
// caller's error handling sees the shape it expects from the endpoint.
func WriteError(w http.ResponseWriter, status int, message string) {
	meta, ok := metaMessages[status]
	if !ok {
		meta = http.StatusText(status)
	}
	writeError(w, &apiError{status: status, meta: meta, msg: stringMessage(message)})
}

func writeError(w http.ResponseWriter, e *apiError) {
	msg := e.msg
	writeJSON(w, e.status, tokensapi.ErrorEnvelope{
		Code: e.status,
		Data: tokensapi.ErrorData{ErrMsg: &msg},
		Meta: tokensapi.Meta{Message: e.meta},
	})
}

// writeJSON marshals v (one of the generated envelopes) and writes it.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"code":500,"data":{"errMsg":"The fake could not encode its response."},"meta":{"message":"Internal Server Error"}}`)
	}
	writeBody(w, status, body)
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// validEmail reports whether s is a bare address such as user@example.com.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

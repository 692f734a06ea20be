package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/b2b-contract/s2s-tokens/internal/baseurl"
	"github.com/b2b-contract/s2s-tokens/internal/ctxsleep"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// DefaultBaseURL is the base URL a new Client talks to: the spec's server
// URL (servers[0].url), read from the embedded spec (package openapi).
// Changing it changes nothing; pass WithBaseURL instead.
var DefaultBaseURL = mustServerURL()

// defaultServer is DefaultBaseURL as parseBaseURL returns it.
var defaultServer = mustParseBaseURL(DefaultBaseURL)

func mustServerURL() string {
	u, err := openapi.ServerURL()
	if err != nil {
		panic("client: " + err.Error())
	}
	return u
}

func mustParseBaseURL(raw string) string {
	s, err := parseBaseURL(raw)
	if err != nil {
		panic("client: the spec's server URL is not a valid base URL: " + err.Error())
	}
	return s
}

// Defaults of a new Client.
const (
	// DefaultMaxBodyBytes caps every response body the client reads (after
	// decompression). A full page of 250 tokens is about 150 KiB.
	DefaultMaxBodyBytes int64 = 4 << 20
	// DefaultTimeout bounds each request (headers and body) of the
	// *http.Client that New makes when none is given.
	DefaultTimeout = 30 * time.Second
	// DefaultUserAgent is sent unless WithUserAgent says otherwise.
	DefaultUserAgent = "s2s-tokens-client (+https://github.com/b2b-contract/s2s-tokens)"
)

// MigrationAdvice is the list operation's deprecation notice, as the spec's
// x-deprecated-reason gives it, read from the embedded spec. A
// DeprecationNotice carries its own operation's advice.
var MigrationAdvice = opList.DeprecatedReason

// authHeader is the B2B Edition auth header, sent with the vendor's spelling.
const authHeader = "authToken"

// Client calls the B2B Edition server-to-server token operations. It is safe
// for concurrent use by many goroutines; make one and share it.
type Client struct {
	server        string // the base URL, ending in "/", for the generated request builders
	auth          Secret
	hc            *http.Client
	wrapTransport func(http.RoundTripper) http.RoundTripper
	retry         RetryPolicy
	userAgent     string
	logger        *slog.Logger
	onDeprecation func(DeprecationNotice)
	maxBody       int64

	// now and sleep are replaced by tests, so that no test waits for real.
	now   func() time.Time
	sleep func(context.Context, time.Duration) error

	deprecation []deprecationState // one per entry of operations
}

// Option configures a Client. Options are applied in order; a later one
// overrides an earlier one.
type Option func(*Client) error

// WithAuthToken sets the B2B Edition authToken sent with List, All, FetchAll
// and Delete. Create does not send it (see Create). The token is kept in a
// Secret: it never appears in an error, a log line or %v output.
func WithAuthToken(token string) Option {
	return func(c *Client) error {
		switch {
		case token == "":
			return errors.New("the auth token is empty")
		case strings.TrimSpace(token) != token:
			return errors.New("the auth token has leading or trailing white space")
		case strings.ContainsFunc(token, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			return errors.New("the auth token contains control characters")
		}
		c.auth = NewSecret(token)
		return nil
	}
}

// WithBaseURL replaces DefaultBaseURL, for a proxy, the fake server or a
// test server. It must be an https URL, or an http URL whose host is a
// loopback address (127.0.0.0/8, ::1 or localhost). It must carry no user
// information, query or fragment.
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		server, err := parseBaseURL(raw)
		if err != nil {
			return err
		}
		c.server = server
		return nil
	}
}

// WithHTTPClient sets the *http.Client that sends requests. The client
// uses a copy, so the one given is never changed: the copy gets a
// CheckRedirect that refuses redirects to another origin (it then calls the
// given client's CheckRedirect, if any). Do not set Accept-Encoding in its
// transport: the body cap relies on the transport decompressing bodies.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("the *http.Client is nil")
		}
		c.hc = hc
		return nil
	}
}

// WithTransportWrapper wraps the transport of the client's *http.Client (the
// default one, or the one given to WithHTTPClient) with wrap, for
// middleware that observes requests, such as contract/watch's validating
// transport: client.WithTransportWrapper(w.Wrap). A nil transport is passed
// as http.DefaultTransport. The wrapper must return the response it gets
// unchanged.
func WithTransportWrapper(wrap func(http.RoundTripper) http.RoundTripper) Option {
	return func(c *Client) error {
		if wrap == nil {
			return errors.New("the transport wrapper is nil")
		}
		c.wrapTransport = wrap
		return nil
	}
}

// WithRetryPolicy sets how reads are retried (see RetryPolicy). Zero fields
// take their defaults; NoRetry turns retries off.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = p.withDefaults()
		return c.retry.validate()
	}
}

// WithUserAgent replaces DefaultUserAgent.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if ua == "" || strings.ContainsFunc(ua, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return errors.New("the user agent is empty or contains control characters")
		}
		c.userAgent = ua
		return nil
	}
}

// WithLogger sets the logger for deprecation warnings (by default) and for
// retries (at debug level). The default is slog.Default(). Nothing the
// client logs contains a token value, an email or a password.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l == nil {
			return errors.New("the logger is nil")
		}
		c.logger = l
		return nil
	}
}

// WithDeprecationHandler sets the function called when an operation's
// response first carries a Deprecation, Sunset or deprecation/sunset Link
// header: once per operation per Client, synchronously, from the goroutine
// that made the call. The call itself never fails because of those headers,
// nor because the handler panics (the panic is logged). The default handler
// logs a warning; nil turns the notices off.
func WithDeprecationHandler(h func(DeprecationNotice)) Option {
	return func(c *Client) error {
		if h == nil {
			h = func(DeprecationNotice) {}
		}
		c.onDeprecation = h
		return nil
	}
}

// WithMaxBodyBytes replaces DefaultMaxBodyBytes. A response whose
// (decompressed) body is larger fails with ErrResponseTooLarge.
func WithMaxBodyBytes(n int64) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("the body cap is %d bytes; it must be at least 1", n)
		}
		c.maxBody = n
		return nil
	}
}

// New returns a Client. With no options it talks to DefaultBaseURL with no
// auth token (enough for Create only), DefaultMaxBodyBytes,
// the default RetryPolicy, and an *http.Client with DefaultTimeout. An
// option's error wraps ErrInvalidArgument.
func New(opts ...Option) (*Client, error) {
	c := &Client{
		server:      defaultServer,
		retry:       RetryPolicy{}.withDefaults(),
		userAgent:   DefaultUserAgent,
		maxBody:     DefaultMaxBodyBytes,
		now:         time.Now,
		sleep:       ctxsleep.Sleep,
		deprecation: make([]deprecationState, len(operations)),
	}
	for i, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("client.New: %w: option %d is nil", ErrInvalidArgument, i)
		}
		if err := o(c); err != nil {
			return nil, fmt.Errorf("client.New: %w: %w", ErrInvalidArgument, err)
		}
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	if c.onDeprecation == nil {
		c.onDeprecation = c.logDeprecation
	}
	if c.hc == nil {
		c.hc = defaultHTTPClient()
	}
	c.hc = guardRedirects(c.hc) // a copy: the wrapper below never touches the caller's client
	if c.wrapTransport != nil {
		rt := c.hc.Transport
		if rt == nil {
			rt = http.DefaultTransport
		}
		if c.hc.Transport = c.wrapTransport(rt); c.hc.Transport == nil {
			return nil, fmt.Errorf("client.New: %w: the transport wrapper returned nil", ErrInvalidArgument)
		}
	}
	return c, nil
}

func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	// FetchAll keeps up to MaxConcurrency requests in flight; keep their
	// connections instead of dialling again for every page.
	t.MaxIdleConnsPerHost = MaxConcurrency
	return &http.Client{Transport: t, Timeout: DefaultTimeout}
}

// guardRedirects returns a copy of hc whose CheckRedirect refuses a redirect
// to another origin (scheme, host or port), which net/http would follow with
// the authToken header, and a redirect that changes a write's method.
func guardRedirects(hc *http.Client) *http.Client {
	cp := *hc
	next := hc.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0]
		switch {
		case origin(req.URL) != origin(first.URL):
			return fmt.Errorf("%w: %s %s was redirected from %s to %s; the client does not send its credentials to another origin",
				ErrRedirectRefused, first.Method, first.URL.Path, origin(first.URL), origin(req.URL))
		case req.Method != first.Method:
			return fmt.Errorf("%w: %s %s was redirected with method %s", ErrRedirectRefused, first.Method, first.URL.Path, req.Method)
		case len(via) >= 10:
			return fmt.Errorf("%w: stopped after 10 redirects", ErrRedirectRefused)
		case next != nil:
			return next(req, via)
		}
		return nil
	}
	return &cp
}

// origin returns scheme://host:port with the default port filled in.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// parseBaseURL checks a base URL by the module's rule (internal/baseurl)
// and returns it with a trailing "/", the form the generated request builders
// resolve operation paths against.
func parseBaseURL(raw string) (string, error) {
	u, err := baseurl.Parse(raw)
	if err != nil {
		return "", err
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	return u.String(), nil
}

// Package baseurl is the module's one rule for the URL of a server that
// will receive a credential: the client's base URL (client.WithBaseURL),
// the live prober's (--base-url, B2B_BASE_URL) and any upstream a future
// proxy forwards to.
//
// The URL must be absolute with a host, and either https, or plain http to a
// loopback host (127.0.0.0/8, ::1 or localhost: a local stand-in such as the
// fake), since over plain http the token would cross the network in clear
// text. It may carry no user information, query or fragment: credentials
// travel in a header, and a base URL is a prefix for operation paths.
//
// One exception, for an operator who knows the network between the two
// ends (a fake in another container of a compose file or a test namespace):
// AllowPlainHTTP admits plain http to any host. The caller says so at start
// (tokens-contract proxy --allow-plain-upstream logs a warning); Plain tells
// whether a URL needed the exception.
//
// Error messages name what is wrong and never repeat the URL, which could
// hold a password or a token in its user information or query.
package baseurl

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Option relaxes the rule for one call of Parse.
type Option func(*policy)

type policy struct{ plainHTTP bool }

// AllowPlainHTTP admits plain http to a host that is not loopback, when
// allow is true.
func AllowPlainHTTP(allow bool) Option {
	return func(p *policy) { p.plainHTTP = p.plainHTTP || allow }
}

// Plain reports whether u is plain http to a host that is not loopback: a
// URL that only AllowPlainHTTP admits.
func Plain(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, "http") && !Loopback(u.Hostname())
}

// Parse checks raw against the rule and returns it parsed, with its scheme
// in lower case and its path as given.
func Parse(raw string, opts ...Option) (*url.URL, error) {
	var p policy
	for _, o := range opts {
		o(&p)
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, which may hold credentials
		}
		return nil, fmt.Errorf("the base URL is not a valid URL: %w", err)
	}
	switch {
	case u.User != nil:
		return nil, errors.New("the base URL carries user information (user:password@); remove it: " +
			"credentials travel in a header, never in the URL")
	case !u.IsAbs() || u.Host == "":
		return nil, errors.New("the base URL is not absolute (it needs a scheme and a host); want https://host[/path]")
	case u.RawQuery != "" || u.ForceQuery:
		return nil, errors.New("the base URL has a query; want https://host[/path]")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, errors.New("the base URL has a fragment; want https://host[/path]")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch u.Scheme {
	case "https":
	case "http":
		if !p.plainHTTP && !Loopback(u.Hostname()) {
			return nil, fmt.Errorf("the base URL is plain http to host %q, which is not a loopback address: "+
				"the token would cross the network unencrypted; use https (plain http is allowed for 127.0.0.0/8, ::1 and localhost only)",
				u.Hostname())
		}
	default:
		return nil, fmt.Errorf("the base URL has scheme %q; want https (or http to a loopback address)", u.Scheme)
	}
	return u, nil
}

// Loopback reports whether host (a name or an IP address, without a port)
// is localhost or a loopback address.
func Loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ParsePrefix is Parse for a base URL used as a prefix of operation paths:
// the path loses its trailing slashes and any escaped form (RawPath).
func ParsePrefix(raw string, opts ...Option) (*url.URL, error) {
	u, err := Parse(raw, opts...)
	if err != nil {
		return nil, err
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

package live

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

// DefaultBaseURL returns the server URL of the embedded spec
// (openapi.ServerURL), which a live run probes unless told otherwise.
func DefaultBaseURL() (string, error) {
	u, err := openapi.ServerURL()
	if err != nil {
		return "", fmt.Errorf("live: %w", err)
	}
	return u, nil
}

// ParseBaseURL checks a base URL for a live run and returns it without a
// trailing slash. It must be absolute https, or plain http to a loopback
// address only (127.0.0.0/8, ::1, localhost: a local stand-in such as the
// fake), and it may carry no user information, query or fragment. Error
// messages never repeat a URL that carries user information.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("the base URL is not a valid URL")
	}
	if u.User != nil {
		return nil, errors.New("the base URL carries user information (user:password@); " +
			"remove it: the token comes from B2B_AUTH_TOKEN and nothing else is sent")
	}
	switch {
	case !u.IsAbs() || u.Host == "":
		return nil, fmt.Errorf("the base URL %q is not absolute; want https://host[/path]", raw)
	case u.RawQuery != "" || u.ForceQuery:
		return nil, fmt.Errorf("the base URL %q has a query; want https://host[/path]", raw)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, fmt.Errorf("the base URL %q has a fragment; want https://host[/path]", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !loopback(u.Hostname()) {
			return nil, fmt.Errorf("the base URL %q is plain http to a host that is not loopback; "+
				"the token would cross the network unencrypted: use https (http is allowed for 127.0.0.1, ::1 and localhost only)", raw)
		}
	default:
		return nil, fmt.Errorf("the base URL %q has scheme %q; want https (or http to a loopback address)", raw, u.Scheme)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// loopback reports whether host is a loopback address or localhost.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

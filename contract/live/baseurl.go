package live

import (
	"fmt"
	"net/url"

	"github.com/b2b-contract/s2s-tokens/internal/baseurl"
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

// ParseBaseURL checks a base URL for a live run by the module's rule
// (internal/baseurl: https, or plain http to a loopback address only; no user
// information, query or fragment) and returns it with its scheme in lower
// case and without a trailing slash. Error messages never repeat the URL.
func ParseBaseURL(raw string) (*url.URL, error) {
	return baseurl.ParsePrefix(raw)
}

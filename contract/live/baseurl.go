package live

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/b2b-contract/s2s-tokens/internal/baseurl"
	"github.com/b2b-contract/s2s-tokens/internal/specload"
)

// DefaultBaseURL returns the server URL of the embedded spec
// (https://api-b2b.bigcommerce.com/api/io), which a live run probes unless
// told otherwise.
func DefaultBaseURL() (string, error) { return specServer() }

var specServer = sync.OnceValues(func() (string, error) {
	doc, err := specload.EmbeddedKin()
	if err != nil {
		return "", fmt.Errorf("live: %w", err)
	}
	if len(doc.Servers) == 0 || doc.Servers[0].URL == "" {
		return "", errors.New("live: the embedded spec declares no server URL")
	}
	return doc.Servers[0].URL, nil
})

// ParseBaseURL checks a base URL for a live run by the module's rule
// (internal/baseurl: https, or plain http to a loopback address only; no user
// information, query or fragment) and returns it with its scheme in lower
// case and without a trailing slash. Error messages never repeat the URL.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := baseurl.Parse(raw)
	if err != nil {
		return nil, err
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

package contract

import (
	"net/url"
	"strings"
)

// Handles reports whether an exchange with this method and request URL is,
// or nearly is, an operation of the contract: whether Check would judge it,
// or skip it as a near miss (an operation's path under another base path,
// see PathMismatchFindings), rather than skip it as "not an operation of the
// contract". Recording loaders use it to read other endpoints' entries
// without their headers and bodies. It does not know the base path a
// recording may record, so it keeps near misses for Check to tell apart.
func (c *Checker) Handles(method, rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	op, near := match(libsOf(c).ops, c.basePath, strings.ToUpper(method), u.Path)
	return op != nil || near != ""
}

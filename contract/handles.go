package contract

import (
	"net/url"
	"strings"
)

// Handles reports whether an exchange with this method and request URL is an
// operation of the contract: whether Check would judge it rather than skip it
// as "not an operation of the contract". Recording loaders use it to read
// other endpoints' entries without their headers and bodies.
func (c *Checker) Handles(method, rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	return match(libsOf(c).ops, strings.ToUpper(method), u.Path) != nil
}

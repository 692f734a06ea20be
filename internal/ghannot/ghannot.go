// Package ghannot escapes text for GitHub Actions workflow commands
// (::error file=…::message), the module's one copy of those rules, used by
// the findings report and the spec guard.
package ghannot

import "strings"

var (
	data     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	property = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// Data escapes a workflow command's message: '%' first, so that the escapes
// it introduces stay intact, then carriage returns and newlines.
func Data(s string) string { return data.Replace(s) }

// Property escapes a workflow command property value (title, file), which
// also may not contain ':' or ','.
func Property(s string) string { return property.Replace(s) }

// Package exitcode holds the exit codes of the module's commands, as the
// CLI contract defines them: 0 nothing at or above the failure threshold,
// 1 findings (or violations) at or above it, 2 a usage error or an input that
// cannot be read. tokens-contract, specguard and the report renderers use
// these and no other copy.
package exitcode

// The exit codes.
const (
	// OK: nothing at or above the threshold.
	OK = 0
	// Findings: findings or violations at or above the threshold.
	Findings = 1
	// Usage: a usage error, or an input that cannot be read.
	Usage = 2
)

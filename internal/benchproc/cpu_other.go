//go:build !unix

package benchproc

import "time"

// CPUTime returns the user+system CPU time the process has used so far, and
// true; false where the platform cannot tell.
func CPUTime() (time.Duration, bool) { return 0, false }

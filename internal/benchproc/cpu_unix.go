//go:build unix

package benchproc

import (
	"syscall"
	"time"
)

// CPUTime returns the user+system CPU time the process has used so far, and
// true; false where the platform cannot tell.
func CPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}

// Package ctxsleep waits for a duration or until a context ends, whichever
// comes first: the module's one copy of that helper, used by the client's
// retries, the live prober's waits and the fake's latency.
package ctxsleep

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx is done. It returns nil when d passed, and
// ctx.Err() when ctx ended first (or had already ended, even if d <= 0).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

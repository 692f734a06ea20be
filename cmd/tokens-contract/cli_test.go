package main

import (
	"context"
	"testing"
)

// runCLI runs the CLI in-process with args and an empty environment, and
// returns its exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	env, stdout, stderr := testEnv(nil)
	code := run(context.Background(), env, args)
	return code, stdout.String(), stderr.String()
}

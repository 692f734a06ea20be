//go:build !race

package main

// raceEnabled is true when the tests run with the race detector: a test that
// builds the command builds it with -race too, so that it reuses the
// packages the test build compiled instead of compiling them all again.
const raceEnabled = false

//go:build !race

// Package racedetect says whether the binary was built with the race
// detector, for tests that must adapt to it: under -race, sync.Pool drops
// items at random (allocation counts mean nothing), everything runs several
// times slower (skip the largest inputs), and a child build should use -race
// too so it reuses the test build's packages.
package racedetect

// Enabled is true when the binary is built with the race detector.
const Enabled = false

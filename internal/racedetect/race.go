//go:build race

package racedetect

// Enabled is true when the binary is built with the race detector.
const Enabled = true

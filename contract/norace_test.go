//go:build !race

package contract_test

// raceEnabled is true when the tests run with the race detector, which makes
// the largest bodies too slow to check in the suite (their benchmarks cover
// them).
const raceEnabled = false

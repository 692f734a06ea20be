//go:build race

package watch

// raceEnabled is true when the tests run with the race detector, under which
// sync.Pool drops items at random and allocation counts mean nothing.
const raceEnabled = true

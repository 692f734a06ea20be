package recording_test

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
)

// ExampleLoader reads a directory of HAR exports one file at a time,
// keeping only the exchanges the checker judges (the others are counted in
// Recording.Skipped), and checks each file as one run.
func ExampleLoader() {
	checker, err := contract.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	l := &recording.Loader{Keep: checker.Handles}
	errs := l.Each(ctx, []string{filepath.Join("testdata", "har")}, func(rec *recording.Recording) {
		checked := 0
		for _, res := range checker.CheckSequence(ctx, rec.Exchanges) {
			if !res.Skipped {
				checked++
			}
		}
		fmt.Printf("%s: %d entries, %d checked, %d skipped, %d notes\n", filepath.Base(rec.Path),
			len(rec.Exchanges)+rec.Skipped.Total(), checked, rec.Skipped.Total(), len(rec.Notes))
	})
	fmt.Println(len(errs), "unreadable")
	// Output:
	// charles.har: 1 entries, 1 checked, 0 skipped, 1 notes
	// chrome-sanitized.har: 2 entries, 1 checked, 1 skipped, 0 notes
	// firefox.har: 2 entries, 2 checked, 0 skipped, 0 notes
	// mitmproxy.har: 2 entries, 2 checked, 0 skipped, 1 notes
	// 0 unreadable
}

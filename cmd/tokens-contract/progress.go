package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
)

// progress shows how far a long check has got on standard error, when
// standard error is a terminal, at most a few times a second; it is silent
// otherwise (pipes, files, CI logs).
type progress struct {
	w        io.Writer
	on       bool
	shown    bool
	last     time.Time
	done     int // entries of the recordings already checked
	read     int // entries read of the current recording
	checkedN int // exchanges checked (not skipped)
	findings int
}

// progressInterval is how often the progress line is redrawn.
const progressInterval = 200 * time.Millisecond

func newProgress(w io.Writer) *progress {
	return &progress{w: w, on: isTerminal(w)}
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// entries is the loader's callback: n entries of the current recording read.
func (p *progress) entries(n int) {
	p.read = n
	p.draw(false)
}

// checked counts the results of one recording and the entries its loader
// skipped (Recording.Skipped).
func (p *progress) checked(res []contract.Result, skipped int) {
	p.done += len(res) + skipped
	p.read = 0
	for _, r := range res {
		if !r.Skipped {
			p.checkedN++
		}
		p.findings += len(r.Findings)
	}
	p.draw(true)
}

func (p *progress) draw(force bool) {
	if !p.on || (!force && time.Since(p.last) < progressInterval) {
		return
	}
	p.last = time.Now()
	p.shown = true
	fmt.Fprintf(p.w, "\r\033[Ktokens-contract check: %d entries read, %d exchanges checked, %d findings so far", p.done+p.read, p.checkedN, p.findings)
}

// clear removes the progress line before other output.
func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

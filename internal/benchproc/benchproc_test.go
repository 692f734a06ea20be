package benchproc

import (
	"runtime"
	"testing"
	"time"
)

func TestCPUTimeCountsWork(t *testing.T) {
	before, ok := CPUTime()
	if !ok {
		if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
			t.Skip("CPUTime cannot tell on", runtime.GOOS)
		}
		t.Fatal("CPUTime reports it cannot tell on a unix system")
	}
	// Spin until the process clock has moved by 20 ms: CPUTime must see it.
	x := 0
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); x++ {
		if now, _ := CPUTime(); now-before >= 20*time.Millisecond {
			return
		}
	}
	t.Fatalf("after 2 s of spinning (%d rounds), CPUTime moved by less than 20 ms", x)
}

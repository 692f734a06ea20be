//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
)

// TestCheckFIFOIsUnreadableInput pins issue 13's hang at the CLI: a FIFO
// given as PATH, behind a symlink or found in a directory is an unreadable
// input (exit 2, naming it), and the other recordings are still checked.
func TestCheckFIFOIsUnreadableInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	link := filepath.Join(t.TempDir(), "link.har")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, link, dir} {
		done := make(chan struct{})
		var code int
		var stdout, stderr string
		go func() {
			defer close(done)
			code, stdout, stderr = runCLI(t, "check", path, recordingsDir+"/delete-200.yaml")
		}()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			t.Fatalf("check %s hangs", path)
		}
		if code != exitcode.Usage || !strings.Contains(stderr, "not a regular file") {
			t.Errorf("check %s: exit %d, stderr %q; want exit 2 and %q", path, code, stderr, "not a regular file")
		}
		if !strings.Contains(stdout, "delete-200.yaml") {
			t.Errorf("check %s: the other recording was not reported:\n%s", path, stdout)
		}
	}
}

// TestInterruptibleSecondSignalExits: the first SIGINT cancels the
// command's context; the second ends the process (exit 130) even if the
// command is stuck.
func TestInterruptibleSecondSignalExits(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var stderr bytes.Buffer
	exited := make(chan int, 1)
	ctx, stop := interruptible(context.Background(), writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return stderr.Write(p)
	}), func(code int) { exited <- code })
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the first SIGINT did not cancel the context")
	}
	select {
	case code := <-exited:
		t.Fatalf("the first signal exited (%d)", code)
	case <-time.After(100 * time.Millisecond):
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-exited:
		if code != 130 {
			t.Errorf("exit %d, want 130", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second signal did not end the process")
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(stderr.String(), "interrupt again to quit") || !strings.Contains(stderr.String(), "interrupted twice") {
		t.Errorf("stderr: %q", stderr.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// helperEnv makes this test binary run the CLI's main (TestHelperMain).
const helperEnv = "TOKENS_CONTRACT_TEST_MAIN"

// TestHelperMain is not a test: run by TestCheckSecondSignalExits as a
// child process, it is the tokens-contract command with the arguments
// after "--".
func TestHelperMain(t *testing.T) {
	if os.Getenv(helperEnv) == "" {
		t.Skip("runs only as a child process")
	}
	for i, a := range os.Args {
		if a == "--" {
			os.Args = append([]string{"tokens-contract"}, os.Args[i+1:]...)
			main()
		}
	}
	os.Exit(3)
}

// TestCheckSecondSignalExits pins issue 13's ignored signals in a real
// process: "check -" reading a standard input that never ends stops on
// SIGINT (promptly, or, stuck in the read, on the second one).
func TestCheckSecondSignalExits(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs a child process")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperMain$", "--", "check", "-")
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	cmd.Stdin = r
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	// Half an entry: the loader is reading and waits for the rest.
	io.WriteString(w, `{"request":{"method":"GET","url":"/api/io/backend/tokens"},`)
	select {
	case err := <-waited:
		t.Fatalf("check - ended before any signal (%v): %s", err, stderr.String())
	case <-time.After(3 * time.Second):
	}
	exitCode := func(err error) int {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		return 0
	}
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-waited:
		// Stopped on the first signal: loading reported why.
		if exitCode(err) != exitcode.Usage || !strings.Contains(stderr.String(), "loading stopped") {
			t.Errorf("after one SIGINT: %v, stderr %q", err, stderr.String())
		}
		return
	case <-time.After(2 * time.Second):
	}
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-waited:
		if exitCode(err) != 130 || !strings.Contains(stderr.String(), "interrupted twice") {
			t.Errorf("after two SIGINTs: %v, stderr %q", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("check - ignored two SIGINTs: %s", stderr.String())
	}
}

// TestInterruptibleQuietOnFastExit: a run that ends on its own, however
// fast, prints nothing about an interruption (the helper used to race its
// own cancellation by stop), and a SIGTERM gives an ordinary shutdown line.
func TestInterruptibleQuietOnFastExit(t *testing.T) {
	var mu sync.Mutex
	var stderr bytes.Buffer
	w := writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return stderr.Write(p)
	})
	for range 2000 {
		_, stop := interruptible(context.Background(), w, func(code int) { t.Errorf("exit(%d) without a signal", code) })
		stop()
	}
	mu.Lock()
	if stderr.Len() != 0 {
		t.Errorf("fast exits printed %q; want nothing", stderr.String())
	}
	mu.Unlock()

	ctx, stop := interruptible(context.Background(), w, func(code int) { t.Errorf("exit(%d) after one SIGTERM", code) })
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGTERM did not cancel the context")
	}
	waitUntil := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		got := stderr.String()
		mu.Unlock()
		if got != "" || time.Now().After(waitUntil) {
			if got != "tokens-contract: SIGTERM received, shutting down\n" {
				t.Errorf("after SIGTERM stderr is %q; want the ordinary shutdown line", got)
			}
			break
		}
		time.Sleep(time.Millisecond)
	}
	stop()
}

// Command tokens-contract keeps BigCommerce B2B Edition's deprecated
// server-to-server token endpoints honest. It checks recorded exchanges
// against the project's contract, runs the same checks against the live
// endpoint, serves a fake of the endpoint, prints the published spec, and
// prints the versions it is made of ("version", or "--version").
//
// Usage:
//
//	tokens-contract <command> [flags] [arguments]
//
// Run "tokens-contract help" for the list of commands, and
// "tokens-contract <command> -h" for a command's flags. Flags may come before
// or after a command's arguments ("check rec/ --format json"); "--" ends
// them. A flag is spelled -name or --name alike.
//
// Exit codes: 0 nothing at or above --fail-on was found; 1 findings at or above
// it; 2 a usage error or unreadable input.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
)

// command is one subcommand of the CLI.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *environment, args []string) int
}

// environment is what a command may touch outside its arguments, so that
// tests can run commands in-process.
type environment struct {
	stdout, stderr io.Writer
	// stdin is what "check -" reads; os.Stdin when nil.
	stdin  io.Reader
	getenv func(string) string
	// buildInfo replaces debug.ReadBuildInfo when set (tests).
	buildInfo func() (*debug.BuildInfo, bool)
	// clock replaces time.Now when set (tests of --max-age).
	clock func() time.Time
}

// now is the environment's clock.
func (e *environment) now() time.Time {
	if e.clock != nil {
		return e.clock()
	}
	return time.Now()
}

// commands lists the subcommands in the order help shows them. Each lives in
// its own file (check.go, live.go, proxy.go, fake.go, spec.go, redact.go, rules.go, version.go).
func commands() []command {
	return []command{
		checkCommand(),
		liveCommand(),
		shapeCommand(),
		upstreamCommand(),
		proxyCommand(),
		fakeCommand(),
		specCommand(),
		redactCommand(),
		rulesCommand(),
		versionCommand(),
	}
}

// newFlagSet returns a flag set for a subcommand that reports errors instead
// of exiting, and prints its usage to env.stderr. synopsis is the command's
// usage line without the program name, for example "spec [-o FILE]".
func newFlagSet(env *environment, name, synopsis, description string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "Usage: tokens-contract %s\n\n%s\n\nFlags (before or after the arguments; -- ends them; -name and --name are the same):\n", synopsis, description)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args with fs, flags and arguments in any order
// ("check rec/ --format json" as well as "check --format json rec/"): the
// standard library stops at the first argument that is not a flag, so
// parsing resumes after each one. "--" ends the flags; everything after it
// is an argument, even when it starts with a dash. Both -name and --name are
// accepted, as the flag package always has. It returns the arguments in
// order, or ok=false and the exit code to use when parsing fails (exit 2) or
// help was asked for (exit 0).
func parseFlags(fs *flag.FlagSet, args []string) (positional []string, code int, ok bool) {
	positional = []string{}
	for {
		switch err := fs.Parse(args); {
		case errors.Is(err, flag.ErrHelp):
			return nil, exitcode.OK, false
		case err != nil:
			return nil, exitcode.Usage, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, exitcode.OK, true
		}
		// fs.Args is a suffix of args: the word before it is "--" when
		// the flags were ended on purpose.
		if i := len(args) - len(rest); i > 0 && args[i-1] == "--" {
			return append(positional, rest...), exitcode.OK, true
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// plural is "1 finding", "2 findings", "0 findings".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func main() {
	ctx, stop := interruptible(context.Background(), os.Stderr, os.Exit)
	code := run(ctx, &environment{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

// exitInterrupted is the exit status after a second SIGINT or SIGTERM: 128
// plus SIGINT's number, as shells report a process ended by Ctrl-C.
const exitInterrupted = 130

// interruptible returns a context that the first SIGINT or SIGTERM cancels
// (signal.NotifyContext), so a command stops what it is doing and reports;
// a second one calls exit(130) at once, for when stopping is stuck (a read
// from a terminal or pipe that never ends). stop releases the signals and
// returns once the helper's goroutine has ended.
//
// A line goes to stderr only when a signal arrived: for SIGINT that the run
// is stopping and a second interrupt quits at once; for SIGTERM (how a
// service manager stops a server) an ordinary shutdown line. The goroutine
// waits for the signal itself, never for the context, which stop cancels
// too: a run that ends on its own says nothing.
func interruptible(parent context.Context, stderr io.Writer, exit func(int)) (ctx context.Context, stop func()) {
	ctx, stopFirst := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	// Registered before the first signal can arrive, so none is lost
	// between the two.
	again := make(chan os.Signal, 2)
	signal.Notify(again, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		var first os.Signal
		select {
		case first = <-again:
		case <-done:
			return
		}
		if first == syscall.SIGTERM {
			fmt.Fprintln(stderr, "tokens-contract: SIGTERM received, shutting down")
		} else {
			fmt.Fprintln(stderr, "tokens-contract: interrupted, stopping; interrupt again to quit at once")
		}
		select {
		case <-again:
			fmt.Fprintln(stderr, "tokens-contract: interrupted twice, quitting")
			exit(exitInterrupted)
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		<-ended
		signal.Stop(again)
		stopFirst()
	}
}

// run dispatches args to a command and returns the process exit code.
func run(ctx context.Context, env *environment, args []string) int {
	if len(args) == 0 {
		usage(env.stderr)
		return exitcode.Usage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(env.stdout)
		return exitcode.OK
	case "--version", "-version":
		return runVersion(ctx, env, args[1:])
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	fmt.Fprintf(env.stderr, "tokens-contract: unknown command %q\n\n", args[0])
	usage(env.stderr)
	return exitcode.Usage
}

func usage(w io.Writer) {
	fmt.Fprint(w, `tokens-contract checks BigCommerce B2B Edition's server-to-server token
endpoints against this project's OpenAPI contract.

Usage:
  tokens-contract <command> [flags] [arguments]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-7s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run "tokens-contract <command> -h" for a command's flags (before or after
the arguments; -- ends them), and
"tokens-contract --version" for the versions of this build.
Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error or unreadable input.
`)
}

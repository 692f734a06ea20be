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
// them. A flag is spelled -name or --name alike. A usage error prints what is
// wrong in one line (with "did you mean" for a flag or command a typo away),
// the usage line and where the help is; "-h" or "--help" prints the full help.
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
	"strings"
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

// flagSet is a subcommand's flag set together with what its help says: the
// usage line (synopsis) and the description. A usage error prints one line
// saying what is wrong, a "did you mean" for a near flag, the usage line and
// where the help is; the full help is printed only for -h or --help.
type flagSet struct {
	*flag.FlagSet
	// synopsis is the usage line without the program name, for example
	// "spec [-o FILE]".
	synopsis    string
	description string
	stderr      io.Writer
}

// newFlagSet returns a flag set for a subcommand that reports errors instead
// of exiting (see parseFlags). synopsis is the command's usage line without
// the program name, for example "spec [-o FILE]".
func newFlagSet(env *environment, name, synopsis, description string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package's own messages and usage are replaced by parseFlags.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, synopsis: synopsis, description: description, stderr: env.stderr}
}

// Usage prints the short usage that follows a usage error: the command's
// usage line and where its help is.
func (fs *flagSet) Usage() {
	fmt.Fprintf(fs.stderr, "Usage: tokens-contract %s\nrun 'tokens-contract %s -h' for help\n", fs.synopsis, fs.Name())
}

// help prints the full help: usage line, description and every flag.
func (fs *flagSet) help() {
	fmt.Fprintf(fs.stderr, "Usage: tokens-contract %s\n\n%s\n\nFlags (before or after the arguments; -- ends them; -name and --name are the same):\n", fs.synopsis, fs.description)
	fs.SetOutput(fs.stderr)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// usageError prints what is wrong with the command line (one line), then the
// short usage, and returns the usage exit code.
func (fs *flagSet) usageError(msg string) int {
	fmt.Fprintf(fs.stderr, "tokens-contract %s: %s\n", fs.Name(), msg)
	fs.Usage()
	return exitcode.Usage
}

// flagErrorMessage turns an error of flag.FlagSet.Parse into the line a user
// reads: flags spelled --name, and for an unknown flag the nearest defined
// one, if any is near.
func (fs *flagSet) flagErrorMessage(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		msg = "unknown flag --" + name
		if near := nearest(name, names); near != "" {
			msg += "; did you mean --" + near + "?"
		}
		return msg
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "flag --" + name + " needs a value"
	}
	return msg
}

// parseFlags parses args with fs, flags and arguments in any order
// ("check rec/ --format json" as well as "check --format json rec/"): the
// standard library stops at the first argument that is not a flag, so
// parsing resumes after each one. "--" ends the flags; everything after it
// is an argument, even when it starts with a dash. Both -name and --name are
// accepted, as the flag package always has. It returns the arguments in
// order, or ok=false and the exit code to use when parsing fails (exit 2,
// after a usage error message) or help was asked for (exit 0, after the full
// help).
func parseFlags(fs *flagSet, args []string) (positional []string, code int, ok bool) {
	positional = []string{}
	for {
		switch err := fs.Parse(args); {
		case errors.Is(err, flag.ErrHelp):
			fs.help()
			return nil, exitcode.OK, false
		case err != nil:
			return nil, fs.usageError(fs.flagErrorMessage(err)), false
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

// nearest returns the candidate closest to word by edit distance
// (insertions, deletions, substitutions and swaps of neighbours each count
// one), when it is near enough to be a likely typo: at most one edit for
// words of up to four letters, two for longer ones, and fewer edits than
// word has letters (a one-letter word is near nothing). A candidate that starts
// with word (an abbreviation of three letters or more) is near too. It
// returns "" when nothing is near.
func nearest(word string, candidates []string) string {
	best, bestD := "", 0
	limit := 1
	if len(word) > 4 {
		limit = 2
	}
	for _, c := range candidates {
		d := editDistance(strings.ToLower(word), strings.ToLower(c))
		if (d > limit || d >= len(word)) && !(len(word) >= 3 && strings.HasPrefix(c, word)) {
			continue
		}
		if best == "" || d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b
// (Levenshtein plus transpositions of adjacent bytes).
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
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
		fmt.Fprintln(env.stderr, "tokens-contract: no command given")
		shortUsage(env.stderr)
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
	names := make([]string, 0, len(commands()))
	for _, c := range commands() {
		names = append(names, c.name)
	}
	msg := fmt.Sprintf("tokens-contract: unknown command %q", args[0])
	if near := nearest(args[0], names); near != "" {
		msg += fmt.Sprintf("; did you mean '%s'?", near)
	}
	fmt.Fprintln(env.stderr, msg)
	shortUsage(env.stderr)
	return exitcode.Usage
}

// shortUsage is what follows a usage error that names no command: the usage
// line and where the list of commands is.
func shortUsage(w io.Writer) {
	fmt.Fprint(w, "Usage: tokens-contract <command> [flags] [arguments]\nrun 'tokens-contract help' for the list of commands\n")
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

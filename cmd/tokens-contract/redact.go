package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/fileutil"
)

func redactCommand() command {
	return command{name: "redact", summary: "write a copy of a HAR file or cassette without tokens, emails or credentials", run: runRedact}
}

const redactDescription = `Writes a safe copy of one recording: a HAR 1.2 file (a browser's or a proxy's
export holds real tokens, cookies and emails) or a go-vcr cassette. The copy has
the input's format, and check reports the same findings on it as on the input.

Replaced, consistently across the file: tokens by synthetic JWTs (or by
placeholders that are not JWTs, if the originals were not), emails by
example.test addresses, store hashes and passwords by placeholders, in JSON
bodies, query strings and form bodies; credential headers (authToken,
Authorization, Cookie, Set-Cookie, X-Store-Hash, ...) are dropped, and their
values removed wherever else they appear; any other JWT or email address is
replaced wherever it is. If B2B_AUTH_TOKEN is set, its value is removed too.
A HAR copy keeps what the checker reads (requests, responses, headers,
bodies) and leaves out cookies arrays, timings and cache data; an NDJSON
input gives NDJSON, one compact entry per line. A body that is not text (an
image, a compressed payload) is kept byte for byte, or withheld whole when it
holds a secret. An entry that cannot be read (a corrupt gzip body) is named
on standard error and left out; the rest is still copied. See package
contract/recording for the full rules.

OUT must not exist: redact never replaces a file (not the input, not an
earlier copy). "-o -" writes to standard output. Nothing is written if the
encoded copy would still hold a secret that was removed or a JWT that is not
synthetic.

Exit codes: 0 written; 2 a usage error, an input that is missing, unreadable
or not a recording, an OUT that exists or cannot be written.`

func runRedact(ctx context.Context, env *environment, args []string) int {
	fset := newFlagSet(env, "redact", "redact -o OUT PATH", redactDescription)
	out := fset.String("o", "", "write the redacted copy to `OUT` (a new file; - for standard output)")
	args, code, ok := parseFlags(fset, args)
	if !ok {
		return code
	}
	switch {
	case *out == "":
		fmt.Fprintln(env.stderr, "tokens-contract redact: -o OUT is required")
		fset.Usage()
		return exitcode.Usage
	case len(args) != 1:
		fmt.Fprintf(env.stderr, "tokens-contract redact: want exactly one PATH (a HAR file or a cassette), got %d\n", len(args))
		fset.Usage()
		return exitcode.Usage
	}
	in := args[0]
	if fi, err := os.Stat(in); err == nil && fi.IsDir() {
		fmt.Fprintf(env.stderr, "tokens-contract redact: %s is a directory; redact takes one recording file\n", in)
		return exitcode.Usage
	}
	if *out != "-" {
		if _, err := os.Lstat(*out); err == nil {
			fmt.Fprintf(env.stderr, "tokens-contract redact: %s already exists; redact never replaces a file: choose another -o or remove it\n", *out)
			return exitcode.Usage
		}
	}
	loader := &recording.Loader{BadEntry: func(source string, err error) {
		fmt.Fprintf(env.stderr, "tokens-contract redact: %s: %s; left out of the copy\n", source, contract.Scrub(err.Error(), nil))
	}}
	rec, err := loader.Load(ctx, in)
	if err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract redact: %s\n", contract.Scrub(err.Error(), nil))
		return exitcode.Usage
	}
	red, secrets := recording.Redact(rec, env.getenv(envAuthToken))
	data, err := recording.Encode(red)
	if err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract redact: encoding the copy of %s: %s\n", in, contract.Scrub(err.Error(), secrets))
		return exitcode.Usage
	}
	if err := recording.CheckEncoded(data, secrets); err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract redact: %s: %v\n", in, err)
		return exitcode.Usage
	}
	if *out == "-" {
		if _, err := env.stdout.Write(data); err != nil {
			fmt.Fprintf(env.stderr, "tokens-contract redact: writing to standard output: %v\n", err)
			return exitcode.Usage
		}
		return exitcode.OK
	}
	if err := fileutil.WriteNew(*out, data, 0o644); err != nil {
		if errors.Is(err, fs.ErrExist) {
			fmt.Fprintf(env.stderr, "tokens-contract redact: %s already exists; redact never replaces a file: choose another -o or remove it\n", *out)
		} else {
			fmt.Fprintf(env.stderr, "tokens-contract redact: cannot write %s: %v\n", *out, errors.Unwrap(err))
		}
		return exitcode.Usage
	}
	fmt.Fprintf(env.stderr, "tokens-contract redact: wrote %s (%s)\n", *out, plural(len(red.Exchanges), "exchange"))
	return exitcode.OK
}

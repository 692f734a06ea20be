package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/fileutil"
)

func redactCommand() command {
	return command{name: "redact", summary: "write a copy of a HAR file or cassette without tokens, emails or credentials", run: runRedact}
}

const redactDescription = `Writes a safe copy of one recording: a HAR 1.2 file (a browser's or a proxy's
export holds real tokens, cookies and emails), an NDJSON file of HAR entries or
a go-vcr cassette. The copy has the input's format, and check reports the same
findings on it as on the input. Given a directory, redact copies every
recording in it (the files check would read) into OUTDIR, a new or empty
directory, at the same relative paths.

Replaced, consistently across the file: tokens by synthetic JWTs (or by
placeholders that are not JWTs, if the originals were not), emails by
example.test addresses, store hashes and passwords by placeholders, in JSON
bodies, query strings and form bodies; credential headers (authToken,
Authorization, Cookie, Set-Cookie, X-Store-Hash, ...) are dropped, and their
values removed wherever else they appear; any other JWT or email address is
replaced wherever it is. If B2B_AUTH_TOKEN is set, its value is removed too.
--header and --member name further secrets the built-in rules cannot know.
A HAR copy keeps the file's structure (pages, versions, timings, exporters'
own members), with every string scrubbed, and each entry's request and
response redacted; cookies arrays are emptied. An NDJSON input gives NDJSON,
one compact entry per line. A body that is not text (an
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
	fset := newFlagSet(env, "redact", "redact -o OUT PATH | redact -o OUTDIR DIR (options: --header NAME, --member NAME)", redactDescription)
	out := fset.String("o", "", "write the redacted copy to `OUT` (a new file; - for standard output; a new or empty directory for a DIR)")
	var headers, members multiFlag
	fset.Var(&headers, "header", "also drop the header `NAME` as a credential, and remove its values wherever else they appear (repeatable)")
	fset.Var(&members, "member", "also redact the values of JSON members and query or form parameters named `NAME` (repeatable)")
	args, code, ok := parseFlags(fset, args)
	if !ok {
		return code
	}
	extra := recording.Extra{Headers: headers, Members: members}
	switch {
	case *out == "":
		fmt.Fprintln(env.stderr, "tokens-contract redact: -o OUT is required")
		fset.Usage()
		return exitcode.Usage
	case len(args) != 1:
		fmt.Fprintf(env.stderr, "tokens-contract redact: want exactly one PATH (a HAR file, an NDJSON file, a cassette or a directory of them), got %d\n", len(args))
		fset.Usage()
		return exitcode.Usage
	}
	in := args[0]
	if fi, err := os.Stat(in); err == nil && fi.IsDir() {
		return redactDir(ctx, env, in, *out, extra)
	}
	if *out != "-" {
		if _, err := os.Lstat(*out); err == nil {
			fmt.Fprintf(env.stderr, "tokens-contract redact: %s already exists; redact never replaces a file: choose another -o or remove it\n", *out)
			return exitcode.Usage
		}
	}
	return redactOne(ctx, env, in, *out, extra)
}

// redactDir copies every recording under dir (as check would find them)
// into outDir, at the same relative paths. outDir must be new or empty.
func redactDir(ctx context.Context, env *environment, dir, outDir string, extra recording.Extra) int {
	if outDir == "-" {
		fmt.Fprintf(env.stderr, "tokens-contract redact: %s is a directory; -o must name a directory, not standard output\n", dir)
		return exitcode.Usage
	}
	if entries, err := os.ReadDir(outDir); err == nil && len(entries) > 0 {
		fmt.Fprintf(env.stderr, "tokens-contract redact: %s is not empty; redact never replaces a file: choose a new or empty directory\n", outDir)
		return exitcode.Usage
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(env.stderr, "tokens-contract redact: -o %s: %v\n", outDir, errors.Unwrap(err))
		return exitcode.Usage
	}
	if absIn, err1 := filepath.Abs(dir); err1 == nil {
		if absOut, err2 := filepath.Abs(outDir); err2 == nil && (absOut == absIn || strings.HasPrefix(absOut, absIn+string(filepath.Separator))) {
			fmt.Fprintf(env.stderr, "tokens-contract redact: -o %s is inside %s, the directory being copied\n", outDir, dir)
			return exitcode.Usage
		}
	}
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && recording.RecordingName(path) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract redact: reading %s: %v\n", dir, err)
		return exitcode.Usage
	}
	if len(files) == 0 {
		fmt.Fprintf(env.stderr, "tokens-contract redact: %s holds no recording\n", dir)
		return exitcode.Usage
	}
	code := exitcode.OK
	for _, f := range files {
		rel, err := filepath.Rel(dir, f)
		if err != nil {
			return exitcode.Usage
		}
		target := filepath.Join(outDir, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			fmt.Fprintf(env.stderr, "tokens-contract redact: cannot create %s: %v\n", filepath.Dir(target), errors.Unwrap(err))
			return exitcode.Usage
		}
		if c := redactOne(ctx, env, f, target, extra); c != exitcode.OK {
			code = c
		}
	}
	return code
}

// redactOne writes the redacted copy of the recording in to out (a new
// file, or - for standard output).
func redactOne(ctx context.Context, env *environment, in, out string, extra recording.Extra) int {
	var data []byte
	var err error
	if in == recording.Stdin {
		data, err = io.ReadAll(env.stdin)
	} else {
		data, err = os.ReadFile(in)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract redact: %s: %v\n", in, errors.Unwrap(err))
		return exitcode.Usage
	}
	copyData, red, secrets, err := recording.RedactFile(ctx, in, data, env.getenv(envAuthToken), extra, func(source string, err error) {
		fmt.Fprintf(env.stderr, "tokens-contract redact: %s: %s; left out of the copy\n", source, contract.Scrub(err.Error(), nil))
	})
	if err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract redact: %s\n", contract.Scrub(err.Error(), secrets))
		return exitcode.Usage
	}
	if err := recording.CheckEncoded(copyData, secrets); err != nil {
		fmt.Fprintf(env.stderr, "tokens-contract redact: %s: %v\n", in, err)
		return exitcode.Usage
	}
	if out == "-" {
		if _, err := env.stdout.Write(copyData); err != nil {
			fmt.Fprintf(env.stderr, "tokens-contract redact: writing to standard output: %v\n", err)
			return exitcode.Usage
		}
		return exitcode.OK
	}
	if err := fileutil.WriteNew(out, copyData, 0o644); err != nil {
		if errors.Is(err, fs.ErrExist) {
			fmt.Fprintf(env.stderr, "tokens-contract redact: %s already exists; redact never replaces a file: choose another -o or remove it\n", out)
		} else {
			fmt.Fprintf(env.stderr, "tokens-contract redact: cannot write %s: %v\n", out, errors.Unwrap(err))
		}
		return exitcode.Usage
	}
	fmt.Fprintf(env.stderr, "tokens-contract redact: wrote %s (%s)\n", out, plural(len(red.Exchanges), "exchange"))
	return exitcode.OK
}

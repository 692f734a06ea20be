package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/b2b-contract/s2s-tokens/contract"
)

// maxSpecSize bounds a --spec document.
const maxSpecSize = 8 << 20

// specFlag is --spec, which check, live and proxy share: the contract to
// judge against, when it is not the embedded one.
type specFlag struct{ path string }

func (s *specFlag) register(fs *flag.FlagSet) {
	fs.StringVar(&s.path, "spec", "", "judge against this OpenAPI `FILE` of the token operations (e.g. a release under openapi/releases) instead of the embedded spec")
}

// options returns the checker option for the flag: none when it is unset.
// A file that cannot be read is an error naming it; a document that does
// not load or lacks an operation is reported by contract.New, also naming
// it.
func (s *specFlag) options() ([]contract.Option, error) {
	if s.path == "" {
		return nil, nil
	}
	data, err := readInputFile("--spec", s.path, maxSpecSize)
	if err != nil {
		return nil, err
	}
	return []contract.Option{contract.WithSpec(s.path, data)}, nil
}

// newChecker builds the checker for --spec and the extra options.
func (s *specFlag) newChecker(extra ...contract.Option) (*contract.Checker, error) {
	opts, err := s.options()
	if err != nil {
		return nil, err
	}
	return contract.New(append(opts, extra...)...)
}

// readInputFile reads a file a flag names, refusing what is not a regular
// file (a FIFO would block) and anything over limit bytes. Errors name the
// flag and the file.
func readInputFile(flagName, path string, limit int64) ([]byte, error) {
	// Stat before opening: opening a FIFO blocks until a writer comes.
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flagName, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s %s: not a regular file", flagName, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flagName, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", flagName, path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s %s: larger than %d bytes", flagName, path, limit)
	}
	return data, nil
}

package main

import (
	"io/fs"
	"os"

	"github.com/b2b-contract/s2s-tokens/internal/fileutil"
)

// stdoutName names standard output among a run's outputs.
const stdoutName = "standard output"

// stdoutFile returns what standard output is when it is a regular file (a
// shell's "> FILE"), else nil: a terminal, a pipe or a device is no file
// that an input or another output could be.
func stdoutFile(env *environment) fs.FileInfo {
	f, ok := env.stdout.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	return fi
}

// prepareOutputs applies the output policy (internal/fileutil) before a
// run starts: every output gets its folders and is checked writable, and an
// output that is one of inputs, or that another output (standard output
// included, when it is redirected to a file) also names, is refused.
func prepareOutputs(env *environment, outputs []fileutil.Output, inputs []string) error {
	if fi := stdoutFile(env); fi != nil {
		outputs = append([]fileutil.Output{{Flag: stdoutName, Info: fi}}, outputs...)
	}
	return fileutil.Prepare(outputs, inputs)
}

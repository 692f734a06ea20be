// Package fileutil is the module's one output policy: how every command
// writes a file a user names (-o, --report, --write-baseline,
// --suggest-overlay, --update-baseline, --github-output, recordings, ready
// files).
//
//   - A regular file, or a path where nothing exists yet, is written
//     atomically: through a temporary file in the same directory and a
//     rename (or a link, for WriteNew), so that a reader never sees half a
//     file and a crash never leaves one.
//   - A device, a FIFO or any other file that is not regular (/dev/stdout,
//     /dev/null, a named pipe a CI step reads) is written in place, opened
//     for writing and never replaced: a device node stays a device.
//   - A symbolic link is written through: its target is updated (by the
//     rules above) and the link stays a link. A link to nothing creates its
//     target.
//   - Missing parent folders are created (of the link's target, for a
//     link).
//   - A file that several writers share by appending, such as the
//     $GITHUB_OUTPUT file a GitHub Actions runner creates for a step and
//     reads after it, is appended to (AppendFile), never replaced: the data
//     goes in one write at the end of the file (opened with O_APPEND, so
//     another appender's lines are never overwritten), through a symbolic
//     link to its target, in place for a device or FIFO, and into a new file
//     (with its folders) when nothing is there. An append cannot be atomic
//     as a replacement is: a write that fails midway (a full disk) may leave
//     part of the data.
//
// Before a run starts, Prepare checks its outputs against each other and
// against its inputs: an output that is one of the inputs (the same file,
// after links) or that another output also names is refused, as is an
// output that cannot be written, so that nothing is lost and a typo costs
// nothing. A FIFO output is not opened then, so Prepare never blocks.
//
// Errors are *fs.PathError values naming the file asked for, never the
// temporary file, with the cause ("permission denied") as Err.
package fileutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// maxLinks bounds how many symbolic links Resolve follows, as the kernel
// does (ELOOP).
const maxLinks = 40

// WriteFile writes data to name by the package's output policy: atomically
// with permissions perm for a regular file or a new path (replacing what
// was there), in place for a device or FIFO, through a symbolic link to its
// target. Missing parent folders are created. name must not be a
// directory.
func WriteFile(name string, data []byte, perm fs.FileMode) error {
	target, err := Resolve(name)
	if err != nil {
		return &fs.PathError{Op: "write", Path: name, Err: cause(err)}
	}
	fi, err := os.Stat(target)
	switch {
	case err == nil && fi.IsDir():
		return &fs.PathError{Op: "write", Path: name, Err: errors.New("it is a directory")}
	case err == nil && !fi.Mode().IsRegular():
		return writeInPlace(name, target, data)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return &fs.PathError{Op: "write", Path: name, Err: cause(err)}
	}
	tmp, err := writeTemp(name, target, data, perm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, target); err != nil {
		os.Remove(tmp)
		return &fs.PathError{Op: "write", Path: name, Err: cause(err)}
	}
	return nil
}

// writeInPlace writes data to an existing file that is not regular (a
// device, a FIFO) without replacing or truncating it. Opening a FIFO waits
// for its reader, as any writer of a pipe does.
func writeInPlace(name, target string, data []byte) error {
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return &fs.PathError{Op: "write", Path: name, Err: cause(err)}
	}
	_, werr := f.Write(data)
	if err := errors.Join(werr, f.Close()); err != nil {
		return &fs.PathError{Op: "write", Path: name, Err: cause(err)}
	}
	return nil
}

// WriteNew writes data to name with permissions perm only if nothing exists
// at name; otherwise it writes nothing and returns an error matching
// fs.ErrExist. The check and the write are one step (a hard link), so two
// writers never replace each other's file. Missing folders are created, as
// for every output.
func WriteNew(name string, data []byte, perm fs.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return &fs.PathError{Op: "write", Path: name, Err: cause(err)}
	}
	tmp, err := writeTemp(name, name, data, perm)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, name); err != nil {
		return &fs.PathError{Op: "write", Path: name, Err: cause(err)}
	}
	return nil
}

// AppendFile appends data to name by the package's output policy for a
// shared file (see the package doc): in one write at the end of a regular
// file, created with permissions perm (and its missing folders) when
// nothing exists at name; in place for a device or FIFO; through a symbolic
// link to its target. name must not be a directory.
func AppendFile(name string, data []byte, perm fs.FileMode) error {
	target, err := Resolve(name)
	if err != nil {
		return &fs.PathError{Op: "append", Path: name, Err: cause(err)}
	}
	fi, err := os.Stat(target)
	switch {
	case err == nil && fi.IsDir():
		return &fs.PathError{Op: "append", Path: name, Err: errors.New("it is a directory")}
	case err != nil:
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return &fs.PathError{Op: "append", Path: name, Err: cause(err)}
		}
	}
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_APPEND|os.O_CREATE, perm)
	if err != nil {
		return &fs.PathError{Op: "append", Path: name, Err: cause(err)}
	}
	_, werr := f.Write(data)
	if err := errors.Join(werr, f.Close()); err != nil {
		return &fs.PathError{Op: "append", Path: name, Err: cause(err)}
	}
	return nil
}

// Resolve follows the symbolic links at name (the last element, repeatedly)
// and returns the path a write to name reaches: name itself when it is not
// a link, and the final target, which may not exist yet, when it is.
func Resolve(name string) (string, error) {
	cur := name
	for range maxLinks {
		fi, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return cur, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return cur, nil
		}
		dest, err := os.Readlink(cur)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(cur), dest)
		}
		cur = dest
	}
	return "", errors.New("too many levels of symbolic links")
}

// writeTemp writes data to a new temporary file beside target and returns
// its path; errors name name.
func writeTemp(name, target string, data []byte, perm fs.FileMode) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*.tmp")
	if err != nil {
		return "", &fs.PathError{Op: "write", Path: name, Err: cause(err)}
	}
	_, werr := f.Write(data)
	merr := f.Chmod(perm)
	cerr := f.Close()
	if err := errors.Join(werr, merr, cerr); err != nil {
		os.Remove(f.Name())
		return "", &fs.PathError{Op: "write", Path: name, Err: cause(err)}
	}
	return f.Name(), nil
}

// Output is one file a run will write, and what asks for it (a flag such as
// "--report", or "standard output"), for error messages.
type Output struct {
	Flag string
	Path string
	// Info, when set, is a file the run already has open for writing (its
	// standard output, redirected to a file): Path only names it, and it is
	// compared with the other outputs, not with the inputs (a reader skips
	// it instead: see recording.Loader.Outputs).
	Info fs.FileInfo
}

// String is "--report out/r.xml", or the Flag alone without a Path.
func (o Output) String() string {
	if o.Path == "" {
		return o.Flag
	}
	return o.Flag + " " + o.Path
}

// ErrConflict is what Prepare's refusals match (errors.Is): an output that
// is an input, or that two outputs share.
var ErrConflict = errors.New("conflicting output")

// conflictError names the output and what it collides with.
type conflictError struct{ msg string }

func (e *conflictError) Error() string        { return e.msg }
func (e *conflictError) Is(target error) bool { return target == ErrConflict }

// Prepare checks a run's outputs before the run starts. For each output it
// creates the missing parent folders and makes sure the file can be
// written (a regular file or a new path is opened for writing without
// truncating it, and a file made for the test is removed again; a FIFO or
// device is not opened, so nothing blocks). It refuses, with an error
// matching ErrConflict, an output that is one of inputs (the same file,
// after links; a directory among inputs is not compared, callers list its
// files) and two outputs that name one file. Outputs with an empty Path
// and no Info are ignored.
func Prepare(outputs []Output, inputs []string) error {
	type seen struct {
		out Output
		id  identity
	}
	var done []seen
	var ins []seen
	for _, in := range inputs {
		if id, ok := identify(in); ok {
			ins = append(ins, seen{Output{Path: in}, id})
		}
	}
	for _, o := range outputs {
		if o.Info != nil {
			id := identity{fi: o.Info}
			for _, d := range done {
				if id.same(d.id) {
					return &conflictError{fmt.Sprintf("%s is also %s; two outputs never share one file: choose another", o.Flag, d.out)}
				}
			}
			done = append(done, seen{o, id})
			continue
		}
		if o.Path == "" {
			continue
		}
		if err := prepareOne(o.Path); err != nil {
			return fmt.Errorf("%s: %w", o, err)
		}
		id, ok := identify(o.Path)
		if !ok {
			continue
		}
		for _, in := range ins {
			if id.same(in.id) {
				return &conflictError{fmt.Sprintf("%s: it is an input of this run (%s); an output never replaces an input: choose another file", o, in.out.Path)}
			}
		}
		for _, d := range done {
			if id.same(d.id) {
				return &conflictError{fmt.Sprintf("%s: %s writes the same file; two outputs never share one file: choose another", o, d.out)}
			}
		}
		done = append(done, seen{o, id})
	}
	return nil
}

// prepareOne creates the missing folders of the file a write to path
// reaches and checks that it can be written.
func prepareOne(path string) error {
	target, err := Resolve(path)
	if err != nil {
		return cause(err)
	}
	fi, err := os.Stat(target)
	switch {
	case err == nil && fi.IsDir():
		return errors.New("it is a directory")
	case err == nil && !fi.Mode().IsRegular():
		return nil // written in place when the run ends; opening a FIFO now would block
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return cause(err)
	}
	existed := err == nil
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return cause(err)
	}
	f.Close()
	if !existed {
		return os.Remove(target)
	}
	return nil
}

// identity is what makes two paths one file: the file itself when it
// exists, else the absolute path a write would create.
type identity struct {
	fi  fs.FileInfo
	abs string
}

func (a identity) same(b identity) bool {
	if a.fi != nil && b.fi != nil {
		return os.SameFile(a.fi, b.fi)
	}
	return a.fi == nil && b.fi == nil && a.abs == b.abs
}

// identify returns path's identity, or false when it cannot be known (an
// unreadable folder: the write reports it).
func identify(path string) (identity, bool) {
	if fi, err := os.Stat(path); err == nil {
		return identity{fi: fi}, true
	}
	target, err := Resolve(path)
	if err != nil {
		return identity{}, false
	}
	abs, err := filepath.Abs(target)
	if err != nil {
		return identity{}, false
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(dir, filepath.Base(abs))
	}
	return identity{abs: abs}, true
}

// cause drops the path of an *fs.PathError or *os.LinkError, which is the
// temporary file's, and keeps what went wrong.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// Package fileutil writes files atomically: through a temporary file in the
// same directory and a rename (or a link), so that a reader never sees half a
// file and a crash never leaves one. It is the module's one copy of that
// habit, used for the spec the CLI prints, the fake's ready file, recordings
// and redacted copies.
//
// Errors are *fs.PathError values naming the file asked for, never the
// temporary file, with the cause ("permission denied") as Err.
package fileutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile writes data to name with permissions perm, replacing name if it
// exists. name must not be a directory.
func WriteFile(name string, data []byte, perm fs.FileMode) error {
	if fi, err := os.Stat(name); err == nil && fi.IsDir() {
		return &fs.PathError{Op: "write", Path: name, Err: errors.New("it is a directory")}
	}
	tmp, err := writeTemp(name, data, perm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		os.Remove(tmp)
		return &fs.PathError{Op: "write", Path: name, Err: cause(err)}
	}
	return nil
}

// WriteNew writes data to name with permissions perm only if nothing exists
// at name; otherwise it writes nothing and returns an error matching
// fs.ErrExist. The check and the write are one step (a hard link), so two
// writers never replace each other's file.
func WriteNew(name string, data []byte, perm fs.FileMode) error {
	tmp, err := writeTemp(name, data, perm)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, name); err != nil {
		return &fs.PathError{Op: "write", Path: name, Err: cause(err)}
	}
	return nil
}

// writeTemp writes data to a new temporary file beside name and returns its
// path.
func writeTemp(name string, data []byte, perm fs.FileMode) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
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

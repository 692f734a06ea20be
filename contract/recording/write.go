package recording

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/b2b-contract/s2s-tokens/internal/leakscan"
)

// ErrLeak is returned by WriteToDir when the encoded recording still
// holds a secret; nothing is written then.
var ErrLeak = errors.New("the encoded recording still holds a secret or a JWT that is not synthetic; nothing was written")

// WriteToDir encodes rec as a cassette and writes it into dir (created if
// needed) as live-<UTC time>.yaml, through a temporary file and a rename, so
// that a crash never leaves half a file. Before writing, it checks the
// encoded bytes: if any of secrets (Redactor.Secrets) or a JWT that is not
// synthetic is in them, it writes nothing and returns ErrLeak. It returns the
// path written.
func WriteToDir(dir string, rec *Recording, secrets []string) (string, error) {
	if len(rec.Exchanges) == 0 {
		return "", errors.New("the run made no exchange to record")
	}
	data, err := EncodeCassette(rec)
	if err != nil {
		return "", fmt.Errorf("encoding the recording: %w", err)
	}
	if leaks(data, secrets) {
		return "", ErrLeak
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	stamp := time.Now().UTC()
	if rec.Provenance != nil && !rec.Provenance.RecordedAt.IsZero() {
		stamp = rec.Provenance.RecordedAt.UTC()
	}
	tmp, err := os.CreateTemp(dir, ".live-*.yaml.tmp")
	if err != nil {
		return "", err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	// A recording is meant to be reviewed and committed: readable by all,
	// like any other file in a checkout (CreateTemp makes it 0600).
	merr := os.Chmod(tmp.Name(), 0o644)
	if err := errors.Join(werr, cerr, merr); err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	base := "live-" + stamp.Format("20060102T150405Z")
	for i := 1; i < 1000; i++ {
		name := filepath.Join(dir, base+".yaml")
		if i > 1 {
			name = filepath.Join(dir, fmt.Sprintf("%s-%d.yaml", base, i))
		}
		if _, err := os.Lstat(name); !errors.Is(err, os.ErrNotExist) {
			continue // never overwrite an earlier recording
		}
		if err := os.Rename(tmp.Name(), name); err != nil {
			os.Remove(tmp.Name())
			return "", err
		}
		return name, nil
	}
	os.Remove(tmp.Name())
	return "", fmt.Errorf("%s already holds 999 recordings named %s*", dir, base)
}

// leaks reports whether data holds a secret or a foreign JWT.
func leaks(data []byte, secrets []string) bool {
	text := string(data)
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			return true
		}
	}
	return len(leakscan.Scan(data)) > 0
}

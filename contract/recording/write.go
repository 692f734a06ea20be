package recording

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/b2b-contract/s2s-tokens/internal/fileutil"
	"github.com/b2b-contract/s2s-tokens/internal/leakscan"
	"github.com/b2b-contract/s2s-tokens/internal/secrets"
)

// ErrLeak is returned by WriteToDir when the encoded recording still
// holds a secret; nothing is written then.
var ErrLeak = errors.New("the encoded recording still holds a secret or a JWT that is not synthetic; nothing was written")

// WriteToDir encodes rec as a cassette and writes it into dir (created if
// needed) as live-<UTC time>.yaml, through a temporary file (package
// fileutil), so that a crash never leaves half a file, and never over an
// earlier recording. Before writing, it checks the encoded bytes with
// CheckEncoded: if any of secrets or a JWT that is not synthetic is in them,
// it writes nothing and returns ErrLeak. It returns the path written.
func WriteToDir(dir string, rec *Recording, secrets []string) (string, error) {
	if len(rec.Exchanges) == 0 {
		return "", errors.New("the run made no exchange to record")
	}
	data, err := EncodeCassette(rec)
	if err != nil {
		return "", fmt.Errorf("encoding the recording: %w", err)
	}
	if err := CheckEncoded(data, secrets); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	stamp := time.Now().UTC()
	if rec.Provenance != nil && !rec.Provenance.RecordedAt.IsZero() {
		stamp = rec.Provenance.RecordedAt.UTC()
	}
	// A recording is meant to be reviewed and committed: readable by all,
	// like any other file in a checkout.
	base := "live-" + stamp.Format("20060102T150405Z")
	for i := 1; i < 1000; i++ {
		name := filepath.Join(dir, base+".yaml")
		if i > 1 {
			name = filepath.Join(dir, fmt.Sprintf("%s-%d.yaml", base, i))
		}
		err := fileutil.WriteNew(name, data, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue // never overwrite an earlier recording
		}
		if err != nil {
			return "", err
		}
		return name, nil
	}
	return "", fmt.Errorf("%s already holds 999 recordings named %s*", dir, base)
}

// CheckEncoded is the last check before encoded recording bytes reach the
// disk: it returns ErrLeak if data holds any of known (Redactor.Secrets),
// raw or in an encoded form (base64, URL-encoded, HTML entities, JSON
// escapes, lower-case, or inside a run that decodes to it; see
// secrets.Scrubber), or a JWT that is not synthetic (leakscan), else nil.
func CheckEncoded(data []byte, known []string) error {
	if secrets.NewScrubber(known...).Holds(string(data)) {
		return ErrLeak
	}
	if len(leakscan.Scan(data)) > 0 {
		return ErrLeak
	}
	return nil
}

// Redact returns a redacted copy of rec, any recording (the live prober's, a
// cassette, a HAR exported from a browser), with a new Redactor for
// authToken (which may be empty: credential headers teach it their values),
// and the secrets it removed, for CheckEncoded. The copy keeps rec's path,
// format and provenance, whose Redacted says what was replaced and whose Note
// is redacted too.
func Redact(rec *Recording, authToken string) (*Recording, []string) {
	r := NewRedactor(authToken)
	return redactWith(r, rec), r.Secrets()
}

// redactWith is Redact with a given Redactor.
func redactWith(r *Redactor, rec *Recording) *Recording {
	out := &Recording{Path: rec.Path, Format: rec.Format, Exchanges: r.Redact(rec.Exchanges)}
	if p := rec.Provenance; p != nil {
		cp := *p
		cp.Redacted = RedactionNote
		cp.Note = r.Text(cp.Note)
		cp.Host = r.Text(cp.Host)
		out.Provenance = &cp
	}
	return out
}

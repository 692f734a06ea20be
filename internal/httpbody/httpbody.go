// Package httpbody decodes response bodies that still carry their
// Content-Encoding: the module's one copy of that, used by the live prober
// (a server that compresses unasked) and the recording loader (a cassette
// that kept the compressed bytes).
package httpbody

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrUnsupported is returned for a Content-Encoding Decode does not know
// (br, zstd, compress, a list of several).
var ErrUnsupported = errors.New("unsupported Content-Encoding")

// ErrCorrupt is returned for a body that does not decode as its
// Content-Encoding says.
var ErrCorrupt = errors.New("the body does not decode as its Content-Encoding says")

// Normalize returns a Content-Encoding value trimmed and in lower case, and
// "" for identity.
func Normalize(enc string) string {
	enc = strings.ToLower(strings.TrimSpace(enc))
	if enc == "identity" {
		return ""
	}
	return enc
}

// registered are the content codings of IANA's HTTP Content Coding
// Registry that a recording may name (plus HAR's content.encoding "base64").
var registered = map[string]bool{
	"gzip": true, "x-gzip": true, "deflate": true, "br": true, "zstd": true,
	"compress": true, "x-compress": true, "identity": true, "base64": true,
}

// Describe names an encoding value for a message: the value itself when it
// is a registered coding, else only its length. An error message never
// quotes an unknown value, which could be a credential put there.
func Describe(enc string) string {
	if v := strings.ToLower(strings.TrimSpace(enc)); registered[v] {
		return strconv.Quote(v)
	}
	return fmt.Sprintf("an unrecognised value (%d bytes)", len(enc))
}

// Decode decodes body by the Content-Encoding value enc: "" and identity
// return body as it is; gzip (or x-gzip) and deflate (zlib, as HTTP defines
// it) are decompressed. At most limit+1 decoded bytes are returned, so a
// caller can tell a body over limit from one at it. Errors match
// ErrUnsupported or ErrCorrupt and never hold body bytes.
func Decode(enc string, body []byte, limit int) ([]byte, error) {
	var r io.ReadCloser
	var err error
	switch e := Normalize(enc); e {
	case "":
		return body, nil
	case "gzip", "x-gzip":
		r, err = gzip.NewReader(bytes.NewReader(body))
	case "deflate":
		r, err = zlib.NewReader(bytes.NewReader(body))
	default:
		// The value as sent (not lower-cased, which would hide a secret
		// from a case-sensitive scrub), scrubbed before it is cut.
		return nil, fmt.Errorf("%w %s", ErrUnsupported, Describe(enc))
	}
	if err != nil {
		return nil, ErrCorrupt
	}
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, ErrCorrupt
	}
	return out, nil
}

// IsGzip reports whether b starts with the gzip magic number: a body marked
// gzip that does not was stored decoded.
func IsGzip(b []byte) bool { return len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b }

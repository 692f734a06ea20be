package httpbody_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/httpbody"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func zl(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestDecode(t *testing.T) {
	body := []byte(`{"code":200,"data":[]}`)
	big := bytes.Repeat([]byte("a"), 100)
	tests := []struct {
		name, enc string
		in        []byte
		limit     int
		want      []byte
		err       error
	}{
		{"none", "", body, 1 << 20, body, nil},
		{"identity", " Identity ", body, 1 << 20, body, nil},
		{"gzip", "gzip", gz(body), 1 << 20, body, nil},
		{"x-gzip", "X-GZIP", gz(body), 1 << 20, body, nil},
		{"deflate", "deflate", zl(body), 1 << 20, body, nil},
		{"over the limit", "gzip", gz(big), 10, big[:11], nil},
		{"at the limit", "gzip", gz(big), 100, big, nil},
		{"br", "br", body, 1 << 20, nil, httpbody.ErrUnsupported},
		{"a list", "gzip, br", body, 1 << 20, nil, httpbody.ErrUnsupported},
		{"not gzip", "gzip", body, 1 << 20, nil, httpbody.ErrCorrupt},
		{"cut gzip", "gzip", gz(big)[:20], 1 << 20, nil, httpbody.ErrCorrupt},
		{"not zlib", "deflate", body, 1 << 20, nil, httpbody.ErrCorrupt},
	}
	for _, tt := range tests {
		got, err := httpbody.Decode(tt.enc, tt.in, tt.limit)
		if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.err)
			continue
		}
		if err == nil && !bytes.Equal(got, tt.want) {
			t.Errorf("%s: got %d bytes, want %d", tt.name, len(got), len(tt.want))
		}
	}
	if _, err := httpbody.Decode(strings.Repeat("x", 100), body, 10); err == nil || len(err.Error()) > 100 {
		t.Errorf("a long unknown encoding: %v", err)
	}
}

func TestIsGzip(t *testing.T) {
	if !httpbody.IsGzip(gz(nil)) || httpbody.IsGzip([]byte("{}")) || httpbody.IsGzip(nil) {
		t.Error("IsGzip is wrong")
	}
}

// TestUnsupportedEncodingErrorKeepsNoSecret: the error quotes the value as
// sent, scrubbed before it is cut, never a lower-cased prefix of a token.
func TestUnsupportedEncodingErrorKeepsNoSecret(t *testing.T) {
	jwt := synthetic.Token(synthetic.Email(), "st"+synthetic.RandomHex(3))
	_, err := httpbody.Decode("br-"+strings.Repeat("z", 30)+" "+jwt, []byte("x"), 10)
	if !errors.Is(err, httpbody.ErrUnsupported) {
		t.Fatalf("err = %v, want ErrUnsupported", err)
	}
	if strings.Contains(strings.ToLower(err.Error()), "eyj") {
		t.Error("the error keeps a prefix of the JWT")
	}
}

// TestLoadErrorQuotesOnlyRegisteredEncodings: an error names a registered
// coding and gives only the length of any other value, which could be an
// opaque credential that no pattern recognises.
func TestLoadErrorQuotesOnlyRegisteredEncodings(t *testing.T) {
	opaque := synthetic.RandomHex(12)
	tests := []struct {
		enc, want string
	}{
		{"br", `"br"`},
		{" ZSTD ", `"zstd"`},
		{"x-gzip", `"x-gzip"`},
		{opaque, "an unrecognised value (24 bytes)"},
		{"", "an unrecognised value (0 bytes)"},
	}
	for _, tt := range tests {
		if got := httpbody.Describe(tt.enc); got != tt.want {
			t.Errorf("Describe(%d bytes) = %s, want %s", len(tt.enc), got, tt.want)
		}
	}
	_, err := httpbody.Decode(opaque, []byte("x"), 10)
	if err == nil || strings.Contains(err.Error(), opaque) {
		t.Errorf("Decode with an opaque Content-Encoding: err %v, want an error without the value", err != nil)
	}
}

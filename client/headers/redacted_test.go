package headers_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/client/headers"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// TestValueErrorScrubsBeforeCut: a malformed value is scrubbed before it
// is cut to 64 bytes, so a JWT straddling the cut leaves no prefix, and
// Redacted removes a caller's known secret the same way.
func TestValueErrorScrubsBeforeCut(t *testing.T) {
	jwt := synthetic.Token(synthetic.Email(), "st"+synthetic.RandomHex(3))
	opaque := "opq" + synthetic.RandomHex(16)
	_, errs := headers.ParseNotice(http.Header{"Sunset": {strings.Repeat("x", 50) + " " + jwt + " " + opaque}})
	var ve *headers.ValueError
	if len(errs) != 1 || !errors.As(errs[0], &ve) {
		t.Fatalf("errs = %d, want one *ValueError", len(errs))
	}
	if strings.Contains(ve.Error(), "eyJ") {
		t.Error("Error() keeps a JWT prefix")
	}
	got := ve.Redacted(func(s string) string { return strings.ReplaceAll(s, opaque, "[REDACTED]") })
	if strings.Contains(got, "eyJ") || strings.Contains(got, opaque[:8]) || !strings.HasPrefix(got, "Sunset header") {
		t.Errorf("Redacted keeps a secret or lost its shape (%d bytes)", len(got))
	}
}

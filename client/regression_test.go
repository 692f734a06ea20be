package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestDelete413IsAPIError pins the incident of issue 9: spec 1.1.0 documents
// a 413 for DELETE /auth/backend, but the client kept its own list of
// documented statuses without it and answered a 413 from Delete with
// ErrUnexpectedResponse ("the operation does not document this status").
func TestDelete413IsAPIError(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusRequestEntityTooLarge,
			`{"code":413,"data":{"errMsg":"Request too large."},"meta":{"message":"Request Entity Too Large"}}`)
	})
	err := h.client.Delete(context.Background(), 7)
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("Delete = %v; want an *APIError", err)
	}
	if apiErr.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("StatusCode = %d; want 413", apiErr.StatusCode)
	}
	if errors.Is(err, ErrUnexpectedResponse) || strings.Contains(err.Error(), "does not document") {
		t.Errorf("Delete's 413 is reported as undocumented: %v", err)
	}
	if apiErr.ErrMsg != "Request too large." {
		t.Errorf("ErrMsg = %q; want the envelope's errMsg", apiErr.ErrMsg)
	}
}

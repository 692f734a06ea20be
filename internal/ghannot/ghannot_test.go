package ghannot_test

import (
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/ghannot"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, data, property string }{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"},
		{"file:1,2", "file:1,2", "file%3A1%2C2"},
		{"%0A", "%250A", "%250A"},
		{"::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"},
	}
	for _, tt := range tests {
		if got := ghannot.Data(tt.in); got != tt.data {
			t.Errorf("Data(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := ghannot.Property(tt.in); got != tt.property {
			t.Errorf("Property(%q) = %q, want %q", tt.in, got, tt.property)
		}
	}
}

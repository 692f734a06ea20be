package redact_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/client/redact"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

func TestString(t *testing.T) {
	jwt := synthetic.Token("a@example.com", "abc123")
	auth := synthetic.RandomHex(12)
	tests := []struct {
		name, in string
		known    []string
		gone     []string // must not survive
		kept     string   // must survive
	}{
		{"jwt", "token " + jwt + " here", nil, []string{jwt}, "token "},
		{"jwt cut short", "body ends: " + jwt[:30], nil, []string{jwt[:30]}, "body ends: "},
		{"email", "user a.b+c@mail.example.org failed", nil, []string{"a.b+c@mail.example.org"}, "failed"},
		{"secret member", `{"password":"hunter22","name":"x"}`, nil, []string{"hunter22"}, `"name":"x"`},
		{"secret member cut off", `{"authToken":"abcdefgh`, nil, []string{"abcdefgh"}, `{"authToken":`},
		{"query parameter", "GET /x?token=s3cr3t&limit=10", nil, []string{"s3cr3t"}, "limit=10"},
		{"known value", "echo " + auth, []string{auth}, []string{auth}, "echo "},
		{"short known value ignored", "id 12 of 123", []string{"12"}, nil, "id 12 of 123"},
		{"plain text", "meta.pagination.totalCount is 25", nil, nil, "meta.pagination.totalCount is 25"},
	}
	for _, tt := range tests {
		got := redact.String(tt.in, tt.known...)
		for _, g := range tt.gone {
			if strings.Contains(got, g) {
				t.Errorf("%s: a secret survived", tt.name)
			}
		}
		if !strings.Contains(got, tt.kept) {
			t.Errorf("%s: %q lost %q", tt.name, got, tt.kept)
		}
	}
}

func ExampleString() {
	fmt.Println(redact.String(`{"code":401,"data":{"errMsg":"bad token for owner@example.com"},"password":"pw"}`))
	// Output: {"code":401,"data":{"errMsg":"bad token for [REDACTED]"},"password":"[REDACTED]"}
}

package client

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

func TestSecretNeverPrintsItsValue(t *testing.T) {
	raw := synthetic.Token(synthetic.Email(), "abc123")
	s := NewSecret(raw)
	if s.Reveal() != raw {
		t.Fatal("Reveal does not return the value")
	}
	if s.IsZero() || !NewSecret("").IsZero() || !(Secret{}).IsZero() {
		t.Error("IsZero is wrong")
	}
	if !s.Equal(NewSecret(raw)) || s.Equal(NewSecret(raw+"x")) || s.Equal(Secret{}) {
		t.Error("Equal is wrong")
	}

	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%10s", "%-20v", "%d", "%T %v"} {
		out := fmt.Sprintf(verb, s)
		assertClean(t, "Sprintf("+verb+")", out, raw)
		if verb != "%T %v" && !strings.Contains(out, Masked) {
			t.Errorf("Sprintf(%s) = %q, want it to show %s", verb, out, Masked)
		}
	}
	if s.String() != Masked || s.GoString() != `client.Secret("[REDACTED]")` {
		t.Errorf("String/GoString = %q, %q", s.String(), s.GoString())
	}
	if fmt.Sprint(Secret{}) != "" {
		t.Error("an empty secret should print as the empty string")
	}
	b, err := json.Marshal(s)
	if err != nil || string(b) != `"[REDACTED]"` {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
	type doc struct{ S Secret }
	x, err := xml.Marshal(doc{s})
	if err != nil {
		t.Fatal(err)
	}
	assertClean(t, "xml.Marshal", string(x), raw)
	// A Secret in an unexported field is printed by reflection, without its
	// methods: the pointer keeps the value out.
	hidden := struct{ s Secret }{s}
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		assertClean(t, "unexported field "+verb, fmt.Sprintf(verb, hidden), raw)
	}
}

// The Token, Page, CreateRequest and CreatedToken a caller holds must not
// leak through any of the ways Go programs print and log values.
func TestValuesHoldingSecretsPrintMasked(t *testing.T) {
	email := synthetic.Email()
	raw := synthetic.Token(email, "abc123")
	password := "pw-" + synthetic.RandomHex(8)
	tok := Token{ID: 7, Name: "nightly", Email: email, StoreHash: "abc123", Token: NewSecret(raw), EventChannel: EventChannelApp}
	page := &Page{Tokens: []Token{tok}, Pagination: Pagination{TotalCount: 1, HasTotalCount: true, Limit: 10}, RequestID: "r-1"}
	req := CreateRequest{StoreHash: "abc123", Email: email, Password: NewSecret(password), Name: "n"}
	created := &CreatedToken{Name: "n", Token: NewSecret(raw)}

	values := map[string]any{"token": tok, "page": page, "pageValue": *page, "tokens": []Token{tok}, "request": req, "created": created}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			assertClean(t, name+" "+verb, fmt.Sprintf(verb, v), raw, password)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json.Marshal(%s): %v", name, err)
		}
		assertClean(t, name+" JSON", string(b), raw, password)

		var text, js bytes.Buffer
		slog.New(slog.NewTextHandler(&text, nil)).Info("m", "v", v)
		slog.New(slog.NewJSONHandler(&js, nil)).Info("m", "v", v)
		// slog also masks the email (personal data) of the values that
		// implement slog.LogValuer. slog does not look inside a plain
		// []Token: its tokens stay masked, its emails do not.
		personal := email
		if name == "tokens" {
			personal = ""
		}
		assertClean(t, name+" slog text", text.String(), raw, password, personal)
		assertClean(t, name+" slog JSON", js.String(), raw, password, personal)
	}
	// The caller asked for the email: fmt and JSON keep it.
	if !strings.Contains(fmt.Sprintf("%+v", tok), email) {
		t.Error("fmt of a Token should show its email")
	}
	if tok.Token.Reveal() != raw || req.Password.Reveal() != password {
		t.Error("Reveal lost the value")
	}
}

// A *Client printed by mistake shows its fields by reflection; the auth
// token sits behind a pointer there.
func TestClientPrintsNoToken(t *testing.T) {
	authToken := synthetic.Token(synthetic.Email(), "abc123")
	c, err := New(WithAuthToken(authToken))
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		assertClean(t, "client "+verb, fmt.Sprintf(verb, c), authToken)
	}
}

package live_test

import (
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/openapi"

	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/live"
	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// A live run against a local stand-in (the fake, masking every token), then
// a recording of it with every secret replaced.
func ExampleProbe() {
	token := synthetic.RandomHex(16) // in real use: os.Getenv("B2B_AUTH_TOKEN")
	stand, _ := fake.New(fake.Options{AuthToken: token, SeedTokens: 25, Scenario: fake.ScenarioMaskedToken})
	srv := httptest.NewServer(stand)
	defer srv.Close()

	checker, _ := contract.New()
	out, err := live.Probe(context.Background(), live.Config{BaseURL: srv.URL, Token: token}, checker)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range out.Results {
		fmt.Printf("%s: %d", r.Source, r.Status)
		for _, f := range r.Findings {
			fmt.Printf(" %s(%s)", f.ID, f.Severity)
		}
		fmt.Println()
	}

	dir, _ := os.MkdirTemp("", "recordings")
	defer os.RemoveAll(dir)
	r := recording.NewRedactor(token)
	path, err := recording.WriteToDir(dir, live.NewRecording(out, r), r.Secrets())
	if err != nil {
		fmt.Println(err)
		return
	}
	rec, _ := recording.LoadFile(path)
	fmt.Println(filepath.Ext(path), len(rec.Exchanges), "exchanges recorded, with the current spec version:", rec.Provenance.SpecVersion == openapi.Version())
	// Output:
	// live GET /backend/tokens: 200 token-not-jwt(breaking)
	// live GET /backend/tokens?limit=250: 200 token-not-jwt(breaking)
	// live GET /backend/tokens?limit=250&offset=25: 200
	// .yaml 3 exchanges recorded, with the current spec version: true
}

func ExampleParseBaseURL() {
	for _, raw := range []string{
		"https://api-b2b.bigcommerce.com/api/io/",
		"http://127.0.0.1:8080",
		"http://api-b2b.bigcommerce.com/api/io",
	} {
		u, err := live.ParseBaseURL(raw)
		if err != nil {
			fmt.Println("refused:", err)
			continue
		}
		fmt.Println("ok:", u)
	}
	// Output:
	// ok: https://api-b2b.bigcommerce.com/api/io
	// ok: http://127.0.0.1:8080
	// refused: the base URL is plain http to host "api-b2b.bigcommerce.com", which is not a loopback address: the token would cross the network unencrypted; use https (plain http is allowed for 127.0.0.0/8, ::1 and localhost only)
}

// Command token-audit lists every B2B Edition server-to-server token of a
// store, page by page, and prints each token's id, event channel and name:
// never the token itself or its user's email. It is the small program of the
// downstream example: it uses the client that this module generates, with
// go generate, from the spec that github.com/b2b-contract/s2s-tokens
// publishes.
//
// Usage:
//
//	B2B_AUTH_TOKEN=... token-audit [-base-url URL] [-page-size N]
//
// Exit codes: 0 listed; 1 the API failed; 2 usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"example.com/token-audit/tokensclient"
)

// defaultBaseURL is the spec's server.
const defaultBaseURL = "https://api-b2b.bigcommerce.com/api/io"

// maxPages bounds the paging loop, so that a server whose totalCount never
// comes within reach cannot keep the audit going forever.
const maxPages = 1000

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, &http.Client{Timeout: 30 * time.Second})
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, hc *http.Client) int {
	fs := flag.NewFlagSet("token-audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	baseURL := fs.String("base-url", defaultBaseURL, "the B2B Edition REST Management API `URL`")
	pageSize := fs.Int("page-size", 250, "tokens per page, 1 to 250")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: B2B_AUTH_TOKEN=... token-audit [-base-url URL] [-page-size N]\n\nLists the store's server-to-server tokens: id, event channel and name.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "token-audit: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *pageSize < 1 || *pageSize > 250 {
		fmt.Fprintf(stderr, "token-audit: -page-size %d is out of range: the API takes 1 to 250\n", *pageSize)
		return 2
	}
	auth := getenv("B2B_AUTH_TOKEN")
	if auth == "" {
		fmt.Fprintln(stderr, "token-audit: B2B_AUTH_TOKEN is not set")
		return 2
	}
	if u, err := url.Parse(*baseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		fmt.Fprintf(stderr, "token-audit: -base-url %q is not an http(s) URL with a host\n", *baseURL)
		return 2
	}
	c, err := tokensclient.NewClientWithResponses(*baseURL, tokensclient.WithHTTPClient(hc))
	if err != nil {
		fmt.Fprintf(stderr, "token-audit: -base-url %q: %v\n", *baseURL, err)
		return 2
	}
	tokens, err := listAll(ctx, c, auth, *pageSize)
	if err != nil {
		fmt.Fprintf(stderr, "token-audit: %s\n", redact(err.Error(), auth))
		return 1
	}
	if err := report(stdout, tokens); err != nil {
		fmt.Fprintf(stderr, "token-audit: %v\n", err)
		return 1
	}
	return 0
}

// listAll reads every page of GET /backend/tokens (get-backend-tokens).
func listAll(ctx context.Context, c *tokensclient.ClientWithResponses, auth string, pageSize int) ([]tokensclient.Token, error) {
	withAuth := func(_ context.Context, req *http.Request) error {
		req.Header.Set("authToken", auth)
		return nil
	}
	var all []tokensclient.Token
	offset := 0
	for page := 0; ; page++ {
		if page == maxPages {
			return nil, fmt.Errorf("GET /backend/tokens: still not done after %d pages (totalCount never reached)", maxPages)
		}
		limit, off := pageSize, offset
		resp, err := c.GetBackendTokensWithResponse(ctx, &tokensclient.GetBackendTokensParams{Limit: &limit, Offset: &off}, withAuth)
		if err != nil {
			return nil, fmt.Errorf("GET /backend/tokens?offset=%d: %w", offset, err)
		}
		if resp.JSON200 == nil {
			return nil, fmt.Errorf("GET /backend/tokens?offset=%d: %s", offset, describeFailure(resp))
		}
		data := resp.JSON200.Data
		all = append(all, data...)
		offset += len(data)
		if len(data) == 0 || offset >= resp.JSON200.Meta.Pagination.TotalCount {
			return all, nil
		}
	}
}

// describeFailure says why a response is not a page of tokens: its status and
// the error envelope's meta.message, if it has one.
func describeFailure(resp *tokensclient.GetBackendTokensResponse) string {
	msg := fmt.Sprintf("HTTP %d", resp.StatusCode())
	for _, env := range []*tokensclient.ErrorEnvelope{resp.JSON400, resp.JSON401, resp.JSON403, resp.JSON413, resp.JSON422, resp.JSON429, resp.JSON500, resp.JSON503} {
		if env != nil && env.Meta.Message != "" {
			return msg + " (" + printable(env.Meta.Message, 120) + ")"
		}
	}
	if resp.StatusCode() == http.StatusOK {
		return msg + " with a body that is not a JSON page of tokens"
	}
	return msg
}

func report(w io.Writer, tokens []tokensclient.Token) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCHANNEL\tNAME")
	counts := map[string]int{}
	for _, t := range tokens {
		fmt.Fprintf(tw, "%d\t%s\t%s\n", t.ID, printable(string(t.EventChannel), 20), printable(t.Name, 80))
		counts[string(t.EventChannel)]++
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var parts []string
	for _, ch := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s: %d", printable(ch, 20), counts[ch]))
	}
	_, err := fmt.Fprintf(w, "%d token(s)", len(tokens))
	if err == nil && len(parts) > 0 {
		_, err = fmt.Fprintf(w, " (%s)", strings.Join(parts, ", "))
	}
	if err == nil {
		_, err = fmt.Fprintln(w)
	}
	return err
}

// printable keeps s on one line of printable characters, at most n runes.
func printable(s string, n int) string {
	var b strings.Builder
	for i, r := range []rune(s) {
		if i == n {
			b.WriteString("…")
			break
		}
		if unicode.IsPrint(r) {
			b.WriteRune(r)
		} else {
			b.WriteRune('?')
		}
	}
	return b.String()
}

// redact removes the credential from a message, should a server or a
// transport error ever echo it.
func redact(msg, secret string) string {
	if secret == "" {
		return msg
	}
	return strings.ReplaceAll(msg, secret, "[redacted]")
}

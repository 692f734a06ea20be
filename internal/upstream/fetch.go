package upstream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/b2b-contract/s2s-tokens/internal/baseurl"
)

// Defaults of a Fetcher.
const (
	// DefaultTimeout bounds one fetch, from connecting to the last byte.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxBytes caps a document's size; the vendor's file is about
	// 25 kB.
	DefaultMaxBytes = 2 << 20
	// maxRedirects bounds the redirects a fetch follows.
	maxRedirects = 5
)

// RawURL is the address of file in the GitHub repository repo at ref (a
// commit hash, or "HEAD" for the newest version of the default branch), on
// GitHub's raw-content host: the file's bytes, with no credentials needed.
func RawURL(repo, ref, file string) string {
	return "https://raw.githubusercontent.com/" + repo + "/" + url.PathEscape(ref) + "/" + file
}

// GoneError is a fetch answered 404 or 410: the document is not (or no
// longer) where it was asked for.
type GoneError struct {
	URL    string
	Status int
}

func (e *GoneError) Error() string {
	return fmt.Sprintf("%s: the server answered %d %s", e.URL, e.Status, http.StatusText(e.Status))
}

// Fetcher reads documents from files and URLs, within a size cap, and
// URLs within a timeout, over https (or plain http to a loopback address,
// the rule of package baseurl), sending no credentials: no Authorization
// header, no cookies, and nothing from the environment but the proxy
// settings net/http honours.
type Fetcher struct {
	// Transport makes the requests; http.DefaultTransport when nil.
	Transport http.RoundTripper
	// Timeout bounds each fetch; DefaultTimeout when 0.
	Timeout time.Duration
	// MaxBytes caps each document; DefaultMaxBytes when 0.
	MaxBytes int64
}

func (f *Fetcher) maxBytes() int64 {
	if f.MaxBytes > 0 {
		return f.MaxBytes
	}
	return DefaultMaxBytes
}

// Read reads source: a URL when it has a scheme ("https://..."), else a
// regular file.
func (f *Fetcher) Read(ctx context.Context, source string) ([]byte, error) {
	if strings.Contains(source, "://") {
		return f.Get(ctx, source)
	}
	// Stat before opening: opening a FIFO blocks until a writer comes.
	st, err := os.Stat(source)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", source)
	}
	file, err := os.Open(source)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return f.capped(source, file)
}

// checkURL applies the URL rule, naming the URL only by its host (a URL may
// carry a credential a user pasted).
func checkURL(raw string) (*url.URL, error) {
	u, err := baseurl.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("refusing to fetch it: %w", err)
	}
	return u, nil
}

// Get fetches rawURL and returns its body. A 404 or 410 is a *GoneError;
// any other status than 200 is an error, as is a body over the cap or a
// fetch that outlasts the timeout.
func (f *Fetcher) Get(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := checkURL(rawURL)
	if err != nil {
		return nil, err
	}
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{
		Transport: f.Transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("more than %d redirects", maxRedirects)
			}
			_, err := checkURL(req.URL.String())
			return err
		},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/yaml, application/json;q=0.9, text/plain;q=0.5")
	req.Header.Set("User-Agent", "tokens-contract-upstream")
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%s: no complete answer within %s", u.Redacted(), timeout)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, &GoneError{URL: u.Redacted(), Status: resp.StatusCode}
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%s: the server answered %d %s, want 200", u.Redacted(), resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	b, err := f.capped(u.Redacted(), resp.Body)
	if err != nil && ctx.Err() != nil {
		return nil, fmt.Errorf("%s: no complete answer within %s", u.Redacted(), timeout)
	}
	return b, err
}

// capped reads r to its end, failing once it exceeds the cap.
func (f *Fetcher) capped(name string, r io.Reader) ([]byte, error) {
	max := f.maxBytes()
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: reading: %w", name, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than the %d-byte cap for a vendor document", name, max)
	}
	return b, nil
}

package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/b2b-contract/s2s-tokens/client/headers"
	"github.com/b2b-contract/s2s-tokens/internal/secrets"
)

// DeprecationNotice is what a response said about the retirement of the
// operation that produced it: the parsed Deprecation (RFC 9745), Sunset (RFC
// 8594) and Link rel="deprecation"/"sunset" headers, and the values that
// could not be parsed. The handler set with WithDeprecationHandler receives
// the first notice of each operation.
type DeprecationNotice struct {
	// Operation names the operation, as in "GET /backend/tokens (get-backend-tokens)".
	Operation string
	// OperationID is the spec's operationId, as in "get-backend-tokens".
	OperationID string
	// Notice holds the parsed headers: Deprecated, DeprecatedAt, Sunset and
	// Links.
	headers.Notice
	// Errors are the malformed values (each a *headers.ValueError). A
	// malformed Deprecation header still sets Deprecated.
	Errors []error
	// Advice is the spec's migration advice for the operation (its
	// x-deprecated-reason; MigrationAdvice for the list operation). When the
	// response announces a Sunset date, the advice's sentence that no sunset
	// date is announced is replaced by the announced date, so the notice
	// never contradicts itself.
	Advice string
}

type deprecationState struct {
	once sync.Once
	done atomic.Bool
}

// noteDeprecation calls the deprecation handler the first time a response
// to op carries a retirement signal. It never fails.
func (c *Client) noteDeprecation(op *operation, h http.Header) {
	st := &c.deprecation[op.index]
	if st.done.Load() {
		return
	}
	n, errs := headers.ParseNotice(h)
	if !n.Empty() || signalError(errs) {
		st.once.Do(func() {
			defer st.done.Store(true)
			c.callDeprecationHandler(DeprecationNotice{
				Operation: op.String(), OperationID: op.ID, Notice: n, Errors: errs, Advice: adviceFor(op.DeprecatedReason, n.Sunset),
			})
		})
	}
}

// signalError reports whether a parse error is about a Deprecation or Sunset
// header: a malformed one is still a signal. A malformed Link header alone
// is not (it may be about anything).
func signalError(errs []error) bool {
	for _, err := range errs {
		var ve *headers.ValueError
		if errors.As(err, &ve) && (ve.Header == headers.Deprecation || ve.Header == headers.Sunset) {
			return true
		}
	}
	return false
}

func (c *Client) callDeprecationHandler(n DeprecationNotice) {
	defer func() {
		if r := recover(); r != nil {
			c.logger.LogAttrs(context.Background(), slog.LevelError, "client: the deprecation handler panicked",
				slog.String("operation", n.Operation), slog.String("panic", fmt.Sprint(r)))
		}
	}()
	c.onDeprecation(n)
}

// adviceFor returns an operation's advice for a notice whose Sunset is
// sunset: unchanged when no date is announced, otherwise with every sentence
// that says no sunset date is announced replaced by the announced date.
func adviceFor(advice string, sunset time.Time) string {
	if sunset.IsZero() {
		return advice
	}
	var kept []string
	for sentence := range strings.SplitAfterSeq(advice, ". ") {
		if strings.Contains(strings.ToLower(sentence), "no sunset date") {
			continue
		}
		kept = append(kept, strings.TrimSpace(sentence))
	}
	kept = append(kept, "The server announces the sunset for "+sunset.UTC().Format(time.RFC3339)+".")
	return strings.Join(kept, " ")
}

// maxLoggedURL bounds a Link target in the default deprecation warning.
const maxLoggedURL = 200

// logDeprecation is the default handler: one warning on the client's
// logger. Link targets and malformed values are scrubbed of the client's
// auth token, JWTs, emails and secret parameters (in raw and encoded forms)
// before they are cut and logged.
func (c *Client) logDeprecation(n DeprecationNotice) {
	attrs := []slog.Attr{slog.String("operation", n.Operation), slog.Bool("deprecated", n.Deprecated)}
	if !n.DeprecatedAt.IsZero() {
		attrs = append(attrs, slog.Time("deprecatedAt", n.DeprecatedAt))
	}
	if !n.Sunset.IsZero() {
		attrs = append(attrs, slog.Time("sunset", n.Sunset))
	}
	// Link targets and malformed values are the server's text: they may
	// carry the auth token or an email, so they are logged scrubbed.
	sc := secrets.NewScrubber(c.known()...)
	for _, l := range n.Links {
		attrs = append(attrs, slog.String(l.Rel+"Link", secrets.Cut(sc, l.URL, maxLoggedURL)))
	}
	if len(n.Errors) > 0 {
		msgs := make([]string, len(n.Errors))
		for i, err := range n.Errors {
			var ve *headers.ValueError
			if errors.As(err, &ve) {
				msgs[i] = ve.Redacted(sc.String)
			} else {
				msgs[i] = sc.String(err.Error())
			}
		}
		attrs = append(attrs, slog.String("malformed", strings.Join(msgs, "; ")))
	}
	attrs = append(attrs, slog.String("advice", n.Advice))
	c.logger.LogAttrs(context.Background(), slog.LevelWarn,
		"client: the server announces the retirement of an operation this program calls", attrs...)
}

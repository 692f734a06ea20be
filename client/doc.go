// Package client is the hand-written Go client for BigCommerce B2B Edition's
// server-to-server token operations, built on the generated package tokensapi
// (it builds requests with the generated builders and decodes into the
// generated types) and never inside it:
//
//   - List, All and FetchAll wrap GET /backend/tokens (get-backend-tokens);
//   - Delete wraps DELETE /auth/backend (delete-auth-backend);
//   - Create wraps POST /auth/backend (post-auth-backend).
//
// All three operations are deprecated by the vendor; see MigrationAdvice.
// Every method therefore carries a "Deprecated:" notice, and staticcheck
// reports each call as SA1019. The notice is kept on purpose: it is the
// vendor's. A program that calls the endpoint knowingly acknowledges it where
// it calls, with the reason, so that a new call site is still flagged:
//
//	//lint:ignore SA1019 the vendor's B2B token endpoint has no replacement for listing tokens yet
//	page, err := c.List(ctx, client.ListOptions{})
//
// or, for a whole package that exists to call it, in staticcheck.conf:
//
//	checks = ["all", "-SA1019"]
//
// What the client adds to the generated one:
//
//   - Auth: the authToken header, kept in a Secret. X-Store-Hash is never
//     sent with it. Create sends no authToken (the credentials are in its body).
//   - Typed errors: a call returns a result or an error, never neither. Error
//     statuses and unusable successes are *APIError values that match
//     ErrUnauthorized, ErrForbidden, ErrNotFound, ErrRateLimited,
//     ErrEndpointGone, ErrUnexpectedResponse and ErrResponseTooLarge with
//     errors.Is. Their messages and body excerpts are redacted.
//   - Retries for reads, on 429, 502, 503, 504 and connection resets, with the
//     wait the server asks for or exponential backoff with jitter, clamped and
//     bounded by the context (see RetryPolicy).
//   - Safety: response bodies are capped (DefaultMaxBodyBytes, after
//     decompression); redirects to another origin are refused, because
//     net/http would forward the authToken header; plain http is refused except
//     on loopback hosts.
//   - Secrets: token values are Secret values, which fmt, encoding/json and
//     log/slog print masked; only Secret.Reveal returns them.
//   - Paging: List (one page), All (an iterator), FetchAll (bounded
//     concurrency, order kept, duplicates dropped).
//   - Deprecation warnings: Deprecation, Sunset and Link headers are parsed
//     (by package headers) and reported once per operation per Client.
package client

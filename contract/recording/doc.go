// Package recording reads and writes recordings of exchanges and makes them
// safe to keep: it sits beside the checker (package contract), which judges
// exchanges, and the prober (package contract/live), which makes them.
//
// # Formats
//
// A recording is a go-vcr v4 cassette (format version 2) with an extra
// top-level "provenance" mapping, the project's own format (FormatCassette),
// or an HTTP Archive 1.2 file as browsers and proxies export (FormatHAR).
// LoadPaths, LoadFile and ParseRecording read either, choosing by the file's
// ending or first byte; EncodeCassette and EncodeHAR write them. Loading
// errors are *LoadError values naming the file and what is wrong, and never
// quote the file's content.
//
// # Redaction
//
// A Redactor turns exchanges that hold real credentials and personal data
// into exchanges that can be written to disk, by the module's one secrets
// policy (internal/secrets): which member names and headers are sensitive,
// what a JWT and an email look like. It works on any recording, the live
// prober's or a HAR exported from a browser, and keeps what the checker
// judges, so a redacted recording gives the same findings as the original.
// WriteToDir writes a redacted cassette into a directory and refuses to write
// when a secret is still in the encoded bytes.
//
// What a redacted recording holds instead of what the exchange held:
//
//   - a token that is a JWT: a synthetic JWT (kid "synthetic"), one per
//     distinct token, whose payload carries the fake email and store hash;
//   - a token that is not a JWT (masked, opaque): kept if it is only mask
//     characters ("********"), else "redacted-token-N", still not a JWT;
//   - a valid email: "user-N@example.test", the same for the same address
//     throughout the recording; an email the contract's format check rejects:
//     "invalid-email-N", which it rejects too;
//   - storeHash / store_hash: "fake-store-N", the hash the synthetic tokens'
//     payloads carry; password, secret and the other sensitive members:
//     "secret-N";
//   - the auth token, a JWT or an email anywhere else (other fields, member
//     names, HTML pages, headers, query parameters and form bodies, decoded
//     first): the redaction marker, a synthetic JWT, a reserved address;
//   - credential headers (authToken, X-Auth-Token, Authorization, Cookie,
//     Set-Cookie, X-Store-Hash, …) and any header holding the token: dropped;
//   - ids, token names, eventChannel, paging and other headers (X-Request-Id,
//     rate-limit headers): kept, so read a recording before committing it.
//
// Empty strings, nulls, numbers, member order, duplicate members, number
// literals such as 1.0 and invalid UTF-8 are kept byte for byte, and
// Content-Length is recomputed (a truncated body keeps its shortfall), so a
// redacted recording re-checks with the same findings.
package recording

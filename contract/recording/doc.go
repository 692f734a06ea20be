// Package recording reads and writes recordings of exchanges and makes them
// safe to keep: it sits beside the checker (package contract), which judges
// exchanges, and the prober (package contract/live), which makes them.
//
// # Formats
//
// A recording is a go-vcr v4 cassette (format version 2) with an extra
// top-level "provenance" mapping, the project's own format (FormatCassette),
// an HTTP Archive 1.2 file as browsers and proxies export (FormatHAR), or
// NDJSON: HAR entry objects one after another, as gateways and proxies
// export them (FormatNDJSON). EncodeCassette, EncodeHAR and EncodeNDJSON
// write them.
//
// # Reading
//
// A Loader reads inputs (LoadPaths, LoadFile and ParseRecording are its
// zero value without cancellation):
//
//   - Format: by the ending (.har is HAR; .ndjson and .jsonl are NDJSON;
//     .yaml and .yml are cassettes), else by the content: JSON whose top
//     level has "log" is HAR, "request" or "response" is NDJSON; anything
//     not starting with "{" is a cassette. A UTF-8 byte-order mark is
//     ignored in every format.
//   - Lines: each exchange's Line is the line its entry starts on in the
//     file (1 for the first): a cassette's interaction, a HAR entry's "{",
//     an NDJSON line; reports point there (SARIF regions).
//   - Paths: a file; "-", standard input; or a directory, walked for files
//     ending .yaml, .yml, .har, .json, .ndjson and .jsonl in name order,
//     where the content decides what is a recording: a HAR has
//     "log.entries", a cassette "version" or "interactions", NDJSON starts
//     with an entry. Other files there (the tool's own JSON and SARIF
//     reports, a baseline or overlay) are skipped and told to
//     Loader.Skipped; named explicitly, such a file is an error
//     (ErrNotRecording). A file that is one of Loader.Outputs (the run's
//     standard output redirected into the directory being checked) is
//     never read: skipped likewise in a directory, an error when named
//     (ErrOwnOutput). InputFiles lists what would be read, for a command
//     to check that no output of its replaces an input.
//   - NDJSON is read line by line, each line on its own: a line that is not
//     a HAR entry is one unreadable entry named by its line number
//     (Recording.Unreadable, returned by Each as errors of the file) and the
//     other lines are read; a last line without a newline that is not JSON,
//     a writer still appending, is not read and is a note
//     (Recording.Incomplete), not an error. Standard input likewise.
//   - Anything that is not a regular file after following symbolic links (a
//     FIFO, a device, a socket) is refused before it is opened
//     (ErrNotRegular): opening a FIFO would block.
//   - Cancellation: every read checks the context; a cancelled one stops
//     loading at once with "loading stopped" and the cause. A read from a
//     terminal or pipe that is waiting for data cannot be interrupted by
//     the context (the CLI's second signal ends the process then).
//   - Streaming: HAR files are walked token by token to "log.entries", and
//     HAR and NDJSON entries are read one at a time, so memory holds one
//     entry's JSON (at most MaxEntrySize, an input error naming the entry
//     beyond) plus the exchanges kept; files have no size limit.
//     Loader.Each hands over one recording before reading the next. The
//     cross-page invariants need every exchange of a run together, so a
//     recording keeps the exchanges Loader.Keep accepts (a Checker's
//     Handles: the contract's operations) whole. The others are validated
//     and counted as they are read, in Recording.Skipped (a contract.Skips:
//     a count per reason and the first few sources), and nothing else of
//     them is kept, so memory does not grow with the number of entries for
//     other endpoints. Cassettes, the project's own small format, are read whole (at
//     most MaxCassetteSize).
//   - Bodies: HAR content with encoding "base64" is decoded; a body still
//     gzip-compressed (Content-Encoding gzip and the gzip magic number, as
//     some exporters keep it) is decompressed, bounded by
//     contract.DefaultMaxBody; a missing content.text marks the body not
//     recorded (body-not-recorded); exporters' "_" fields are ignored.
//   - Truncation needs evidence. A body that is complete JSON is never
//     truncated: a content.size that disagrees with it (exporters write the
//     base64 text's length, or 0) gives an info note,
//     contract.IDContentSizeMismatch, in Recording.Notes. Otherwise a plain
//     text (neither base64 nor compressed) shorter than content.size is
//     truncated, and the checker finds JSON that ends early whatever the
//     size says. A content.size of -1 means unknown (HAR's convention for
//     sizes); any other negative size is an input error naming the entry.
//
// Loading errors are *LoadError values naming the input and what is wrong,
// and never quote the content.
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
//   - a body that is not text (an image, a compressed payload): kept byte
//     for byte, or replaced whole by BinaryWithheld when it holds a secret.
//
// RedactFile makes the safe copy of a whole file in its own format: a HAR
// keeps its structure (pages, versions, timings, exporters' members, their
// strings scrubbed) around its redacted entries, NDJSON stays one compact
// entry per line, and an entry that cannot be read is reported and left
// out (Loader.BadEntry).
//
// Empty strings, nulls, numbers, member order, duplicate members, number
// literals such as 1.0 and invalid UTF-8 are kept byte for byte, and
// Content-Length is recomputed (a truncated body keeps its shortfall), so a
// redacted recording re-checks with the same findings.
package recording

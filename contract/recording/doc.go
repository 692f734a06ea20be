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
package recording

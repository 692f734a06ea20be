package recording

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/httpbody"
)

// FormatNDJSON is a stream of HAR entry objects, one a line, as gateways
// and proxies export them (files ending .ndjson or .jsonl, or sniffed).
// It is read only; EncodeHAR writes the entries as one HAR file.
const FormatNDJSON = "ndjson"

// MaxEntrySize is the largest single HAR or NDJSON entry (its JSON text,
// for any endpoint) the loaders read: one entry at a time is held in
// memory, so this bounds what one entry costs. A larger entry is an input
// error naming it. Files themselves have no size limit.
const MaxEntrySize = 64 << 20

// MaxCassetteSize is the largest cassette the loaders read. Cassettes are
// the project's own format, written by "live --record" a few pages at a
// time, and are read whole.
const MaxCassetteSize = 64 << 20

// Errors a loader wraps in its *LoadError.
var (
	// ErrNotRecording is a readable file that is neither a HAR file, NDJSON
	// of HAR entries nor a cassette (a report saved next to recordings, say).
	ErrNotRecording = errors.New("not a recording")
	// ErrNotRegular is a path that, after following symbolic links, is not a
	// regular file (a FIFO, a device, a socket, a directory where a file is
	// needed): it is never opened, since opening a FIFO blocks.
	ErrNotRegular = errors.New("not a regular file")
)

// recordingExt lists the file endings a directory walk considers; which of
// those files are recordings is decided by their content.
var recordingExt = []string{".yaml", ".yml", ".har", ".json", ".ndjson", ".jsonl"}

// RecordingName reports whether a directory walk considers the file path a
// recording, by its ending (see Loader.Each).
func RecordingName(path string) bool {
	return slices.Contains(recordingExt, strings.ToLower(filepath.Ext(path)))
}

// Stdin is the path that names standard input.
const Stdin = "-"

// A Loader reads recordings one file, and within a file one entry, at a
// time. The zero value reads every exchange in full from the named files,
// and os.Stdin for "-".
type Loader struct {
	// Keep, when set, says which exchanges the caller checks (a Checker's
	// Handles). Entries it rejects are read, validated and counted in
	// Recording.Skipped (reason contract.SkipNotOperation, the first few
	// sources as examples), and nothing else of them is kept: memory does
	// not grow with their number.
	Keep func(method, rawURL string) bool
	// Progress, when set, is called after each entry or interaction read,
	// with the count read so far from the current input.
	Progress func(entries int)
	// Skipped, when set, is told about each file found in a directory that
	// is not a recording and was skipped (err wraps ErrNotRecording), or
	// that is one of Outputs (ErrOwnOutput).
	Skipped func(path string, err error)
	// Stdin is what the path "-" reads; os.Stdin when nil.
	Stdin io.Reader
	// Outputs are files this run writes while it reads (its standard
	// output, redirected into a directory being checked: check DIR >
	// DIR/report.json). One of them found in a directory is skipped and
	// told to Skipped (the error matches ErrOwnOutput); named as a path, it
	// is an error matching ErrOwnOutput. Never read: it is being written.
	Outputs []fs.FileInfo
	// BadEntry, when set, is told about each HAR or NDJSON entry that is
	// well-formed JSON but cannot be read as an exchange (a body whose
	// gzip stream is corrupt, say), by its source (file#index) and why; the
	// entry is left out and the rest of the input still loads. When nil,
	// such an entry makes the whole input unreadable.
	BadEntry func(source string, err error)
	// Batch, when set with BatchSize above 0, receives the exchanges of a
	// HAR or NDJSON input as they are read, BatchSize at a time and in
	// order, so that an input of any length (check - on a pipe that never
	// ends) holds one batch in memory, not every exchange: each batch is a
	// *Recording with the input's Path and Format and the exchanges read
	// since the one before. The Recording that Load returns, and Each
	// hands over, then holds the rest, with the input's skips and notes.
	Batch     func(*Recording)
	BatchSize int
}

// ErrOwnOutput is a file that is one of the Loader's Outputs.
var ErrOwnOutput = errors.New("it is one of this run's outputs (such as its standard output, redirected to it), not a recording to check")

// LoadPaths loads every recording named by paths with a zero Loader and no
// cancellation (see Loader.Each): files, directories, or "-". Files that
// cannot be read are returned as *LoadError values; the others still load.
func LoadPaths(paths []string) ([]*Recording, []error) {
	var recs []*Recording
	errs := (&Loader{}).Each(context.Background(), paths, func(r *Recording) { recs = append(recs, r) })
	return recs, errs
}

// LoadFile reads one recording with a zero Loader and no cancellation (see
// Loader.Load). It reads the whole file or fails: an NDJSON line that
// cannot be read is its error.
func LoadFile(path string) (*Recording, error) {
	rec, err := (&Loader{}).Load(context.Background(), path)
	if err == nil && len(rec.Unreadable) > 0 {
		return nil, &LoadError{path, rec.Unreadable[0]}
	}
	return rec, err
}

// Each loads the recordings named by paths one at a time and hands each to
// fn before reading the next, so memory holds one recording. A path is a
// file, "-" (standard input), or a directory walked for files ending .yaml,
// .yml, .har, .json, .ndjson and .jsonl, in name order. In a directory, a
// file whose content is not a recording (a report saved beside the
// recordings) is skipped and told to Skipped; a file named in paths that is
// not a recording is an error. Inputs that cannot be read are returned as
// *LoadError values; the others still load. When ctx is cancelled, loading
// stops promptly with an error naming the input it was reading.
func (l *Loader) Each(ctx context.Context, paths []string, fn func(*Recording)) []error {
	var errs []error
	load := func(path string, inDir bool) {
		rec, err := l.Load(ctx, path)
		switch {
		case err == nil:
			fn(rec)
			for _, e := range rec.Unreadable {
				errs = append(errs, &LoadError{path, e})
			}
		case inDir && (errors.Is(err, ErrNotRecording) || errors.Is(err, ErrOwnOutput)) && ctx.Err() == nil:
			if l.Skipped != nil {
				l.Skipped(path, errors.Unwrap(err))
			}
		default:
			errs = append(errs, err)
		}
	}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			errs = append(errs, &LoadError{p, stopped(ctx)})
			continue
		}
		if p == Stdin {
			load(p, false)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, &LoadError{p, cleanFSError(err)})
			continue
		}
		if !info.IsDir() {
			load(p, false)
			continue
		}
		files, walkErrs := dirFiles(ctx, p)
		errs = append(errs, walkErrs...)
		if len(files) == 0 && ctx.Err() == nil {
			errs = append(errs, &LoadError{p, errors.New("the directory holds no recordings (*.yaml, *.yml, *.har, *.json, *.ndjson, *.jsonl)")})
		}
		for _, f := range files {
			if ctx.Err() != nil {
				errs = append(errs, &LoadError{f, stopped(ctx)})
				break
			}
			load(f, true)
		}
	}
	return errs
}

// dirFiles lists the files of directory p that Each reads, in name order,
// and the folders it could not read.
func dirFiles(ctx context.Context, p string) ([]string, []error) {
	var files []string
	var errs []error
	walkErr := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, &LoadError{path, cleanFSError(err)})
			return nil
		}
		if ctx.Err() != nil {
			return filepath.SkipAll
		}
		if !d.IsDir() && slices.Contains(recordingExt, strings.ToLower(filepath.Ext(path))) {
			files = append(files, path)
		}
		return nil
	})
	if walkErr != nil {
		errs = append(errs, &LoadError{p, walkErr})
	}
	sort.Strings(files)
	return files, errs
}

// InputFiles lists the files that Each would read for paths: each path
// that is not a directory, and the recording files found in each directory
// ("-" is left out). A command compares its outputs with them before it
// runs (internal/fileutil), so that no output replaces an input.
func InputFiles(paths []string) []string {
	var out []string
	for _, p := range paths {
		if p == Stdin {
			continue
		}
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
			out = append(out, p)
			continue
		}
		files, _ := dirFiles(context.Background(), p)
		out = append(out, files...)
	}
	return out
}

// IsRecording reports whether the file at path reads as a recording (or
// cannot be read at all, which a command must treat as an input too): false
// only for a readable file that is something else, such as a report or an
// overlay saved beside the recordings, which Each would skip.
func IsRecording(path string) bool {
	_, err := LoadFile(path)
	return !errors.Is(err, ErrNotRecording)
}

// Load reads one recording: a file, or standard input for "-". The format
// is chosen by the ending (.har is HAR; .ndjson and .jsonl are NDJSON;
// .yaml and .yml are cassettes) or, for anything else, by the content. A
// path that is not a regular file after following links is ErrNotRegular,
// and is never opened. Errors are *LoadError values.
func (l *Loader) Load(ctx context.Context, path string) (*Recording, error) {
	if path == Stdin {
		in := l.Stdin
		if in == nil {
			in = os.Stdin
		}
		rec, err := l.Read(ctx, "stdin", in)
		if err != nil {
			return nil, &LoadError{path, err}
		}
		return rec, nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, &LoadError{path, cleanFSError(err)}
	}
	if !info.Mode().IsRegular() {
		return nil, &LoadError{path, fmt.Errorf("%w (%s)", ErrNotRegular, fileKind(info.Mode()))}
	}
	for _, o := range l.Outputs {
		if os.SameFile(info, o) {
			return nil, &LoadError{path, ErrOwnOutput}
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &LoadError{path, cleanFSError(err)}
	}
	defer f.Close()
	// The path may have been replaced between Stat and Open.
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return nil, &LoadError{path, ErrNotRegular}
	}
	rec, err := l.Read(ctx, path, f)
	if err != nil {
		return nil, &LoadError{path, err}
	}
	return rec, nil
}

// fileKind names what a non-regular file is.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "mode " + m.Type().String()
}

// Read reads one recording from r, one entry at a time; name is used for
// the format choice (as in Load) and in each exchange's Source. A leading
// UTF-8 byte-order mark is ignored in every format. Errors never quote the
// content.
func (l *Loader) Read(ctx context.Context, name string, r io.Reader) (*Recording, error) {
	cr := &ctxReader{ctx: ctx, r: r, track: true}
	br := bufio.NewReaderSize(cr, 64<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, bom) {
		_, _ = br.Discard(3)
	}
	rec, err := l.read(ctx, name, br, cr)
	if err != nil && ctx.Err() != nil {
		return nil, stopped(ctx)
	}
	return rec, err
}

var bom = []byte{0xEF, 0xBB, 0xBF}

func (l *Loader) read(ctx context.Context, name string, br *bufio.Reader, cr *ctxReader) (*Recording, error) {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".har":
		return l.readHAR(ctx, name, br, cr)
	case ".ndjson", ".jsonl":
		cr.untrack() // NDJSON counts its lines itself
		return l.readNDJSON(ctx, name, br, 0)
	case ".yaml", ".yml":
		cr.untrack() // the YAML parser knows the lines
		return l.readCassette(name, br, 0)
	}
	first, skipped, err := firstByte(br)
	switch {
	case err == io.EOF:
		return nil, errors.New("the file is empty")
	case err != nil:
		return nil, err
	case first != '{':
		cr.untrack()
		return l.readCassette(name, br, skipped)
	}
	if sniffJSON(br) == FormatNDJSON {
		cr.untrack()
		return l.readNDJSON(ctx, name, br, skipped)
	}
	return l.readHAR(ctx, name, br, cr)
}

// firstByte reads past leading white space to the first byte of content,
// which it peeks at, and counts the lines it read past (the newlines), so
// that line numbers stay those of the file.
func firstByte(br *bufio.Reader) (first byte, lines int, err error) {
	for {
		b, err := br.Peek(1)
		if err != nil {
			return 0, lines, err
		}
		switch b[0] {
		case '\n':
			lines++
			_, _ = br.Discard(1)
		case ' ', '\t', '\r':
			_, _ = br.Discard(1)
		default:
			return b[0], lines, nil
		}
	}
}

// sniffJSON looks at the top-level member names in what is buffered: "log"
// is a HAR file; "request" or "response" is a HAR entry, so NDJSON.
func sniffJSON(br *bufio.Reader) string {
	buf, _ := br.Peek(br.Buffered()) // never wait for more: standard input may trickle
	dec := jsontext.NewDecoder(bytes.NewReader(buf), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return FormatHAR
	}
	for {
		tok, err := dec.ReadToken()
		if err != nil || tok.Kind() != '"' {
			return FormatHAR
		}
		switch tok.String() {
		case "log":
			return FormatHAR
		case "request", "response":
			return FormatNDJSON
		}
		if dec.SkipValue() != nil {
			return FormatHAR
		}
	}
}

// readCassette reads a cassette from br, which is skipped lines into the
// file.
func (l *Loader) readCassette(name string, br *bufio.Reader, skipped int) (*Recording, error) {
	data, err := io.ReadAll(io.LimitReader(br, MaxCassetteSize+1))
	if err != nil {
		return nil, cleanFSError(err)
	}
	if len(data) > MaxCassetteSize {
		return nil, fmt.Errorf("the cassette is larger than the %d MiB limit for cassettes (HAR and NDJSON files have none)", MaxCassetteSize>>20)
	}
	rec, err := parseCassette(name, data, l.Keep)
	if err == nil {
		for _, ex := range rec.Exchanges {
			ex.Line += skipped
		}
	}
	if err == nil && l.Progress != nil {
		l.Progress(len(rec.Exchanges))
	}
	return rec, err
}

// readHAR walks a HAR file's tokens to log.entries and reads the entries one
// at a time; other members are skipped.
func (l *Loader) readHAR(ctx context.Context, name string, br *bufio.Reader, cr *ctxReader) (*Recording, error) {
	// The decoder's offsets start where br is now.
	cr.base = cr.n - int64(br.Buffered())
	dec := jsontext.NewDecoder(br)
	rec := &Recording{Path: name, Format: FormatHAR}
	sawEntries := false
	sawLog, err := member(dec, "not a HAR file: the top level is not a JSON object", "log", func() error {
		var err error
		sawEntries, err = member(dec, `not a HAR file: "log" is not an object`, "entries", func() error {
			if err := expect(dec, '[', `not a HAR file: "log.entries" is not an array`); err != nil {
				return err
			}
			if _, err := dec.ReadToken(); err != nil {
				return harError(err)
			}
			for dec.PeekKind() != ']' {
				if err := l.nextEntry(ctx, rec, dec, cr, "not a HAR file"); err != nil {
					return err
				}
			}
			if _, err := dec.ReadToken(); err != nil {
				return harError(err)
			}
			return nil
		})
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case !sawLog:
		return nil, notRecording(`not a HAR file: no "log" object`)
	case !sawEntries:
		return nil, notRecording(`not a HAR file: no "log.entries" array`)
	case rec.entries() == 0:
		return nil, errors.New("the HAR file has no entries")
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, errors.New("not a HAR file: there is more content after the HAR object")
	}
	return rec, nil
}

// member walks the JSON object dec is at: it calls read, which must read
// the value, for each member named want, skips the other members' values,
// and reports whether want was there. Anything but an object is notObject.
func member(dec *jsontext.Decoder, notObject, want string, read func() error) (bool, error) {
	if err := expect(dec, '{', notObject); err != nil {
		return false, err
	}
	if _, err := dec.ReadToken(); err != nil {
		return false, harError(err)
	}
	seen := false
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return false, harError(err)
		}
		if tok.String() != want {
			if err := dec.SkipValue(); err != nil {
				return false, harError(err)
			}
			continue
		}
		seen = true
		if err := read(); err != nil {
			return false, err
		}
	}
	if _, err := dec.ReadToken(); err != nil { // the object's '}'
		return false, harError(err)
	}
	return seen, nil
}

// readNDJSON reads HAR entry objects one a line, each line on its own: a
// line that is not a HAR entry is one unreadable entry named by its line
// number (rec.Unreadable) and the other lines are still read; a last line
// without a newline that is not JSON is cut off (rec.Incomplete). Blank
// lines are ignored. br is skipped lines into the file (blank lines read
// past to tell the format). A file whose first line is not a JSON object is not
// NDJSON (ErrNotRecording); one with no readable entry is an error.
func (l *Loader) readNDJSON(ctx context.Context, name string, br *bufio.Reader, skipped int) (*Recording, error) {
	rec := &Recording{Path: name, Format: FormatNDJSON}
	first := true
	for n := skipped + 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return nil, stopped(ctx)
		}
		line, err := readLine(br, MaxEntrySize)
		if errors.Is(err, errEntryTooLarge) {
			// Where the next line starts is not known without reading
			// without bound.
			return nil, fmt.Errorf("line %d is larger than the %d MiB limit for one entry", n, MaxEntrySize>>20)
		}
		if err != nil && err != io.EOF {
			return nil, cleanFSError(err)
		}
		atEOF := err == io.EOF
		body := bytes.TrimSpace(line)
		switch {
		case len(body) == 0:
			// blank
		case first && body[0] != '{':
			return nil, notRecording("not NDJSON of HAR entries: the first value is not a JSON object")
		default:
			first = false
			if err := l.ndjsonLine(rec, body, n); err != nil {
				if atEOF && !bytes.HasSuffix(line, []byte("\n")) && !jsontext.Value(body).IsValid() {
					rec.Incomplete = fmt.Sprintf("line %d, the last, is cut off (no newline at the end, and not JSON: a writer may still be appending); it was not read", n)
				} else {
					rec.Unreadable = append(rec.Unreadable, fmt.Errorf("line %d: %w", n, err))
				}
			}
		}
		if atEOF {
			break
		}
	}
	if rec.entries() == 0 {
		switch {
		case len(rec.Unreadable) > 0:
			return nil, fmt.Errorf("no line of the NDJSON file is a readable HAR entry (%s)", rec.Unreadable[0])
		case rec.Incomplete != "":
			return nil, fmt.Errorf("the NDJSON file has no complete entry: %s", rec.Incomplete)
		}
		return nil, errors.New("the NDJSON file has no entries")
	}
	return rec, nil
}

// ndjsonLine reads NDJSON line n, which must be exactly one JSON object,
// as HAR entry number rec.entries().
func (l *Loader) ndjsonLine(rec *Recording, body []byte, n int) error {
	dec := jsontext.NewDecoder(bytes.NewReader(body))
	if err := dec.SkipValue(); err != nil {
		return fmt.Errorf("not JSON: %s", jsonErrorText(err))
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return errors.New("more than one JSON value on the line (NDJSON holds one HAR entry object a line)")
	}
	if body[0] != '{' {
		return errors.New("not a JSON object (NDJSON holds one HAR entry object a line)")
	}
	i := rec.entries()
	ex, note, err := l.entry(rec.Path, i, n, body)
	if err != nil {
		return err
	}
	l.keep(rec, i, ex, note)
	return nil
}

// readLine reads up to and including the next newline, or to the end of
// the input (io.EOF, with what was read). A line longer than limit (plus
// its newline) is errEntryTooLarge, read no further.
func readLine(br *bufio.Reader, limit int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > limit+2 {
			return nil, errEntryTooLarge
		}
		line = append(line, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		return line, err
	}
}

// nextEntry reads the decoder's next value as HAR entry number
// rec.entries() and appends its exchange, or counts it in rec.Skipped when
// Keep rejects it.
func (l *Loader) nextEntry(ctx context.Context, rec *Recording, dec *jsontext.Decoder, cr *ctxReader, what string) error {
	i := rec.entries()
	if err := ctx.Err(); err != nil {
		return stopped(ctx)
	}
	cr.limitFrom(dec.InputOffset())
	raw, err := dec.ReadValue()
	cr.unlimit()
	// The entry's '{' is len(raw) bytes before where the value ends (the
	// decoder leaves white space out of a value).
	line := cr.lineAt(cr.base + dec.InputOffset() - int64(len(raw)))
	if errors.Is(err, errEntryTooLarge) {
		return fmt.Errorf("entry %d is larger than the %d MiB limit for one entry", i, MaxEntrySize>>20)
	}
	if err != nil {
		return fmt.Errorf("%s: %s", what, jsonErrorText(err)) // a syntax error, at its byte offset
	}
	ex, note, err := l.entry(rec.Path, i, line, raw)
	if err != nil && l.BadEntry != nil {
		l.BadEntry(entrySource(rec.Path, i), err)
		rec.unreadable++
		return nil
	}
	if err != nil {
		return fmt.Errorf("entry %d: %w", i, err)
	}
	l.keep(rec, i, ex, note)
	return nil
}

// keep adds entry i's exchange to rec, or counts it in rec.Skipped when
// Keep rejected it (ex is nil), with its note.
func (l *Loader) keep(rec *Recording, i int, ex *contract.Exchange, note *contract.Finding) {
	if ex != nil {
		rec.Exchanges = append(rec.Exchanges, ex)
		if l.Batch != nil && l.BatchSize > 0 && len(rec.Exchanges) >= l.BatchSize {
			l.Batch(&Recording{Path: rec.Path, Format: rec.Format, Provenance: rec.Provenance, Exchanges: rec.Exchanges})
			rec.batched += len(rec.Exchanges)
			rec.Exchanges = nil
		}
	} else {
		rec.Skipped.Add(entrySource(rec.Path, i), contract.SkipNotOperation)
	}
	if note != nil {
		rec.Notes = append(rec.Notes, *note)
	}
	if l.Progress != nil {
		l.Progress(rec.entries())
	}
}

// HAR 1.2, the members the checker reads. Other members (timings, cookies,
// exporters' "_" custom fields) are skipped.
type harEntry struct {
	Request struct {
		Method   string      `json:"method"`
		URL      string      `json:"url"`
		Headers  []harHeader `json:"headers"`
		PostData *struct {
			Text string `json:"text"`
		} `json:"postData"`
	} `json:"request"`
	Response struct {
		Status  int         `json:"status"`
		Headers []harHeader `json:"headers"`
		Content struct {
			Size     *int64  `json:"size"`
			Text     *string `json:"text"`
			Encoding string  `json:"encoding"`
		} `json:"content"`
	} `json:"response"`
}

// harEntryHead is what deciding to keep an entry needs.
type harEntryHead struct {
	StartedDateTime string `json:"startedDateTime"`
	Request         struct {
		Method string `json:"method"`
		URL    string `json:"url"`
	} `json:"request"`
	Response struct {
		Status int `json:"status"`
	} `json:"response"`
}

type harHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// entry turns one HAR entry's JSON text, which starts on the given line of
// the recording, into an exchange, and a note when
// its content.size disagrees with a complete body. An entry Keep rejects is
// validated and gives no exchange (nil, nil, nil).
func (l *Loader) entry(name string, i, line int, raw []byte) (*contract.Exchange, *contract.Finding, error) {
	var head harEntryHead
	if err := jsonv2.Unmarshal(raw, &head); err != nil {
		return nil, nil, errors.New(jsonErrorText(err))
	}
	if head.Request.Method == "" || head.Request.URL == "" {
		return nil, nil, errors.New("request has no method or URL")
	}
	if _, err := url.Parse(head.Request.URL); err != nil {
		return nil, nil, errors.New("request URL is malformed")
	}
	if s := head.Response.Status; s != 0 && (s < 100 || s > 599) {
		return nil, nil, fmt.Errorf("response status %d is not an HTTP status", s)
	}
	started, err := harTime(head.StartedDateTime)
	if err != nil {
		return nil, nil, fmt.Errorf("startedDateTime %w", err)
	}
	if l.Keep != nil && !l.Keep(head.Request.Method, head.Request.URL) {
		return nil, nil, nil
	}
	var e harEntry
	if err := jsonv2.Unmarshal(raw, &e); err != nil {
		return nil, nil, errors.New(jsonErrorText(err))
	}
	ex := &contract.Exchange{
		Source:     entrySource(name, i),
		Line:       line,
		RecordedAt: started,
		Request:    contract.Request{Method: strings.ToUpper(e.Request.Method), URL: e.Request.URL, Header: harHeaders(e.Request.Headers)},
		Response:   contract.Response{Status: e.Response.Status, Header: harHeaders(e.Response.Headers)},
	}
	if e.Request.PostData != nil {
		ex.Request.Body = []byte(e.Request.PostData.Text)
	}
	note, err := harBody(ex, e.Response.Content.Text, e.Response.Content.Encoding, e.Response.Content.Size)
	return ex, note, err
}

// harBody fills ex.Response's body from a HAR content object, and judges
// truncation by evidence:
//
//   - no text: the body was not recorded (BodyMissing);
//   - text that is base64 (encoding "base64") is decoded, and a body still
//     gzip-compressed (Content-Encoding gzip with the gzip magic number) is
//     decompressed, bounded by contract.DefaultMaxBody;
//   - a body that is complete JSON is never truncated: a size that disagrees
//     with it is a content-size-mismatch note (exporters write the base64
//     text's length, or 0, there);
//   - otherwise a plain text (neither base64 nor compressed) shorter than a
//     known size is truncated; the checker also finds JSON that ends early;
//   - a size of -1 is unknown (HAR's convention); any other negative size is
//     an input error.
func harBody(ex *contract.Exchange, text *string, encoding string, size *int64) (*contract.Finding, error) {
	h := ex.Response.Header
	known := size != nil && *size >= 0
	if size != nil && *size < -1 {
		return nil, fmt.Errorf("content.size %d is negative (only -1, unknown, may be)", *size)
	}
	if text == nil {
		ex.Response.BodyMissing = true
		h.Del("Content-Encoding")
		h.Del("Content-Length")
		return nil, nil
	}
	body := []byte(*text)
	plain := true
	switch {
	case strings.EqualFold(encoding, "base64"):
		b, err := base64.StdEncoding.DecodeString(*text)
		if err != nil {
			return nil, errors.New("content.text is not valid base64")
		}
		body, plain = b, false
	case encoding != "":
		return nil, fmt.Errorf("content.encoding %s is not supported (only base64)", httpbody.Describe(encoding))
	}
	if enc := httpbody.Normalize(h.Get("Content-Encoding")); (enc == "gzip" || enc == "x-gzip") && httpbody.IsGzip(body) {
		// Still compressed, as some exporters keep it.
		var err error
		if body, err = decodeContentEncoding(h, body); err != nil {
			return nil, err
		}
		plain = false
	}
	// HAR keeps decoded content: the transfer headers no longer describe it.
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	ex.Response.Body = body
	if completeJSON(body) {
		if known && *size != int64(len(body)) {
			f := contract.Finding{ID: contract.IDContentSizeMismatch, Path: "$", Source: ex.Source,
				Message: fmt.Sprintf("content.size is %d but the body is %d bytes of complete JSON: checked as recorded, not as truncated", *size, len(body))}
			if r, ok := contract.RuleFor(f.ID); ok {
				f.Severity = r.Severity
			}
			return &f, nil
		}
		return nil, nil
	}
	if plain && known && int64(len(body)) < *size {
		ex.Response.Truncated = true
	}
	return nil, nil
}

// completeJSON reports whether body holds one whole JSON value, whatever
// else is wrong with it (duplicate names and invalid UTF-8 are the
// checker's to report).
func completeJSON(body []byte) bool {
	dec := jsontext.NewDecoder(bytes.NewReader(body), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if dec.SkipValue() != nil {
		return false
	}
	_, err := dec.ReadToken()
	return err == io.EOF
}

// ParseRecording parses recording bytes; name is used for the format choice
// and in each exchange's Source (see Loader.Read).
func ParseRecording(name string, data []byte) (*Recording, error) {
	return (&Loader{}).Read(context.Background(), name, bytes.NewReader(data))
}

// ParseHAR parses an HTTP Archive (HAR 1.2), whatever name's ending. Bodies
// with content.encoding "base64" are decoded; a missing content.text marks
// the body not recorded; truncation needs evidence (see the package doc).
// Entries without a response (status 0) are kept and skipped by the
// checker.
func ParseHAR(name string, data []byte) (*Recording, error) {
	l := &Loader{}
	cr := &ctxReader{ctx: context.Background(), r: bytes.NewReader(bytes.TrimPrefix(data, bom))}
	return l.readHAR(context.Background(), name, bufio.NewReader(cr), cr)
}

// harError describes a JSON error of a HAR or NDJSON file.
func harError(err error) error {
	if errors.Is(err, errEntryTooLarge) {
		return err
	}
	return fmt.Errorf("not a HAR file: %s", jsonErrorText(err))
}

func stopped(ctx context.Context) error {
	return fmt.Errorf("loading stopped: %w", context.Cause(ctx))
}

var errEntryTooLarge = errors.New("the entry is too large")

// notRecordingError is a readable input whose content is not a recording;
// it is ErrNotRecording, and its message says what it is instead.
type notRecordingError struct{ msg string }

func (e *notRecordingError) Error() string        { return e.msg }
func (e *notRecordingError) Is(target error) bool { return target == ErrNotRecording }

func notRecording(msg string) error { return &notRecordingError{msg} }

// expect checks that the next token is of kind want; a syntax error or the
// end of the input is reported as such, another token as notRec.
func expect(dec *jsontext.Decoder, want jsontext.Kind, notRec string) error {
	switch dec.PeekKind() {
	case want:
		return nil
	case 0:
		_, err := dec.ReadToken()
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return harError(err)
	}
	return notRecording(notRec)
}

// ctxReader stops reading when its context is done, and, while limited,
// once more than MaxEntrySize bytes (plus what a decoder buffers ahead) have
// been read since the start of the current entry. While tracking, it notes
// where the newlines it has read are, so that lineAt can say which line an
// offset is on (a HAR entry's start); a HAR decoder reads at most a buffer
// ahead of where it is, so few are held at once.
type ctxReader struct {
	ctx   context.Context
	r     io.Reader
	n     int64 // bytes read
	limit int64 // read no further than this offset; 0: no limit
	// base is the offset of the byte a decoder's offset 0 is (after a
	// byte-order mark).
	base     int64
	track    bool
	newlines []int64 // offsets of the newlines read and not yet counted in lines
	lines    int     // newlines before the last offset lineAt was asked about
}

// untrack stops noting newlines and forgets those noted.
func (c *ctxReader) untrack() { c.track, c.newlines = false, nil }

// lineAt returns the line (1 for the first) that the byte at offset off
// (counted from the start of the input) is on. Offsets asked about must not
// decrease.
func (c *ctxReader) lineAt(off int64) int {
	i := 0
	for i < len(c.newlines) && c.newlines[i] < off {
		i++
	}
	c.lines += i
	c.newlines = c.newlines[i:]
	return c.lines + 1
}

// readAhead is how far a decoder may read past the value it is decoding.
const readAhead = 1 << 20

func (c *ctxReader) limitFrom(offset int64) { c.limit = offset + MaxEntrySize + 2*readAhead }
func (c *ctxReader) unlimit()               { c.limit = 0 }

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, stopped(c.ctx)
	}
	if c.limit > 0 {
		if c.n >= c.limit {
			return 0, errEntryTooLarge
		}
		if rest := c.limit - c.n; int64(len(p)) > rest {
			p = p[:rest]
		}
	}
	n, err := c.r.Read(p)
	if c.track {
		for i, b := range p[:n] {
			if b == '\n' {
				c.newlines = append(c.newlines, c.n+int64(i))
			}
		}
	}
	c.n += int64(n)
	return n, err
}

// cleanFSError drops the path an *fs.PathError repeats.
func cleanFSError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

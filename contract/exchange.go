package contract

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

// Exchange is one request to a token endpoint and the response it got, from a
// recording, a HAR file, a live probe or the fake server.
type Exchange struct {
	// Source names where the exchange came from; it is copied into every
	// finding ("file.yaml#2", "live GET /backend/tokens?limit=250").
	Source string
	// Line is the line where the exchange starts in its recording (1 for
	// the first line): a cassette's interaction, a HAR entry's object, an
	// NDJSON line. Zero when the source has no lines (a live probe, the
	// proxy). Reports point at it (SARIF's region).
	Line int
	// RecordedAt is when the exchange was made, where the recording says
	// (a HAR entry's startedDateTime); zero when it does not.
	RecordedAt time.Time
	// Request is what was sent.
	Request Request
	// Response is what came back.
	Response Response
	// BasePath is the path of the base URL the request was sent to, when
	// the source knows it (a live probe's, a recording that records it):
	// "/api/io", or "/" for a server at the root. Empty means the
	// Checker's (WithBasePath, else the spec's server URL's path).
	BasePath string
}

// Request is the request half of an exchange.
type Request struct {
	// Method is the HTTP method, such as "GET".
	Method string
	// URL is the request URL, absolute or just path and query. Only the path
	// (an operation's path under the base path, see Exchange.BasePath) and
	// the limit and offset query parameters are read.
	URL string
	// Header holds the request headers. Credential headers are read only to
	// keep their values out of findings.
	Header http.Header
	// Body is the request body, if any.
	Body []byte
}

// Response is the response half of an exchange.
type Response struct {
	// Status is the HTTP status code.
	Status int
	// Header holds the response headers.
	Header http.Header
	// Body is the response body, decoded from any Content-Encoding.
	Body []byte
	// Truncated is set by a loader that knows the body was cut short (a HAR
	// content.size larger than its text, a live read that hit its cap).
	Truncated bool
	// BodyMissing is set when the recording captured no body at all, so only
	// status and headers can be checked.
	BodyMissing bool
}

// paging is the limit and offset a list request asked for.
type paging struct {
	limit, offset int
	ok            bool // false when a parameter is present but not an integer
}

// requestPaging reads limit and offset from a request URL, applying the
// spec's defaults (def) when they are absent.
func requestPaging(u *url.URL, def openapi.Paging) paging {
	p := paging{limit: def.DefaultLimit, offset: def.DefaultOffset, ok: true}
	q := u.Query()
	for name, dst := range map[string]*int{"limit": &p.limit, "offset": &p.offset} {
		if !q.Has(name) {
			continue
		}
		n, err := strconv.Atoi(q.Get(name))
		if err != nil {
			p.ok = false
			continue
		}
		*dst = n
	}
	return p
}

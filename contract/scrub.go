package contract

import (
	"net/http"
	"sort"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/b2b-contract/s2s-tokens/internal/secrets"
)

// Redacted replaces a secret in any message the checker writes.
const Redacted = secrets.Marker

// secretValues collects, once, every value of the exchange that must never
// appear in a finding: credential headers, and body members with sensitive
// names in the response and the request. Longest first, so that a secret
// containing another is removed whole.
func (s *check) secretValues() []string {
	if s.scanned {
		return s.secrets
	}
	s.scanned = true
	set := map[string]bool{}
	for _, v := range secrets.HeaderValues(s.ex.Request.Header) {
		set[v] = true
	}
	for _, v := range secrets.HeaderValues(s.ex.Response.Header) {
		set[v] = true
	}
	collectSecrets(s.tree, set, 0)
	if len(s.ex.Request.Body) > 0 {
		var reqTree any
		if jsonv2.Unmarshal(s.ex.Request.Body, &reqTree) == nil {
			collectSecrets(reqTree, set, 0)
		}
	}
	delete(set, "")
	for v := range set {
		s.secrets = append(s.secrets, v)
	}
	sort.Slice(s.secrets, func(i, j int) bool { return len(s.secrets[i]) > len(s.secrets[j]) })
	return s.secrets
}

// ExchangeSecrets returns every value of ex that the reports treat as
// secret: the values of its credential headers (and the credential inside
// each, see secrets.HeaderParts), and the string values of members with
// sensitive names in its request and response bodies. Anything built from
// an exchange outside the checker (an overlay, say) scrubs with these and
// so follows the same policy as the findings.
func ExchangeSecrets(ex *Exchange) []string {
	if ex == nil {
		return nil
	}
	set := map[string]bool{}
	for _, h := range []http.Header{ex.Request.Header, ex.Response.Header} {
		for _, v := range secrets.HeaderValues(h) {
			for _, part := range secrets.HeaderParts(v) {
				set[part] = true
			}
		}
	}
	for _, body := range [][]byte{ex.Request.Body, ex.Response.Body} {
		var tree any
		if len(body) > 0 && jsonv2.Unmarshal(body, &tree) == nil {
			collectSecrets(tree, set, 0)
		}
	}
	delete(set, "")
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func collectSecrets(v any, set map[string]bool, depth int) {
	if depth > 64 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			if str, ok := child.(string); ok && secrets.SensitiveName(k) {
				set[str] = true
				// Parts of a secret are secret too: the segments of a JWT.
				for _, part := range strings.Split(str, ".") {
					if len(part) >= 8 {
						set[part] = true
					}
				}
				continue
			}
			collectSecrets(child, set, depth+1)
		}
	case []any:
		for _, child := range x {
			collectSecrets(child, set, depth+1)
		}
	}
}

// scrubAll removes secrets from every finding of the exchange, with one
// Scrubber built from the exchange's secret values: scrubbing costs time
// linear in the findings' text, however many secrets the exchange holds.
func (s *check) scrubAll(fs []Finding) {
	scrubFindings(fs, s.scrubber())
}

// scrubber returns the exchange's one Scrubber, built from secretValues on
// first use.
func (s *check) scrubber() *secrets.Scrubber {
	if s.sc == nil {
		s.sc = secrets.NewScrubber(s.secretValues()...)
	}
	return s.sc
}

// cut scrubs text with the exchange's secrets, then cuts it to n bytes: a
// secret straddling the cut is removed whole.
func (s *check) cut(text string, n int) string {
	return secrets.Cut(s.scrubber(), text, n)
}

// scrubFindings scrubs each finding's message and path with sc, then bounds
// the path (MaxPathLen): the one place every finding passes before it
// leaves the checker.
func scrubFindings(fs []Finding, sc *secrets.Scrubber) {
	for i := range fs {
		fs[i].Message = sc.String(fs[i].Message)
		fs[i].Path = boundPath(sc.String(fs[i].Path))
	}
}

// MaxPathLen bounds a finding's Path, in bytes (plus the elision marker): a
// path deeper than that keeps its head and its tail, cut at segment
// boundaries, joined by PathElision.
const MaxPathLen = 256

// PathElision stands for the segments a bounded path leaves out.
const PathElision = "…"

// boundPath keeps at most MaxPathLen bytes of path: the segments that fit in
// the first and the last half, with PathElision between.
func boundPath(path string) string {
	if len(path) <= MaxPathLen {
		return path
	}
	half := MaxPathLen / 2
	head := path[:half]
	if i := strings.LastIndexAny(head, ".["); i > 0 {
		head = head[:i]
	}
	tail := path[len(path)-half:]
	if i := strings.IndexAny(tail, ".["); i >= 0 {
		tail = tail[i:]
	}
	return head + PathElision + tail
}

// Scrub removes from text every listed secret (in raw and encoded forms),
// every JWT-shaped string, every email address and every value of a
// secret-named member or parameter, also where an encoding hides them, by
// the module's one secrets policy (secrets.Text, the redactor the client
// uses too). Reports use it as a last line of defence on anything they
// print. A caller that scrubs many texts with the same secrets builds one
// secrets.Scrubber instead.
func Scrub(text string, known []string) string {
	return secrets.Text(text, known...)
}

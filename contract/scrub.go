package contract

import (
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

// scrubAll removes secrets from every finding of the exchange.
func (s *check) scrubAll(fs []Finding) {
	scrubFindings(fs, s.secretValues())
}

func scrubFindings(fs []Finding, secrets []string) {
	for i := range fs {
		fs[i].Message = Scrub(fs[i].Message, secrets)
		fs[i].Path = Scrub(fs[i].Path, secrets)
	}
}

// Scrub removes from text every listed secret, every JWT-shaped string,
// every email address and every value of a secret-named member, by the
// module's one secrets policy (the redactor the client uses too). Reports
// use it as a last line of defence on anything they print.
func Scrub(text string, known []string) string {
	return secrets.Text(text, known...)
}

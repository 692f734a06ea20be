package contract

import (
	"slices"
	"sort"
	"strings"
)

// SecondOpinion is an OpenAPI validator independent of libopenapi-validator,
// built from the same spec, that judges the bodies the Checker checks a
// second time (WithSecondOpinion). Package contract/kin implements it with
// kin-openapi. It must be safe for concurrent use.
type SecondOpinion interface {
	// Describes reports whether the spec has the operation method path
	// (path as the spec writes it, without the server's base path).
	Describes(method, path string) bool
	// Validate judges one response of that operation and returns why it
	// rejects it, nil when it accepts it.
	Validate(method, path string, resp Response) []Rejection
}

// NewSecondOpinion builds a SecondOpinion from the spec a Checker is built
// from (name names it in errors); New calls it once.
type NewSecondOpinion func(name string, spec []byte) (SecondOpinion, error)

// Rejection is one reason a SecondOpinion rejects a body.
type Rejection struct {
	// Keyword is the schema keyword that failed ("type", "required"), empty
	// for a rejection of the response as a whole.
	Keyword string
	// Location holds the JSON pointer's reference tokens of the rejected
	// value (none for the body itself).
	Location []string
	// Reason says why the response as a whole is rejected, when Keyword is
	// empty. It may quote the response: the Checker scrubs and bounds it.
	Reason string
}

// secondOpinion validates the body again with the Checker's second opinion
// and reports a disagreement with the libopenapi-validator verdict of the
// schema layer (strict mode aside, which the second validator need not
// have). Only the failing keywords and their locations are quoted, and a
// reason after scrubbing.
func (s *check) secondOpinion() {
	if !s.op.opinion {
		return
	}
	rejections := libsOf(s.c).opinion.Validate(s.op.method, s.op.path, s.ex.Response)
	switch {
	case len(rejections) == 0 && !s.schemaOK:
		s.add(IDValidatorsDisagree, "$", "libopenapi-validator rejects the body (%s) but the second opinion accepts it", s.schemaIDs())
	case len(rejections) > 0 && s.schemaOK:
		s.add(IDValidatorsDisagree, "$", "the second opinion rejects the body (%s) but libopenapi-validator accepts it", rejectionSummary(rejections, s.cut))
	}
}

// schemaIDs lists the ids of the schema layer's breaking findings so far.
func (s *check) schemaIDs() string {
	set := map[string]bool{}
	for _, f := range s.findings {
		if rules[f.ID].Layer == LayerSchema && f.Severity == Breaking {
			set[f.ID+" at "+f.Path] = true
		}
	}
	var ids []string
	for id := range set {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if len(ids) > 3 {
		ids = append(ids[:3], "…")
	}
	return strings.Join(ids, "; ")
}

// rejectionSummary describes rejections by schema keyword and location; cut
// scrubs and bounds the reasons it quotes.
func rejectionSummary(rs []Rejection, cut func(string, int) string) string {
	var parts []string
	for _, r := range rs {
		switch {
		case r.Keyword != "":
			parts = append(parts, cut(r.Keyword, 40)+" at "+StablePath(jsonPath(r.Location)))
		case r.Reason != "":
			parts = append(parts, "response "+cut(r.Reason, 80))
		default:
			parts = append(parts, "a validation error")
		}
	}
	sort.Strings(parts)
	parts = slices.Compact(parts)
	if len(parts) > 3 {
		parts = append(parts[:3], "…")
	}
	return strings.Join(parts, "; ")
}

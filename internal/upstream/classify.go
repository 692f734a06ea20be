package upstream

import (
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"

	"github.com/b2b-contract/s2s-tokens/internal/specguard"
)

// oasChange is one change oasdiff's backward-compatibility checker found
// between two versions of the vendor's document.
type oasChange struct {
	operation string // "GET /backend/tokens"
	id        string
	breaking  bool
	text      string
}

// oasdiffChanges runs oasdiff's checks (with the project's level overrides,
// specguard.LevelOverrides) from base to revision and keeps the changes to
// the operations in ops.
func oasdiffChanges(base, revision []byte, ops []string) ([]oasChange, error) {
	s1, err := specInfo("the reviewed vendor document", base)
	if err != nil {
		return nil, err
	}
	s2, err := specInfo("the newest vendor document", revision)
	if err != nil {
		return nil, err
	}
	d, sources, err := diff.GetPathsDiff(diff.NewConfig(), []*load.SpecInfo{s1}, []*load.SpecInfo{s2})
	if err != nil {
		return nil, fmt.Errorf("comparing the vendor's documents with oasdiff: %w", err)
	}
	cfg := checker.NewConfig(checker.GetAllChecks(), checker.WithSeverityLevels(specguard.LevelOverrides()))
	want := map[string]bool{}
	for _, op := range ops {
		want[op] = true
	}
	l := checker.NewDefaultLocalizer()
	var out []oasChange
	for _, c := range checker.CheckBackwardCompatibilityUntilLevel(cfg, d, sources, checker.INFO) {
		op := strings.ToUpper(c.GetOperation()) + " " + c.GetPath()
		if !want[op] {
			continue
		}
		out = append(out, oasChange{operation: op, id: c.GetId(), breaking: c.GetLevel() >= checker.ERR, text: strings.TrimSpace(c.GetUncolorizedText(l))})
	}
	return out, nil
}

func specInfo(name string, data []byte) (*load.SpecInfo, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	info, err := load.NewSpecInfoFromData(loader, data, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return info, nil
}

// kindMatches says which oasdiff rule ids speak about a Change of each
// kind: an id matches when it contains every word of one of the kind's
// alternatives.
var kindMatches = map[string][][]string{
	KindOperation:  {{"api-removed"}, {"api-path-removed"}, {"endpoint-added"}},
	KindDeprecated: {{"deprecat"}},
	KindSunset:     {{"sunset"}},
	KindSecurity:   {{"security"}},
	KindParameter:  {{"parameter"}},
	KindRequest:    {{"request", "property"}, {"request-body"}},
	KindStatus:     {{"status"}},
	KindContent:    {{"media-type"}},
	KindHeader:     {{"header"}},
	KindProperty:   {{"response", "property"}},
	KindRequired:   {{"required"}},
}

// matching returns the oasdiff changes that speak about c.
func matching(c Change, all []oasChange) []oasChange {
	var out []oasChange
	for _, o := range all {
		if o.operation != c.Operation {
			continue
		}
		for _, words := range kindMatches[c.Kind] {
			ok := true
			for _, w := range words {
				ok = ok && strings.Contains(o.id, w)
			}
			if ok {
				out = append(out, o)
				break
			}
		}
	}
	return out
}

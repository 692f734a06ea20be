package specguard

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
	"go.yaml.in/yaml/v3"
)

// Spec is one side of a spec comparison.
type Spec struct {
	// Name is where the spec comes from, relative to the repository root
	// (such as "openapi/b2b-s2s-tokens.yaml"). Findings and annotations name
	// it.
	Name string
	// Data is the spec as YAML or JSON.
	Data []byte
}

// LevelOverrides lists the oasdiff rules whose level this project raises,
// with the level it uses:
//
//   - An enum value removed from a response. The spec describes the responses
//     the vendor sends, and its consumers validate responses against it (the
//     contract suite, the fake server) and switch on the generated enum
//     constants: a removed value makes real responses invalid and removes a Go
//     constant. oasdiff rates it info, for an API the spec's owner serves.
//   - Anything "removed with deprecation". Every operation here is deprecated
//     by the vendor from the start; that deprecation is not this spec's notice
//     that it will drop the operation, and dropping one still removes methods
//     from every client generated from the spec.
//
// It is built on first use: building oasdiff's rule list costs every command
// that imports the package (tokens-contract, for its upstream command) about
// a millisecond at start-up.
var LevelOverrides = sync.OnceValue(levelOverrides)

func levelOverrides() map[string]checker.Level {
	m := map[string]checker.Level{
		checker.ResponsePropertyEnumValueRemovedId:  checker.ERR,
		checker.ResponseMediaTypeEnumValueRemovedId: checker.ERR,
	}
	for _, id := range checker.GetAllRuleIds() {
		if strings.HasSuffix(id, "-removed-with-deprecation") {
			m[id] = checker.ERR
		}
	}
	return m
}

// CompareSpecs compares revision (the working spec) with base (the last
// released spec) using oasdiff's backward-compatibility checks, and applies
// the version policy: info.version must be a semantic version, must not go
// down, must change when the content changes, and must get a new major
// version when anything breaks. It returns an error only when a spec cannot
// be read; what it finds is in the report.
func CompareSpecs(base, revision Spec) (*Report, error) {
	s1, err := loadSpec(base)
	if err != nil {
		return nil, err
	}
	s2, err := loadSpec(revision)
	if err != nil {
		return nil, err
	}
	d, sources, err := diff.GetPathsDiff(diff.NewConfig(), []*load.SpecInfo{s1}, []*load.SpecInfo{s2})
	if err != nil {
		return nil, fmt.Errorf("specguard: comparing %s with %s: %w", revision.Name, base.Name, err)
	}
	cfg := checker.NewConfig(checker.GetAllChecks(), checker.WithSeverityLevels(LevelOverrides()))
	changes := checker.CheckBackwardCompatibilityUntilLevel(cfg, d, sources, checker.INFO)

	r := &Report{
		Subject:  "spec",
		Base:     fmt.Sprintf("%s (%s)", s1.Version, base.Name),
		Revision: fmt.Sprintf("%s (%s)", s2.Version, revision.Name),
	}
	l := checker.NewDefaultLocalizer()
	for _, c := range changes {
		if isVersionCheck(c.GetId()) {
			continue // the guard's own version rules below say it more precisely
		}
		f := Finding{
			ID:      c.GetId(),
			Level:   level(c.GetLevel()),
			Where:   strings.TrimSpace(c.GetOperation() + " " + c.GetPath()),
			Message: strings.TrimSpace(c.GetUncolorizedText(l)),
		}
		src := c.GetRevisionSource()
		if src == nil || src.File == "" {
			src = c.GetBaseSource()
		}
		if src != nil {
			f.File, f.Line, f.Column = src.File, src.Line, src.Column
		}
		r.Changes = append(r.Changes, f)
	}
	slices.SortStableFunc(r.Changes, func(a, b Finding) int { return int(b.Level) - int(a.Level) })

	cb, err := canonical(base)
	if err != nil {
		return nil, err
	}
	cr, err := canonical(revision)
	if err != nil {
		return nil, err
	}
	at := Finding{File: revision.Name, Line: VersionLine(revision.Data)}
	r.Violations = VersionRules(s1.Version, s2.Version, !bytes.Equal(cb, cr), r.Count(Breaking), at)
	return r, nil
}

func loadSpec(s Spec) (*load.SpecInfo, error) {
	// A fresh loader per spec: the loader caches documents by name.
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	loader.IncludeOrigin = true
	info, err := load.NewSpecInfoFromData(loader, s.Data, s.Name)
	if err != nil {
		return nil, fmt.Errorf("specguard: loading %s: %w", s.Name, err)
	}
	if info.Spec.OpenAPI == "" {
		return nil, fmt.Errorf("specguard: %s is not an OpenAPI 3 document (no openapi field)", s.Name)
	}
	if err := info.Spec.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("specguard: %s is not a valid OpenAPI document: %w", s.Name, err)
	}
	return info, nil
}

func level(l checker.Level) Level {
	switch {
	case l >= checker.ERR:
		return Breaking
	case l >= checker.WARN:
		return Warning
	default:
		return Info
	}
}

// isVersionCheck reports whether id is one of oasdiff's own version-bump
// checks, which the guard replaces with its stricter rules.
func isVersionCheck(id string) bool {
	return strings.HasPrefix(id, "api-version-") || id == "api-major-version-not-bumped"
}

// canonical returns a form of the spec in which formatting, comments, key
// order and YAML anchors no longer matter, so that only a change of content
// counts as a change.
func canonical(s Spec) ([]byte, error) {
	var v any
	if err := yaml.Unmarshal(s.Data, &v); err != nil {
		return nil, fmt.Errorf("specguard: reading %s: %w", s.Name, err)
	}
	b, err := json.Marshal(stringKeys(v))
	if err != nil {
		return nil, fmt.Errorf("specguard: reading %s: %w", s.Name, err)
	}
	return b, nil
}

// stringKeys turns the map[any]any that YAML gives for non-string keys (an
// unquoted status code such as 200) into map[string]any, which JSON can
// encode.
func stringKeys(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = stringKeys(e)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[fmt.Sprint(k)] = stringKeys(e)
		}
		return m
	case []any:
		for i, e := range t {
			t[i] = stringKeys(e)
		}
		return t
	}
	return v
}

// VersionLine returns the line of info.version in a YAML spec, or 0.
func VersionLine(data []byte) int {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return 0
	}
	info := mapValue(root.Content[0], "info")
	if info == nil {
		return 0
	}
	if v := mapValue(info, "version"); v != nil {
		return v.Line
	}
	return 0
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

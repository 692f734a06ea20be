package upstream

import (
	"fmt"
	"regexp"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Record is what the spec's info object records about the vendor's
// document: where it is and which version was reviewed
// (info.x-vendor-source), and the deliberate differences between it and
// this contract (info.x-vendor-differences).
type Record struct {
	Source      Source       `yaml:"x-vendor-source"`
	Differences []Difference `yaml:"x-vendor-differences"`
}

// Source is info.x-vendor-source.
type Source struct {
	// Repository is the vendor's GitHub repository, "owner/name".
	Repository string `yaml:"repository"`
	// File is the document's path in it.
	File string `yaml:"file"`
	// Commit is the full commit hash of the reviewed version.
	Commit string `yaml:"commit"`
	// LastChanged is the date of that commit (YYYY-MM-DD).
	LastChanged string `yaml:"lastChanged"`
	// Digest is the facts digest (Facts.Digest) of the reviewed version.
	Digest string `yaml:"digest"`
}

// Difference is one entry of info.x-vendor-differences: a deliberate
// difference between the vendor's document and this contract, for the
// Items of one kind of one operation, with what each side says and why.
type Difference struct {
	Operation string   `yaml:"operation"`
	Kind      string   `yaml:"kind"`
	Items     []string `yaml:"items,omitempty"`
	// Vendor and Contract are what the vendor's document and this contract
	// say ("" for nothing); a difference matches only when both agree.
	Vendor   string `yaml:"vendor"`
	Contract string `yaml:"contract"`
	Why      string `yaml:"why"`
}

// covers reports whether d records c, a Change from the vendor's facts to
// this contract's.
func (d Difference) covers(c Change) bool {
	if d.Operation != c.Operation || d.Kind != c.Kind || d.Vendor != c.Before || d.Contract != c.After {
		return false
	}
	if len(d.Items) == 0 {
		return c.Item == ""
	}
	return slices.Contains(d.Items, c.Item)
}

var (
	commitPattern = regexp.MustCompile(`^[0-9a-f]{40}$`)
	repoPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	datePattern   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	digestPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
)

// ReadRecord reads the record from a spec (YAML or JSON). name names the
// spec in errors.
func ReadRecord(name string, spec []byte) (*Record, error) {
	var doc struct {
		Info *Record `yaml:"info"`
	}
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if doc.Info == nil {
		return nil, fmt.Errorf("%s: no info object", name)
	}
	r := doc.Info
	s := r.Source
	switch {
	case !repoPattern.MatchString(s.Repository):
		return nil, fmt.Errorf("%s: info.x-vendor-source.repository %q is not owner/name", name, s.Repository)
	case s.File == "" || s.File[0] == '/' || !validPath(s.File):
		return nil, fmt.Errorf("%s: info.x-vendor-source.file %q is not a path inside the repository", name, s.File)
	case !commitPattern.MatchString(s.Commit):
		return nil, fmt.Errorf("%s: info.x-vendor-source.commit %q is not a full (40-digit) commit hash", name, s.Commit)
	case !datePattern.MatchString(s.LastChanged):
		return nil, fmt.Errorf("%s: info.x-vendor-source.lastChanged %q is not a date YYYY-MM-DD", name, s.LastChanged)
	case !digestPattern.MatchString(s.Digest):
		return nil, fmt.Errorf("%s: info.x-vendor-source.digest %q is not sha256:<64 hex digits>", name, s.Digest)
	}
	for i, d := range r.Differences {
		if d.Operation == "" || d.Kind == "" || d.Why == "" {
			return nil, fmt.Errorf("%s: info.x-vendor-differences[%d] needs an operation, a kind and a why", name, i)
		}
		if d.Vendor == d.Contract {
			return nil, fmt.Errorf("%s: info.x-vendor-differences[%d] (%s %s) says the same for the vendor and the contract", name, i, d.Operation, d.Kind)
		}
	}
	return r, nil
}

// validPath reports whether p is a clean relative path without "..", so a
// URL built from it stays inside the repository.
func validPath(p string) bool {
	for _, seg := range regexp.MustCompile(`/`).Split(p, -1) {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return regexp.MustCompile(`^[A-Za-z0-9_./-]+$`).MatchString(p)
}

package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
)

// evidenceFlags are the coverage and freshness flags of check (and, for
// --coverage and --min-coverage, of live).
type evidenceFlags struct {
	coverage    bool
	minCoverage float64
	scope       contract.CoverageScope
	maxAge      time.Duration
}

func (e *evidenceFlags) register(fs *flag.FlagSet) {
	e.registerCoverage(fs)
	fs.Func("max-age", "report a recording-stale finding (info) for each recording older than `DURATION` (such as 720h or 30d), or undated",
		func(v string) error {
			d, err := parseAge(v)
			if err != nil {
				return err
			}
			e.maxAge = d
			return nil
		})
}

func (e *evidenceFlags) registerCoverage(fs *flag.FlagSet) {
	fs.BoolVar(&e.coverage, "coverage", false, "report what the evidence showed of the spec: statuses, properties, enum values, paging cases, headers")
	fs.Float64Var(&e.minCoverage, "min-coverage", 0, "with --coverage, exit 1 when less than `PERCENT` of the behaviours in --coverage-scope were seen (go doc contract.Coverage)")
	e.scope = contract.ScopeAll
	fs.Func("coverage-scope", "the total --min-coverage applies to: `all` (every item of every operation), called (the operations the evidence called), documented (their items not under an assumed response), assumed (their assumed responses seen conforming); default all (go doc contract.Coverage)",
		func(v string) error {
			sc, err := contract.ParseCoverageScope(v)
			if err != nil {
				return err
			}
			e.scope = sc
			return nil
		})
}

// validate checks the flags against each other.
func (e *evidenceFlags) validate() error {
	if e.minCoverage < 0 || e.minCoverage > 100 {
		return fmt.Errorf("--min-coverage %g is not a percentage between 0 and 100", e.minCoverage)
	}
	if e.minCoverage > 0 && !e.coverage {
		return fmt.Errorf("--min-coverage needs --coverage")
	}
	return nil
}

// parseAge reads a Go duration ("720h") or a number of days ("30d"), which
// must be positive.
func parseAge(v string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration such as 720h or 30d", v)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, fmt.Errorf("%q is not a duration such as 720h or 30d", v)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration", v)
	}
	return d, nil
}

// recordingAge dates a recording by its exchanges, with the spec version it
// was recorded under (a cassette's provenance; "unknown" for HAR files).
func recordingAge(r *recording.Recording, specVersion string) contract.Age {
	var under string
	if r.Provenance != nil {
		under = r.Provenance.SpecVersion
	}
	return contract.NewAge(r.Path, r.Exchanges, under, specVersion)
}

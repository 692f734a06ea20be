package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/contract/live"
	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/report"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// envBaseURL names the environment variable that replaces the spec's server
// URL when --base-url is not given.
const envBaseURL = "B2B_BASE_URL"

func liveCommand() command {
	return command{name: "live", summary: "probe the live endpoint (read-only, within a request budget) and check what it answers", run: runLive}
}

func liveDescription() string {
	base, err := live.DefaultBaseURL()
	if err != nil {
		base = "(the spec's server URL)"
	}
	maxLimit := "the spec's maximum"
	if p, err := openapi.ListPaging(); err == nil {
		maxLimit = strconv.Itoa(p.MaxLimit)
	}
	return fmt.Sprintf(`Probes GET /backend/tokens on the live endpoint, read-only and within a request
budget, checks every response against the contract, and reports drift as
check does.

It sends only GET requests with the headers authToken, Accept:
application/json and User-Agent (never X-Store-Hash): the first page with the
documented defaults, a page with limit=%[5]s, the following pages of %[5]s
while the budget allows, and a page past the end. Cross-page invariants (an
id at two positions, a totalCount that changes) are checked over the run.

It is polite to the store's shared limit of 150 requests a minute: it reads
the rate-limit headers, waits when few requests are left or when told to
(Retry-After, clamped to --max-wait), and stops with a rate-limited finding
after %[1]d 429s in a row. It never follows a redirect, so the token never goes
to another host.

Environment:
  %[2]s  the authToken to send (required; never a flag: shell history)
  %[3]s    the base URL, when --base-url is not given
                  (default %[4]s)

The base URL must be https, or http to a loopback address (a local stand-in
such as tokens-contract fake).

--probe-errors adds, after the walk and within the same budget (which must
leave the walk its 3 requests), the spec's read-only error probes: limit at
the maximum + 1 and the minimum - 1, offset at its minimum - 1, a limit that
is not an integer, and a request with an authToken made at run time that no
store issued. Each expects the status the spec documents for it (413 for a
limit over the maximum, 422 for the others, 401 for the token); an answer that
differs is probe-refuted (breaking: a 2xx, an undocumented status, or the
wrong envelope) or probe-status-differs (additive: another documented error
status), naming the probe, the status expected and the one that came back
(go doc contract.ErrorProbe). Probes never touch create or delete. With
--record the probes are recorded, and check judges them again; check
--coverage --suggest-overlay on that recording marks each confirmed assumed
response observed and, for a probe answered with another documented status,
proposes removing the refuted response.

--record DIR writes the run's exchanges to DIR as live-<UTC time>.yaml,
a cassette that tokens-contract check reads, with every secret replaced before
anything reaches the disk: tokens by synthetic JWTs, emails by example.test
addresses, store hashes by fake ones, auth and cookie headers dropped.

--coverage reports what the run showed of the spec, as check --coverage does;
--min-coverage PERCENT fails the run when the total of --coverage-scope
(all, called, documented, assumed; default all) is below it (go doc contract.Coverage).

A rejected token (401, 403) and a request that got no response (it could
not connect, resolve or finish in time) are run errors, not drift: the report
lists them under RUN ERRORS and never calls such a run clean, and standard
error says what happened.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it;
2 a usage error, a rejected token, or a run that could not complete.`,
		live.DefaultMax429, envAuthToken, envBaseURL, base, maxLimit)
}

// scrubbedError is an error whose message has had its secrets removed and
// that still matches its original with errors.Is (live.ErrTokenRejected).
type scrubbedError struct {
	msg string
	err error
}

func (e scrubbedError) Error() string { return e.msg }
func (e scrubbedError) Unwrap() error { return e.err }

func runLive(ctx context.Context, env *environment, args []string) int {
	fs := newFlagSet(env, "live",
		"live [--base-url URL] [--record DIR] [--budget N] [--timeout DURATION] [--max-wait DURATION] [--probe-errors] "+
			"[--spec FILE] [--coverage] [--min-coverage PERCENT] [--coverage-scope SCOPE] [--format text|json|junit|github|markdown|sarif] [--fail-on breaking|additive|deprecation] [--report FORMAT=FILE]... [--severity ID=SEVERITY]... [--color auto|always|never]",
		liveDescription())
	var rf reportFlags
	rf.register(fs.FlagSet)
	var sf specFlag
	sf.register(fs.FlagSet)
	baseURL := fs.String("base-url", "", "probe `URL` instead of the spec's server (default $"+envBaseURL+", else the spec's)")
	record := fs.String("record", "", "write the redacted exchanges to a recording in `DIR`")
	budget := fs.Int("budget", live.DefaultBudget, fmt.Sprintf("send at most `N` requests, retries included (1 to %d)", live.MaxBudget))
	timeout := fs.Duration("timeout", live.DefaultTimeout, "give up on one request after `DURATION`")
	maxWait := fs.Duration("max-wait", live.DefaultMaxWait, "wait at most `DURATION` before one request when rate limited")
	probeErrors := fs.Bool("probe-errors", false, "after the walk, send the spec's read-only error probes and report each answer that differs from what the spec expects (go doc contract.ErrorProbe)")
	var ef evidenceFlags
	ef.registerCoverage(fs.FlagSet)
	args, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	usageError := func(format string, a ...any) int {
		fmt.Fprintf(env.stderr, "tokens-contract live: "+format+"\n", a...)
		return exitcode.Usage
	}
	failOn, err := rf.validate()
	if err == nil {
		err = ef.validate()
	}
	if err == nil {
		var inputs []string
		if sf.path != "" {
			inputs = append(inputs, sf.path)
		}
		err = prepareOutputs(env, rf.outputs(), inputs)
	}
	if err != nil {
		return usageError("%v", err)
	}
	switch {
	case len(args) > 0:
		// Never echo the argument: it may be a token pasted in the wrong place.
		return usageError("live takes no arguments (got %d); the token comes from %s", len(args), envAuthToken)
	case *budget < 1 || *budget > live.MaxBudget:
		return usageError("--budget is %d; want 1 to %d", *budget, live.MaxBudget)
	case *timeout <= 0:
		return usageError("--timeout is %v; want a positive duration such as 30s", *timeout)
	case *maxWait < time.Second:
		return usageError("--max-wait is %v; want 1s or more", *maxWait)
	}
	token := env.getenv(envAuthToken)
	if token == "" {
		return usageError("%s is not set: live reads the authToken from the environment, never from a flag", envAuthToken)
	}
	base := *baseURL
	if base == "" {
		base = env.getenv(envBaseURL)
	}
	if base == "" {
		if base, err = live.DefaultBaseURL(); err != nil {
			return usageError("%v", err)
		}
	}
	u, err := live.ParseBaseURL(base)
	if err != nil {
		return usageError("%v", err)
	}
	checker, err := sf.newChecker()
	if err != nil {
		return usageError("%v", err)
	}
	logf := func(format string, a ...any) {
		fmt.Fprintf(env.stderr, "tokens-contract live: %s\n", contract.Scrub(fmt.Sprintf(format, a...), []string{token}))
	}
	out, err := live.Probe(ctx, live.Config{
		BaseURL: u.String(), Token: token, Budget: *budget, Timeout: *timeout, MaxWait: *maxWait, Logf: logf,
		ProbeErrors: *probeErrors,
	}, checker)
	if err != nil {
		return usageError("%s", contract.Scrub(err.Error(), []string{token}))
	}
	rf.severities.ApplyResults(out.Results)
	run := report.Source{Name: "live " + u.String(), Results: out.Results}
	for _, e := range out.Errors {
		run.Errors = append(run.Errors, scrubbedError{msg: contract.Scrub(e.Error(), []string{token}), err: e})
	}
	in := report.Input{
		Tool: "tokens-contract live", SpecVersion: checker.SpecVersion(), ToolVersion: live.ToolVersion(), FailOn: failOn,
		Sources: []report.Source{run}, Color: rf.color(env),
	}
	// Say plainly on stderr why the run is an error: the report's own
	// verdict is at the end of stdout, which a pipe may hide.
	for _, e := range run.Errors {
		switch {
		case errors.Is(e, live.ErrTokenRejected):
			logf("the token was rejected, so nothing could be checked: %s", e)
		case errors.Is(e, live.ErrNoResponse) && len(out.Exchanges) == 0:
			logf("the first request got no response, so nothing was checked (is %s right, and reachable from here?): %s", u.String(), e)
		case errors.Is(e, live.ErrNoResponse):
			logf("a request got no response, so the run is incomplete: %s", e)
		default:
			logf("the run did not complete: %s", e)
		}
	}
	if ef.coverage {
		cv, err := contract.NewCoverage(checker)
		if err != nil {
			return usageError("%v", err)
		}
		for i := 0; i < len(out.Exchanges) && i < len(out.Results); i++ {
			cv.Observe(out.Exchanges[i], out.Results[i])
		}
		rep := cv.Report()
		in.Coverage, in.MinCoverage, in.CoverageScope = &rep, ef.minCoverage, ef.scope
	}
	recordFailed := false
	if *record != "" {
		if len(out.Exchanges) == 0 {
			logf("nothing to record: no request got a response")
		} else {
			r := recording.NewRedactor(token)
			path, err := recording.WriteToDir(*record, live.NewRecording(out, r), r.Secrets())
			if err != nil {
				logf("--record %s: %s", *record, contract.Scrub(err.Error(), r.Secrets()))
				recordFailed = true
			} else {
				logf("recorded %s to %s (secrets replaced; re-check with: tokens-contract check %s)", plural(len(out.Exchanges), "exchange"), path, path)
			}
		}
	}
	code = rf.emit(env, in)
	if recordFailed {
		code = exitcode.Usage
	}
	return code
}

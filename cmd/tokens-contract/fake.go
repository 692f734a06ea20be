package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/fileutil"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// Environment variables the fake command reads. Secrets never come from
// flags, which end up in shell history and process listings.
const (
	envAuthToken    = "B2B_AUTH_TOKEN"
	envFakeEmail    = "B2B_FAKE_USER_EMAIL"
	envFakePassword = "B2B_FAKE_USER_PASSWORD"
)

// shutdownGrace is how long the fake waits for requests in flight when it is
// told to stop.
const shutdownGrace = 5 * time.Second

func fakeCommand() command {
	return command{
		name:    "fake",
		summary: "serve an in-memory fake of the three token operations",
		run:     runFake,
	}
}

func fakeDescription() string {
	maxLimit := "the spec's maximum"
	if p, err := openapi.ListPaging(); err == nil {
		maxLimit = strconv.Itoa(p.MaxLimit)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `Serves an in-memory fake of GET /backend/tokens, DELETE /auth/backend and
POST /auth/backend, as the contract describes them, at the root and under
/api/io. Every token it serves is a synthetic JWT.

Environment:
  %s          the authToken the fake accepts (required; any value)
  %s     the backend user that POST /auth/backend accepts,
  %s  with its password (set both or neither; with neither,
                          every create answers 400)

Limit over %s answers 413; a bad limit or offset answers 422. The fake allows
--rate-limit requests per --rate-window and answers 429 with Retry-After after
that. It stops on SIGINT or SIGTERM.

Drift scenarios (--scenario):
  %-14s no drift: every response conforms
`, envAuthToken, envFakeEmail, envFakePassword, maxLimit, "none")
	for _, s := range fake.Scenarios() {
		fmt.Fprintf(&b, "  %-14s %s\n", s, s.Description())
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func runFake(ctx context.Context, env *environment, args []string) int {
	fs := newFlagSet(env, "fake",
		"fake --addr HOST:PORT [--seed-tokens N] [--latency DURATION] [--scenario NAME] [--fail-every N] "+
			"[--fail-status 500|503] [--rate-limit N] [--rate-window DURATION] [--store-hash HASH] [--ready-file FILE]",
		fakeDescription())
	addr := fs.String("addr", "", "listen on `HOST:PORT` (required); 127.0.0.1:0 picks a free port")
	seed := fs.Int("seed-tokens", 25, fmt.Sprintf("start the store with `N` synthetic tokens (0 to %d)", fake.MaxSeedTokens))
	latency := fs.Duration("latency", 0, "delay every response by `DURATION`, for example 250ms")
	scenarioName := fs.String("scenario", "none", "inject the drift scenario `NAME` (listed above)")
	failEvery := fs.Int("fail-every", 0, "answer every `N`th request with --fail-status (0: never)")
	failStatus := fs.Int("fail-status", 500, "the `STATUS` of injected failures: 500 or 503")
	rateLimit := fs.Int("rate-limit", fake.DefaultRateLimit, "allow `N` requests per --rate-window")
	rateWindow := fs.Duration("rate-window", fake.DefaultRateWindow, "the rate-limit window's `DURATION`")
	storeHash := fs.String("store-hash", fake.DefaultStoreHash, "the store's `HASH`")
	readyFile := fs.String("ready-file", "", "once listening, write the base URL to `FILE` (removed on exit)")
	args, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	usageError := func(format string, a ...any) int {
		fmt.Fprintf(env.stderr, "tokens-contract fake: "+format+"\n", a...)
		return exitcode.Usage
	}
	switch {
	case len(args) > 0:
		return usageError("unexpected argument %q; fake takes flags only", args[0])
	case *addr == "":
		return usageError("--addr is required, for example --addr 127.0.0.1:8080 (or 127.0.0.1:0 for a free port)")
	case *rateLimit < 1:
		return usageError("--rate-limit is %d; want 1 or more", *rateLimit)
	case *rateWindow <= 0:
		return usageError("--rate-window is %v; want a positive duration such as 1m", *rateWindow)
	}
	authToken := env.getenv(envAuthToken)
	if authToken == "" {
		return usageError("%s is not set; set it to the token the fake should accept (any value)", envAuthToken)
	}
	scenario, err := fake.ParseScenario(*scenarioName)
	if err != nil {
		return usageError("--scenario: %v", err)
	}
	email, password := env.getenv(envFakeEmail), env.getenv(envFakePassword)
	if (email == "") != (password == "") {
		return usageError("set both %s and %s, or neither", envFakeEmail, envFakePassword)
	}
	s, err := fake.New(fake.Options{
		AuthToken:    authToken,
		SeedTokens:   *seed,
		StoreHash:    *storeHash,
		UserEmail:    email,
		UserPassword: password,
		Latency:      *latency,
		RateLimit:    *rateLimit,
		RateWindow:   *rateWindow,
		FailEvery:    *failEvery,
		FailStatus:   *failStatus,
		Scenario:     scenario,
	})
	if err != nil {
		return usageError("%v", err)
	}

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		return usageError("cannot listen on %s: %v", *addr, err)
	}
	baseURL := listenURL(ln.Addr())
	if *readyFile != "" {
		if err := fileutil.WriteFile(*readyFile, []byte(baseURL+"\n"), 0o644); err != nil {
			ln.Close()
			return usageError("--ready-file: %v", err)
		}
		defer os.Remove(*readyFile)
	}
	srv := fake.NewHTTPServer(s, fake.DefaultTimeouts.WithLatency(*latency))
	srv.ErrorLog = log.New(env.stderr, "tokens-contract fake: ", 0)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	user := "no backend user, every create answers 400"
	if email != "" {
		user = "creates accepted for the backend user in " + envFakeEmail
	}
	fmt.Fprintf(env.stderr, "tokens-contract fake: serving %s (%s, store %s, scenario %s, %s per %v, %s); stop with Ctrl-C\n",
		baseURL, plural(*seed, "token"), *storeHash, scenario, plural(*rateLimit, "request"), *rateWindow, user)

	select {
	case err := <-served:
		return usageError("serving on %s: %v", baseURL, err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close() // requests still in flight after the grace period
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return usageError("serving on %s: %v", baseURL, err)
	}
	fmt.Fprintln(env.stderr, "tokens-contract fake: stopped")
	return exitcode.OK
}

// listenURL is the base URL for a listener's address. An unspecified host
// (":8080", "0.0.0.0:8080") is given as localhost, which a client can dial.
func listenURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines to write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// scrub replaces the values of vars (tokens, passwords) in s, so that a
// failure message never prints a secret even when the output leaked one.
func scrub(s string, vars map[string]string) string {
	for k, v := range vars {
		if v != "" {
			s = strings.ReplaceAll(s, v, "["+k+"]")
		}
	}
	return s
}

func testEnv(vars map[string]string) (*environment, *syncBuffer, *syncBuffer) {
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	return &environment{stdout: stdout, stderr: stderr, getenv: func(k string) string { return vars[k] }}, stdout, stderr
}

// startFake runs "tokens-contract fake" in-process with a ready file and
// returns the base URL and a function that stops it and returns its exit code.
func startFake(t *testing.T, vars map[string]string, args ...string) (baseURL string, stop func() int, stderr *syncBuffer) {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "fake.url")
	env, _, stderr := testEnv(vars)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, env, append([]string{"fake", "--addr", "127.0.0.1:0", "--ready-file", ready}, args...))
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(ready)
		if err == nil {
			baseURL = strings.TrimSpace(string(b))
			break
		}
		select {
		case code := <-done:
			cancel()
			t.Fatalf("fake exited with %d before it was ready; stderr: %s", code, scrub(stderr.String(), vars))
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no ready file after 10s; stderr: %s", scrub(stderr.String(), vars))
		}
		time.Sleep(10 * time.Millisecond)
	}
	stopped := false
	stop = func() int {
		t.Helper()
		stopped = true
		cancel()
		select {
		case code := <-done:
			if _, err := os.Stat(ready); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the ready file is still there after the fake stopped (%v)", err)
			}
			return code
		case <-time.After(15 * time.Second):
			t.Fatal("the fake did not stop within 15s of its context ending")
			return -1
		}
	}
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})
	return baseURL, stop, stderr
}

func get(t *testing.T, url, authToken string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if authToken != "" {
		req.Header.Set("authToken", authToken)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestFakeServesAndStops(t *testing.T) {
	t.Parallel()
	token := "auth-" + synthetic.RandomHex(16)
	password := "pw-" + synthetic.RandomHex(8)
	baseURL, stop, stderr := startFake(t, map[string]string{
		envAuthToken: token, envFakeEmail: "owner@example.com", envFakePassword: password,
	}, "--seed-tokens", "3", "--rate-limit", "40", "--rate-window", "30s", "--store-hash", "abc123")
	if !strings.HasPrefix(baseURL, "http://127.0.0.1:") || strings.HasSuffix(baseURL, ":0") {
		t.Fatalf("ready file holds %q, want http://127.0.0.1:PORT", baseURL)
	}

	resp, body := get(t, baseURL+"/backend/tokens?limit=2", token)
	var page struct {
		Data []struct {
			ID        int    `json:"id"`
			StoreHash string `json:"storeHash"`
		} `json:"data"`
		Meta struct {
			Pagination struct{ TotalCount int } `json:"pagination"`
		} `json:"meta"`
	}
	if err := json.Unmarshal(body, &page); err != nil || resp.StatusCode != 200 {
		t.Fatalf("list: status %d, decode error %v", resp.StatusCode, err)
	}
	if page.Meta.Pagination.TotalCount != 3 || len(page.Data) != 2 || page.Data[0].StoreHash != "abc123" {
		t.Errorf("list: totalCount %d, %d items, storeHash %q; want 3, 2, abc123",
			page.Meta.Pagination.TotalCount, len(page.Data), page.Data[0].StoreHash)
	}
	if got := resp.Header.Get("X-Requests-Allocated"); got != "40 times/30 s" {
		t.Errorf("X-Requests-Allocated %q, want 40 times/30 s", got)
	}
	if resp, _ := get(t, baseURL+"/api/io/backend/tokens", ""); resp.StatusCode != 401 {
		t.Errorf("list without authToken: status %d, want 401", resp.StatusCode)
	}
	create := `{"storeHash":"abc123","email":"owner@example.com","password":"` + password + `","name":"cli"}`
	cresp, err := http.Post(baseURL+"/auth/backend", "application/json", strings.NewReader(create))
	if err != nil {
		t.Fatal(err)
	}
	cresp.Body.Close()
	if cresp.StatusCode != 200 {
		t.Errorf("create with the backend user from the environment: status %d", cresp.StatusCode)
	}

	if code := stop(); code != exitcode.OK {
		t.Errorf("exit code %d after the context ended, want 0", code)
	}
	out := stderr.String()
	if !strings.Contains(out, "serving "+baseURL) || !strings.Contains(out, "stopped") {
		t.Errorf("stderr does not announce the URL and the stop: %q", scrub(out, map[string]string{"token": token, "password": password}))
	}
	if strings.Contains(out, token) || strings.Contains(out, password) {
		t.Error("stderr holds the auth token or the password")
	}
	if _, err := http.Get(baseURL + "/backend/tokens"); err == nil {
		t.Error("the fake still answers after it stopped")
	}
}

func TestFakeFlagsReachTheServer(t *testing.T) {
	t.Parallel()
	token := "auth-" + synthetic.RandomHex(16)
	tests := []struct {
		args   []string
		status int
		header string // a header the response must carry
	}{
		{[]string{"--scenario", "endpoint-gone"}, http.StatusGone, ""},
		{[]string{"--scenario", "sunset"}, http.StatusOK, "Sunset"},
		{[]string{"--fail-every", "1", "--fail-status", "503"}, http.StatusServiceUnavailable, ""},
		{[]string{"--rate-limit", "1"}, http.StatusTooManyRequests, "Retry-After"},
		{[]string{"--latency", "30ms"}, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			baseURL, stop, _ := startFake(t, map[string]string{envAuthToken: token}, tt.args...)
			var resp *http.Response
			for range 2 { // the second request sees the rate limit
				resp, _ = get(t, baseURL+"/backend/tokens", token)
			}
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.header != "" && resp.Header.Get(tt.header) == "" {
				t.Errorf("no %s header", tt.header)
			}
			if code := stop(); code != exitcode.OK {
				t.Errorf("exit code %d", code)
			}
		})
	}
}

func TestFakeRefusesBadInvocations(t *testing.T) {
	t.Parallel()
	token := "auth-" + synthetic.RandomHex(16)
	withToken := map[string]string{envAuthToken: token}
	// Missing folders of an output are created (internal/fileutil), but
	// not under a file.
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string // the error must contain this
	}{
		{"no B2B_AUTH_TOKEN", map[string]string{}, []string{"--addr", "127.0.0.1:0"}, "B2B_AUTH_TOKEN is not set"},
		{"no --addr", withToken, nil, "--addr is required"},
		{"unknown flag", withToken, []string{"--addr", "127.0.0.1:0", "--token", "x"}, "unknown flag --token"},
		{"argument", withToken, []string{"--addr", "127.0.0.1:0", "extra"}, `unexpected argument "extra"`},
		{"unknown scenario", withToken, []string{"--addr", "127.0.0.1:0", "--scenario", "field-renamed"}, "valid scenarios: none, field-removed"},
		{"bad address", withToken, []string{"--addr", "not-an-address"}, "cannot listen on not-an-address"},
		{"port in use", withToken, nil, "cannot listen on"},
		{"seed out of range", withToken, []string{"--addr", "127.0.0.1:0", "--seed-tokens", "-1"}, "SeedTokens"},
		{"seed not a number", withToken, []string{"--addr", "127.0.0.1:0", "--seed-tokens", "many"}, "invalid value"},
		{"rate limit 0", withToken, []string{"--addr", "127.0.0.1:0", "--rate-limit", "0"}, "--rate-limit is 0"},
		{"rate window 0", withToken, []string{"--addr", "127.0.0.1:0", "--rate-window", "0s"}, "--rate-window"},
		{"latency not a duration", withToken, []string{"--addr", "127.0.0.1:0", "--latency", "5"}, "invalid value"},
		{"fail status 404", withToken, []string{"--addr", "127.0.0.1:0", "--fail-status", "404"}, "FailStatus is 404"},
		{"email without password", map[string]string{envAuthToken: token, envFakeEmail: "owner@example.com"},
			[]string{"--addr", "127.0.0.1:0"}, "set both B2B_FAKE_USER_EMAIL and B2B_FAKE_USER_PASSWORD"},
		{"ready file under a file", withToken,
			[]string{"--addr", "127.0.0.1:0", "--ready-file", filepath.Join(notDir, "missing", "url")}, "--ready-file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.name == "port in use" {
				baseURL, _, _ := startFake(t, withToken)
				args = []string{"--addr", strings.TrimPrefix(baseURL, "http://")}
			}
			env, stdout, stderr := testEnv(tt.vars)
			code := run(context.Background(), env, append([]string{"fake"}, args...))
			if code != exitcode.Usage {
				t.Errorf("exit code %d, want %d", code, exitcode.Usage)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q does not say %q", scrub(stderr.String(), tt.vars), tt.want)
			}
			if strings.Contains(stderr.String()+stdout.String(), token) {
				t.Error("the output holds the auth token")
			}
		})
	}
}

func TestFakeHelp(t *testing.T) {
	t.Parallel()
	env, _, stderr := testEnv(nil)
	if code := run(context.Background(), env, []string{"fake", "-h"}); code != exitcode.OK {
		t.Errorf("fake -h: exit %d, want 0", code)
	}
	help := stderr.String()
	for _, want := range []string{"--addr HOST:PORT", "B2B_AUTH_TOKEN", "B2B_FAKE_USER_EMAIL", "B2B_FAKE_USER_PASSWORD",
		"-ready-file", "-seed-tokens", "-latency", "-fail-every", "-rate-limit", "413", "422"} {
		if !strings.Contains(help, want) {
			t.Errorf("fake -h does not mention %q", want)
		}
	}
	for _, s := range fake.Scenarios() {
		if !strings.Contains(help, s.String()+" ") || !strings.Contains(help, s.Description()) {
			t.Errorf("fake -h does not list scenario %s with its description", s)
		}
	}
	env, stdout, _ := testEnv(nil)
	run(context.Background(), env, []string{"help"})
	if !strings.Contains(stdout.String(), "fake ") {
		t.Error("tokens-contract help does not list fake")
	}
}

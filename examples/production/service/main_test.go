package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
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

// TestServiceExportsWhatTheRulesRead runs the example service against the
// fake announcing its sunset, scrapes its /metrics, and checks that the
// alerting rules read metric names the service really exports, and that the
// retirement finding is there, with no credential in the metrics or the log.
func TestServiceExportsWhatTheRulesRead(t *testing.T) {
	auth := synthetic.RandomHex(20)
	f, err := fake.New(fake.Options{AuthToken: auth, SeedTokens: 40, Scenario: fake.ScenarioSunset})
	if err != nil {
		t.Fatal(err)
	}
	upstream := httptest.NewServer(f)
	defer upstream.Close()

	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var logs syncBuffer
	getenv := func(k string) string {
		if k == "B2B_AUTH_TOKEN" {
			return auth
		}
		return ""
	}
	go func() {
		done <- run(ctx, []string{"--base-url", upstream.URL + "/api/io", "--metrics-addr", "127.0.0.1:0", "--interval", "50ms", "--sample-rate", "1"},
			getenv, &logs, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("the service stopped: %v", err)
	}
	var metrics string
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(metrics, `id="sunset-announced"`) {
		if time.Now().After(deadline) {
			t.Fatalf("no sunset-announced finding in /metrics:\n%s", metrics)
		}
		time.Sleep(50 * time.Millisecond)
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		metrics = string(b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}

	rules, err := os.ReadFile("../prometheus/rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile(`tokens_contract_[a-z_]+`).FindAllString(string(rules), -1)
	slices.Sort(names)
	names = slices.Compact(names)
	// Counters appear once incremented; these two only when exchanges are
	// dropped or a check panics (contract/watch's tests exercise both).
	rare := []string{"tokens_contract_exchanges_dropped_total", "tokens_contract_check_panics_total"}
	for _, n := range names {
		if !strings.Contains(metrics, "\n"+n+"{") && !slices.Contains(rare, n) {
			t.Errorf("the rules read %s, which the service does not export", n)
		}
	}
	for _, n := range rare {
		if !slices.Contains(names, n) {
			t.Errorf("%s is listed as rare but no rule reads it", n)
		}
	}
	if strings.Contains(metrics, auth) || strings.Contains(logs.String(), auth) {
		t.Error("the auth value reached /metrics or the log")
	}
}

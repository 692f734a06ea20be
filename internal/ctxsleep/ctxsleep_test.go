package ctxsleep_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/internal/ctxsleep"
)

func TestSleep(t *testing.T) {
	live := context.Background()
	done, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		d    time.Duration
		want error
	}{
		{"passes", live, time.Millisecond, nil},
		{"zero", live, 0, nil},
		{"negative", live, -time.Second, nil},
		{"cancelled before", done, time.Hour, context.Canceled},
		{"cancelled, zero wait", done, 0, context.Canceled},
	}
	for _, tt := range tests {
		if err := ctxsleep.Sleep(tt.ctx, tt.d); !errors.Is(err, tt.want) {
			t.Errorf("%s: Sleep = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestSleepEndsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- ctxsleep.Sleep(ctx, time.Hour) }()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep = %v after cancel, want context.Canceled", err)
	}
}

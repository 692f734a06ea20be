package fake_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/b2b-contract/s2s-tokens/fake"
	"github.com/b2b-contract/s2s-tokens/internal/synthetic"
)

// serveShort serves a fake with short timeouts on a loopback port.
func serveShort(t *testing.T, to fake.Timeouts) string {
	t.Helper()
	s, err := fake.New(fake.Options{AuthToken: synthetic.Token(synthetic.Email(), "st"+synthetic.RandomHex(3))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := fake.NewHTTPServer(s, to)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// closedWithin reports whether the server closes conn within d.
func closedWithin(conn net.Conn, d time.Duration) bool {
	_ = conn.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

func TestFakeCutsOffSlowBody(t *testing.T) {
	addr := serveShort(t, fake.Timeouts{ReadHeader: time.Second, Read: 300 * time.Millisecond, Write: time.Second, Idle: 5 * time.Second})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Headers promise a body that never comes.
	if _, err := io.WriteString(conn, "POST /auth/backend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	if !closedWithin(conn, 5*time.Second) {
		t.Fatal("a client that never finishes its body still holds the connection after 5 s (read timeout 300 ms)")
	}
}

func TestFakeClosesIdleKeepAlive(t *testing.T) {
	addr := serveShort(t, fake.Timeouts{ReadHeader: time.Second, Read: time.Second, Write: time.Second, Idle: 300 * time.Millisecond})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /backend/tokens HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.Close {
		t.Fatalf("status %d, close %v: want a kept-alive 401", resp.StatusCode, resp.Close)
	}
	if !closedWithin(conn, 5*time.Second) {
		t.Fatal("an idle keep-alive connection is still open after 5 s (idle timeout 300 ms)")
	}
}

func TestDefaultTimeoutsAllSet(t *testing.T) {
	srv := fake.NewHTTPServer(http.NotFoundHandler(), fake.DefaultTimeouts.WithLatency(2*time.Second))
	for name, d := range map[string]time.Duration{"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout} {
		if d <= 0 {
			t.Errorf("%s is not set", name)
		}
	}
	if srv.WriteTimeout != fake.DefaultTimeouts.Write+2*time.Second {
		t.Errorf("WriteTimeout %v does not include the latency", srv.WriteTimeout)
	}
}

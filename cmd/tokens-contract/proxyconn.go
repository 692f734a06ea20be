package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/textproto"
	"strings"
	"sync"
	"time"
)

// maxHead bounds the bytes of one response head that headConn keeps.
const maxHead = 1 << 20

// headConn is an upstream connection that notes the header names the
// upstream's last response head lists in Connection. net/http's Transport
// deletes the Connection header of a response that says "close", so
// httputil.ReverseProxy cannot drop the other hop-by-hop headers it names
// ("Connection: close, X-Hop"); the proxy drops them with these names.
type headConn struct {
	net.Conn
	mu     sync.Mutex
	inHead bool
	head   []byte
	named  []string
}

// Write starts a new exchange: the next bytes read are a response head.
func (c *headConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.inHead, c.head, c.named = true, c.head[:0], nil
	c.mu.Unlock()
	return c.Conn.Write(p)
}

func (c *headConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if c.inHead {
			c.scan(p[:n])
		}
		c.mu.Unlock()
	}
	return n, err
}

// scan adds b to the head and, at its end, reads its Connection lines;
// after an interim (1xx) head it reads the next one.
func (c *headConn) scan(b []byte) {
	if len(c.head)+len(b) > maxHead {
		c.inHead = false // net/http refuses such a head anyway
		return
	}
	c.head = append(c.head, b...)
	for c.inHead {
		end := bytes.Index(c.head, []byte("\r\n\r\n"))
		if end < 0 {
			return
		}
		lines := strings.Split(string(c.head[:end]), "\r\n")
		c.named = nil
		for _, l := range lines[1:] {
			name, value, ok := strings.Cut(l, ":")
			if !ok || !strings.EqualFold(strings.TrimSpace(name), "Connection") {
				continue
			}
			for _, tok := range strings.Split(value, ",") {
				if tok = textproto.TrimString(tok); tok != "" && !strings.EqualFold(tok, "close") && !strings.EqualFold(tok, "keep-alive") {
					c.named = append(c.named, tok)
				}
			}
		}
		interim := len(lines[0]) > 9 && lines[0][9] == '1' // "HTTP/1.1 1xx"
		c.head = c.head[end+4:]
		c.inHead = interim
	}
}

// connectionNamed returns the header names the last response head listed in
// Connection, besides close and keep-alive.
func (c *headConn) connectionNamed() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.named
}

// noteHeads makes t's connections headConns. It speaks HTTP/1.1 to the
// upstream (over TLS too, where it does the handshake itself): the header
// names of HTTP/2 need no such care, and the proxy's callers are served
// HTTP/1.1 anyway.
func noteHeads(t *http.Transport) {
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &headConn{Conn: c}, nil
	}
	t.DialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		raw, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			raw.Close()
			return nil, err
		}
		tc := tls.Client(raw, &tls.Config{ServerName: host, NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12})
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, err
		}
		return &headConn{Conn: tc}, nil
	}
	t.ForceAttemptHTTP2 = false
}

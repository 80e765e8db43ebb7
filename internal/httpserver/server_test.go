package httpserver

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// serve runs New(h) on a loopback listener capped by conns (nil: none).
func serve(t *testing.T, h http.Handler, limits Limits, conns *Limiter) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := New(h, limits, conns, nil)
	if conns != nil {
		ln = conns.Listener(ln)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })

// closedWithin reports whether the server closes c (a read ends) within d.
func closedWithin(c net.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	return err == nil // EOF: closed by the server; a timeout is an error
}

// Far more idle connections than the cap, both kinds (keep-alive after a
// request, and accepted but silent), still leave room for a fresh client,
// answered at once; the server never holds more than the cap.
func TestIdleConnectionsDoNotStarveNewClients(t *testing.T) {
	const capacity, held = 8, 120
	conns := NewLimiter(capacity)
	addr := serve(t, ok, Limits{}, conns)
	var idle []net.Conn
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()
	for i := range held {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
		if i%2 == 0 { // a keep-alive connection that made one request
			io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatalf("held connection %d: %v", i, err)
			}
			resp.Body.Close()
		}
	}
	start := time.Now()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + addr + "/feed.atom")
	if err != nil {
		t.Fatalf("a fresh client with %d idle connections held: %v", held, err)
	}
	resp.Body.Close()
	if took := time.Since(start); resp.StatusCode != 200 || took > time.Second {
		t.Fatalf("a fresh client: %s after %v, want 200 within 1s", resp.Status, took)
	}
	closed := 0
	for _, c := range idle {
		if closedWithin(c, 20*time.Millisecond) {
			closed++
		}
	}
	if closed < held-capacity {
		t.Fatalf("%d of %d held connections closed by the server, want at least %d (cap %d)", closed, held, held-capacity, capacity)
	}
	if conns.Evicted() < uint64(held-capacity) {
		t.Errorf("Evicted() = %d", conns.Evicted())
	}
}

// pipeListener accepts the server ends of net.Pipe pairs.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
}

func (p *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-p.conns:
		return c, nil
	case <-p.closed:
		return nil, net.ErrClosed
	}
}
func (p *pipeListener) Close() error   { close(p.closed); return nil }
func (p *pipeListener) Addr() net.Addr { return &net.TCPAddr{} }

// The eviction rules, on a fake clock: at the cap, a busy connection is
// never closed (Accept waits), an idle one is closed at once, and a silent
// new one only after newGrace.
func TestLimiterEvictionRules(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pl := &pipeListener{conns: make(chan net.Conn, 4), closed: make(chan struct{})}
		l := NewLimiter(2)
		ln := l.Listener(pl)
		defer ln.Close()
		accept := func() net.Conn {
			server, client := net.Pipe()
			t.Cleanup(func() { client.Close() })
			pl.conns <- server
			c, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			l.ConnState(c, http.StateNew)
			return c
		}
		a, b := accept(), accept()
		l.ConnState(a, http.StateActive)
		l.ConnState(b, http.StateActive)

		// Both busy: a third waits.
		server, client := net.Pipe()
		defer client.Close()
		pl.conns <- server
		got := make(chan net.Conn)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				t.Error(err)
			}
			got <- c
		}()
		synctest.Wait()
		select {
		case <-got:
			t.Fatal("a third connection was accepted while two were busy")
		default:
		}
		if l.Open() != 2 {
			t.Fatalf("Open() = %d", l.Open())
		}
		// One goes idle: it is closed, the third takes its place.
		l.ConnState(b, http.StateIdle)
		c := <-got
		l.ConnState(c, http.StateNew)
		if _, err := b.Read(make([]byte, 1)); err == nil {
			t.Fatal("the idle connection was not closed")
		}
		if l.Open() != 2 || l.Evicted() != 1 {
			t.Fatalf("Open() = %d, Evicted() = %d", l.Open(), l.Evicted())
		}

		// a busy, c new and silent: a fourth waits out c's grace, then c goes.
		server, client2 := net.Pipe()
		defer client2.Close()
		pl.conns <- server
		start := time.Now()
		go func() {
			c, err := ln.Accept()
			if err != nil {
				t.Error(err)
			}
			got <- c
		}()
		<-got
		if waited := time.Since(start); waited < newGrace {
			t.Fatalf("a silent new connection was closed after %v, before its grace of %v", waited, newGrace)
		}
		if l.Evicted() != 2 {
			t.Fatalf("Evicted() = %d", l.Evicted())
		}
		if _, err := c.Read(make([]byte, 1)); err == nil {
			t.Fatal("the silent connection was not closed")
		}
		l.mu.Lock()
		busyClosed := a.(*conn).released
		l.mu.Unlock()
		if busyClosed {
			t.Fatal("the busy connection was closed")
		}
	})
}

// A client sending headers byte by byte, or staying idle after a request,
// is cut off; headers beyond MaxHeaderBytes get 431.
func TestTimeoutsAndHeaderLimit(t *testing.T) {
	addr := serve(t, ok, Limits{ReadHeaderTimeout: 200 * time.Millisecond, IdleTimeout: 300 * time.Millisecond, MaxHeaderBytes: 4 << 10}, nil)

	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	io.WriteString(slow, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
	if !closedWithin(slow, 5*time.Second) {
		t.Error("a request whose headers never end was not cut off")
	}

	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	io.WriteString(idle, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(idle)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("an idle keep-alive connection was not closed: %v", err)
	}

	big, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer big.Close()
	io.WriteString(big, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 64<<10)+"\r\n\r\n")
	big.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err = http.ReadResponse(bufio.NewReader(big), nil)
	if err != nil || resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("64 KiB of headers: %v %v, want 431", resp, err)
	}
}

// A request framed by both Transfer-Encoding and Content-Length is refused
// with 400 and the connection closed: the bytes after its chunked body are
// never served as a second request. Raw bytes over a socket.
func TestSmuggledRequestIsNotServed(t *testing.T) {
	var paths []string
	seen := make(chan string, 8)
	addr := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.URL.Path
		io.WriteString(w, "ok\n")
	}), Limits{}, nil)
	for _, raw := range []string{
		"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 48\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
	} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, raw)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		all, _ := io.ReadAll(c)
		c.Close()
		if n := strings.Count(string(all), "HTTP/1.1 "); n != 1 || !strings.HasPrefix(string(all), "HTTP/1.1 400 ") {
			t.Errorf("%.60q…: got %d responses, want one 400:\n%s", raw, n, all)
		}
	}
	close(seen)
	for p := range seen {
		paths = append(paths, p)
	}
	if len(paths) > 0 {
		t.Errorf("the handler served %v", paths)
	}
}

// Every response, errors included, carries nosniff and a CSP that loads
// nothing and forbids framing.
func TestSecureHeaders(t *testing.T) {
	addr := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, "ok\n")
	}), Limits{}, nil)
	for _, path := range []string{"/", "/missing"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
			resp.Header.Get("Content-Security-Policy") != "default-src 'none'; frame-ancestors 'none'" ||
			resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", path, resp.Header)
		}
	}
}

func TestDefaultMaxConnections(t *testing.T) {
	for _, c := range []struct {
		nofile uint64
		want   int
	}{{256, 16}, {1024, 768}, {20000, 4096}, {4096, 3072}, {1 << 20, 4096}} {
		if got := DefaultMaxConnections(c.nofile); got != c.want {
			t.Errorf("DefaultMaxConnections(%d) = %d, want %d", c.nofile, got, c.want)
		}
	}
}

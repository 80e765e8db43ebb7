package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A daemon allowed 256 descriptors, with max_connections = 64, holds 400
// client connections (300 idle keep-alive after a request, 100 silent) and
// still answers /feed.atom to a fresh client within 1 s: at the cap, a new
// connection closes the longest-idle one. Without the cap, accept4 fails
// with "too many open files" and the fresh client is never answered.
func TestIdleConnectionsDoNotStarveFeeds(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh to lower the descriptor limit with")
	}
	const held, keepAlive = 400, 300
	dir := t.TempDir()
	addr := freeAddr(t)
	cfgPath := writeConfig(t, dir, fmt.Sprintf(`
[server]
listen = %q
max_connections = 64

[store]
path = "data/tributary.db"
`, addr))
	// ulimit -n sets the soft and hard limits: Go cannot raise it again.
	cmd := exec.Command("sh", "-c", `ulimit -n 256 && exec "$0" "$@"`, binary, "run", "--config", cfgPath)
	d := startDaemonCmd(t, cmd, addr)

	conns := make([]net.Conn, 0, held)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	// The keep-alive ones make a request each and then say nothing more;
	// the silent ones never send a byte.
	answered := 0
	for i := range held {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		conns = append(conns, c)
		if i >= keepAlive || answered < i {
			continue // silent, or the daemon stopped answering: just hold it
		}
		io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil {
			resp.Body.Close()
			answered++
		}
	}
	t.Logf("%d of %d held keep-alive connections were answered before going idle", answered, keepAlive)

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for i := range 3 {
		start := time.Now()
		resp, err := client.Get("http://" + addr + "/feed.atom")
		if err != nil {
			t.Fatalf("fresh client %d with %d connections held: %v\n%s", i, held, err, d.stderr)
		}
		resp.Body.Close()
		if took := time.Since(start); resp.StatusCode != 200 || took > time.Second {
			t.Fatalf("fresh client %d: %s after %v, want 200 within 1s", i, resp.Status, took)
		}
	}
	fams := scrape(t, addr)
	if open := metric(fams, "tributary_http_connections"); open > 64 {
		t.Errorf("tributary_http_connections = %v, above the cap of 64", open)
	}
	if ev := metric(fams, "tributary_http_connections_evicted_total"); ev < held-64 {
		t.Errorf("tributary_http_connections_evicted_total = %v, want at least %d", ev, held-64)
	}
	if strings.Contains(d.stderr.String(), "too many open files") {
		t.Errorf("the daemon ran out of descriptors:\n%s", d.stderr)
	}
}

// Every response of the real daemon (feeds, the page, errors, metrics,
// admin) carries nosniff and a CSP; the page's allows no script; a request
// with both Transfer-Encoding and Content-Length is refused with 400 and
// the bytes after its chunked body are never served as a second request;
// random Host headers do not make every request a render.
func TestEveryResponseIsHardened(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	cfgPath := writeConfig(t, dir, fmt.Sprintf(`
[server]
listen = %q

[store]
path = "data/tributary.db"
`, addr))
	startDaemon(t, cfgPath, addr)
	for _, path := range []string{"/", "/feed.atom", "/feed.rss", "/feed.json", "/opml", "/healthz", "/metrics", "/api/sources", "/nope", "/g/nope.atom", "/feed.atom?page=bogus"} {
		resp, _ := get(t, "http://"+addr+path)
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no X-Content-Type-Options: nosniff", path)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.HasPrefix(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "script") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
	}

	// Random Host headers render at most once per kept host (32), and the
	// cache reports its bytes.
	client := &http.Client{Timeout: 10 * time.Second}
	for i := range 200 {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/feed.atom", nil)
		req.Host = fmt.Sprintf("h%d.example", i)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	fams := scrape(t, addr)
	if n := metric(fams, "tributary_render_cache_misses_total"); n > 40 {
		t.Errorf("%v renders for 200 random hosts, want at most one per kept host", n)
	}
	if b := metric(fams, "tributary_render_cache_bytes"); b <= 0 || b > 32<<20 {
		t.Errorf("tributary_render_cache_bytes = %v", b)
	}

	raw := "POST /admin/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"0\r\n\r\nGET /feed.atom HTTP/1.1\r\nHost: x\r\n\r\n"
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, raw)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	all, _ := io.ReadAll(c)
	if n := strings.Count(string(all), "HTTP/1.1 "); n != 1 || !strings.HasPrefix(string(all), "HTTP/1.1 400 ") {
		t.Fatalf("TE+CL request: %d responses, want one 400:\n%s", n, all)
	}
}

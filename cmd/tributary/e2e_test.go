package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// binary is the tributary binary built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tributary-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "tributary")
	build := exec.Command("go", "build", "-race", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		// -race needs cgo; fall back to a plain build.
		build = exec.Command("go", "build", "-o", binary, ".")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build tributary:", err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// feedServer serves testdata/feeds and counts requests per path.
type feedServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newFeedServer(t *testing.T) *feedServer {
	t.Helper()
	fs := &feedServer{hits: map[string]int{}}
	files := http.FileServer(http.Dir("testdata/feeds"))
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		fs.hits[r.URL.Path]++
		fs.mu.Unlock()
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *feedServer) count(path string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.hits[path]
}

// freeAddr returns a loopback address with a port free at the time of asking.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// daemon is a running `tributary run`.
type daemon struct {
	cmd    *exec.Cmd
	addr   string
	stderr *logBuffer
	done   chan error
}

// startDaemon starts `tributary run --config cfgPath [extra...]` and waits
// until it answers /healthz on addr.
func startDaemon(t *testing.T, cfgPath, addr string, extra ...string) *daemon {
	t.Helper()
	return startDaemonCmd(t, exec.Command(binary, append([]string{"run", "--config", cfgPath}, extra...)...), addr)
}

// startDaemonCmd starts cmd, a `tributary run` (perhaps wrapped), and waits
// until it answers /healthz on addr.
func startDaemonCmd(t *testing.T, cmd *exec.Cmd, addr string) *daemon {
	t.Helper()
	d := &daemon{addr: addr, stderr: &logBuffer{}, done: make(chan error, 1), cmd: cmd}
	d.cmd.Stderr = d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- d.cmd.Wait() }()
	t.Cleanup(func() {
		d.cmd.Process.Kill()
		<-d.done
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return d
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("daemon did not become healthy: %v\n%s", err, d.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (d *daemon) stop(t *testing.T) {
	t.Helper()
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-d.done:
		d.done <- err
		if err != nil {
			t.Fatalf("daemon exited with %v after SIGTERM\n%s", err, d.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("daemon did not stop after SIGTERM\n%s", d.stderr)
	}
}

// logBuffer collects a daemon's log lines; it may be read while written.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// published reads one of our feeds back with gofeed: its items' ids and titles.
func published(t *testing.T, addr, ext string) (ids, titles []string) {
	t.Helper()
	resp, body := get(t, "http://"+addr+"/feed."+ext)
	if resp.StatusCode != 200 {
		t.Fatalf("/feed.%s: %s", ext, resp.Status)
	}
	want := map[string]string{"atom": "application/atom+xml", "rss": "application/rss+xml", "json": "application/feed+json"}[ext]
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, want) {
		t.Errorf("/feed.%s Content-Type = %q, want %s", ext, ct, want)
	}
	feed, err := gofeed.NewParser().ParseString(string(body))
	if err != nil {
		t.Fatalf("/feed.%s does not parse: %v\n%s", ext, err, body)
	}
	for _, it := range feed.Items {
		id := it.GUID
		ids = append(ids, id)
		titles = append(titles, it.Title)
	}
	return ids, titles
}

// wantTitles is every item of testdata/feeds, newest first.
var wantTitles = []string{
	"Mapping the channels",        // atom   2026-03-05
	"Spring flood & what it left", // rss    2026-03-02
	"Salt meets fresh",            // json   2026-03-01
	"Sediment",                    // atom   2026-02-20
	"Counting herons",             // rss    2026-02-15
	"Mudflats at dawn",            // json   2026-02-01
	"Ice on the weir",             // rss    2026-01-20
	"Birds of the delta",          // atom   2026-01-10 (updated only)
	"A year of the river",         // rss    2025-12-31
	"The oyster beds",             // json   2025-12-15
	"Tide tables",                 // atom   2025-11-30
}

func TestRunServesMergedFeeds(t *testing.T) {
	srv := newFeedServer(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	const maxItems = 8
	cfgPath := writeConfig(t, dir, fmt.Sprintf(`
[server]
listen = %q

[store]
path = "data/tributary.db"

[fetch]
schedule = "@every 1s"
min_interval = "1s" # the floor, lowered for the test
timeout = "5s"

[feed]
title = "E2E"
max_items = %d

[[source]]
name = "river"
url = "%s/rss2.xml"

[[source]]
name = "delta"
url = "%s/atom.xml"

[[source]]
name = "estuary"
url = "%s/feed.json"
`, addr, maxItems, srv.URL, srv.URL, srv.URL))

	d := startDaemon(t, cfgPath, addr)
	waitFor(t, "a first fetch of every source", func() bool {
		_, titles := published(t, addr, "atom")
		return len(titles) == maxItems
	}, d.stderr)

	first := map[string][]string{}
	for _, ext := range []string{"atom", "rss", "json"} {
		ids, titles := published(t, addr, ext)
		if !equal(titles, wantTitles[:maxItems]) {
			t.Errorf("/feed.%s titles:\n got %q\nwant %q", ext, titles, wantTitles[:maxItems])
		}
		assertUnique(t, ext, ids)
		first[ext] = ids
	}

	// A second fetch of every source brings the same items again.
	for _, p := range []string{"/rss2.xml", "/atom.xml", "/feed.json"} {
		waitFor(t, "a second fetch of "+p, func() bool { return srv.count(p) >= 3 })
	}
	for _, ext := range []string{"atom", "rss", "json"} {
		ids, titles := published(t, addr, ext)
		if !equal(ids, first[ext]) || !equal(titles, wantTitles[:maxItems]) {
			t.Errorf("/feed.%s changed after refetching:\n got %q %q\nwant %q", ext, ids, titles, first[ext])
		}
	}

	// A restart keeps the same ids.
	d.stop(t)
	startDaemon(t, cfgPath, addr)
	for _, ext := range []string{"atom", "rss", "json"} {
		ids, _ := published(t, addr, ext)
		if !equal(ids, first[ext]) {
			t.Errorf("/feed.%s ids changed across a restart:\n got %q\nwant %q", ext, ids, first[ext])
		}
	}
}

func TestRunStopsCleanlyOnSignal(t *testing.T) {
	srv := newFeedServer(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	cfgPath := writeConfig(t, dir, fmt.Sprintf(`
[server]
listen = %q
[[source]]
name = "river"
url = "%s/rss2.xml"
`, addr, srv.URL))
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		d := startDaemon(t, cfgPath, addr)
		d.cmd.Process.Signal(sig)
		select {
		case err := <-d.done:
			d.done <- err
			if err != nil {
				t.Errorf("after %v: %v\n%s", sig, err, d.stderr)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("no exit after %v", sig)
		}
	}
}

func TestFetchCommand(t *testing.T) {
	srv := newFeedServer(t)
	dir := t.TempDir()
	cfgPath := writeConfig(t, dir, fmt.Sprintf(`
[store]
path = "store.db"
[[source]]
name = "river"
url = "%s/rss2.xml"
[[source]]
name = "missing"
url = "%s/nothing-here.xml"
`, srv.URL, srv.URL))

	out, code := runCLI(t, "fetch", "--config", cfgPath)
	if code != 1 {
		t.Errorf("fetch with a failing source: exit %d, want 1\n%s", code, out)
	}
	if !strings.Contains(out, "river: new (4 new, 0 updated)") || !strings.Contains(out, "missing: error:") || !strings.Contains(out, "404") {
		t.Errorf("fetch output:\n%s", out)
	}
	out, code = runCLI(t, "fetch", "--config", cfgPath, "river")
	if code != 0 || !strings.Contains(out, "river: unchanged") {
		t.Errorf("second fetch of river: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "store.db")); err != nil {
		t.Errorf("store path not resolved against the config's folder: %v", err)
	}
}

func TestCheckCommand(t *testing.T) {
	dir := t.TempDir()
	bad := writeConfig(t, dir, `[fetch]
schedule = "@every 30m"
concurrancy = 4

[[source]]
name = "go-blog"
url = "https://go.dev/blog/feed.atom"
schedule = "every hour"
`)
	out, code := runCLI(t, "check", "--config", bad)
	if code != 1 {
		t.Errorf("check on a bad config: exit %d, want 1", code)
	}
	for _, want := range []string{bad + ":3: fetch.concurrancy: unknown key", bad + ":8: source[0].schedule: invalid schedule"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}

	out, code = runCLI(t, "check", "--config", "../../config.toml")
	if code != 0 {
		t.Errorf("check on the example config: exit %d\n%s", code, out)
	}

	if _, code := runCLI(t, "check", "--nope"); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
	if _, code := runCLI(t, "frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
}

func runCLI(t *testing.T, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, binary, args...).CombinedOutput()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		}
		t.Fatal(err)
	}
	return string(out), 0
}

func waitFor(t *testing.T, what string, ok func() bool, logs ...fmt.Stringer) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s\n%s", what, logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func assertUnique(t *testing.T, ext string, ids []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" || seen[id] {
			t.Errorf("/feed.%s: empty or duplicate id %q in %q", ext, id, ids)
		}
		seen[id] = true
	}
}

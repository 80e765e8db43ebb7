package publisher

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The render cache holds at most its size in bytes, gzipped bodies
// included, evicting the least recently used entries.
func TestRenderCacheBoundedInBytes(t *testing.T) {
	var c renderCache
	c.reset(1, 64<<10)
	body := []byte(strings.Repeat("x", 10<<10))
	keys := func(i int) cacheKey { return cacheKey{kind: "feed", page: fmt.Sprint(i)} }
	for i := range 20 {
		c.put(keys(i), 1, 1, newEntry(body, "text/plain"), t0)
		if i == 2 {
			c.get(keys(0), 1, 1) // used: outlives 1 and 2
		}
	}
	size, evicted := c.usage()
	if size > 64<<10 || evicted == 0 {
		t.Fatalf("%d bytes held, %d evicted: want at most 64 KiB", size, evicted)
	}
	if c.get(keys(19), 1, 1) == nil || c.get(keys(1), 1, 1) != nil {
		t.Fatal("want the newest kept and the least recently used gone")
	}
	// A gzip made later is charged too.
	e := c.get(keys(19), 1, 1)
	before, _ := c.usage()
	e.gzipped()
	if after, _ := c.usage(); after != before+int64(len(e.gz)) {
		t.Fatalf("gzip of %d bytes: held %d → %d", len(e.gz), before, after)
	}
	// One bigger than the whole cache is not kept; an older generation's
	// render is not kept either.
	c.put(cacheKey{kind: "big"}, 1, 1, newEntry(make([]byte, 65<<10), "text/plain"), t0)
	c.put(cacheKey{kind: "old"}, 1, 0, newEntry(body, "text/plain"), t0)
	if c.newest(cacheKey{kind: "big"}, 1) != nil || c.newest(cacheKey{kind: "old"}, 0) != nil {
		t.Fatal("an entry bigger than the cache, or of an older generation, was kept")
	}
}

// Misses of many distinct keys render at most cap(renderSlots) at a time;
// a render that finds no slot within renderWait is answered 503.
func TestRendersOfAllKeysAreBounded(t *testing.T) {
	ctx := context.Background()
	p := New(testConfig(), openStore(t), nil)
	s := p.state()
	slots := cap(p.renderSlots)
	var running, peak atomic.Int32
	release := make(chan struct{})
	render := func() ([]byte, string, error) {
		n := running.Add(1)
		for {
			m := peak.Load()
			if n <= m || peak.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		running.Add(-1)
		return []byte("x"), "text/plain", nil
	}
	p.renderWait = 50 * time.Millisecond
	const misses = 12
	var wg sync.WaitGroup
	for i := range misses {
		wg.Go(func() {
			for {
				_, err := p.cached(ctx, s, cacheKey{kind: "test", page: fmt.Sprint(i)}, render)
				if !errors.Is(err, errBusy) {
					if err != nil {
						t.Error(err)
					}
					return
				}
			}
		})
	}
	// The slots are full: the other misses wait (and, past renderWait, try
	// again).
	deadline := time.Now().Add(10 * time.Second)
	for running.Load() < int32(slots) {
		if time.Now().After(deadline) {
			t.Fatalf("%d flights, %d renders running", p.flightCount(), running.Load())
		}
		time.Sleep(time.Millisecond)
	}
	if n := running.Load(); n != int32(slots) {
		t.Fatalf("%d renders at once, want %d", n, slots)
	}
	// Meanwhile a request whose render waits too long gets 503.
	rec := httptest.NewRecorder()
	p.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://tributary.test/feed.atom", nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("with every render slot busy: %d %q, want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	close(release)
	wg.Wait()
	if m := peak.Load(); m > int32(slots) {
		t.Fatalf("%d renders ran at once, want at most %d", m, slots)
	}
}

// Without base_url, the first maxHosts hosts get self links of their own
// (case and default port folded); later ones share http://[server].listen/.
func TestSelfLinkHostsAreBounded(t *testing.T) {
	cfg := testConfig()
	cfg.Server.BaseURL = ""
	p := New(cfg, sampleStore(t), nil)
	h := p.Handler()
	_, b := get(t, h, "http://Feeds.Example:80/feed.atom")
	if !strings.Contains(string(b), `href="http://feeds.example/feed.atom"`) {
		t.Fatalf("a kept host's self link: %.300s", b)
	}
	for i := range maxHosts {
		get(t, h, fmt.Sprintf("http://h%d.example/feed.atom", i))
	}
	_, b = get(t, h, "http://one-too-many.example/feed.atom")
	if strings.Contains(string(b), "one-too-many") || !strings.Contains(string(b), `href="http://`+cfg.Server.Listen+`/feed.atom"`) {
		t.Fatalf("a host beyond the set: %.300s", b)
	}
	_, b = get(t, h, "http://feeds.example/feed.atom")
	if !strings.Contains(string(b), `href="http://feeds.example/feed.atom"`) {
		t.Fatal("a kept host lost its self links")
	}
}

package publisher

import (
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// floodStore holds 3 sources × 120 articles of ~4 KB of text each: a full
// feed page is 150–250 KB, as a real one is.
func floodStore(t testing.TB) *store.Store {
	st := openStore(t)
	para := "<p>" + strings.Repeat("Some words of an article that go on for a while. ", 16) + "</p>"
	for s := range 3 {
		src := []string{"alpha", "beta", "gamma"}[s]
		var arts []article.Article
		for i := range 120 {
			arts = append(arts, article.Article{GUID: fmt.Sprint(i), Title: fmt.Sprintf("%s article %d", src, i),
				Link: fmt.Sprintf("http://%s.test/%d", src, i), Authors: []string{"Some Writer"},
				Published: t0.Add(-time.Duration(i*3+s) * time.Hour), ReadTime: 6, Comments: intp(i),
				Summary: "<p>A summary of a few words.</p>", Content: strings.Repeat(para, 5)})
		}
		apply(t, st, src, store.SourceState{URL: "http://" + src + ".test/feed", Title: src}, arts...)
	}
	return st
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// Random Host headers, random page and prev cursors and unknown query
// parameters must neither grow memory without bound nor make every request
// a render: without [server].base_url only the first maxHosts hosts get
// entries of their own, made-up cursors are refused before any render, and
// the cache is bounded in bytes. Real HTTP on loopback; heap measured after
// GC, before and after, and every 1,000 requests. 10,000 requests take ~10 s
// under -race on 2 cores (most are HEAD: the same cache keys and renders as
// GET).
func TestRandomHostsAndCursorsKeepMemoryBounded(t *testing.T) {
	const (
		requests = 10000
		bound    = 64 << 20
	)
	cfg := testConfig()
	cfg.Server.BaseURL = ""
	cfg.Sources = append(cfg.Sources, cfg.Sources[0])
	cfg.Sources[2].Name, cfg.Sources[2].URL = "gamma", "http://gamma.test/feed"
	cfg.Groups[0].MinReadTime = 0
	p := New(cfg, floodStore(t), nil)
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	client := srv.Client()
	defer client.CloseIdleConnections()

	paths := []string{"/feed.atom", "/feed.rss", "/feed.json", "/", "/g/long.atom", "/t/tech.json"}
	do := func(method, host, target string) (int, []byte) {
		req, _ := http.NewRequest(method, srv.URL+target, nil)
		req.Host = host
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	// Warm: the canonical host's feeds rendered once, a real next cursor.
	var next string
	for _, path := range paths {
		if code, b := do(http.MethodGet, "feeds.example", path); code != 200 {
			t.Fatalf("%s: %d %s", path, code, b)
		} else if path == "/feed.atom" {
			i := strings.Index(string(b), "?page=")
			next = strings.SplitN(string(b)[i+len("?page="):], "&", 2)[0]
		}
	}
	if code, _ := do(http.MethodGet, "feeds.example", "/feed.atom?page="+next); code != 200 {
		t.Fatalf("a real cursor: %d", code)
	}
	idle := heapInUse()
	_, misses0 := p.CacheStats()

	// Renders: at most one per (kept host, path) and per (kept host, real cursor).
	maxRenders := uint64((maxHosts + 1) * len(paths) * 2)
	rng := rand.New(rand.NewPCG(1, 2))
	randCursor := func() string {
		b := make([]byte, 8+16)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	deadline := time.Now().Add(90 * time.Second)
	var peak uint64
	codes := map[int]int{}
	n := 0
	for ; n < requests && time.Now().Before(deadline); n++ {
		host := fmt.Sprintf("h%d.example", rng.Uint64())
		path := paths[n%len(paths)]
		var target string
		switch n % 5 {
		case 0, 1:
			target = path
		case 2:
			target = path + "?page=" + randCursor()
		case 3:
			target = path + "?page=" + next + "&prev=" + randCursor()
		case 4:
			target = path + "?utm_source=" + randCursor() + "&page=&prev=" + randCursor()
		}
		// Mostly HEAD: the same keys and renders as GET without moving
		// hundreds of megabytes through the race detector.
		method := http.MethodHead
		if n%10 == 0 {
			method = http.MethodGet
		}
		code, _ := do(method, host, target)
		codes[code]++
		if _, m := p.CacheStats(); m-misses0 > maxRenders {
			t.Fatalf("%d renders after %d requests: made-up hosts or cursors are rendered", m-misses0, n+1)
		}
		if n%1000 == 999 {
			if h := heapInUse(); h > idle {
				peak = max(peak, h-idle)
				if h-idle > bound {
					t.Fatalf("after %d requests the heap is %d MB above idle, want under %d MB", n+1, (h-idle)>>20, bound>>20)
				}
			}
		}
	}
	client.CloseIdleConnections()
	if h := heapInUse(); h > idle {
		peak = max(peak, h-idle)
	}
	_, misses := p.CacheStats()
	held, evicted := p.CacheUsage()
	t.Logf("%d requests (%v): heap at most %.1f MB above idle; %d renders; cache %.1f MB, %d evicted; statuses %v",
		n, codes, float64(peak)/(1<<20), misses-misses0, float64(held)/(1<<20), evicted, codes)
	if n < requests {
		t.Fatalf("only %d of %d requests within the time bound", n, requests)
	}
	if peak > bound {
		t.Fatalf("heap grew %d MB above idle, want under %d MB", peak>>20, bound>>20)
	}
	if codes[http.StatusBadRequest] == 0 || codes[http.StatusOK] == 0 {
		t.Errorf("statuses %v: want 200s and 400s", codes)
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/store"
)

// changingFeeds serves /s/N as an RSS feed of source N whose items move on
// with every request: each one brings a new item and drops the oldest.
func changingFeeds(t *testing.T) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	hits := map[string]int{}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		n := hits[r.URL.Path]
		mu.Unlock()
		src := strings.TrimPrefix(r.URL.Path, "/s/")
		var b strings.Builder
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>%s</title><link>http://example.com/%s</link><description>d</description>`, src, src)
		for k := n; k > n-10 && k > 0; k-- {
			pub := base.Add(time.Duration(k) * time.Minute).Add(time.Duration(len(src)) * time.Second)
			fmt.Fprintf(&b, `<item><title>s%s item %d</title><guid isPermaLink="false">s%s-%d</guid><link>http://example.com/%s/%d</link><pubDate>%s</pubDate><description>&lt;p&gt;body %d&lt;/p&gt;</description></item>`,
				src, k, src, k, src, k, pub.Format(time.RFC1123Z), k)
		}
		b.WriteString(`</channel></rss>`)
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(b.String()))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestCrashKeepsCommittedArticles kills the daemon with SIGKILL at random
// moments while 50 sources are fetched every second, and after each kill
// checks that the store opens, that its indexes agree with its articles, and
// that every article it published before the kill (the feed shows only
// committed articles), and every article the store held after the previous
// kill, is still there.
func TestCrashKeepsCommittedArticles(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: skipped with -short")
	}
	const sources, minRounds = 50, 20
	srv := changingFeeds(t)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "crash.db")
	var cfg strings.Builder
	addr := freeAddr(t)
	fmt.Fprintf(&cfg, `
[server]
listen = %q
[store]
path = %q
[fetch]
schedule = "@every 1s"
min_interval = "1s" # the floor, lowered for the test
jitter = "0s"
concurrency = 8
per_host = 8
timeout = "5s"
[feed]
max_items = 500
`, addr, dbPath)
	for i := range sources {
		fmt.Fprintf(&cfg, "[[source]]\nname = \"s%02d\"\nurl = \"%s/s/%02d\"\n", i, srv.URL, i)
	}
	cfgPath := writeConfig(t, dir, cfg.String())

	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	ctx := context.Background()
	held := map[string]bool{} // every article in the store after the last kill
	start := time.Now()
	for round := 0; round < minRounds; round++ {
		d := startDaemon(t, cfgPath, addr)
		time.Sleep(time.Duration(200+r.IntN(800)) * time.Millisecond)
		acked := feedTitles(t, addr)
		time.Sleep(time.Duration(r.IntN(300)) * time.Millisecond)
		d.cmd.Process.Signal(syscall.SIGKILL)
		d.done <- <-d.done // leave the result for startDaemon's cleanup

		st, err := store.Open(ctx, dbPath, store.Options{LockTimeout: 5 * time.Second})
		if err != nil {
			t.Fatalf("round %d: store does not open after SIGKILL: %v\n%s", round, err, d.stderr)
		}
		if err := st.Check(ctx); err != nil {
			st.Close()
			t.Fatalf("round %d: %v", round, err)
		}
		now := map[string]bool{}
		var cur store.Cursor
		for {
			arts, next, err := st.Newest(ctx, 1000, store.Filter{}, cur)
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			for _, a := range arts {
				now[a.Title] = true
			}
			if cur = next; cur == "" {
				break
			}
		}
		st.Close()
		for _, title := range acked {
			if !now[title] {
				t.Errorf("round %d: %q was published before the kill and is gone", round, title)
			}
		}
		for title := range held {
			if !now[title] {
				t.Errorf("round %d: %q was stored after the previous kill and is gone", round, title)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
		t.Logf("round %d: %d published before the kill, %d stored after it", round, len(acked), len(now))
		held = now
	}
	if len(held) < minRounds {
		t.Errorf("only %d articles stored after %d rounds: the daemon hardly fetched", len(held), minRounds)
	}
	t.Logf("%d rounds in %v", minRounds, time.Since(start).Round(time.Millisecond))
}

// feedTitles reads the titles of /feed.json.
func feedTitles(t *testing.T, addr string) []string {
	t.Helper()
	resp, body := get(t, "http://"+addr+"/feed.json")
	if resp.StatusCode != 200 {
		t.Fatalf("/feed.json: %s", resp.Status)
	}
	var doc struct {
		Items []struct {
			Title string `json:"title"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("/feed.json: %v", err)
	}
	out := make([]string, 0, len(doc.Items))
	for _, it := range doc.Items {
		out = append(out, it.Title)
	}
	return out
}

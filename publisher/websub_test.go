package publisher

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// TestWebSubPing runs Run against an httptest hub: nothing is pinged until
// a fetch changes feeds, then each changed feed is pinged once.
func TestWebSubPing(t *testing.T) {
	st := sampleStore(t)
	p, mu, pinged := runWithHub(t, st)

	// The first look renders the 4 sub-feeds (all, long, tech, podcasts) in
	// 3 formats and records them without pinging.
	waitFor(t, "the baseline", func() bool { _, m := p.CacheStats(); return m >= 12 })
	mu.Lock()
	if len(*pinged) != 0 {
		t.Errorf("pinged before any change: %q", *pinged)
	}
	mu.Unlock()

	apply(t, st, "alpha", store.SourceState{URL: "http://alpha.test/feed.xml", Title: "Alpha Blog"},
		article.Article{GUID: "alpha-new", Title: "Brand new", Published: t0})
	want := []string{
		"http://tributary.test/feed.atom", "http://tributary.test/feed.json", "http://tributary.test/feed.rss",
		"http://tributary.test/t/tech.atom", "http://tributary.test/t/tech.json", "http://tributary.test/t/tech.rss",
	}
	waitFor(t, "the pings", func() bool { mu.Lock(); defer mu.Unlock(); return len(*pinged) >= len(want) })
	time.Sleep(50 * time.Millisecond) // a few more polls: no repeats
	mu.Lock()
	got := slices.Clone(*pinged)
	mu.Unlock()
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("pinged %q, want %q (the long group and the podcasts tag did not change)", got, want)
	}
}

// runWithHub runs a Publisher of st, with a hub on loopback recording the
// feed URLs pinged, until the test ends.
func runWithHub(t *testing.T, st *store.Store) (p *Publisher, mu *sync.Mutex, pinged *[]string) {
	t.Helper()
	mu, pinged = &sync.Mutex{}, &[]string{}
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.PostForm.Get("hub.mode") != "publish" {
			http.Error(w, "bad ping", 400)
			t.Errorf("bad ping: %s %v", r.Method, r.PostForm)
			return
		}
		mu.Lock()
		*pinged = append(*pinged, r.PostForm["hub.url"]...)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hub.Close)
	cfg := testConfig()
	cfg.Feed.WebSubHub = hub.URL + "/"
	p = New(cfg, st, nil)
	p.settle = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return p, mu, pinged
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A reload is a change too: Run hears of it without a store commit, and
// pings for every feed whose bytes it changed.
func TestWebSubPingsOnReload(t *testing.T) {
	st := sampleStore(t)
	p, mu, pinged := runWithHub(t, st)
	waitFor(t, "the baseline", func() bool { _, m := p.CacheStats(); return m >= 12 })
	cfg := *p.config()
	cfg.Feed.Title = "Renamed"
	p.Reload(&cfg)
	// The feeds that take the feed's title: all but the titled group's 3.
	waitFor(t, "the pings of the new title", func() bool { mu.Lock(); defer mu.Unlock(); return len(*pinged) >= 9 })
}

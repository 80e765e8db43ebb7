package fetcher

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/config"
)

// spaced is n articles dated gap apart, the newest at newest.
func spaced(n int, newest time.Time, gap time.Duration) []article.Article {
	arts := make([]article.Article, n)
	for i := range arts {
		arts[i].Published = newest.Add(-time.Duration(i) * gap)
	}
	return arts
}

func dated(ts ...time.Time) []article.Article {
	arts := make([]article.Article, len(ts))
	for i, t := range ts {
		arts[i].Published = t
	}
	return arts
}

// TestAdaptiveInterval: each kind of poster gets the interval its dates
// give, within min_interval and max_interval, and a reason that says why.
func TestAdaptiveInterval(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var bursty []article.Article // 5 posts a minute apart, once a day
	for day := range 4 {
		bursty = append(bursty, spaced(5, now.Add(-time.Hour-time.Duration(day)*24*time.Hour), time.Minute)...)
	}
	older := spaced(10, now.Add(-40*time.Hour), 24*time.Hour) // beyond the newest 20: not counted
	mixed := append(spaced(20, now.Add(-10*time.Minute), 2*time.Hour), older...)
	garbage := append(spaced(3, now.Add(-10*time.Minute), 3*time.Hour),
		dated(now.Add(time.Minute), now.Add(400*24*time.Hour), time.Unix(0, 0), time.Time{}, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC))...)
	sameDate := dated(now.Add(-time.Hour), now.Add(-time.Hour), now.Add(-time.Hour), now.Add(-time.Hour))
	for _, tc := range []struct {
		name     string
		arts     []article.Article
		lo, hi   time.Duration
		want     time.Duration
		wantWhy  string
		unknown  bool
		wantDate int
	}{
		{name: "regular, every 2h", arts: spaced(20, now.Add(-10*time.Minute), 2*time.Hour), want: time.Hour,
			wantWhy: "adaptive: every 1h (half the median gap of the last 20 dated items)", wantDate: 20},
		{name: "2h15m median", arts: spaced(8, now.Add(-time.Minute), 4*time.Hour+30*time.Minute), want: 2*time.Hour + 15*time.Minute,
			wantWhy: "adaptive: every 2h15m (half the median gap of the last 8 dated items)", wantDate: 8},
		{name: "only the newest 20 count", arts: mixed, want: time.Hour, wantWhy: "last 20 dated items", wantDate: 20},
		{name: "bursty, an hour after a burst", arts: bursty, want: 15 * time.Minute,
			wantWhy: "adaptive: every 15m (silent for 1h since its newest item (half the median gap of its last 20 dated items is 30s))", wantDate: 20},
		{name: "bursty, right after a burst", arts: spaced(5, now.Add(-time.Minute), time.Minute), want: time.Minute,
			wantWhy: "adaptive: every 1m (half the median gap of the last 5 dated items; raised to [fetch] min_interval)", wantDate: 5},
		{name: "weekly, capped", arts: spaced(10, now.Add(-time.Hour), 7*24*time.Hour), want: 24 * time.Hour,
			wantWhy: "half the median gap of the last 10 dated items; capped at [fetch] max_interval", wantDate: 10},
		{name: "dormant", arts: spaced(20, now.Add(-30*24*time.Hour), time.Hour), want: 24 * time.Hour,
			wantWhy: "silent for 720h since its newest item", wantDate: 20},
		{name: "no dates", arts: make([]article.Article, 12), want: time.Hour,
			wantWhy: "adaptive: every 1h (the default: no dated items, fewer than 3, to measure its rhythm)"},
		{name: "two dates", arts: spaced(2, now.Add(-time.Hour), time.Hour), want: time.Hour, wantWhy: "2 dated items, fewer than 3", wantDate: 2},
		{name: "one date stamped on every item", arts: sameDate, want: time.Hour, wantWhy: "1 dated item, fewer than 3", wantDate: 1},
		{name: "future and garbage dates ignored", arts: garbage, want: 90 * time.Minute, wantWhy: "last 3 dated items", wantDate: 3},
		{name: "fallback raised to min_interval", arts: nil, lo: 2 * time.Hour, want: 2 * time.Hour, wantWhy: "no dated items, fewer than 3, to measure its rhythm; raised to [fetch] min_interval)"},
		{name: "fallback capped at max_interval", arts: nil, hi: 30 * time.Minute, want: 30 * time.Minute, wantWhy: "capped at [fetch] max_interval"},
		{name: "min_interval wins over a lower max_interval", arts: nil, lo: 2 * time.Hour, hi: 30 * time.Minute, want: 2 * time.Hour, wantWhy: "raised"},
		{name: "not measured yet", unknown: true, want: time.Hour, wantWhy: "adaptive: every 1h (the default until the feed's dates are read)"},
	} {
		r := measurePosting(tc.arts, now)
		if tc.unknown {
			r = postingRate{}
		}
		lo, hi := cmp.Or(tc.lo, time.Minute), cmp.Or(tc.hi, 24*time.Hour)
		d, why := r.interval(now, lo, hi)
		if d != tc.want || !strings.Contains(why, tc.wantWhy) || (!tc.unknown && r.dates != tc.wantDate) {
			t.Errorf("%s: every %v (%s), %d dates; want %v (%s), %d dates", tc.name, d, why, r.dates, tc.want, tc.wantWhy, tc.wantDate)
		}
	}
}

// datedFeed is an RSS feed of n items dated gap apart, the newest at newest;
// ttl > 0 adds an RSS <ttl> in minutes.
func datedFeed(n int, newest time.Time, gap time.Duration, ttl int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title><link>http://example.com/</link>`)
	if ttl > 0 {
		fmt.Fprintf(&b, "<ttl>%d</ttl>", ttl)
	}
	for i := range n {
		fmt.Fprintf(&b, `<item><title>Item %d</title><link>http://example.com/%d</link><guid>g%d</guid><pubDate>%s</pubDate></item>`,
			i, i, i, newest.Add(-time.Duration(i)*gap).UTC().Format(http.TimeFormat))
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

// TestAdaptiveFetch: a source with schedule = "adaptive" whose items are 2h
// apart is next fetched in 1h, and says so; a feed hint still lengthens it;
// an undated feed gets the default. After a restart, when the feed's dates
// are not known, it is asked for whole (no validators) so that a 304 cannot
// leave its rhythm unmeasured.
func TestAdaptiveFetch(t *testing.T) {
	newest := time.Now().Add(-5 * time.Minute)
	cnt := newCounter()
	var conditional []string
	srv := serve(t, cnt.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") != "" {
			conditional = append(conditional, r.URL.Path)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		switch r.URL.Path {
		case "/ttl":
			w.Write([]byte(datedFeed(10, newest, 2*time.Hour, 180)))
		case "/undated":
			w.Write([]byte(`<rss version="2.0"><channel><title>t</title><item><guid>x</guid><title>x</title></item><item><guid>y</guid><title>y</title></item></channel></rss>`))
		default:
			w.Write([]byte(datedFeed(10, newest, 2*time.Hour, 0)))
		}
	})))
	cfg := testConfig(src("every2h", srv.URL+"/every2h"), src("ttl", srv.URL+"/ttl"), src("undated", srv.URL+"/undated"), src("cron", srv.URL+"/cron"))
	cfg.Fetch.Schedule = config.Adaptive
	cfg.Sources[3].Schedule = "@every 30m"
	path := filepath.Join(t.TempDir(), "t.db")
	st := openStore(t, path)
	check := func(when string) {
		t.Helper()
		now := time.Now()
		for name, want := range map[string]struct {
			d   time.Duration
			why string
		}{
			"every2h": {time.Hour, "adaptive: every 1h (half the median gap of the last 10 dated items)"},
			"ttl":     {3 * time.Hour, "adaptive: every 1h (half the median gap of the last 10 dated items), lengthened by feed hint: RSS ttl 3h0m0s"},
			"undated": {time.Hour, "adaptive: every 1h (the default: no dated items"},
			"cron":    {30 * time.Minute, "schedule"},
		} {
			s := stateOf(t, st, name)
			if d := s.NextAttempt.Sub(now); d < want.d-time.Minute || d > want.d || !strings.HasPrefix(s.NextReason, want.why) {
				t.Errorf("%s: %s: next in %v (%s), want %v (%s)", when, name, d, s.NextReason, want.d, want.why)
			}
		}
	}
	f := New(cfg, st, nil)
	f.Once(context.Background())
	check("first fetch")

	// The same fetcher knows the dates: its next fetch is conditional.
	f.Once(context.Background())
	if len(conditional) != 4 {
		t.Errorf("second fetch: conditional requests for %v, want all four", conditional)
	}
	check("after 304s")

	// A new fetcher (a restart) asks adaptive sources for the whole feed once.
	conditional = nil
	New(cfg, st, nil).Once(context.Background())
	if strings.Join(conditional, " ") != "/cron" {
		t.Errorf("after a restart: conditional requests for %v, want /cron only", conditional)
	}
	check("after a restart")
}

// TestReloadToAdaptive: a source switched to "adaptive" by a reload is
// fetched at once, and its next fetch follows its feed's dates.
func TestReloadToAdaptive(t *testing.T) {
	newest := time.Now().Add(-time.Minute)
	cnt := newCounter()
	srv := serve(t, cnt.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(datedFeed(5, newest, 4*time.Hour, 0)))
	})))
	cfg := testConfig(config.Source{Name: "a", URL: srv.URL + "/a", Schedule: "@every 24h"})
	st := newStore(t)
	New(cfg, st, nil).Once(context.Background()) // next in 24h
	f := New(cfg, st, nil)
	runFetcher(t, f)
	cfg2 := testConfig(config.Source{Name: "a", URL: srv.URL + "/a", Schedule: "adaptive"})
	f.Reload(cfg2)
	waitUntil(t, 10*time.Second, "a fetch after the reload", func() bool {
		s, ok, err := st.Source(context.Background(), "a")
		return err == nil && ok && strings.HasPrefix(s.NextReason, "adaptive: every 2h (")
	})
	if d := time.Until(stateOf(t, st, "a").NextAttempt); d < 2*time.Hour-time.Minute || d > 2*time.Hour {
		t.Errorf("next fetch in %v, want 2h", d)
	}
}

// TestRestartFromAdaptiveToCron: a source whose adaptive plan was a day
// away (a dormant feed) and whose schedule became "@every 1s" while the
// daemon was stopped is fetched on the new schedule at the restart.
func TestRestartFromAdaptiveToCron(t *testing.T) {
	cnt := newCounter()
	srv := serve(t, cnt.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(datedFeed(5, time.Now().Add(-60*24*time.Hour), time.Hour, 0)))
	})))
	path := filepath.Join(t.TempDir(), "t.db")
	cfg := testConfig(config.Source{Name: "a", URL: srv.URL + "/a", Schedule: "adaptive"})
	st := openStore(t, path)
	New(cfg, st, nil).Once(context.Background())
	if s := stateOf(t, st, "a"); !strings.Contains(s.NextReason, "capped at [fetch] max_interval") || time.Until(s.NextAttempt) < 23*time.Hour {
		t.Fatalf("after the first fetch: next %v (%s)", s.NextAttempt, s.NextReason)
	}
	cfg2 := testConfig(config.Source{Name: "a", URL: srv.URL + "/a", Schedule: "@every 1s"})
	cfg2.Fetch.MinInterval.Duration = time.Second
	runFetcher(t, New(cfg2, st, nil))
	waitUntil(t, 10*time.Second, "a fetch on the cron schedule", func() bool { return cnt.get("/a") >= 2 })
}

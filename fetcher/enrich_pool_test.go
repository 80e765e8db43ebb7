package fetcher

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/store"
)

// articlePage is an article page long enough that its read time beats the
// feed's.
func articlePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>%s</title></head><body><article><p>%s</p></article></body></html>`,
		r.URL.Path, strings.Repeat("word ", 1200))
}

// stallingPages serves article pages that do not answer until released
// (tests release them in a cleanup registered after their server's, so
// that it runs first).
type stallingPages struct {
	released chan struct{}
	once     sync.Once
	started  chan struct{} // gets a value as each request arrives
	inFlight atomic.Int32
	served   atomic.Int32
}

func newStallingPages() *stallingPages {
	return &stallingPages{released: make(chan struct{}), started: make(chan struct{}, 100)}
}

func (p *stallingPages) release() { p.once.Do(func() { close(p.released) }) }

func (p *stallingPages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.inFlight.Add(1)
	defer p.inFlight.Add(-1)
	p.started <- struct{}{}
	select {
	case <-p.released:
		articlePage(w, r)
		p.served.Add(1)
	case <-r.Context().Done():
	}
}

// allEnriched checks that every article of source has its page's read time
// and that no page is owed.
func allEnriched(t *testing.T, st *store.Store, source, when string) {
	t.Helper()
	for _, a := range articles(t, st, source) {
		if a.From["read_time"] != "page" {
			t.Errorf("%s: %s not enriched: %v", when, a.Title, a.From)
		}
	}
	if s := stateOf(t, st, source); len(s.Unenriched) != 0 {
		t.Errorf("%s: pages still owed: %v", when, s.Unenriched)
	}
}

func wait[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(15 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// TestSlowPagesDoNotHoldFetchSlots: with one fetch slot in all, a source
// whose article pages never answer does not keep the other sources from
// being fetched: its slot is given back once its feed is parsed, and its
// pages are fetched in enrichment's own pool.
func TestSlowPagesDoNotHoldFetchSlots(t *testing.T) {
	pages := newStallingPages()
	mux := http.NewServeMux()
	mux.HandleFunc("public.test/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(rssFeed("http://public.test", "s1", "s2")))
	})
	mux.Handle("public.test/page/", pages)
	mux.HandleFunc("public2.test/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(rssFeed("http://public2.test"+r.URL.Path, "x")))
	})
	nw := newFakeNet(t, mux)
	t.Cleanup(pages.release)
	cfg := testConfig(config.Source{Name: "slow", URL: "http://public.test/feed", Enrich: true},
		src("fast-a", "http://public2.test/a"), src("fast-b", "http://public2.test/b"))
	cfg.Fetch.Concurrency = 1
	cfg.Fetch.Timeout = config.Duration{Duration: time.Minute} // the pages' own limit is not what frees the slot
	cfg.Fetch.EnrichBudget = config.Duration{Duration: time.Minute}
	st := newStore(t)
	f := NewWithOptions(cfg, st, nil, nw.options())

	slow := make(chan Outcome, 1)
	go func() { slow <- f.fetchOrWait(context.Background(), cfg.Sources[0]) }()
	wait(t, pages.started, "the slow source's first page request")

	fast := make(chan []Outcome, 1)
	go func() { fast <- f.Once(context.Background(), "fast-a", "fast-b") }()
	for _, o := range wait(t, fast, "the other sources' fetches, while the slow source's pages hang") {
		if o.Result != ResultNew {
			t.Errorf("%v", o)
		}
	}
	if pages.inFlight.Load() == 0 {
		t.Fatalf("the slow source's pages were no longer pending when the others finished")
	}
	pages.release()
	if o := wait(t, slow, "the slow source"); o.Result != ResultNew || o.New != 2 {
		t.Errorf("slow source: %v", o)
	}
	allEnriched(t, st, "slow", "once its pages answered")
}

// TestEnrichBudget: when a fetch's enrichment budget runs out, its articles
// are stored without their pages (nothing waits for them), and the pages
// are owed: the next fetch asks for the feed whole (no 304) and enriches
// them, though its bytes are unchanged.
func TestEnrichBudget(t *testing.T) {
	pages := newStallingPages()
	feedHits := newCounter()
	mux := http.NewServeMux()
	mux.HandleFunc("public.test/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write([]byte(rssFeed("http://public.test", "a", "b")))
	})
	mux.Handle("public.test/page/", pages)
	nw := newFakeNet(t, feedHits.wrap(mux))
	t.Cleanup(pages.release)
	cfg := testConfig(config.Source{Name: "blog", URL: "http://public.test/feed", Enrich: true})
	cfg.Fetch.Timeout = config.Duration{Duration: time.Minute}
	cfg.Fetch.EnrichBudget = config.Duration{Duration: 300 * time.Millisecond}
	st := newStore(t)
	f := NewWithOptions(cfg, st, nil, nw.options())

	o := f.Once(context.Background())[0]
	if o.Result != ResultNew || o.New != 2 {
		t.Fatalf("first fetch: %v", o)
	}
	if o.Duration >= cfg.Fetch.Timeout.Duration {
		t.Errorf("the fetch took %v: the budget (%v) did not cut its pages short", o.Duration, cfg.Fetch.EnrichBudget)
	}
	for _, a := range articles(t, st, "blog") {
		if a.From["read_time"] == "page" {
			t.Errorf("%s enriched by a page that never answered", a.Title)
		}
	}
	s := stateOf(t, st, "blog")
	if len(s.Unenriched) != 2 || s.EnrichFailures != 0 {
		t.Fatalf("after the budget ran out: owed %v, failures %d; want both pages owed, no failure", s.Unenriched, s.EnrichFailures)
	}
	for id, r := range s.Unenriched {
		if r.Attempts != 0 || r.Refused {
			t.Errorf("%s: %+v: a budget running out is not a failure", id, r)
		}
	}

	pages.release()
	roomy := *cfg // the pages answer now; a loaded machine must not make them late
	roomy.Fetch.EnrichBudget = config.Duration{Duration: time.Minute}
	f.Reload(&roomy)
	o = f.Once(context.Background())[0]
	if o.Result != ResultUpdated || o.Updated != 2 {
		t.Errorf("second fetch: %v, want both articles updated by their pages", o)
	}
	feedHits.mu.Lock()
	conditional := feedHits.cond["/feed"]
	feedHits.mu.Unlock()
	if conditional != 0 {
		t.Errorf("the feed was asked conditionally while pages were owed (%d)", conditional)
	}
	allEnriched(t, st, "blog", "on the next fetch")
	// Nothing owed: the feed is asked conditionally again.
	if o := f.Once(context.Background())[0]; !o.NotModified || o.Status != http.StatusNotModified {
		t.Errorf("third fetch: %v (status %d), want a 304", o, o.Status)
	}
}

// testClock is a settable clock for Options.Now.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestRefusedPagesEnrichedWhenAllowed: pages refused while allow_private
// is off are owed, not forgotten: after a reload turns it on, the next
// fetch enriches them, though nothing else changed.
func TestRefusedPagesEnrichedWhenAllowed(t *testing.T) {
	es := newEnrichServer(t, "a", "bb")
	cfg := testConfig(config.Source{Name: "blog", URL: es.url + "/feed", Enrich: true})
	st := newStore(t)
	clk := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f := NewWithOptions(cfg, st, nil, Options{Now: clk.Now})
	if o := f.Once(context.Background())[0]; o.New != 2 {
		t.Fatalf("first fetch: %v", o)
	}
	s := stateOf(t, st, "blog")
	if len(s.Unenriched) != 2 {
		t.Fatalf("owed after refusals: %v", s.Unenriched)
	}
	for id, r := range s.Unenriched {
		if !r.Refused || r.Attempts != 1 || !r.Next.Equal(clk.Now().Add(pageRetryBase)) {
			t.Errorf("%s: %+v, want refused, 1 attempt, next in %v", id, r, pageRetryBase)
		}
	}
	// Still refused, and not due: the next fetch leaves them.
	clk.Add(time.Minute)
	f.Once(context.Background())
	if n := es.pages(); n != 0 {
		t.Fatalf("%d pages fetched from loopback", n)
	}

	allowed := *cfg
	allowed.Fetch.AllowPrivate = true
	f.Reload(&allowed)
	if o := f.Once(context.Background())[0]; o.Result != ResultUpdated || o.Updated != 2 {
		t.Errorf("after the reload: %v, want both articles updated by their pages", o)
	}
	if n := es.pages(); n != 2 {
		t.Errorf("%d pages fetched after allow_private was turned on, want 2", n)
	}
	allEnriched(t, st, "blog", "after allow_private was turned on")
}

// TestFailedPagesRetriedWithBackoff: a page that fails is tried again once
// its back-off has passed (doubling per failure), not on every fetch, and
// no more once it is enriched or its article leaves the feed.
func TestFailedPagesRetriedWithBackoff(t *testing.T) {
	var broken atomic.Bool
	broken.Store(true)
	items := atomic.Value{}
	items.Store([]string{"a"})
	hits := newCounter()
	mux := http.NewServeMux()
	mux.HandleFunc("public.test/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(rssFeed("http://public.test", items.Load().([]string)...)))
	})
	mux.HandleFunc("public.test/page/", func(w http.ResponseWriter, r *http.Request) {
		if broken.Load() {
			http.Error(w, "broken", http.StatusInternalServerError)
			return
		}
		articlePage(w, r)
	})
	nw := newFakeNet(t, hits.wrap(mux))
	clk := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	opts := nw.options()
	opts.Now = clk.Now
	cfg := testConfig(config.Source{Name: "blog", URL: "http://public.test/feed", Enrich: true})
	st := newStore(t)
	f := NewWithOptions(cfg, st, nil, opts)
	owed := func() store.EnrichRetry {
		t.Helper()
		for _, r := range stateOf(t, st, "blog").Unenriched {
			return r
		}
		return store.EnrichRetry{}
	}
	step := func(advance time.Duration, wantPages int, wantAttempts int) {
		t.Helper()
		clk.Add(advance)
		if o := f.Once(context.Background())[0]; o.Result == ResultError {
			t.Fatal(o)
		}
		if n := hits.get("/page/a"); n != wantPages {
			t.Errorf("after %v: page asked %d times, want %d", advance, n, wantPages)
		}
		if r := owed(); r.Attempts != wantAttempts {
			t.Errorf("after %v: %+v, want %d attempts", advance, r, wantAttempts)
		}
	}
	step(0, 1, 1)              // failed: next in 15m
	step(10*time.Minute, 1, 1) // not due
	step(6*time.Minute, 2, 2)  // due: failed again, next in 30m
	step(20*time.Minute, 2, 2) // not due
	step(11*time.Minute, 3, 3) // due
	if r := owed(); !r.Next.Equal(clk.Now().Add(4 * pageRetryBase)) {
		t.Errorf("third failure: next %v, want in %v", r.Next, 4*pageRetryBase)
	}
	broken.Store(false)
	step(time.Hour, 4, 0) // enriched: nothing owed
	for _, a := range articles(t, st, "blog") {
		if a.From["read_time"] != "page" {
			t.Errorf("not enriched: %v", a.From)
		}
	}
	step(24*time.Hour, 4, 0) // never again

	// An owed page whose article leaves the feed is forgotten.
	broken.Store(true)
	items.Store([]string{"a", "b"})
	step(0, 4, 1)
	items.Store([]string{"a"})
	step(time.Hour, 4, 0)
	if s := stateOf(t, st, "blog"); len(s.Unenriched) != 0 {
		t.Errorf("owed for an article no longer listed: %v", s.Unenriched)
	}
}

// TestStoppedEnrichmentStoresAndOwes: when the caller gives up (the daemon
// stops) while pages are pending, the fetch does not wait for them: its
// articles are stored at once, the pages owed.
func TestStoppedEnrichmentStoresAndOwes(t *testing.T) {
	pages := newStallingPages()
	mux := http.NewServeMux()
	mux.HandleFunc("public.test/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(rssFeed("http://public.test", "a", "b")))
	})
	mux.Handle("public.test/page/", pages)
	nw := newFakeNet(t, mux)
	t.Cleanup(pages.release)
	cfg := testConfig(config.Source{Name: "blog", URL: "http://public.test/feed", Enrich: true})
	cfg.Fetch.Timeout = config.Duration{Duration: time.Minute}
	cfg.Fetch.EnrichBudget = config.Duration{Duration: time.Minute}
	st := newStore(t)
	f := NewWithOptions(cfg, st, nil, nw.options())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan []Outcome, 1)
	go func() { done <- f.Once(ctx) }()
	wait(t, pages.started, "a page request")
	cancel()
	if o := wait(t, done, "the fetch, once stopped")[0]; o.Result != ResultNew || o.New != 2 {
		t.Errorf("stopped fetch: %v", o)
	}
	if s := stateOf(t, st, "blog"); len(s.Unenriched) != 2 {
		t.Errorf("owed after a stop: %v, want both pages", s.Unenriched)
	}
}

package fetcher

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/config"
)

// waitUntil polls cond every 20ms for at most d.
func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runFetcher runs f.Run until the test ends.
func runFetcher(t *testing.T, f *Fetcher) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(15 * time.Second):
				t.Errorf("Run did not return after its context ended")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// TestJitterSpreadsAndPerHostHolds runs 200 never-fetched sources sharing
// one schedule and one host: their first requests spread over the 2s jitter
// window, and the host never sees more than per_host at once.
func TestJitterSpreadsAndPerHostHolds(t *testing.T) {
	const n, perHost = 200, 2
	var inFlight, maxInFlight atomic.Int32
	var mu sync.Mutex
	var arrivals []time.Duration
	var start time.Time
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cur := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if cur <= m || maxInFlight.CompareAndSwap(m, cur) {
				break
			}
		}
		mu.Lock()
		arrivals = append(arrivals, time.Since(start))
		mu.Unlock()
		time.Sleep(5 * time.Millisecond) // long enough for requests to overlap
		w.Write([]byte(rssFeed("http://example.com", r.URL.Path[1:])))
	}))
	cfg := testConfig()
	cfg.Fetch.Jitter.Duration = 2 * time.Second
	cfg.Fetch.PerHost = perHost
	cfg.Fetch.Concurrency = 16
	for i := range n {
		cfg.Sources = append(cfg.Sources, src(fmt.Sprintf("s%03d", i), fmt.Sprintf("%s/s%03d", srv.URL, i)))
	}
	f := New(cfg, newStore(t), nil)
	start = time.Now()
	stop := runFetcher(t, f)
	waitUntil(t, 30*time.Second, "a first request from every source", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(arrivals) >= n
	})
	stop()
	sort.Slice(arrivals, func(i, j int) bool { return arrivals[i] < arrivals[j] })
	quarter := [4]int{}
	for _, a := range arrivals {
		quarter[min(3, int(a/(500*time.Millisecond)))]++
	}
	t.Logf("first requests from %v to %v; per 0.5s: %v; at most %d at once", arrivals[0].Round(time.Millisecond), arrivals[n-1].Round(time.Millisecond), quarter, maxInFlight.Load())
	for i, q := range quarter {
		if q < n/10 {
			t.Errorf("quarter %d of the jitter window got %d of %d first requests: not spread", i, q, n)
		}
	}
	if m := maxInFlight.Load(); m > perHost {
		t.Errorf("%d requests at once to one host, per_host is %d", m, perHost)
	}

	// All at once (tributary fetch): per_host still holds.
	maxInFlight.Store(0)
	for _, o := range f.Once(context.Background()) {
		if o.Result == ResultError {
			t.Fatalf("%v", o)
		}
	}
	if m := maxInFlight.Load(); m > perHost || m < 1 {
		t.Errorf("Once: %d requests at once to one host, per_host is %d", m, perHost)
	}
}

// TestSecondPassIsConditional fetches unchanged sources twice: the second
// pass sends only conditional requests and gets only 304s. A server without
// validators is skipped by the body's hash.
func TestSecondPassIsConditional(t *testing.T) {
	cnt := newCounter()
	mod := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	mux := http.NewServeMux()
	mux.HandleFunc("/etag/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1-`+r.URL.Path+`"`)
		http.ServeContent(w, r, "feed.xml", time.Time{}, strings.NewReader(rssFeed("http://example.com", "a", "b")))
	})
	mux.HandleFunc("/lastmod/", func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "feed.xml", mod, strings.NewReader(rssFeed("http://example.com", "c")))
	})
	mux.HandleFunc("/none", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(rssFeed("http://example.com", "d")))
	})
	srv := serve(t, cnt.wrap(mux))
	cfg := testConfig()
	for i := range 10 {
		cfg.Sources = append(cfg.Sources, src(fmt.Sprintf("e%d", i), fmt.Sprintf("%s/etag/%d", srv.URL, i)))
		cfg.Sources = append(cfg.Sources, src(fmt.Sprintf("l%d", i), fmt.Sprintf("%s/lastmod/%d", srv.URL, i)))
	}
	st := newStore(t)
	f := New(cfg, st, nil)
	for _, o := range f.Once(context.Background()) {
		if o.Result != ResultNew {
			t.Fatalf("first pass: %v", o)
		}
	}
	cnt.mu.Lock()
	first := cnt.cond
	cnt.cond, cnt.code = map[string]int{}, map[string][]int{}
	cnt.mu.Unlock()
	if len(first) != 0 {
		t.Errorf("first pass sent conditional requests: %v", first)
	}

	f2 := New(cfg, st, nil) // a restart: validators come from the store
	for _, o := range f2.Once(context.Background()) {
		if o.Result != ResultUnchanged || !o.NotModified || o.Status != http.StatusNotModified {
			t.Errorf("second pass: %+v", o)
		}
	}
	cnt.mu.Lock()
	for path, codes := range cnt.code {
		if cnt.cond[path] != len(codes) {
			t.Errorf("%s: %d requests, %d conditional", path, len(codes), cnt.cond[path])
		}
		for _, c := range codes {
			if c != http.StatusNotModified {
				t.Errorf("%s: status %d, want 304", path, c)
			}
		}
	}
	if len(cnt.code) != 20 {
		t.Errorf("second pass reached %d sources, want 20", len(cnt.code))
	}
	cnt.mu.Unlock()
	s := stateOf(t, st, "e0")
	if s.ETag == "" || s.LastSuccess.IsZero() || s.NextAttempt.IsZero() || s.NextReason != "schedule" || s.Status != 304 {
		t.Errorf("state after a 304: %+v", s)
	}

	// No validators: the unchanged body is not parsed again.
	cfg2 := testConfig(src("none", srv.URL+"/none"))
	f3 := New(cfg2, st, nil)
	f3.Once(context.Background())
	o := f3.Once(context.Background())[0]
	if !o.NotModified || o.Status != 200 || o.Result != ResultUnchanged {
		t.Errorf("hash skip: %+v", o)
	}
}

// TestRestartKeepsWaiting: a new Fetcher on the same store file does not
// refetch sources that are not due, keeps back-off, Retry-After and 410,
// and fetches a never-fetched source at once.
func TestRestartKeepsWaiting(t *testing.T) {
	cnt := newCounter()
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(rssFeed("http://example.com", "a")))
	})
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(rssFeed("http://example.com", "n")))
	})
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", 500) })
	mux.HandleFunc("/429", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "5")
		http.Error(w, "later", 429)
	})
	mux.HandleFunc("/410", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", 410) })
	srv := serve(t, cnt.wrap(mux))
	path := filepath.Join(t.TempDir(), "t.db")

	cfg := testConfig(src("ok", srv.URL+"/ok"), src("failing", srv.URL+"/500"), src("limited", srv.URL+"/429"), src("gone", srv.URL+"/410"))
	cfg.Fetch.Schedule = "@every 2s" // due again soon, unless held back
	cfg.Fetch.MaxBackoff.Duration = time.Hour
	st := openStore(t, path)
	New(cfg, st, nil).Once(context.Background())
	st.Close()

	// The failing source is held by back-off: make it long, as a few
	// failures would.
	st = openStore(t, path)
	defer st.Close()
	s := stateOf(t, st, "failing")
	s.Failures, s.NextAttempt = 6, time.Now().Add(30*time.Minute)
	if err := st.SaveStates(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	before := map[string]int{}
	for _, p := range []string{"/ok", "/500", "/429", "/410"} {
		before[p] = cnt.get(p)
	}

	cfg2 := testConfig(cfg.Sources...)
	cfg2.Fetch = cfg.Fetch
	cfg2.Sources = append(cfg2.Sources, src("fresh", srv.URL+"/new"))
	f := New(cfg2, st, nil)
	stop := runFetcher(t, f)
	waitUntil(t, 10*time.Second, "the never-fetched source", func() bool { return cnt.get("/new") == 1 })
	// Within the first second nothing else is due.
	time.Sleep(500 * time.Millisecond)
	for _, p := range []string{"/ok", "/500", "/429", "/410"} {
		if d := cnt.get(p) - before[p]; d != 0 {
			t.Errorf("%s fetched %d times right after the restart", p, d)
		}
	}
	// The healthy source comes back on its schedule, the Retry-After one
	// after its 5 s; back-off and 410 keep waiting.
	waitUntil(t, 10*time.Second, "the healthy source on its schedule", func() bool { return cnt.get("/ok") > before["/ok"] })
	waitUntil(t, 10*time.Second, "the rate-limited source after Retry-After", func() bool { return cnt.get("/429") > before["/429"] })
	stop()
	if d := cnt.get("/500") - before["/500"]; d != 0 {
		t.Errorf("source in back-off fetched %d times", d)
	}
	if d := cnt.get("/410") - before["/410"]; d != 0 {
		t.Errorf("gone source fetched %d times", d)
	}
	if s := stateOf(t, st, "gone"); !s.Gone {
		t.Errorf("gone: %+v", s)
	}
}

// TestReloadWhileRunning: added sources start, removed ones stop, changed
// schedules apply, without restarting Run.
func TestReloadWhileRunning(t *testing.T) {
	cnt := newCounter()
	srv := serve(t, cnt.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(rssFeed("http://example.com", r.URL.Path[1:])))
	})))
	cfg := testConfig(src("a", srv.URL+"/a"), src("b", srv.URL+"/b"))
	cfg.Fetch.Schedule = "@every 1s"
	f := New(cfg, newStore(t), nil)
	runFetcher(t, f)
	waitUntil(t, 10*time.Second, "a and b fetched twice", func() bool { return cnt.get("/a") >= 2 && cnt.get("/b") >= 2 })

	// Remove a, add c, slow b down to hourly.
	cfg2 := testConfig(config.Source{Name: "b", URL: srv.URL + "/b", Schedule: "@every 1h"}, src("c", srv.URL+"/c"))
	cfg2.Fetch.Schedule = "@every 1s"
	f.Reload(cfg2)
	waitUntil(t, 10*time.Second, "the added source", func() bool { return cnt.get("/c") >= 2 })
	time.Sleep(100 * time.Millisecond) // a fetch of a or b under way at the reload ends
	a, b := cnt.get("/a"), cnt.get("/b")
	waitUntil(t, 10*time.Second, "c fetched twice more", func() bool { return cnt.get("/c") >= 4 })
	if d := cnt.get("/a") - a; d != 0 {
		t.Errorf("removed source fetched %d more times", d)
	}
	if d := cnt.get("/b") - b; d != 0 {
		t.Errorf("source moved to hourly fetched %d more times", d)
	}
}

// TestDripDoesNotDelayOthers runs a source whose server drips a byte a
// second beside a healthy one on a 1s schedule: the drip is cut at the
// timeout while the healthy source keeps being fetched on time.
func TestDripDoesNotDelayOthers(t *testing.T) {
	cnt := newCounter()
	srv := serve(t, cnt.wrap(hostileMux(t)))
	cfg := testConfig(src("drip", srv.URL+"/drip"), src("good", srv.URL+"/good"))
	cfg.Fetch.Schedule = "@every 1s"
	cfg.Fetch.Timeout.Duration = 3 * time.Second
	st := newStore(t)
	f := New(cfg, st, nil)
	var mu sync.Mutex
	var dripErr error
	f.Observe(func(o Outcome) {
		if o.Source == "drip" {
			mu.Lock()
			dripErr = o.Err
			mu.Unlock()
		}
	})
	stop := runFetcher(t, f)
	waitUntil(t, 10*time.Second, "the drip to time out", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return dripErr != nil
	})
	stop()
	if !strings.Contains(dripErr.Error(), "timed out") {
		t.Errorf("drip: %v", dripErr)
	}
	if n := cnt.get("/good"); n < 2 {
		t.Errorf("the healthy source was fetched %d times while the drip hung", n)
	}
}

// TestHostQueueIsNotTimeout: requests queued behind per_host do not spend
// their timeout waiting.
func TestHostQueueIsNotTimeout(t *testing.T) {
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		w.Write([]byte(rssFeed("http://example.com", "a")))
	}))
	cfg := testConfig()
	cfg.Fetch.PerHost = 1
	cfg.Fetch.Timeout.Duration = time.Second
	for i := range 6 {
		cfg.Sources = append(cfg.Sources, src(fmt.Sprintf("q%d", i), fmt.Sprintf("%s/q%d", srv.URL, i)))
	}
	for _, o := range New(cfg, newStore(t), nil).Once(context.Background()) {
		if o.Result == ResultError {
			t.Errorf("%v", o)
		}
	}
}

// TestFeedHintsLengthenInterval: an RSS ttl and Cache-Control max-age
// longer than the schedule move the next attempt, within max_interval.
func TestFeedHintsLengthenInterval(t *testing.T) {
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/maxage" {
			w.Header().Set("Cache-Control", "max-age=7200")
			w.Write([]byte(rssFeed("http://example.com", "a")))
			return
		}
		w.Write([]byte(`<rss version="2.0"><channel><title>t</title><ttl>600</ttl><item><guid>x</guid><title>x</title></item></channel></rss>`))
	}))
	cfg := testConfig(src("ttl", srv.URL+"/ttl"), src("maxage", srv.URL+"/maxage"))
	cfg.Fetch.Schedule = "@every 30m"
	cfg.Fetch.MaxInterval.Duration = 4 * time.Hour
	st := newStore(t)
	New(cfg, st, nil).Once(context.Background())
	now := time.Now()
	for name, want := range map[string]time.Duration{"ttl": 4 * time.Hour, "maxage": 2 * time.Hour} {
		s := stateOf(t, st, name)
		if d := s.NextAttempt.Sub(now); d < want-time.Minute || d > want || !strings.Contains(s.NextReason, "feed hint") {
			t.Errorf("%s: next in %v (%s), want %v", name, d, s.NextReason, want)
		}
	}
}

// TestRestartAppliesShortenedSchedule: a schedule shortened while the daemon
// was stopped applies at the restart; the stored plan of the old, longer one
// does not hold the source back.
func TestRestartAppliesShortenedSchedule(t *testing.T) {
	cnt := newCounter()
	srv := serve(t, cnt.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(rssFeed("http://example.com", "a")))
	})))
	path := filepath.Join(t.TempDir(), "t.db")
	cfg := testConfig(src("a", srv.URL+"/a"))
	cfg.Fetch.Schedule = "@every 24h"
	st := openStore(t, path)
	New(cfg, st, nil).Once(context.Background())
	if s := stateOf(t, st, "a"); s.NextReason != "schedule" || time.Until(s.NextAttempt) < 23*time.Hour {
		t.Fatalf("after the first fetch: next %v (%s)", s.NextAttempt, s.NextReason)
	}
	cfg2 := testConfig(cfg.Sources...)
	cfg2.Fetch = cfg.Fetch
	cfg2.Fetch.Schedule = "@every 1s"
	runFetcher(t, New(cfg2, st, nil))
	waitUntil(t, 10*time.Second, "a fetch on the shortened schedule", func() bool { return cnt.get("/a") >= 2 })
}

// TestOnceEndsRunsBackoff: a source in back-off that Once fetches
// successfully (the operator's "fetch now") goes back to its schedule in
// the running dispatcher, instead of sitting out the back-off.
func TestOnceEndsRunsBackoff(t *testing.T) {
	var up atomic.Bool
	cnt := newCounter()
	srv := serve(t, cnt.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		w.Write([]byte(rssFeed("http://example.com", "x")))
	})))
	cfg := testConfig(src("a", srv.URL+"/a"))
	cfg.Fetch.Schedule = "@every 2s"
	st := newStore(t)
	f := New(cfg, st, nil)
	runFetcher(t, f)
	waitUntil(t, 10*time.Second, "the first, failing fetch", func() bool {
		s, _, _ := st.Source(context.Background(), "a")
		return s.Failures == 1
	})
	if s := stateOf(t, st, "a"); s.NextAttempt.Sub(s.LastAttempt) < 50*time.Second {
		t.Fatalf("back-off %v after a failure, want at least a minute", s.NextAttempt.Sub(s.LastAttempt))
	}
	up.Store(true)
	if o := f.Once(context.Background(), "a")[0]; o.Result != ResultNew {
		t.Fatalf("fetch now: %v", o)
	}
	n := cnt.get("/a")
	waitUntil(t, 15*time.Second, "a scheduled fetch after the back-off ended", func() bool { return cnt.get("/a") > n })
}

// TestOnceWaitsForAFetchUnderWay: asked to fetch a source the dispatcher is
// fetching, Once does not fetch it twice at once: it waits and reports that
// fetch.
func TestOnceWaitsForAFetchUnderWay(t *testing.T) {
	release := make(chan struct{})
	cnt := newCounter()
	srv := serve(t, cnt.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		w.Write([]byte(rssFeed("http://example.com", "x", "y")))
	})))
	f := New(testConfig(src("a", srv.URL+"/a")), newStore(t), nil)
	runFetcher(t, f)
	waitUntil(t, 10*time.Second, "the dispatcher's fetch under way", func() bool { return cnt.get("/a") == 1 })
	got := make(chan Outcome)
	go func() { got <- f.Once(context.Background(), "a")[0] }()
	time.Sleep(300 * time.Millisecond) // let Once find the fetch under way (it cannot end before release)
	close(release)
	o := <-got
	if o.Result != ResultNew || o.New != 2 {
		t.Errorf("Once reported %v, want the fetch under way: new (2 new)", o)
	}
	if n := cnt.get("/a"); n != 1 {
		t.Errorf("%d requests: the source was fetched again", n)
	}
}

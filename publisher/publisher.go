// Package publisher serves what readers see: the merged feed and its
// sub-feeds as Atom, RSS 2.0 and JSON Feed, an HTML page, OPML, health, and
// WebSub pings, all rendered from the store and cached until it changes.
package publisher

import (
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/internal/cpushare"
)

// Publisher renders and serves what the store holds.
type Publisher struct {
	st  Store
	log *slog.Logger

	mu           sync.RWMutex
	cfg          *config.Config
	gen          uint64   // bumped by Reload: cached renders of an older config are stale
	maxAge       int      // seconds, from the sources' schedules
	cacheControl []string // its header value

	cache        renderCache
	hosts        hostSet       // Host headers given self links of their own
	renderSlots  chan struct{} // renders under way, of all keys
	renderWait   time.Duration // longest wait for a slot (renderWait)
	hits, misses atomic.Uint64 // render cache
	flightMu     sync.Mutex
	flights      map[cacheKey]*flight // renders under way, one per key
	// testHookMiss, when set, runs between a cache miss and the look for a
	// flight (tests make the render race deterministic with it).
	testHookMiss func()

	gate *cpushare.Gate // readers' CPU work gives way to fetching's: GiveWay

	// settle is the least time between two of Run's rounds of renders and
	// pings; reloaded tells Run of a Reload; ping is the client that pings
	// the hub.
	settle   time.Duration
	reloaded chan struct{}
	ping     *http.Client
	now      func() time.Time
}

// CacheStats reports the render cache's hits and misses since start.
func (p *Publisher) CacheStats() (hits, misses uint64) {
	return p.hits.Load(), p.misses.Load()
}

// CacheUsage reports the bytes the render cache holds (plain and gzipped
// bodies, bounded by [server].render_cache_size) and how many entries it
// has evicted since start to stay within that bound.
func (p *Publisher) CacheUsage() (bytes int64, evictions uint64) {
	return p.cache.usage()
}

// New returns a Publisher of st's articles, shaped by cfg.
func New(cfg *config.Config, st Store, log *slog.Logger) *Publisher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Publisher{st: st, log: log, settle: time.Second, reloaded: make(chan struct{}, 1), now: time.Now,
		ping:        &http.Client{Timeout: 15 * time.Second},
		renderSlots: make(chan struct{}, max(2, runtime.GOMAXPROCS(0))), renderWait: renderWait}
	p.Reload(cfg)
	return p
}

// GiveWay makes readers' CPU work (renders and writing bodies) pass g, so
// that scheduled fetching keeps its cores under a flood of readers (see
// package cpushare). Call it before serving; nil (the default) never waits.
func (p *Publisher) GiveWay(g *cpushare.Gate) { p.gate = g }

// Reload switches to a new configuration; renders of the old one are
// dropped.
func (p *Publisher) Reload(cfg *config.Config) {
	age := maxAge(cfg, time.Now())
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cfg = cfg
	p.gen++
	p.maxAge = age
	p.cacheControl = []string{"public, max-age=" + strconv.Itoa(age)}
	p.cache.reset(p.gen, int64(cfg.Server.RenderCacheSize))
	select {
	case p.reloaded <- struct{}{}:
	default:
	}
}

// state is the configuration and what follows from it, read together.
type state struct {
	cfg          *config.Config
	gen          uint64
	maxAge       int
	cacheControl []string
}

func (p *Publisher) state() state {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return state{p.cfg, p.gen, p.maxAge, p.cacheControl}
}

func (p *Publisher) config() *config.Config { return p.state().cfg }

// Bounds of Cache-Control max-age: readers may reuse a feed for as long as
// the most eager source waits between fetches, but at least a minute (a
// hot feed must not be re-asked every second) and at most an hour.
const (
	minMaxAge = 60
	maxMaxAge = 3600
)

// maxAge is the shortest interval between two runs of any source's
// schedule, bounded.
func maxAge(cfg *config.Config, now time.Time) int {
	if cfg == nil {
		return minMaxAge
	}
	specs := []string{cfg.Fetch.Schedule}
	if len(cfg.Sources) > 0 {
		specs = specs[:0]
		for _, s := range cfg.Sources {
			specs = append(specs, s.EffectiveSchedule(cfg.Fetch))
		}
	}
	best := maxMaxAge
	for _, spec := range specs {
		sched, err := config.ParseSchedule(spec)
		if err != nil {
			continue
		}
		a := sched.Next(now)
		b := sched.Next(a)
		if a.IsZero() || b.IsZero() {
			continue
		}
		if s := int(b.Sub(a) / time.Second); s < best {
			best = s
		}
	}
	return max(best, minMaxAge)
}

// Handler serves the feeds, sub-feeds, the HTML page, OPML and health.
func (p *Publisher) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, f := range formats {
		mux.HandleFunc("GET /feed."+f.ext, func(w http.ResponseWriter, r *http.Request) {
			p.serveFeed(w, r, subfeed{path: "feed"}, f)
		})
	}
	mux.HandleFunc("GET /g/{file}", func(w http.ResponseWriter, r *http.Request) { p.serveSub(w, r, "g") })
	mux.HandleFunc("GET /t/{file}", func(w http.ResponseWriter, r *http.Request) { p.serveSub(w, r, "t") })
	mux.HandleFunc("GET /{$}", p.servePage)
	mux.HandleFunc("GET /opml", p.serveOPML)
	mux.HandleFunc("GET /healthz", p.serveHealth)
	return mux
}

func (p *Publisher) serveHealth(w http.ResponseWriter, r *http.Request) {
	if _, err := p.st.Sources(r.Context()); err != nil {
		http.Error(w, "store: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

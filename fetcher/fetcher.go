// Package fetcher decides when each source is fetched, fetches it politely,
// parses what it gets and hands normalised articles to the store.
package fetcher

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/store"
)

// Version is Tributary's version, named in the User-Agent. The binary sets it.
var Version = "dev"

// Result is the one-word outcome of fetching a source.
type Result string

// The results a fetch can have.
const (
	ResultNew       Result = "new"       // at least one article not seen before
	ResultUpdated   Result = "updated"   // no new article, but stored ones changed
	ResultUnchanged Result = "unchanged" // nothing to store (including a 304)
	ResultError     Result = "error"
)

// Outcome is what fetching one source did.
type Outcome struct {
	Source  string
	Result  Result
	Status  int // HTTP status, 0 when no response came
	New     int
	Updated int
	Bytes   int64
	// NotModified is true when the server answered 304, or the body's hash
	// was unchanged: nothing was parsed.
	NotModified bool
	Duration    time.Duration
	Err         error
}

func (o Outcome) String() string {
	switch o.Result {
	case ResultError:
		return fmt.Sprintf("%s: error: %v", o.Source, o.Err)
	case ResultNew, ResultUpdated:
		return fmt.Sprintf("%s: %s (%d new, %d updated)", o.Source, o.Result, o.New, o.Updated)
	}
	return fmt.Sprintf("%s: %s", o.Source, o.Result)
}

// Fetcher fetches the configured sources into a store.
type Fetcher struct {
	st  *store.Store
	log *slog.Logger

	feedClient *http.Client // sources' own URLs: configured by the operator
	pageClient *http.Client // third-party links: guarded against private addresses

	mu        sync.Mutex
	cfg       *config.Config
	observers []func(Outcome)
	reloaded  chan struct{} // tells Run the configuration changed

	global   *limiter // [fetch].concurrency, key ""
	hosts    *limiter // [fetch].per_host, keyed by host name
	parseSem chan struct{}
	bgSem    chan struct{} // background CPU work: see readers.go
	clock    clock         // background CPU work's clock: see readers.go

	running sync.Map // source name → struct{}: a source never runs twice at once

	stMu       sync.Mutex
	states     map[string]store.SourceState
	pending    map[string]store.SourceState
	flushTimer *time.Timer
	flushMu    sync.Mutex // held by a flush while it writes (see apply)
	hints      map[string]feedHints
}

// Observe registers fn to be called after every fetch, scheduled or not,
// with its outcome (metrics use it). Register before Run or Once.
func (f *Fetcher) Observe(fn func(Outcome)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.observers = append(f.observers, fn)
}

// New returns a Fetcher for cfg's sources, storing into st.
func New(cfg *config.Config, st *store.Store, log *slog.Logger) *Fetcher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	f := &Fetcher{
		st:       st,
		log:      log,
		cfg:      cfg,
		reloaded: make(chan struct{}, 1),
		global:   newLimiter(),
		hosts:    newLimiter(),
		parseSem: make(chan struct{}, max(2, runtime.GOMAXPROCS(0))),
		bgSem:    make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1)),
		clock:    realClock,
		states:   map[string]store.SourceState{},
		pending:  map[string]store.SourceState{},
		hints:    map[string]feedHints{},
	}
	f.feedClient = newClient(newTransport(nil))
	f.pageClient = newClient(newTransport(func(ip net.IP) error {
		if f.config().Fetch.AllowPrivate {
			return nil
		}
		return refusePrivate(ip)
	}))
	return f
}

// Reload switches to a new configuration. A running Run applies it at
// once: added sources start, removed ones stop, changed schedules apply.
func (f *Fetcher) Reload(cfg *config.Config) {
	f.mu.Lock()
	f.cfg = cfg
	f.mu.Unlock()
	select {
	case f.reloaded <- struct{}{}:
	default:
	}
}

func (f *Fetcher) config() *config.Config {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg
}

// Once fetches the named sources (all of them when none is named) now, at
// most [fetch].concurrency at a time, and returns an outcome for each, in
// the order asked. It fetches sources in back-off and gone ones too: the
// operator asked.
func (f *Fetcher) Once(ctx context.Context, names ...string) []Outcome {
	cfg := f.config()
	var srcs []config.Source
	var out []Outcome
	if len(names) == 0 {
		srcs = cfg.Sources
	} else {
		for _, n := range names {
			s, ok := cfg.Source(n)
			if !ok {
				out = append(out, Outcome{Source: n, Result: ResultError, Err: errors.New("no such source in the config")})
				continue
			}
			srcs = append(srcs, s)
		}
	}
	res := make([]Outcome, len(srcs))
	var wg sync.WaitGroup
	for i, s := range srcs {
		wg.Go(func() { res[i] = f.fetch(ctx, s) })
	}
	wg.Wait()
	f.flush()
	return append(out, res...)
}

// fetch fetches one source, unless it is already being fetched.
func (f *Fetcher) fetch(ctx context.Context, src config.Source) Outcome {
	o, _ := f.fetchRan(ctx, src)
	return o
}

// fetchRan is fetch, saying whether the fetch ran.
func (f *Fetcher) fetchRan(ctx context.Context, src config.Source) (Outcome, bool) {
	if _, busy := f.running.LoadOrStore(src.Name, struct{}{}); busy {
		return Outcome{Source: src.Name, Result: ResultUnchanged}, false
	}
	defer f.running.Delete(src.Name)
	cfg := f.config()
	if err := f.global.acquire(ctx, "", cfg.Fetch.Concurrency); err != nil {
		return Outcome{Source: src.Name, Result: ResultError, Err: fmt.Errorf("fetch %s: %w", src.Name, err)}, false
	}
	defer f.global.release("")
	// A fetch that has started finishes its write even if ctx ends
	// meanwhile; each request has its own timeout, and the whole fetch
	// (with its article pages) a generous bound.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*cfg.Fetch.Timeout.Duration)
	defer cancel()
	o := f.fetchSource(fctx, cfg, src)
	f.mu.Lock()
	obs := f.observers
	f.mu.Unlock()
	for _, fn := range obs {
		fn(o)
	}
	f.log.Info("fetch", "source", o.Source, "outcome", string(o.Result), "status", o.Status,
		"new", o.New, "updated", o.Updated, "bytes", o.Bytes, "duration", o.Duration.Round(time.Millisecond), "error", errString(o.Err))
	return o, true
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Package fetcher decides when each source is fetched, fetches it politely,
// parses what it gets and hands normalised articles to the store.
package fetcher

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/internal/cpushare"
	"github.com/tributary-feeds/tributary/internal/redact"
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
	// Dropped counts the articles [[rule]] tables kept out of the store.
	Dropped int
	Bytes   int64
	// NotModified is true when the server answered 304, or the body's hash
	// was unchanged: nothing was parsed.
	NotModified bool
	Duration    time.Duration
	// Err says why the fetch failed. It does not name the source: Source
	// does.
	Err error
	// Failures is the source's consecutive failures after this fetch, and
	// Gone whether it answered 410; both only set when the fetch failed.
	Failures int
	Gone     bool
	// EnrichAttempts and EnrichFailures count the article pages and comment
	// feeds this fetch fetched, and those that failed.
	EnrichAttempts, EnrichFailures int
}

// errorAfter is how many consecutive failures of a source make its failed
// fetch an ERROR line rather than a WARN one.
const errorAfter = 5

func (o Outcome) String() string {
	switch o.Result {
	case ResultError:
		return fmt.Sprintf("%s: error: %s", o.Source, errString(o.Err))
	case ResultNew, ResultUpdated:
		return fmt.Sprintf("%s: %s (%d new, %d updated)", o.Source, o.Result, o.New, o.Updated)
	}
	return fmt.Sprintf("%s: %s", o.Source, o.Result)
}

// Fetcher fetches the configured sources into a store.
type Fetcher struct {
	st  Store
	log *slog.Logger

	// client fetches feeds, pages and comment feeds; its transport checks
	// the address of every hop (see guard.go).
	client *http.Client

	mu        sync.Mutex
	cfg       *config.Config
	observers []func(Outcome)
	reloaded  chan struct{}  // tells Run the configuration changed
	ruleCfg   *config.Config // the configuration ruleSet was compiled from
	ruleSet   *ruleSet

	global   *limiter // [fetch].concurrency, key ""
	enriches *limiter // [fetch].enrich_concurrency, key "": pages and comment feeds
	now      func() time.Time
	hosts    *limiter // [fetch].per_host, keyed by host name
	parseSem chan struct{}
	bgSem    chan struct{}  // background CPU work: see readers.go
	clock    clock          // background CPU work's clock: see readers.go
	gate     *cpushare.Gate // readers give way to background CPU work: see readers.go

	running sync.Map // source name → *inflight: a source never runs twice at once

	touchMu sync.Mutex
	touched map[string]bool // sources Once fetched: Run reschedules them
	poke    chan struct{}   // tells Run that touched has names

	stMu       sync.Mutex
	states     map[string]store.SourceState
	pending    map[string]store.SourceState
	flushTimer *time.Timer
	flushMu    sync.Mutex // held by a flush while it writes (see apply)
	hints      map[string]feedHints
	reparse    map[string]bool // sources whose next fetch parses whole: see ReapplyRules
}

// Observe registers fn to be called after every fetch, scheduled or not,
// with its outcome (metrics use it). Register before Run or Once.
func (f *Fetcher) Observe(fn func(Outcome)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.observers = append(f.observers, fn)
}

// New returns a Fetcher for cfg's sources, storing into st.
func New(cfg *config.Config, st Store, log *slog.Logger) *Fetcher {
	return NewWithOptions(cfg, st, log, Options{})
}

// NewWithOptions is New with settings that are not configuration.
func NewWithOptions(cfg *config.Config, st Store, log *slog.Logger, opts Options) *Fetcher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	f := &Fetcher{
		st:       st,
		log:      log,
		cfg:      cfg,
		reloaded: make(chan struct{}, 1),
		touched:  map[string]bool{},
		poke:     make(chan struct{}, 1),
		global:   newLimiter(),
		enriches: newLimiter(),
		now:      opts.Now,
		hosts:    newLimiter(),
		parseSem: make(chan struct{}, max(2, runtime.GOMAXPROCS(0))),
		bgSem:    make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1)),
		clock:    realClock,
		gate:     opts.Gate,
		states:   map[string]store.SourceState{},
		pending:  map[string]store.SourceState{},
		hints:    map[string]feedHints{},
	}
	if f.now == nil {
		f.now = time.Now
	}
	f.client = newClient(newGuardedTransport(opts, func() bool { return f.config().Fetch.AllowPrivate }))
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
// operator asked. A source already being fetched is not fetched again: Once
// waits for that fetch and reports it. A running Run reschedules the
// sources from their new state (a success ends a back-off).
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
		wg.Go(func() { res[i] = f.fetchOrWait(ctx, s) })
	}
	wg.Wait()
	f.flush()
	f.touchMu.Lock()
	for _, s := range srcs {
		f.touched[s.Name] = true
	}
	f.touchMu.Unlock()
	select {
	case f.poke <- struct{}{}:
	default:
	}
	return append(out, res...)
}

// inflight is one fetch under way; o is set before done is closed.
type inflight struct {
	done chan struct{}
	o    Outcome
}

// fetchOrWait fetches src, or, when a fetch of it is already under way,
// waits for that one and returns its outcome.
func (f *Fetcher) fetchOrWait(ctx context.Context, src config.Source) Outcome {
	for {
		o, ran := f.fetchRan(ctx, src)
		if ran {
			return o
		}
		if err := ctx.Err(); err != nil {
			return Outcome{Source: src.Name, Result: ResultError, Err: err}
		}
		v, ok := f.running.Load(src.Name)
		if !ok {
			continue // it has just finished: fetch again
		}
		run := v.(*inflight)
		select {
		case <-run.done:
			return run.o
		case <-ctx.Done():
			return Outcome{Source: src.Name, Result: ResultError, Err: ctx.Err()}
		}
	}
}

// takeTouched returns and forgets the sources Once fetched.
func (f *Fetcher) takeTouched() map[string]bool {
	f.touchMu.Lock()
	defer f.touchMu.Unlock()
	t := f.touched
	f.touched = map[string]bool{}
	return t
}

// fetchRan fetches one source, unless it is already being fetched, and
// says whether the fetch ran.
func (f *Fetcher) fetchRan(ctx context.Context, src config.Source) (o Outcome, ran bool) {
	run := &inflight{done: make(chan struct{})}
	if _, busy := f.running.LoadOrStore(src.Name, run); busy {
		return Outcome{Source: src.Name, Result: ResultUnchanged}, false
	}
	defer func() {
		run.o = o
		f.running.Delete(src.Name)
		close(run.done)
	}()
	cfg := f.config()
	if err := f.global.acquire(ctx, "", cfg.Fetch.Concurrency); err != nil {
		return Outcome{Source: src.Name, Result: ResultError, Err: err}, false
	}
	var freeOnce sync.Once
	free := func() { freeOnce.Do(func() { f.global.release("") }) }
	defer free()
	// A fetch that has started finishes its write even if ctx ends
	// meanwhile; each request has its own timeout, and the whole fetch
	// a generous bound. Its enrichment has a budget of its own, and stops
	// early when ctx ends.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*cfg.Fetch.Timeout.Duration+cfg.Fetch.EnrichBudget.Duration)
	defer cancel()
	o = f.fetchSource(fctx, cfg, src, fetchRun{caller: ctx, freeSlot: free})
	f.mu.Lock()
	obs := f.observers
	f.mu.Unlock()
	for _, fn := range obs {
		fn(o)
	}
	f.log.Log(ctx, o.level(), "fetch", "source", o.Source, "outcome", string(o.Result), "status", o.Status,
		"new", o.New, "updated", o.Updated, "bytes", o.Bytes, "duration", o.Duration.Round(time.Millisecond), "error", errString(o.Err))
	return o, true
}

// level is how loud o's log line is: INFO for a success, WARN for a
// failure, ERROR once the source is gone or has failed errorAfter times in
// a row.
func (o Outcome) level() slog.Level {
	switch {
	case o.Result != ResultError:
		return slog.LevelInfo
	case o.Gone || o.Failures >= errorAfter:
		return slog.LevelError
	}
	return slog.LevelWarn
}

// errString is err as logs and status show it: every URL in it without
// credentials (redact.Text).
func errString(err error) string {
	if err == nil {
		return ""
	}
	return redact.Text(err.Error())
}

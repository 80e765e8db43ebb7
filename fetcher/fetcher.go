// Package fetcher decides when each source is fetched, fetches it politely,
// parses what it gets and hands normalised articles to the store.
package fetcher

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

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
	st     *store.Store
	log    *slog.Logger
	client *http.Client

	mu  sync.Mutex
	cfg *config.Config
	sem chan struct{} // bounds fetches in flight: [fetch].concurrency

	running sync.Map // source name → struct{}: a source never runs twice at once

	observers []func(Outcome)
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
	return &Fetcher{
		st:     st,
		log:    log,
		cfg:    cfg,
		client: newClient(cfg.Fetch),
		sem:    make(chan struct{}, cfg.Fetch.Concurrency),
	}
}

// Reload switches to a new configuration.
func (f *Fetcher) Reload(cfg *config.Config) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg = cfg
}

func (f *Fetcher) config() *config.Config {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg
}

// Once fetches the named sources (all of them when none is named) now, at
// most [fetch].concurrency at a time, and returns an outcome for each, in
// the order asked.
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
		wg.Go(func() { res[i] = f.fetch(ctx, cfg, s) })
	}
	wg.Wait()
	return append(out, res...)
}

// Run fetches every source once, then each on its schedule, until ctx ends;
// it returns after the fetches under way have finished.
func (f *Fetcher) Run(ctx context.Context) error {
	cfg := f.config()
	c := cron.New(cron.WithLocation(time.UTC))
	for _, s := range cfg.Sources {
		sched, err := config.ParseSchedule(s.EffectiveSchedule(cfg.Fetch))
		if err != nil {
			return fmt.Errorf("schedule %s: %w", s.Name, err)
		}
		c.Schedule(sched, cron.FuncJob(func() { f.fetch(ctx, f.config(), s) }))
	}
	f.Once(ctx)
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

// fetch fetches one source, unless it is already being fetched.
func (f *Fetcher) fetch(ctx context.Context, cfg *config.Config, src config.Source) Outcome {
	if _, busy := f.running.LoadOrStore(src.Name, struct{}{}); busy {
		return Outcome{Source: src.Name, Result: ResultUnchanged}
	}
	defer f.running.Delete(src.Name)
	select {
	case f.sem <- struct{}{}:
		defer func() { <-f.sem }()
	case <-ctx.Done():
		return Outcome{Source: src.Name, Result: ResultError, Err: ctx.Err()}
	}
	// A fetch that has started finishes its write even if ctx ends meanwhile.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.Fetch.Timeout.Duration)
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
	return o
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

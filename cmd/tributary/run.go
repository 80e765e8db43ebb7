package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/tributary-feeds/tributary/admin"
	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/fetcher"
	"github.com/tributary-feeds/tributary/internal/cpushare"
	"github.com/tributary-feeds/tributary/internal/httpserver"
	"github.com/tributary-feeds/tributary/metrics"
	"github.com/tributary-feeds/tributary/publisher"
	"github.com/tributary-feeds/tributary/store"
)

// shutdownGrace is how long SIGINT/SIGTERM waits for fetches under way and
// HTTP requests in flight before giving up on them.
const shutdownGrace = 10 * time.Second

func cmdRun(args []string, stdout, stderr io.Writer) int {
	fs, path := newFlags("run", stderr)
	logger := logFlags(fs, "info", stderr)
	if fs.Parse(args) != nil || fs.NArg() > 0 {
		return exitUsage
	}
	log, err := logger()
	if err != nil {
		fmt.Fprintln(stderr, "tributary:", err)
		return exitUsage
	}
	cfg, ok := load(*path, stderr)
	if !ok {
		return exitFail
	}
	return serve(cfg, log)
}

// running is one `tributary run`: the parts that stay up across reloads.
type running struct {
	log   *slog.Logger
	st    store.Backend // the store's contract: bbolt or PostgreSQL (openStore)
	fetch *fetcher.Fetcher
	pub   *publisher.Publisher
	adm   *admin.Admin
	// forget drops removed sources' metrics.
	forget func(names ...string)

	mu  sync.Mutex // one reload at a time
	cfg *config.Config
}

// serve runs the daemon until SIGINT or SIGTERM and returns the exit status.
func serve(cfg *config.Config, log *slog.Logger) int {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)

	// The port first: a daemon that cannot serve creates no store file
	// and no folder for it.
	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		log.Error("tributary cannot start", "error", fmt.Errorf("listen on %s: %w", cfg.Server.Listen, err))
		return exitFail
	}
	st, err := openStore(context.Background(), cfg)
	if err != nil {
		ln.Close()
		log.Error("tributary cannot start", "error", storeError(err))
		return exitFail
	}

	d := &running{log: log, st: st, cfg: cfg}
	var m *metrics.Metrics
	conns := httpserver.NewLimiter(maxConnections(cfg.Server))
	// Readers give way to scheduled fetching's CPU work under a flood, so
	// fetching keeps [fetch] background_cores: both meet at one gate.
	gate := cpushare.New(runtime.GOMAXPROCS(0))
	d.pub = publisher.New(cfg, st, log)
	d.pub.GiveWay(gate)
	d.fetch = fetcher.NewWithOptions(cfg, st, log, fetcher.Options{Gate: gate})
	d.adm = admin.New(cfg, st, d.reload, log)
	d.adm.SetFetch(fetchNow(d.fetch))
	d.forget = func(names ...string) { m.Forget(names...) }
	m = metrics.New(metrics.Options{
		Store: func() (int, int64, error) {
			s, err := st.Stats(context.Background())
			return s.Articles, s.FileSize, err
		},
		Cache:       d.pub.CacheStats,
		CacheUsage:  d.pub.CacheUsage,
		Connections: func() (int, uint64) { return conns.Open(), conns.Evicted() },
	})
	// The fetcher logs one line per fetch itself; this only counts.
	d.fetch.Observe(func(o fetcher.Outcome) {
		m.ObserveFetch(metrics.Fetch{Source: o.Source, Outcome: string(o.Result), Duration: o.Duration, Bytes: o.Bytes, NotModified: o.NotModified,
			EnrichAttempts: o.EnrichAttempts, EnrichFailures: o.EnrichFailures})
	})

	mux := http.NewServeMux()
	mux.Handle("/", m.FeedRequests(d.pub.Handler()))
	mux.Handle("GET /metrics", m.Handler())
	adm := d.adm.Handler()
	mux.Handle("/api/", adm)
	mux.Handle("/admin/", adm)
	srv := httpserver.New(mux, httpserver.Default, conns, log)

	log.Info("tributary listening", "addr", ln.Addr().String(), "sources", len(cfg.Sources), "store", st.Path(), "config", cfg.File)
	fetchCtx, stopFetching := context.WithCancel(context.Background())
	defer stopFetching()
	fetchDone := make(chan error, 1)
	go func() { fetchDone <- d.fetch.Run(fetchCtx) }()
	go d.pub.Run(fetchCtx) // WebSub pings, when a hub is configured
	go d.sweepEvery(fetchCtx, sweepInterval)
	srvDone := make(chan error, 1)
	go func() { srvDone <- srv.Serve(conns.Listener(ln)) }()

	status := exitOK
	fetching := true
wait:
	for {
		select {
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				log.Info("SIGHUP: reloading the configuration", "file", cfg.File)
				d.reload(context.Background())
				continue
			}
			log.Info("tributary stopping: no new fetches; waiting for those under way", "signal", sig.String(), "deadline", shutdownGrace)
			break wait
		case err := <-srvDone:
			log.Error("HTTP server failed", "error", err)
			status = exitFail
			break wait
		case err := <-fetchDone:
			fetching = false
			log.Error("fetcher stopped", "error", err)
			status = exitFail
			break wait
		}
	}

	// Stop scheduling; let fetches and requests under way finish, up to the
	// deadline. A second signal gives up at once.
	stopFetching()
	shutCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	httpDone := make(chan struct{})
	go func() {
		srv.Shutdown(shutCtx)
		close(httpDone)
	}()
	for fetching || httpDone != nil {
		select {
		case err := <-fetchDone:
			fetching = false
			if err != nil {
				log.Error("fetcher stopped", "error", err)
				status = exitFail
			}
		case <-httpDone:
			httpDone = nil
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				continue
			}
			log.Warn("second signal: exiting at once, without waiting for fetches under way", "signal", sig.String())
			return exitFail
		case <-shutCtx.Done():
			log.Error("fetches still under way after the deadline: exiting without them (the store keeps every committed write)", "deadline", shutdownGrace)
			return exitFail
		}
	}
	if err := st.Close(); err != nil {
		log.Error("close store", "error", err)
		return exitFail
	}
	log.Info("tributary stopped")
	return status
}

// maxConnections is [server].max_connections, else the default for this
// process's descriptor limit (Go raises the soft limit to the hard one at
// start).
func maxConnections(s config.Server) int {
	if s.MaxConnections > 0 {
		return s.MaxConnections
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return httpserver.DefaultMaxConnections(1024)
	}
	return httpserver.DefaultMaxConnections(lim.Cur)
}

// reload re-reads the configuration file. An invalid one is refused, each
// problem logged with its file and line, and the running one kept.
func (d *running) reload(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.cfg
	cfg, err := config.LoadWith(old.File, overrides())
	if err != nil {
		var probs config.Problems
		if errors.As(err, &probs) {
			for _, p := range probs {
				d.log.Error("config reload refused", "problem", p.Error())
			}
		} else {
			d.log.Error("config reload refused", "error", err)
		}
		d.log.Warn("keeping the running configuration", "file", old.File)
		return err
	}
	if cfg.Server.Listen != old.Server.Listen {
		d.log.Warn("server.listen changed: restart tributary for it to take effect", "running", old.Server.Listen, "new", cfg.Server.Listen)
	}
	if cfg.Server.MaxConnections != old.Server.MaxConnections {
		d.log.Warn("server.max_connections changed: restart tributary for it to take effect", "running", old.Server.MaxConnections, "new", cfg.Server.MaxConnections)
	}
	if cfg.Store.Backend != old.Store.Backend || cfg.Store.DSN != old.Store.DSN {
		d.log.Warn("store.backend or store.dsn changed: restart tributary for it to take effect", "running", old.Store.Backend, "new", cfg.Store.Backend)
	}
	if cfg.Store.Path != old.Store.Path {
		d.log.Warn("store.path changed: restart tributary for it to take effect", "running", old.Store.Path, "new", cfg.Store.Path)
	}
	added, removed, rescheduled := diffSources(old, cfg)
	d.fetch.Reload(cfg)
	d.pub.Reload(cfg)
	d.adm.SetConfig(cfg)
	d.forget(removed...)
	d.cfg = cfg
	if fetcher.RulesChanged(old, cfg) {
		// Before the reload answers, so that what it changed is published.
		start := time.Now()
		r, err := d.fetch.ReapplyRules(context.WithoutCancel(ctx), cfg)
		if err != nil {
			d.log.Error("rules not re-applied to stored articles", "error", err)
		} else {
			d.log.Info("rules re-applied to stored articles", "checked", r.Checked, "changed", r.Changed, "deleted", r.Deleted, "took", time.Since(start).Round(time.Millisecond))
		}
	}
	go d.sweep(context.Background(), cfg)
	d.log.Info("config reloaded", "file", cfg.File, "sources", len(cfg.Sources),
		"added", added, "removed", removed, "rescheduled", rescheduled)
	return nil
}

// diffSources names the sources a reload adds, removes and reschedules.
func diffSources(old, cfg *config.Config) (added, removed, rescheduled []string) {
	for _, s := range cfg.Sources {
		o, ok := old.Source(s.Name)
		switch {
		case !ok:
			added = append(added, s.Name)
		case o.EffectiveSchedule(old.Fetch) != s.EffectiveSchedule(cfg.Fetch):
			rescheduled = append(rescheduled, s.Name)
		}
	}
	for _, s := range old.Sources {
		if _, ok := cfg.Source(s.Name); !ok {
			removed = append(removed, s.Name)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	slices.Sort(rescheduled)
	return added, removed, rescheduled
}

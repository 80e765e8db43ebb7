package main

import (
	"context"
	"time"

	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/store"
)

// sweepInterval is how often the daemon applies retention, besides at start
// and after each reload.
const sweepInterval = time.Hour

// retentionPolicy turns the configuration's retention keys into the store's
// policy. It must be given the whole configuration: a source it leaves out
// counts as removed, and loses its articles once the orphan grace runs out.
func retentionPolicy(cfg *config.Config) store.RetentionPolicy {
	p := store.RetentionPolicy{
		Default:     store.Limits{MaxAge: cfg.Store.MaxAge.Duration, MaxPerSource: cfg.Store.MaxPerSource},
		OrphanGrace: cfg.Store.OrphanGrace.Duration,
		Sources:     make(map[string]store.Limits, len(cfg.Sources)),
	}
	for _, s := range cfg.Sources {
		p.Sources[s.Name] = store.Limits{MaxAge: s.MaxAge.Duration, MaxPerSource: s.MaxPerSource}
	}
	return p
}

// sweepEvery sweeps at once, then every interval, until ctx ends.
func (d *running) sweepEvery(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		d.mu.Lock()
		cfg := d.cfg
		d.mu.Unlock()
		d.sweep(ctx, cfg)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweep applies cfg's retention once. Failures are logged: the next sweep
// tries again.
func (d *running) sweep(ctx context.Context, cfg *config.Config) {
	start := time.Now()
	res, err := d.st.Sweep(ctx, retentionPolicy(cfg))
	switch {
	case err != nil && ctx.Err() == nil:
		d.log.Error("retention sweep", "error", err)
	case res.Deleted() > 0 || len(res.SourcesRemoved) > 0:
		d.log.Info("retention sweep", "expired", res.Expired, "over_limit", res.OverLimit, "orphaned", res.Orphaned,
			"sources_removed", res.SourcesRemoved, "orphans_waiting", res.OrphansWaiting, "duration", time.Since(start).Round(time.Millisecond))
	}
}

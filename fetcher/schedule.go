package fetcher

import (
	"context"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tributary-feeds/tributary/config"
)

// entry is one source as the dispatcher sees it.
type entry struct {
	src     config.Source
	spec    string
	sched   cron.Schedule
	next    time.Time // zero: not polled (gone, or a schedule that never fires)
	running bool
}

type finished struct {
	e    *entry
	next time.Time
}

// idleWait is the longest the dispatcher sleeps without looking again.
const idleWait = time.Minute

// Run fetches each source when it is due, until ctx ends; it returns after
// the fetches under way have finished. When a source is due comes from the
// store (its NextAttempt: back-off, Retry-After and 410 survive restarts);
// a source never fetched is due at once, at its place in the jitter window.
// Reload takes effect at once.
func (f *Fetcher) Run(ctx context.Context) error {
	entries := map[string]*entry{}
	f.sync(ctx, entries, time.Now())
	ctx = asBackground(ctx)
	done := make(chan finished)
	var wg sync.WaitGroup
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		now := time.Now()
		wait := idleWait
		for _, e := range entries {
			if e.running || e.next.IsZero() {
				continue
			}
			if d := e.next.Sub(now); d > 0 {
				wait = min(wait, d)
				continue
			}
			e.running = true
			src, sched := e.src, e.sched
			wg.Go(func() {
				_, ran := f.fetchRan(ctx, src)
				done <- finished{e, f.nextFor(ctx, src, sched, ran)}
			})
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			all := make(chan struct{})
			go func() { wg.Wait(); close(all) }()
			for {
				select {
				case <-done:
				case <-all:
					f.flush()
					return nil
				}
			}
		case <-timer.C:
		case <-f.reloaded:
			f.sync(ctx, entries, time.Now())
		case fin := <-done:
			fin.e.running = false
			if entries[fin.e.src.Name] == fin.e {
				fin.e.next = fin.next
			}
		}
	}
}

// nextFor is when e is due after a fetch: its stored NextAttempt; a fetch
// that did not run (another was under way) leaves it to the schedule.
func (f *Fetcher) nextFor(ctx context.Context, src config.Source, sched cron.Schedule, ran bool) time.Time {
	st, err := f.state(context.WithoutCancel(ctx), src.Name)
	now := time.Now()
	if !ran || err != nil || st.URL != src.URL || (st.NextAttempt.IsZero() && !st.Gone) {
		return scheduledNext(sched, now, offset(src.Name, window(sched, f.config().Fetch.Jitter.Duration)))
	}
	return st.NextAttempt
}

// sync brings the dispatcher's entries in line with the configuration:
// removed sources stop, added ones start, changed schedules apply.
func (f *Fetcher) sync(ctx context.Context, entries map[string]*entry, now time.Time) {
	cfg := f.config()
	keep := map[string]bool{}
	for _, src := range cfg.Sources {
		keep[src.Name] = true
		spec := src.EffectiveSchedule(cfg.Fetch)
		sched, err := config.ParseSchedule(spec)
		if err != nil {
			f.log.Error("schedule: source not polled", "source", src.Name, "error", err)
			delete(entries, src.Name)
			continue
		}
		off := offset(src.Name, window(sched, cfg.Fetch.Jitter.Duration))
		e, ok := entries[src.Name]
		if !ok {
			e = &entry{src: src, spec: spec, sched: sched, next: f.resume(ctx, src, sched, off, now)}
			entries[src.Name] = e
			continue
		}
		old := e.src
		e.src, e.sched = src, sched
		switch {
		case old.URL != src.URL: // a new feed: its state starts afresh
			e.next = now.Add(off)
		case spec != e.spec:
			e.spec = spec
			st, err := f.state(ctx, src.Name)
			switch {
			case err == nil && st.Gone:
				e.next = time.Time{}
			case err == nil && st.Failures > 0 && st.NextAttempt.After(now):
				e.next = st.NextAttempt // back-off and Retry-After hold
			default:
				e.next = scheduledNext(sched, now, off)
			}
		}
	}
	for name := range entries {
		if !keep[name] {
			delete(entries, name) // a fetch under way finishes; it is not rescheduled
		}
	}
}

// resume is when a source the dispatcher has just learnt of is first due.
func (f *Fetcher) resume(ctx context.Context, src config.Source, sched cron.Schedule, off time.Duration, now time.Time) time.Time {
	st, err := f.state(ctx, src.Name)
	if err != nil {
		f.log.Error("schedule: read state", "source", src.Name, "error", err)
		return now.Add(off)
	}
	switch {
	case st.URL != src.URL || st.LastAttempt.IsZero():
		return now.Add(off) // never fetched: at once, spread over the jitter window
	case st.Gone:
		return time.Time{}
	case st.NextAttempt.IsZero():
		return scheduledNext(sched, st.LastAttempt, off)
	case st.Failures == 0 && st.NextReason == "schedule":
		// The schedule may have been shortened while the daemon was stopped.
		if n := scheduledNext(sched, st.LastAttempt, off); n.Before(st.NextAttempt) {
			return n
		}
	}
	return st.NextAttempt
}

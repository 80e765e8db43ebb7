package fetcher

import (
	"context"
	"strings"
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
	start := time.Now()
	f.sync(ctx, entries, start)
	f.logStart(entries, start)
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
		case <-f.poke:
			// Once fetched these: their next fetch follows their new state
			// (a back-off ended, a gone source back).
			for name := range f.takeTouched() {
				if e := entries[name]; e != nil && !e.running {
					e.next = f.nextFor(ctx, e.src, e.sched, true)
				}
			}
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
		next := scheduledNext(sched, now, offset(src.Name, window(sched, f.config().Fetch.Jitter.Duration)))
		f.logNext(src.Name, next, now, "schedule")
		return next
	}
	f.logNext(src.Name, st.NextAttempt, now, st.NextReason)
	return st.NextAttempt
}

// logNext is the debug line of a scheduling decision.
func (f *Fetcher) logNext(name string, next, now time.Time, reason string) {
	if next.IsZero() {
		f.log.Debug("schedule: not polled", "source", name, "reason", reason)
		return
	}
	f.log.Debug("schedule: next fetch", "source", name, "at", next.UTC().Format(time.RFC3339), "in", next.Sub(now).Round(time.Second), "reason", reason)
}

// logStart says, once at start, how many sources are due and when the
// first fetches happen: without it the jitter window is a silent minute.
func (f *Fetcher) logStart(entries map[string]*entry, now time.Time) {
	cfg := f.config()
	if len(cfg.Sources) == 0 {
		f.log.Warn("no sources configured: nothing will be fetched; add [[source]] tables", "config", cfg.File)
		return
	}
	var due, notPolled int
	var first, last, later time.Time
	horizon := now.Add(cfg.Fetch.Jitter.Duration)
	for _, e := range entries {
		switch {
		case e.next.IsZero():
			notPolled++
			continue
		case !e.next.After(horizon):
			due++
			if last.IsZero() || e.next.After(last) {
				last = e.next
			}
		case later.IsZero() || e.next.Before(later):
			later = e.next
		}
		if first.IsZero() || e.next.Before(first) {
			first = e.next
		}
	}
	in := func(t time.Time) time.Duration { return max(0, t.Sub(now)).Round(time.Second) }
	args := []any{"sources", len(cfg.Sources), "due", due}
	if due > 0 {
		args = append(args, "first_in", in(first), "all_due_within", in(last))
	}
	if !later.IsZero() {
		args = append(args, "next_other_in", in(later))
	}
	if notPolled > 0 {
		args = append(args, "not_polled", notPolled)
	}
	f.log.Info("fetching: first fetches scheduled", args...)
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
			case config.IsAdaptive(spec):
				e.next = now.Add(off) // fetched to measure its posting rate
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
	next, reason := f.resumeWhy(ctx, src, sched, off, now)
	f.logNext(src.Name, next, now, reason)
	return next
}

// resumeWhy is resume, saying why.
func (f *Fetcher) resumeWhy(ctx context.Context, src config.Source, sched cron.Schedule, off time.Duration, now time.Time) (time.Time, string) {
	st, err := f.state(ctx, src.Name)
	if err != nil {
		f.log.Error("schedule: read state", "source", src.Name, "error", err)
		return now.Add(off), "state unreadable: fetched at once"
	}
	switch {
	case st.URL != src.URL || st.LastAttempt.IsZero():
		return now.Add(off), "never fetched: at its place in the jitter window"
	case st.Gone:
		return time.Time{}, "gone (410)"
	case st.NextAttempt.IsZero():
		return scheduledNext(sched, st.LastAttempt, off), "schedule, from the last attempt"
	case st.Failures == 0 && toAdaptive(st.NextReason, sched):
		return now.Add(off), "schedule now adaptive: fetched to measure its posting rate"
	case st.Failures == 0 && (st.NextReason == "schedule" || fromAdaptive(st.NextReason, sched)):
		// The schedule may have been shortened while the daemon was stopped
		// (or an adaptive one replaced by a cron spec).
		if n := scheduledNext(sched, st.LastAttempt, off); n.Before(st.NextAttempt) {
			return n, "schedule (shortened since the last fetch)"
		}
	}
	return st.NextAttempt, "stored: " + st.NextReason
}

// fromAdaptive reports whether a plan made by an adaptive schedule (its
// reason) is now under a cron one; toAdaptive the other way round.
func fromAdaptive(reason string, sched cron.Schedule) bool {
	_, now := sched.(config.AdaptiveSchedule)
	return !now && strings.HasPrefix(reason, "adaptive:")
}

func toAdaptive(reason string, sched cron.Schedule) bool {
	_, now := sched.(config.AdaptiveSchedule)
	return now && !strings.HasPrefix(reason, "adaptive:")
}

package fetcher

import (
	"context"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// The fetcher is the only writer of sources' states: it keeps them in
// memory and writes the states of fetches that brought no articles (304s,
// unchanged bodies, errors) in batches, many sources per transaction.

const stateFlushDelay = 100 * time.Millisecond

// state returns a source's state, from memory or the store.
func (f *Fetcher) state(ctx context.Context, name string) (store.SourceState, error) {
	f.stMu.Lock()
	st, ok := f.states[name]
	f.stMu.Unlock()
	if ok {
		return st, nil
	}
	st, _, err := f.st.Source(ctx, name)
	if err != nil {
		return st, err
	}
	f.stMu.Lock()
	defer f.stMu.Unlock()
	if cur, ok := f.states[name]; ok { // a fetch got there first
		return cur, nil
	}
	f.states[name] = st
	return st, nil
}

// saveState keeps st and schedules its write with others.
func (f *Fetcher) saveState(st store.SourceState) {
	f.stMu.Lock()
	defer f.stMu.Unlock()
	f.states[st.Name] = st
	f.pending[st.Name] = st
	if f.flushTimer == nil {
		f.flushTimer = time.AfterFunc(stateFlushDelay, f.flush)
	}
}

// flush writes the pending states in one transaction.
func (f *Fetcher) flush() {
	f.flushMu.Lock()
	defer f.flushMu.Unlock()
	f.stMu.Lock()
	batch := make([]store.SourceState, 0, len(f.pending))
	for _, st := range f.pending {
		batch = append(batch, st)
	}
	clear(f.pending)
	if f.flushTimer != nil {
		f.flushTimer.Stop()
		f.flushTimer = nil
	}
	f.stMu.Unlock()
	if len(batch) == 0 {
		return
	}
	if err := f.st.SaveStates(context.Background(), batch...); err != nil {
		f.log.Error("save source states", "sources", len(batch), "error", err)
	}
}

// apply stores a source's articles with its state. Applies of different
// sources run together (the store groups them into shared commits, and
// slices a big one so that the others' commits go between its slices). A
// batched state of the source still pending is older than st: it is taken
// out of the batch, and a flush that took it already is waited for, so that
// it never overwrites st. Flushes and applies otherwise run side by side.
func (f *Fetcher) apply(ctx context.Context, st store.SourceState, arts []article.Article) (store.Changes, error) {
	f.stMu.Lock()
	delete(f.pending, st.Name)
	f.stMu.Unlock()
	f.flushMu.Lock()
	f.flushMu.Unlock() // only waiting for a flush in flight
	ch, err := f.st.ApplyGrouped(ctx, st.Name, st, arts)
	if err != nil {
		return ch, err
	}
	f.stMu.Lock()
	f.states[st.Name] = st
	f.stMu.Unlock()
	return ch, nil
}

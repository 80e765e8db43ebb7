package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

func testSweepByCount(t *testing.T, open Open) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	st, _ := open(t, fixed(&now))
	river, delta, lake := feed("river", 10, now), feed("delta", 10, now), feed("lake", 3, now)
	for _, f := range [][]article.Article{river, delta, lake} {
		mustApply(t, st, f[0].Source, store.SourceState{}, f...)
	}
	v := st.Version()
	pol := store.RetentionPolicy{
		Default: store.Limits{MaxPerSource: 4},
		Sources: map[string]store.Limits{"river": {}, "delta": {MaxPerSource: 7}, "lake": {}},
	}
	res, err := st.Sweep(ctx, pol)
	if err != nil {
		t.Fatal(err)
	}
	if res.OverLimit != 6+3 || res.Expired+res.Orphaned != 0 {
		t.Errorf("sweep: %+v", res)
	}
	if st.Version() == v {
		t.Error("version unchanged by a sweep that deleted articles")
	}
	if got := newestIDs(t, st, store.Filter{Sources: []string{"river"}}); !slices.Equal(got, ids(river[:4])) {
		t.Errorf("river keeps %d, want the newest 4", len(got))
	}
	if got := newestIDs(t, st, store.Filter{Sources: []string{"delta"}}); !slices.Equal(got, ids(delta[:7])) {
		t.Errorf("delta (own limit 7) keeps %d", len(got))
	}
	if got := newestIDs(t, st, store.Filter{Sources: []string{"lake"}}); len(got) != 3 {
		t.Errorf("lake keeps %d, want all 3", len(got))
	}
	check(t, st)

	v = st.Version()
	res, _ = st.Sweep(ctx, pol)
	if res.Deleted() != 0 || st.Version() != v {
		t.Errorf("a second sweep deleted %+v or changed the version", res)
	}
}

func testSweepByAge(t *testing.T, open Open) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	st, _ := open(t, fixed(&now))
	river, delta := feed("river", 48, now), feed("delta", 48, now)
	mustApply(t, st, "river", store.SourceState{}, river...)
	mustApply(t, st, "delta", store.SourceState{}, delta...)

	res, err := st.Sweep(ctx, store.RetentionPolicy{
		Default: store.Limits{MaxAge: 10*time.Hour + time.Minute},
		Sources: map[string]store.Limits{"river": {}, "delta": {MaxAge: 30 * time.Hour, MaxPerSource: 20}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// river: hours 0..10 stay (11); delta: the newest 20 (hours 0..19), all younger than 30h.
	if got := newestIDs(t, st, store.Filter{Sources: []string{"river"}}); !slices.Equal(got, ids(river[:11])) {
		t.Errorf("river keeps %d, want 11", len(got))
	}
	if got := newestIDs(t, st, store.Filter{Sources: []string{"delta"}}); !slices.Equal(got, ids(delta[:20])) {
		t.Errorf("delta keeps %d, want 20", len(got))
	}
	if res.Expired != 37+17 || res.OverLimit != 11 {
		t.Errorf("sweep: %+v", res)
	}
	check(t, st)

	// Time passes: more of river expires.
	now = now.Add(5 * time.Hour)
	res, _ = st.Sweep(ctx, store.RetentionPolicy{Default: store.Limits{MaxAge: 10*time.Hour + time.Minute}, Sources: map[string]store.Limits{"river": {}, "delta": {}}})
	if got := newestIDs(t, st, store.Filter{Sources: []string{"river"}}); !slices.Equal(got, ids(river[:6])) {
		t.Errorf("river keeps %d five hours later, want 6 (%+v)", len(got), res)
	}
}

func testSweepOrphans(t *testing.T, open Open) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	st, _ := open(t, fixed(&now))
	mustApply(t, st, "river", store.SourceState{ETag: "r"}, feed("river", 5, now)...)
	mustApply(t, st, "gone", store.SourceState{ETag: "g"}, feed("gone", 5, now)...)
	mustApply(t, st, "back", store.SourceState{}, feed("back", 5, now)...)
	pol := store.RetentionPolicy{OrphanGrace: 48 * time.Hour, Sources: map[string]store.Limits{"river": {}}}

	res, err := st.Sweep(ctx, pol)
	if err != nil || res.Deleted() != 0 || !slices.Equal(res.OrphansWaiting, []string{"back", "gone"}) {
		t.Fatalf("first sweep: %+v %v", res, err)
	}
	now = now.Add(47 * time.Hour)
	if res, _ = st.Sweep(ctx, pol); res.Deleted() != 0 {
		t.Fatalf("orphans deleted before their grace ran out: %+v", res)
	}
	// "back" returns to the config: its clock stops.
	pol.Sources["back"] = store.Limits{}
	st.Sweep(ctx, pol)
	delete(pol.Sources, "back")
	now = now.Add(2 * time.Hour)
	res, err = st.Sweep(ctx, pol)
	if err != nil || res.Orphaned != 5 || !slices.Equal(res.SourcesRemoved, []string{"gone"}) || !slices.Equal(res.OrphansWaiting, []string{"back"}) {
		t.Fatalf("sweep after the grace: %+v %v", res, err)
	}
	if got := newestIDs(t, st, store.Filter{Sources: []string{"gone"}}); len(got) != 0 {
		t.Errorf("orphan kept %d articles", len(got))
	}
	if _, ok, _ := st.Source(ctx, "gone"); ok {
		t.Error("orphan kept its fetch state")
	}
	if got := newestIDs(t, st, store.Filter{}); len(got) != 10 {
		t.Errorf("others: %d articles, want 10", len(got))
	}
	check(t, st)
}

func testTombstones(t *testing.T, open Open) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	st, _ := open(t, fixed(&now))
	river := feed("river", 6, now)
	mustApply(t, st, "river", store.SourceState{}, river...)
	pol := store.RetentionPolicy{Sources: map[string]store.Limits{"river": {MaxPerSource: 3}}}
	if res, _ := st.Sweep(ctx, pol); res.OverLimit != 3 {
		t.Fatalf("sweep: %+v", res)
	}
	deleted := river[3:]

	// The fetcher asks before enriching: tombstoned ids count as existing.
	ex, _ := st.Existing(ctx, ids(river))
	if len(ex) != 6 {
		t.Errorf("Existing reports %d of 6 (3 stored, 3 tombstoned)", len(ex))
	}
	// The source still lists them: they are not added again.
	v := st.Version()
	ch := mustApply(t, st, "river", store.SourceState{}, river...)
	if ch.New != 0 || ch.Skipped != 3 || ch.Unchanged != 3 {
		t.Fatalf("refetch: %+v", ch)
	}
	if st.Version() != v {
		t.Error("version changed by a fetch that added nothing")
	}
	if got := newestIDs(t, st, store.Filter{}); !slices.Equal(got, ids(river[:3])) {
		t.Errorf("after refetch: %d articles", len(got))
	}
	stats, _ := st.Stats(ctx)
	if stats.Tombstones != 3 {
		t.Errorf("tombstones: %d", stats.Tombstones)
	}
	check(t, st)

	// The source stops listing two of them: their tombstones go.
	ch = mustApply(t, st, "river", store.SourceState{}, append(slices.Clone(river[:3]), deleted[0])...)
	if ch.Skipped != 1 {
		t.Errorf("refetch listing one deleted: %+v", ch)
	}
	stats, _ = st.Stats(ctx)
	ex, _ = st.Existing(ctx, ids(deleted))
	if stats.Tombstones != 1 || !ex[deleted[0].ID] || ex[deleted[1].ID] {
		t.Errorf("tombstones %d, existing %v", stats.Tombstones, ex)
	}
	check(t, st)

	// Another source's fetch leaves river's tombstones alone.
	mustApply(t, st, "delta", store.SourceState{}, feed("delta", 2, now)...)
	if stats, _ = st.Stats(ctx); stats.Tombstones != 1 {
		t.Errorf("delta's fetch dropped river's tombstone")
	}
}

// Sweeps and fetches run at once in the daemon: the store stays whole.
func testSweepDuringApply(t *testing.T, open Open) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	st, _ := open(t, clock)
	pol := store.RetentionPolicy{Default: store.Limits{MaxPerSource: 5, MaxAge: 20 * time.Hour}, Sources: map[string]store.Limits{"a": {}, "b": {}}}
	done := make(chan error, 1)
	go func() {
		for i := range 30 {
			for _, src := range []string{"a", "b"} {
				if _, err := st.Apply(ctx, src, store.SourceState{}, feed(src, 8+i%5, clock())); err != nil {
					done <- err
					return
				}
			}
			mu.Lock()
			now = now.Add(time.Hour)
			mu.Unlock()
		}
		done <- nil
	}()
	for range 30 {
		if _, err := st.Sweep(ctx, pol); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	st.Sweep(ctx, pol)
	check(t, st)
	if got := newestIDs(t, st, store.Filter{}); len(got) != 10 {
		t.Errorf("after the last sweep: %d articles, want 5 per source", len(got))
	}
}

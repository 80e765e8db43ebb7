package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
)

// feed builds n articles of src, one an hour back from end, newest first.
func feed(src string, n int, end time.Time) []article.Article {
	out := make([]article.Article, n)
	for i := range n {
		out[i] = art(src, fmt.Sprintf("%s-%d", src, i), fmt.Sprintf("%s %d", src, i), end.Add(-time.Duration(i)*time.Hour))
	}
	return out
}

func ids(arts []article.Article) []string {
	out := make([]string, len(arts))
	for i, a := range arts {
		out[i] = a.ID
	}
	return out
}

func newestIDs(t *testing.T, st *Store, f Filter) []string {
	t.Helper()
	got, _, err := st.Newest(context.Background(), 1000, f, "")
	if err != nil {
		t.Fatal(err)
	}
	return ids(got)
}

func mustCheck(t *testing.T, st *Store) {
	t.Helper()
	if err := st.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestSweepByCount(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	st := openTemp(t, func() time.Time { return now })
	river, delta, lake := feed("river", 10, now), feed("delta", 10, now), feed("lake", 3, now)
	for _, f := range [][]article.Article{river, delta, lake} {
		if _, err := st.Apply(ctx, f[0].Source, SourceState{}, f); err != nil {
			t.Fatal(err)
		}
	}
	v := st.Version()
	res, err := st.Sweep(ctx, RetentionPolicy{
		Default: Limits{MaxPerSource: 4},
		Sources: map[string]Limits{"river": {}, "delta": {MaxPerSource: 7}, "lake": {}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.OverLimit != 6+3 || res.Expired+res.Orphaned != 0 {
		t.Errorf("sweep: %+v", res)
	}
	if st.Version() == v {
		t.Error("version unchanged by a sweep that deleted articles")
	}
	if got := newestIDs(t, st, Filter{Sources: []string{"river"}}); !slices.Equal(got, ids(river[:4])) {
		t.Errorf("river keeps %d, want the newest 4", len(got))
	}
	if got := newestIDs(t, st, Filter{Sources: []string{"delta"}}); !slices.Equal(got, ids(delta[:7])) {
		t.Errorf("delta (own limit 7) keeps %d", len(got))
	}
	if got := newestIDs(t, st, Filter{Sources: []string{"lake"}}); len(got) != 3 {
		t.Errorf("lake keeps %d, want all 3", len(got))
	}
	mustCheck(t, st)

	v = st.Version()
	res, _ = st.Sweep(ctx, RetentionPolicy{Default: Limits{MaxPerSource: 4}, Sources: map[string]Limits{"river": {}, "delta": {MaxPerSource: 7}, "lake": {}}})
	if res.Deleted() != 0 || st.Version() != v {
		t.Errorf("a second sweep deleted %+v or changed the version", res)
	}
}

func TestSweepByAge(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	st := openTemp(t, func() time.Time { return now })
	river, delta := feed("river", 48, now), feed("delta", 48, now)
	st.Apply(ctx, "river", SourceState{}, river)
	st.Apply(ctx, "delta", SourceState{}, delta)

	res, err := st.Sweep(ctx, RetentionPolicy{
		Default: Limits{MaxAge: 10*time.Hour + time.Minute},
		Sources: map[string]Limits{"river": {}, "delta": {MaxAge: 30 * time.Hour, MaxPerSource: 20}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// river: hours 0..10 stay (11); delta: the newest 20 (hours 0..19), all younger than 30h.
	if got := newestIDs(t, st, Filter{Sources: []string{"river"}}); !slices.Equal(got, ids(river[:11])) {
		t.Errorf("river keeps %d, want 11", len(got))
	}
	if got := newestIDs(t, st, Filter{Sources: []string{"delta"}}); !slices.Equal(got, ids(delta[:20])) {
		t.Errorf("delta keeps %d, want 20", len(got))
	}
	if res.Expired != 37+17 || res.OverLimit != 11 {
		t.Errorf("sweep: %+v", res)
	}
	mustCheck(t, st)

	// Time passes: more of river expires.
	now = now.Add(5 * time.Hour)
	res, _ = st.Sweep(ctx, RetentionPolicy{Default: Limits{MaxAge: 10*time.Hour + time.Minute}, Sources: map[string]Limits{"river": {}, "delta": {}}})
	if got := newestIDs(t, st, Filter{Sources: []string{"river"}}); !slices.Equal(got, ids(river[:6])) {
		t.Errorf("river keeps %d five hours later, want 6 (%+v)", len(got), res)
	}
}

func TestSweepOrphans(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	st := openTemp(t, func() time.Time { return now })
	st.Apply(ctx, "river", SourceState{ETag: "r"}, feed("river", 5, now))
	st.Apply(ctx, "gone", SourceState{ETag: "g"}, feed("gone", 5, now))
	st.Apply(ctx, "back", SourceState{}, feed("back", 5, now))
	pol := RetentionPolicy{OrphanGrace: 48 * time.Hour, Sources: map[string]Limits{"river": {}}}

	res, err := st.Sweep(ctx, pol)
	if err != nil || res.Deleted() != 0 || !slices.Equal(res.OrphansWaiting, []string{"back", "gone"}) {
		t.Fatalf("first sweep: %+v %v", res, err)
	}
	now = now.Add(47 * time.Hour)
	if res, _ = st.Sweep(ctx, pol); res.Deleted() != 0 {
		t.Fatalf("orphans deleted before their grace ran out: %+v", res)
	}
	// "back" returns to the config: its clock stops.
	pol.Sources["back"] = Limits{}
	st.Sweep(ctx, pol)
	delete(pol.Sources, "back")
	now = now.Add(2 * time.Hour)
	res, err = st.Sweep(ctx, pol)
	if err != nil || res.Orphaned != 5 || !slices.Equal(res.SourcesRemoved, []string{"gone"}) || !slices.Equal(res.OrphansWaiting, []string{"back"}) {
		t.Fatalf("sweep after the grace: %+v %v", res, err)
	}
	if got := newestIDs(t, st, Filter{Sources: []string{"gone"}}); len(got) != 0 {
		t.Errorf("orphan kept %d articles", len(got))
	}
	if _, ok, _ := st.Source(ctx, "gone"); ok {
		t.Error("orphan kept its fetch state")
	}
	if got := newestIDs(t, st, Filter{}); len(got) != 10 {
		t.Errorf("others: %d articles, want 10", len(got))
	}
	mustCheck(t, st)
}

func TestTombstones(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	st := openTemp(t, func() time.Time { return now })
	river := feed("river", 6, now)
	st.Apply(ctx, "river", SourceState{}, river)
	pol := RetentionPolicy{Sources: map[string]Limits{"river": {MaxPerSource: 3}}}
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
	ch, err := st.Apply(ctx, "river", SourceState{}, river)
	if err != nil || ch.New != 0 || ch.Skipped != 3 || ch.Unchanged != 3 {
		t.Fatalf("refetch: %+v %v", ch, err)
	}
	if st.Version() != v {
		t.Error("version changed by a fetch that added nothing")
	}
	if got := newestIDs(t, st, Filter{}); !slices.Equal(got, ids(river[:3])) {
		t.Errorf("after refetch: %d articles", len(got))
	}
	stats, _ := st.Stats(ctx)
	if stats.Tombstones != 3 {
		t.Errorf("tombstones: %d", stats.Tombstones)
	}
	mustCheck(t, st)

	// The source stops listing two of them: their tombstones go.
	ch, _ = st.Apply(ctx, "river", SourceState{}, append(slices.Clone(river[:3]), deleted[0]))
	if ch.Skipped != 1 {
		t.Errorf("refetch listing one deleted: %+v", ch)
	}
	stats, _ = st.Stats(ctx)
	ex, _ = st.Existing(ctx, ids(deleted))
	if stats.Tombstones != 1 || !ex[deleted[0].ID] || ex[deleted[1].ID] {
		t.Errorf("tombstones %d, existing %v", stats.Tombstones, ex)
	}
	mustCheck(t, st)

	// Another source's fetch leaves river's tombstones alone.
	st.Apply(ctx, "delta", SourceState{}, feed("delta", 2, now))
	if stats, _ = st.Stats(ctx); stats.Tombstones != 1 {
		t.Errorf("delta's fetch dropped river's tombstone")
	}
}

// Sweeps and fetches run at once in the daemon: the store stays whole.
func TestSweepDuringApply(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	st := openTemp(t, clock)
	pol := RetentionPolicy{Default: Limits{MaxPerSource: 5, MaxAge: 20 * time.Hour}, Sources: map[string]Limits{"a": {}, "b": {}}}
	done := make(chan error, 1)
	go func() {
		for i := range 30 {
			for _, src := range []string{"a", "b"} {
				if _, err := st.Apply(ctx, src, SourceState{}, feed(src, 8+i%5, clock())); err != nil {
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
	mustCheck(t, st)
	if got := newestIDs(t, st, Filter{}); len(got) != 10 {
		t.Errorf("after the last sweep: %d articles, want 5 per source", len(got))
	}
}

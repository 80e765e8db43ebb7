package storetest

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// Every write, grouped or not, shows in the next Stats, and callers may
// change what they got.
func testStatsFollowWrites(t *testing.T, open Open) {
	ctx := context.Background()
	st, _ := open(t, nil)
	t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	want := func(n int, src string, per int) {
		t.Helper()
		s, err := st.Stats(ctx)
		if err != nil || s.Articles != n || s.Sources[src].Articles != per {
			t.Fatalf("stats %+v %v, want %d articles, %d of %s", s, err, n, per, src)
		}
		s.Sources["scribble"] = store.SourceStats{Articles: 99}
	}
	want(0, "a", 0)
	want(0, "a", 0)
	mustApply(t, st, "a", store.SourceState{URL: "http://a/"}, art("a", "1", "One", t0))
	want(1, "a", 1)
	var wg sync.WaitGroup
	for _, src := range []string{"b", "c", "d"} {
		wg.Go(func() {
			if _, err := st.ApplyGrouped(ctx, src, store.SourceState{URL: "http://" + src + "/"}, []article.Article{art(src, "1", "One", t0), art(src, "2", "Two", t0.Add(time.Hour))}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	want(7, "c", 2)
	if s, _ := st.Stats(ctx); s.Sources["scribble"].Articles != 0 || !s.Sources["d"].Newest.Equal(t0.Add(time.Hour)) {
		t.Fatalf("stats changed by a caller, or the newest time wrong: %+v", s)
	}
	res, err := st.Sweep(ctx, store.RetentionPolicy{Default: store.Limits{MaxPerSource: 1}, Sources: map[string]store.Limits{"a": {}, "b": {}, "c": {}, "d": {}}})
	if err != nil || res.Deleted() != 3 {
		t.Fatalf("sweep: %+v %v", res, err)
	}
	want(4, "c", 1)
}

// Watch answers at once for a version already passed, wakes for a commit
// that changes what is published, and ends with its context.
func testWatch(t *testing.T, open Open) {
	ctx := context.Background()
	st, _ := open(t, nil)
	v0 := st.Version()
	done, cancel := context.WithCancel(ctx)
	cancel()
	if v, err := st.Watch(done, v0); v != v0 || !errors.Is(err, context.Canceled) {
		t.Fatalf("Watch with nothing new and its context ended: %d, %v", v, err)
	}
	woke := make(chan uint64, 1)
	go func() {
		v, _ := st.Watch(ctx, v0)
		woke <- v
	}()
	mustApply(t, st, "s", store.SourceState{}, art("s", "1", "One", time.Now()))
	select {
	case v := <-woke:
		if v == v0 {
			t.Errorf("Watch woke with the version it was given, %d", v)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Watch did not wake for a commit")
	}
	v1 := st.Version()
	if v1 == v0 {
		t.Fatal("version unchanged by a new article")
	}
	if v, err := st.Watch(ctx, v0); v != v1 || err != nil {
		t.Errorf("Watch of a passed version: %d, %v; want %d at once", v, err, v1)
	}
	// Retention's deletions are changes too.
	go func() {
		v, _ := st.Watch(ctx, v1)
		woke <- v
	}()
	if res, err := st.Sweep(ctx, store.RetentionPolicy{}); err != nil || res.Orphaned != 1 {
		t.Fatalf("sweep of the orphan: %+v %v", res, err)
	}
	select {
	case v := <-woke:
		if v == v1 {
			t.Errorf("Watch woke for a sweep with the version it was given, %d", v)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Watch did not wake for a sweep that deleted an article")
	}
}

// Backup writes a copy while the store is in use.
func testBackup(t *testing.T, open Open) {
	ctx := context.Background()
	st, _ := open(t, nil)
	mustApply(t, st, "s", store.SourceState{}, feed("s", 3, time.Now())...)
	var b bytes.Buffer
	err := st.Backup(ctx, &b)
	switch {
	case errors.Is(err, store.ErrNoBackup):
		// Backed up with the database's own tools: the error must say so.
		if len(err.Error()) <= len(store.ErrNoBackup.Error()) {
			t.Errorf("Backup's refusal names no tool to use: %v", err)
		}
	case err != nil || b.Len() == 0:
		t.Fatalf("backup: %d bytes, %v", b.Len(), err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := st.Backup(cancelled, &b); err == nil {
		t.Error("a backup ran with its context ended")
	}
	if st.Path() == "" {
		t.Error("Path is empty")
	}
}

// A restarted daemon finds everything: articles in order, sources' states,
// tombstones, orphans' clocks, the creation time, stats.
func testRestart(t *testing.T, open Open) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	st, reopen := open(t, fixed(&now))
	created := st.Created()
	if created.IsZero() {
		t.Error("no creation time")
	}
	river := feed("river", 6, now)
	mustApply(t, st, "river", store.SourceState{URL: "http://river/", Title: "River", ETag: `"r"`}, river...)
	mustApply(t, st, "gone", store.SourceState{URL: "http://gone/"}, feed("gone", 2, now)...)
	if err := st.SaveStates(ctx, store.SourceState{Name: "quiet", URL: "http://quiet/", Failures: 1, Error: "timeout"}); err != nil {
		t.Fatal(err)
	}
	pol := store.RetentionPolicy{OrphanGrace: 24 * time.Hour, Sources: map[string]store.Limits{"river": {MaxPerSource: 4}, "quiet": {}}}
	if res, err := st.Sweep(ctx, pol); err != nil || res.OverLimit != 2 || !slices.Equal(res.OrphansWaiting, []string{"gone"}) {
		t.Fatalf("sweep: %+v %v", res, err)
	}
	wantIDs := newestIDs(t, st, store.Filter{})
	wantSrcs, _ := st.Sources(ctx)
	wantStats, _ := st.Stats(ctx)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	now = now.Add(time.Hour)
	st = reopen(t)
	if got := newestIDs(t, st, store.Filter{}); !slices.Equal(got, wantIDs) {
		t.Errorf("after a restart: %d articles, want %d in the same order", len(got), len(wantIDs))
	}
	srcs, err := st.Sources(ctx)
	if err != nil || len(srcs) != len(wantSrcs) {
		t.Fatalf("sources after a restart: %+v %v", srcs, err)
	}
	for i := range srcs {
		if srcs[i].Name != wantSrcs[i].Name || srcs[i].URL != wantSrcs[i].URL || srcs[i].ETag != wantSrcs[i].ETag ||
			srcs[i].Title != wantSrcs[i].Title || srcs[i].Failures != wantSrcs[i].Failures || srcs[i].Error != wantSrcs[i].Error {
			t.Errorf("source after a restart: %+v, want %+v", srcs[i], wantSrcs[i])
		}
	}
	stats, _ := st.Stats(ctx)
	if stats.Articles != wantStats.Articles || stats.Tombstones != wantStats.Tombstones || len(stats.Sources) != len(wantStats.Sources) {
		t.Errorf("stats after a restart: %+v, want %+v", stats, wantStats)
	}
	if !st.Created().Equal(created) {
		t.Errorf("created %v after a restart, want %v", st.Created(), created)
	}
	// The tombstones hold: the source still lists what retention deleted.
	if ch := mustApply(t, st, "river", store.SourceState{URL: "http://river/"}, river...); ch.Skipped != 2 || ch.New != 0 {
		t.Errorf("refetch after a restart: %+v", ch)
	}
	// The orphan's clock kept running.
	now = now.Add(24 * time.Hour)
	if res, err := st.Sweep(ctx, pol); err != nil || !slices.Equal(res.SourcesRemoved, []string{"gone"}) {
		t.Errorf("orphan after its grace, across a restart: %+v %v", res, err)
	}
	check(t, st)
}

package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/tributary-feeds/tributary/article"
)

func openTemp(t *testing.T, now func() time.Time) *Store {
	t.Helper()
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func art(src, guid, title string, pub time.Time) article.Article {
	return article.Article{ID: article.NewID(src, guid, "", title, pub), Source: src, GUID: guid, Title: title, Published: pub}
}

func TestApplyNewUpdatedUnchanged(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	st := openTemp(t, func() time.Time { return clock })
	t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)

	a := art("s", "1", "One", t0)
	undated := art("s", "2", "Two", time.Time{})
	ch, err := st.Apply(ctx, "s", SourceState{URL: "http://x/"}, []article.Article{a, undated})
	if err != nil || ch.New != 2 {
		t.Fatalf("first apply: %+v %v", ch, err)
	}
	v := st.Version()

	clock = clock.Add(time.Hour)
	ch, err = st.Apply(ctx, "s", SourceState{URL: "http://x/"}, []article.Article{a, undated})
	if err != nil || ch.Unchanged != 2 || ch.New+ch.Updated != 0 {
		t.Fatalf("same items again: %+v %v", ch, err)
	}
	if st.Version() != v {
		t.Error("version changed on a write that changed nothing")
	}
	got, _, _ := st.Newest(ctx, 10, Filter{}, "")
	if len(got) != 2 || got[0].Title != "Two" || !got[0].Published.Equal(clock.Add(-time.Hour)) {
		t.Fatalf("undated item should keep its first-seen time: %+v", got)
	}

	n := 3
	a.Comments = &n
	ch, _ = st.Apply(ctx, "s", SourceState{}, []article.Article{a})
	if ch.Updated != 1 || st.Version() == v {
		t.Fatalf("comment count change: %+v", ch)
	}
	got, _, _ = st.Newest(ctx, 10, Filter{Sources: []string{"s"}}, "")
	if *got[1].Comments != 3 || !got[1].Updated.Equal(t0) {
		t.Errorf("a comment count change must not bump updated: %+v", got[1])
	}

	a.Title = "One, revised"
	st.Apply(ctx, "s", SourceState{}, []article.Article{a})
	got, _, _ = st.Newest(ctx, 10, Filter{}, "")
	if got[1].Title != "One, revised" || !got[1].Updated.Equal(clock) {
		t.Errorf("a title change must bump updated to now: %+v", got[1])
	}
}

func TestNewestPaging(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, nil)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var arts []article.Article
	for i := range 25 {
		arts = append(arts, art("s", string(rune('a'+i)), "t", base.Add(time.Duration(i)*time.Hour)))
	}
	if _, err := st.Apply(ctx, "s", SourceState{}, arts); err != nil {
		t.Fatal(err)
	}
	var all []article.Article
	var cur Cursor
	for page := 0; ; page++ {
		got, next, err := st.Newest(ctx, 10, Filter{}, cur)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, got...)
		if next == "" {
			break
		}
		cur = next
		if page > 5 {
			t.Fatal("paging does not end")
		}
	}
	if len(all) != 25 {
		t.Fatalf("paged %d articles, want 25", len(all))
	}
	for i := 1; i < len(all); i++ {
		if !all[i].Published.Before(all[i-1].Published) {
			t.Fatalf("not newest first at %d", i)
		}
	}
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	st, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := time.Now()
	_, err = Open(context.Background(), path, Options{})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("second open did not fail at once")
	}
}

// Created is recorded when the store is made and kept across reopens; a
// store made before it was recorded gets the time it is first opened.
func TestCreatedSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	t1 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	st, err := Open(ctx, path, Options{Now: func() time.Time { return t1 }})
	if err != nil {
		t.Fatal(err)
	}
	if !st.Created().Equal(t1) {
		t.Errorf("Created = %v, want %v", st.Created(), t1)
	}
	// Forget it, as a store of an earlier version would not have it.
	if err := st.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Delete(keyCreated) }); err != nil {
		t.Fatal(err)
	}
	st.Close()
	t2 := t1.Add(48 * time.Hour)
	for _, now := range []time.Time{t2, t2.Add(time.Hour)} { // the later open keeps t2
		st, err = Open(ctx, path, Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		if !st.Created().Equal(t2) {
			t.Errorf("opened at %v: Created = %v, want %v (the first open that recorded it)", now, st.Created(), t2)
		}
		st.Close()
	}
}

package store

import (
	"context"
	"errors"
	"fmt"
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

// feed builds n articles of src, one an hour back from end, newest first.
func feed(src string, n int, end time.Time) []article.Article {
	out := make([]article.Article, n)
	for i := range n {
		out[i] = art(src, fmt.Sprintf("%s-%d", src, i), fmt.Sprintf("%s %d", src, i), end.Add(-time.Duration(i)*time.Hour))
	}
	return out
}

func mustCheck(t *testing.T, st *Store) {
	t.Helper()
	if err := st.Check(context.Background()); err != nil {
		t.Fatal(err)
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

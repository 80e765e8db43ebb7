package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	bolt "go.etcd.io/bbolt"
)

// TestFreelistModes: a store moved between a written freelist (small file)
// and a rebuilt one (large file), both ways, loses nothing and stays
// consistent (bbolt's own check), and the open reads the list it wrote.
func TestFreelistModes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "f.db")
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	defer func(v int64) { freelistSyncBelow = v }(freelistSyncBelow)

	want := 0
	for round, below := range []int64{1 << 40, 0, 1 << 40, 0} {
		freelistSyncBelow = below
		st, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if got := !st.db.NoFreelistSync; got != (below > 0) {
			t.Errorf("round %d: freelist written at commit = %v", round, got)
		}
		src := fmt.Sprintf("s%d", round)
		var arts []article.Article
		for i := range 30 {
			arts = append(arts, art(src, fmt.Sprint(i), "t", t0.Add(time.Duration(i)*time.Hour)))
		}
		if _, err := st.Apply(ctx, src, SourceState{URL: "http://x/"}, arts); err != nil {
			t.Fatal(err)
		}
		// Free some pages, so the list has something in it.
		if _, err := st.Apply(ctx, src, SourceState{URL: "http://x/", ETag: "e"}, arts[:10]); err != nil {
			t.Fatal(err)
		}
		want += 30
		if err := st.db.View(func(tx *bolt.Tx) error {
			for err := range tx.Check() {
				return err
			}
			return nil
		}); err != nil {
			t.Fatalf("round %d: check: %v", round, err)
		}
		stats, err := st.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if stats.Articles != want {
			t.Errorf("round %d: %d articles, want %d", round, stats.Articles, want)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

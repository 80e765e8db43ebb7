package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestCheckFindsDamage(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, want string
		damage     func(tx *bolt.Tx) error
	}{
		{"missing idx_time entry", "idx_time entry", func(tx *bolt.Tx) error {
			k, _ := tx.Bucket(bucketByTime).Cursor().First()
			return tx.Bucket(bucketByTime).Delete(k)
		}},
		{"stray idx_source entry", "idx_source entries", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketBySource).Put(sourceKey("river", now, "ghost"), nil)
		}},
		{"article missing", "4 articles but 5 idx_time", func(tx *bolt.Tx) error {
			k, _ := tx.Bucket(bucketArticles).Cursor().First()
			return tx.Bucket(bucketArticles).Delete(k)
		}},
		{"undecodable article", "does not decode", func(tx *bolt.Tx) error {
			k, _ := tx.Bucket(bucketArticles).Cursor().First()
			return tx.Bucket(bucketArticles).Put(k, []byte{codecV2, 200})
		}},
		{"half a tombstone", "tombstones", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketTombstones).Put([]byte("x"), []byte("river"))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openTemp(t, func() time.Time { return now })
			st.Apply(ctx, "river", SourceState{}, feed("river", 5, now))
			mustCheck(t, st)
			if err := st.db.Update(tc.damage); err != nil {
				t.Fatal(err)
			}
			err := st.Check(ctx)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check: %v, want a problem about %q", err, tc.want)
			}
		})
	}
}

func TestBackupAndCompact(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	st, err := Open(ctx, filepath.Join(dir, "live.db"), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	st.Apply(ctx, "river", SourceState{ETag: "e"}, feed("river", 2000, now))
	st.Sweep(ctx, RetentionPolicy{Sources: map[string]Limits{"river": {MaxPerSource: 100}}})

	// Backup while open.
	f, err := os.Create(filepath.Join(dir, "backup.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Backup(ctx, f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// Compact refuses a store in use, at once.
	if err := Compact(ctx, st.Path(), filepath.Join(dir, "c.db")); !errors.Is(err, ErrLocked) {
		t.Errorf("compact of an open store: %v", err)
	}
	st.Close()

	b, err := Open(ctx, filepath.Join(dir, "backup.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustCheck(t, b)
	if s, _ := b.Stats(ctx); s.Articles != 100 || s.Tombstones != 1900 {
		t.Errorf("backup holds %+v", s)
	}
	b.Close()

	src, dst := filepath.Join(dir, "live.db"), filepath.Join(dir, "compact.db")
	if err := Compact(ctx, src, dst); err != nil {
		t.Fatal(err)
	}
	if err := Compact(ctx, src, dst); err == nil {
		t.Error("compact over an existing file")
	}
	c, err := Open(ctx, dst, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	mustCheck(t, c)
	before, _ := os.Stat(src)
	s, _ := c.Stats(ctx)
	if s.Articles != 100 || s.FileSize >= before.Size() {
		t.Errorf("compacted: %d articles, %d bytes (was %d)", s.Articles, s.FileSize, before.Size())
	}
	if st, _, _ := c.Source(ctx, "river"); st.ETag != "e" {
		t.Errorf("compacted source state: %+v", st)
	}
}

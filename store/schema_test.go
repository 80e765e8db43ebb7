package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/tributary-feeds/tributary/article"
)

// writeV1 builds a schema 1 file the way the walking skeleton wrote it:
// JSON articles, idx_time = plain UnixNano ‖ id → source, idx_source =
// source ‖ 0 ‖ UnixNano ‖ id → nil.
func writeV1(t *testing.T, path string, states []SourceState, arts []article.Article) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v1key := func(tm time.Time, id string) []byte {
		k := make([]byte, 8, 8+len(id))
		binary.BigEndian.PutUint64(k, uint64(tm.UnixNano()))
		return append(k, id...)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := map[string]*bolt.Bucket{}
		for _, n := range []string{"meta", "sources", "articles", "idx_time", "idx_source"} {
			b[n], _ = tx.CreateBucket([]byte(n))
		}
		b["meta"].Put([]byte("schema_version"), u64(1))
		for _, st := range states {
			v, _ := json.Marshal(st)
			b["sources"].Put([]byte(st.Name), v)
		}
		for _, a := range arts {
			v, _ := json.Marshal(a)
			b["articles"].Put([]byte(a.ID), v)
			b["idx_time"].Put(v1key(a.Published, a.ID), []byte(a.Source))
			b["idx_source"].Put(append([]byte(a.Source+"\x00"), v1key(a.Published, a.ID)...), nil)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUpgradeFromV1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var arts []article.Article
	for i := range 12000 { // more than one upgrade batch
		src := []string{"river", "delta", "estuary"}[i%3]
		a := art(src, string(rune('a'+i%26))+time.Duration(i).String(), "t", base.Add(time.Duration(i)*time.Minute))
		a.Content = "<p>body & more</p>"
		arts = append(arts, a)
	}
	old := art("river", "old", "Before 1970", time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC))
	arts = append(arts, old)
	writeV1(t, path, []SourceState{{Name: "river", URL: "http://r/", ETag: `"e1"`}}, arts)

	st, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(ctx); err != nil {
		t.Fatalf("after upgrade: %v", err)
	}
	stats, _ := st.Stats(ctx)
	if stats.Articles != len(arts) || stats.Schema != SchemaVersion {
		t.Fatalf("after upgrade: %+v", stats)
	}
	got, _, err := st.Newest(ctx, 2, Filter{Sources: []string{"delta"}}, "")
	if err != nil || len(got) != 2 || got[0].ID != arts[11998].ID || got[1].ID != arts[11995].ID {
		t.Fatalf("newest delta after upgrade: %v %+v", err, got)
	}
	if got[0].Content != "<p>body & more</p>" {
		t.Errorf("content after upgrade: %q", got[0].Content)
	}
	state, ok, _ := st.Source(ctx, "river")
	if !ok || state.ETag != `"e1"` {
		t.Errorf("source state after upgrade: %+v", state)
	}
	// Schema 1 sorted times before 1970 after every other; schema 2 keeps time order.
	all, _, _ := st.Newest(ctx, len(arts)+1, Filter{Sources: []string{"river"}}, "")
	if last := all[len(all)-1]; last.ID != old.ID {
		t.Errorf("oldest river article is %q, want the 1969 one", last.Title)
	}
	st.Close()

	// Upgraded once: raw bytes are binary now.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketArticles).Get([]byte(old.ID)); len(v) == 0 || v[0] != codecV2 {
			t.Errorf("article not re-encoded: %q", v)
		}
		if v := tx.Bucket(bucketMeta).Get(keySchema); binary.BigEndian.Uint64(v) != SchemaVersion {
			t.Errorf("schema version after upgrade: %x", v)
		}
		return nil
	})
	db.Close()
}

// A failed upgrade changes nothing: it runs in the opening transaction.
func TestUpgradeFailureLeavesV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	a := art("river", "1", "One", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	writeV1(t, path, nil, []article.Article{a})
	db, _ := bolt.Open(path, 0o600, nil)
	db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketArticles).Put([]byte("broken"), []byte("{not json")) })
	db.Close()

	_, err := Open(context.Background(), path, Options{})
	if err == nil || !strings.Contains(err.Error(), "upgrade schema 1 to 2") || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("open of a broken v1 store: %v", err)
	}
	db, _ = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keySchema); binary.BigEndian.Uint64(v) != 1 {
			t.Errorf("schema after a failed upgrade: %x", v)
		}
		if v := tx.Bucket(bucketArticles).Get([]byte(a.ID)); len(v) == 0 || v[0] != '{' {
			t.Errorf("article rewritten by a failed upgrade: %q", v)
		}
		return nil
	})
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "future.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		b, _ := tx.CreateBucket(bucketMeta)
		return b.Put(keySchema, u64(SchemaVersion+1))
	})
	db.Close()

	_, err = Open(context.Background(), path, Options{})
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("open of a newer schema: %v", err)
	}
	for _, want := range []string{"schema version 3", "reads version 2", path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

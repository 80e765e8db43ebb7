package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/internal/testenv"
	"github.com/tributary-feeds/tributary/store"
	"github.com/tributary-feeds/tributary/store/postgres"
)

// migrate-store copies a bbolt store into PostgreSQL: the same pages, the
// same states, the tombstones still keeping deleted articles away; a second
// copy into the now full database is refused.
func TestMigrateStore(t *testing.T) {
	dsn := testenv.Postgres(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	bolt, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var all []article.Article
	for _, src := range []string{"river", "delta"} {
		var arts []article.Article
		for i := range 1500 { // more than one page of the copy
			id := fmt.Sprintf("%s-%d", src, i)
			arts = append(arts, article.Article{ID: article.NewID(src, id, "", "", time.Time{}), Source: src, GUID: id, Title: "Title " + id, Published: end.Add(-time.Duration(i) * time.Minute)})
		}
		if _, err := bolt.Apply(ctx, src, store.SourceState{URL: "http://" + src + "/", ETag: `"e"`}, arts); err != nil {
			t.Fatal(err)
		}
		all = append(all, arts...)
	}
	res, err := bolt.Sweep(ctx, store.RetentionPolicy{Default: store.Limits{MaxPerSource: 1400}, Sources: map[string]store.Limits{"river": {}, "delta": {}}})
	if err != nil || res.OverLimit != 200 {
		t.Fatalf("sweep: %+v %v", res, err)
	}
	want, _, _ := bolt.Newest(ctx, 5000, store.Filter{}, "")
	bolt.Close()

	migrate := func() (string, error) {
		cmd := exec.Command(binary, "migrate-store", "--from", "bolt:"+path, "--to", "postgres:")
		cmd.Env = append(os.Environ(), "TRIBUTARY_STORE_DSN="+dsn)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := migrate()
	if err != nil || !strings.Contains(out, "2800 articles, 200 tombstones, 2 sources") {
		t.Fatalf("migrate-store: %v\n%s", err, out)
	}
	pg, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	got, _, err := pg.Newest(ctx, 5000, store.Filter{}, "")
	if err != nil || len(got) != len(want) {
		t.Fatalf("copied articles: %d, %v; want %d", len(got), err, len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID || !got[i].Published.Equal(want[i].Published) || got[i].Title != want[i].Title {
			t.Fatalf("article %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if st, ok, _ := pg.Source(ctx, "river"); !ok || st.ETag != `"e"` {
		t.Errorf("state not copied: %+v", st)
	}
	// The tombstones came along: the swept articles do not come back.
	ch, err := pg.Apply(ctx, "river", store.SourceState{URL: "http://river/"}, all[:1500])
	if err != nil || ch.Skipped != 100 || ch.New != 0 {
		t.Errorf("apply after the copy: %+v %v; want 100 skipped, none new", ch, err)
	}
	if out, err := migrate(); err == nil || !strings.Contains(out, "empty") {
		t.Errorf("a second copy into the full database: %v\n%s", err, out)
	}
}

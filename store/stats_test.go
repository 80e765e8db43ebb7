package store

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
)

// Stats is remembered between writes; every write, grouped or not, shows in
// the next one, and callers may change what they got.
func TestStatsFollowWrites(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, nil)
	t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	want := func(n int, src string, per int) {
		t.Helper()
		s, err := st.Stats(ctx)
		if err != nil || s.Articles != n || s.Sources[src].Articles != per {
			t.Fatalf("stats %+v %v, want %d articles, %d of %s", s, err, n, per, src)
		}
		s.Sources["scribble"] = SourceStats{Articles: 99}
	}
	want(0, "a", 0)
	want(0, "a", 0) // from memory
	if _, err := st.Apply(ctx, "a", SourceState{URL: "http://a/"}, []article.Article{art("a", "1", "One", t0)}); err != nil {
		t.Fatal(err)
	}
	want(1, "a", 1)
	var wg sync.WaitGroup
	for _, src := range []string{"b", "c", "d"} {
		wg.Go(func() {
			if _, err := st.ApplyGrouped(ctx, src, SourceState{URL: "http://" + src + "/"}, []article.Article{art(src, "1", "One", t0), art(src, "2", "Two", t0.Add(time.Hour))}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	want(7, "c", 2)
	if s, _ := st.Stats(ctx); s.Sources["scribble"].Articles != 0 || !s.Sources["d"].Newest.Equal(t0.Add(time.Hour)) {
		t.Fatalf("stats from memory: %+v", s)
	}
	res, err := st.Sweep(ctx, RetentionPolicy{Default: Limits{MaxPerSource: 1}, Sources: map[string]Limits{"a": {}, "b": {}, "c": {}, "d": {}}})
	if err != nil || res.Deleted() != 3 {
		t.Fatalf("sweep: %+v %v", res, err)
	}
	want(4, "c", 1)
}

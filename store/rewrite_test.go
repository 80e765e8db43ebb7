package store

import (
	"context"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
)

func TestRewrite(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	st := openTemp(t, func() time.Time { return now })
	arts := feed("a", 3, now)
	if _, err := st.Apply(ctx, "a", SourceState{}, arts); err != nil {
		t.Fatal(err)
	}
	before, err := st.Articles(ctx, []string{arts[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	v := st.Version()
	seen := 0
	changed, deleted, err := st.Rewrite(ctx, []string{arts[0].ID, arts[1].ID, arts[2].ID, "never-stored"}, func(a *article.Article) bool {
		seen++
		switch a.ID {
		case arts[0].ID:
			a.Authors = []string{"The Desk"}
		case arts[1].ID:
			return false
		}
		return true
	})
	if err != nil || changed != 1 || deleted != 1 || seen != 3 {
		t.Fatalf("Rewrite = %d, %d, %v (fn saw %d); want 1, 1 (3)", changed, deleted, err, seen)
	}
	if st.Version() == v {
		t.Error("version did not move")
	}
	got, _ := st.Articles(ctx, []string{arts[0].ID, arts[1].ID, arts[2].ID})
	if len(got) != 2 || got[arts[0].ID].Authors[0] != "The Desk" || !got[arts[0].ID].Updated.Equal(before[arts[0].ID].Updated) {
		t.Errorf("after Rewrite: %+v", got)
	}
	// Deleted without a tombstone: a later fetch that lists it stores it again.
	if ex, _ := st.Existing(ctx, []string{arts[1].ID}); ex[arts[1].ID] {
		t.Error("a rewritten-away article left a tombstone")
	}
	mustCheck(t, st)
	// Unchanged: nothing written.
	v = st.Version()
	if changed, _, _ := st.Rewrite(ctx, []string{arts[0].ID}, func(*article.Article) bool { return true }); changed != 0 || st.Version() != v {
		t.Errorf("an unchanged article was rewritten")
	}
}

// A filter's Tags keeps the articles rules tagged so, of any source, besides
// those of its Sources.
func TestFilterRuleTags(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	st := openTemp(t, func() time.Time { return now })
	a, b := feed("a", 3, now), feed("b", 2, now)
	tag := []article.Rule{{Name: "t", MinReadTime: 1, Tag: "politics"}}
	a[1].ReadTime = 5
	article.ApplyRules(&a[1], tag, nil)
	for src, arts := range map[string][]article.Article{"a": a, "b": b} {
		if _, err := st.Apply(ctx, src, SourceState{}, arts); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		f    Filter
		want int
	}{
		{Filter{Tags: []string{"politics"}}, 1},
		{Filter{Sources: []string{"b"}, Tags: []string{"politics"}}, 3},
		{Filter{Sources: []string{"b"}, Tags: []string{"sport"}}, 2},
		{Filter{Sources: []string{"b"}}, 2},
	} {
		got, _, err := st.Newest(ctx, 100, tt.f, "")
		if err != nil || len(got) != tt.want {
			t.Errorf("Newest(%+v) = %d articles, %v; want %d", tt.f, len(got), err, tt.want)
		}
		for _, g := range got {
			if !tt.f.Matches(&g) {
				t.Errorf("Matches(%+v) is false for %s", tt.f, g.Title)
			}
		}
	}
}

package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
)

// The per-source merge (up to mergeLimit sources) and the overall walk give
// the same pages.
func TestNewestSourcesMergeAgreesWithWalk(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, nil)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var all []string
	bySource := map[string]string{} // id → source
	for s := range mergeLimit + 6 {
		src := fmt.Sprintf("src-%02d", s)
		all = append(all, src)
		var arts []article.Article
		for i := range 7 {
			// Interleaved times, and two sources sharing one instant.
			arts = append(arts, art(src, fmt.Sprint(i), src, base.Add(time.Duration(i*100+s%50)*time.Minute)))
			bySource[arts[len(arts)-1].ID] = src
		}
		if _, err := st.Apply(ctx, src, SourceState{}, arts); err != nil {
			t.Fatal(err)
		}
	}
	page := func(f Filter) []string {
		var out []string
		var cur Cursor
		for range 100 {
			got, next, err := st.Newest(ctx, 9, f, cur)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, ids(got)...)
			if next == "" {
				return out
			}
			cur = next
		}
		t.Fatal("paging does not end")
		return nil
	}
	everything := page(Filter{})
	only := func(srcs []string) []string {
		var out []string
		for _, id := range everything {
			if slices.Contains(srcs, bySource[id]) {
				out = append(out, id)
			}
		}
		return out
	}
	few := []string{"src-03", "src-40", "src-03", "src-53", "nope"}
	merged := page(Filter{Sources: few})
	walked := only(few)
	if len(merged) != 21 || !slices.Equal(merged, walked) {
		t.Fatalf("few sources: merge %d, walk %d articles, or a different order", len(merged), len(walked))
	}
	// Beyond mergeLimit the overall index is walked: the same articles.
	many := all[:mergeLimit+2]
	got := page(Filter{Sources: many})
	want := only(many)
	if len(got) != 7*len(many) || !slices.Equal(got, want) {
		t.Fatalf("many sources: %d vs %d articles", len(got), len(want))
	}
}

// A filter no index serves gives up after MaxScan rejections, and says
// where it stopped.
func TestNewestMaxScan(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, nil)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var arts []article.Article
	for i := range 100 {
		arts = append(arts, art("s", fmt.Sprint(i), fmt.Sprintf("t%d", i), base.Add(time.Duration(i)*time.Minute)))
	}
	st.Apply(ctx, "s", SourceState{}, arts)
	match := []string{"0"} // t90, t80, …
	got, next, err := st.Newest(ctx, 5, Filter{Include: match, MaxScan: 20}, "")
	if err != nil || len(got) != 2 || next == "" {
		t.Fatalf("bounded scan: %d found, next %q, %v", len(got), next, err)
	}
	got, _, _ = st.Newest(ctx, 5, Filter{Include: match, MaxScan: 20}, next)
	if len(got) != 2 || got[0].Title != "t70" {
		t.Fatalf("continuing after the bound: %+v", got)
	}
	got, next, _ = st.Newest(ctx, 20, Filter{Include: match}, "")
	if len(got) != 10 || next != "" {
		t.Errorf("default bound: %d found, next %q", len(got), next)
	}
	if _, _, err := st.Newest(ctx, 5, Filter{}, "!!"); err == nil {
		t.Error("a bad cursor was accepted")
	}
}

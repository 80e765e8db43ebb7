package storetest

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

func testNewestPaging(t *testing.T, open Open) {
	st, _ := open(t, nil)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var arts []article.Article
	for i := range 25 {
		arts = append(arts, art("s", string(rune('a'+i)), "t", base.Add(time.Duration(i)*time.Hour)))
	}
	mustApply(t, st, "s", store.SourceState{}, arts...)
	var all []article.Article
	var cur store.Cursor
	for page := 0; ; page++ {
		got, next, err := st.Newest(context.Background(), 10, store.Filter{}, cur)
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
	if got, next, err := st.Newest(context.Background(), 0, store.Filter{}, ""); len(got) != 0 || next != "" || err != nil {
		t.Errorf("n = 0: %d articles, next %q, %v", len(got), next, err)
	}
}

// A reader paging back while fetches add articles sees every article that
// was there throughout exactly once: the new ones newer than its cursor are
// on pages it has passed, the older ones are met in turn.
func testPagingWhileArticlesArrive(t *testing.T, open Open) {
	ctx := context.Background()
	st, _ := open(t, nil)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var first []article.Article
	for i := range 30 {
		// Pairs sharing one instant: the order by id breaks ties.
		first = append(first, art("a", fmt.Sprint(i), "t", base.Add(time.Duration(i/2)*time.Hour)))
	}
	mustApply(t, st, "a", store.SourceState{}, first...)
	seen := map[string]int{}
	var older []string
	var cur store.Cursor
	for page := 0; ; page++ {
		got, next, err := st.Newest(ctx, 7, store.Filter{}, cur)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range got {
			seen[a.ID]++
		}
		if next == "" {
			break
		}
		if page > 20 {
			t.Fatal("paging does not end")
		}
		cur = next
		// Meanwhile: a newer article, and one older than everything.
		n := art("a", fmt.Sprint("new", page), "new", base.Add(time.Duration(100+page)*time.Hour))
		o := art("a", fmt.Sprint("old", page), "old", base.Add(-time.Duration(1+page)*time.Hour))
		older = append(older, o.ID)
		mustApply(t, st, "a", store.SourceState{}, append(slices.Clone(first), n, o)...)
	}
	for _, a := range first {
		if seen[a.ID] != 1 {
			t.Errorf("article %s seen %d times", a.GUID, seen[a.ID])
		}
	}
	for _, id := range older {
		if seen[id] != 1 {
			t.Errorf("an older article added during the walk seen %d times", seen[id])
		}
	}
	if len(seen) != len(first)+len(older) {
		t.Errorf("the walk saw %d articles, want %d (no newer one)", len(seen), len(first)+len(older))
	}
}

// A Sources filter gives the same pages as the whole store with other
// sources left out, for a few sources and for many.
func testSourcesFilter(t *testing.T, open Open) {
	st, _ := open(t, nil)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var all []string
	bySource := map[string]string{} // id → source
	for s := range 70 {
		src := fmt.Sprintf("src-%02d", s)
		all = append(all, src)
		var arts []article.Article
		for i := range 7 {
			// Interleaved times, and two sources sharing one instant.
			a := art(src, fmt.Sprint(i), src, base.Add(time.Duration(i*100+s%50)*time.Minute))
			bySource[a.ID] = src
			arts = append(arts, a)
		}
		mustApply(t, st, src, store.SourceState{}, arts...)
	}
	everything := pageAll(t, st, 9, store.Filter{})
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
	if got := pageAll(t, st, 9, store.Filter{Sources: few}); len(got) != 21 || !slices.Equal(got, only(few)) {
		t.Errorf("few sources: %d articles, or in another order than the whole store's", len(got))
	}
	many := all[:66]
	if got := pageAll(t, st, 9, store.Filter{Sources: many}); len(got) != 7*len(many) || !slices.Equal(got, only(many)) {
		t.Errorf("many sources: %d articles, or in another order than the whole store's", len(got))
	}
	if got := pageAll(t, st, 9, store.Filter{Sources: []string{"nope"}}); len(got) != 0 {
		t.Errorf("an unknown source: %d articles", len(got))
	}
}

// Keyword and read-time filters keep exactly the articles Filter.Matches
// keeps, in order, alone and with Sources.
func testArticleFilters(t *testing.T, open Open) {
	st, _ := open(t, nil)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	titles := []string{"Go generics", "Rust & GO", "Cooking pasta", "The GOAT", "Gardening"}
	contents := []string{"", "<p>Long <b>read</b> on compilers</p>", "<p>5 &lt;quick&gt; meals</p>", "<p>Sports</p>", "<p>Tomatoes and go-karts</p>"}
	var all []article.Article
	for i := range 40 {
		src := []string{"x", "y"}[i%2]
		a := art(src, fmt.Sprint(i), titles[i%5], base.Add(time.Duration(i)*time.Hour))
		a.Content, a.Summary = contents[(i/5)%5], contents[i%5]
		a.ReadTime = []int{0, 1, 4, 12, 30}[(i/3)%5]
		all = append(all, a)
	}
	var xs, ys []article.Article
	for _, a := range all {
		if a.Source == "x" {
			xs = append(xs, a)
		} else {
			ys = append(ys, a)
		}
	}
	mustApply(t, st, "x", store.SourceState{}, xs...)
	mustApply(t, st, "y", store.SourceState{}, ys...)
	slices.Reverse(all) // newest first
	for _, f := range []store.Filter{
		{Include: []string{"go"}},
		{Include: []string{"  GO  ", ""}, Exclude: []string{"goat"}},
		{Include: []string{"<quick>", "compilers"}},
		{Exclude: []string{"<b>"}}, // tags are not text: excludes nothing
		{Exclude: []string{"read"}},
		{MinReadTime: 4},
		{MaxReadTime: 4},
		{MinReadTime: 1, MaxReadTime: 12, Include: []string{"go"}},
		{Sources: []string{"y"}, Include: []string{"rust"}},
		{Sources: []string{"x"}, MinReadTime: 30},
		{Sources: []string{"x", "y"}, Include: []string{"nothing matches this"}},
	} {
		var want []string
		for _, a := range all {
			if (len(f.Sources) == 0 || slices.Contains(f.Sources, a.Source)) && f.Matches(&a) {
				want = append(want, a.ID)
			}
		}
		if got := pageAll(t, st, 4, f); !slices.Equal(got, want) {
			t.Errorf("filter %+v: %d articles, want %d as Matches keeps them", f, len(got), len(want))
		}
	}
}

// A filter no index serves gives up after MaxScan rejections, and says
// where it stopped.
func testMaxScan(t *testing.T, open Open) {
	ctx := context.Background()
	st, _ := open(t, nil)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var arts []article.Article
	for i := range 100 {
		arts = append(arts, art("s", fmt.Sprint(i), fmt.Sprintf("t%d", i), base.Add(time.Duration(i)*time.Minute)))
	}
	mustApply(t, st, "s", store.SourceState{}, arts...)
	match := []string{"0"} // t90, t80, …
	got, next, err := st.Newest(ctx, 5, store.Filter{Include: match, MaxScan: 20}, "")
	if err != nil || len(got) != 2 || next == "" {
		t.Fatalf("bounded scan: %d found, next %q, %v", len(got), next, err)
	}
	got, _, _ = st.Newest(ctx, 5, store.Filter{Include: match, MaxScan: 20}, next)
	if len(got) != 2 || got[0].Title != "t70" {
		t.Fatalf("continuing after the bound: %+v", got)
	}
	got, next, _ = st.Newest(ctx, 20, store.Filter{Include: match}, "")
	if len(got) != 10 || next != "" {
		t.Errorf("default bound: %d found, next %q", len(got), next)
	}
}

// Cursors Newest gives pass CheckCursor; malformed ones and well-formed ones
// naming no stored position are ErrInvalidCursor, from ParseCursor,
// CheckCursor and Newest alike.
func testCursors(t *testing.T, open Open) {
	ctx := context.Background()
	st, _ := open(t, nil)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	mustApply(t, st, "a", store.SourceState{}, art("a", "1", "one", base), art("a", "2", "two", base.Add(time.Hour)), art("a", "3", "three", base.Add(2*time.Hour)))
	_, next, err := st.Newest(ctx, 1, store.Filter{}, "")
	if err != nil || next == "" {
		t.Fatalf("first page: %q %v", next, err)
	}
	if err := st.CheckCursor(ctx, next); err != nil {
		t.Fatalf("a cursor Newest gave: %v", err)
	}
	if err := st.CheckCursor(ctx, ""); err != nil {
		t.Fatalf("the empty cursor: %v", err)
	}
	if c, err := store.ParseCursor(string(next)); err != nil || c != next {
		t.Fatalf("ParseCursor(%q) = %q, %v", next, c, err)
	}

	k, _ := base64.RawURLEncoding.DecodeString(string(next))
	k[len(k)-1] ^= 1 // same form, another id
	unknown := store.Cursor(base64.RawURLEncoding.EncodeToString(k))
	for _, c := range []store.Cursor{"not base64!", "AAAA", "x", store.Cursor(strings.Repeat("A", 600)), next + "=", unknown} {
		if err := st.CheckCursor(ctx, c); !errors.Is(err, store.ErrInvalidCursor) {
			t.Errorf("CheckCursor(%.20q) = %v, want ErrInvalidCursor", c, err)
		}
		if c == unknown {
			continue // well-formed: Newest starts after the position it names
		}
		if _, err := store.ParseCursor(string(c)); !errors.Is(err, store.ErrInvalidCursor) {
			t.Errorf("ParseCursor(%.20q) = %v, want ErrInvalidCursor", c, err)
		}
		if _, _, err := st.Newest(ctx, 1, store.Filter{}, c); !errors.Is(err, store.ErrInvalidCursor) {
			t.Errorf("Newest after %.20q: %v, want ErrInvalidCursor", c, err)
		}
	}
}

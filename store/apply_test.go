package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
)

// A fetch whose articles cannot all be written keeps nothing of itself: not
// the articles that could be, and above all not its fresh validators, or the
// next fetch would get a 304 and the articles would never come back.
func TestApplyFailureKeepsOldValidators(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, nil)
	t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	old := SourceState{URL: "http://x/", ETag: `"old"`, LastModified: "Sun, 01 Feb 2026 00:00:00 GMT", BodyHash: "h1"}
	if _, err := st.Apply(ctx, "s", old, []article.Article{art("s", "1", "One", t0)}); err != nil {
		t.Fatal(err)
	}
	v := st.Version()

	good := art("s", "2", "Two", t0.Add(time.Hour))
	tooLong := art("s", "3", "Three", t0.Add(2*time.Hour))
	tooLong.ID = strings.Repeat("x", 40000) // beyond bbolt's largest key: the Put fails
	fresh := SourceState{URL: "http://x/", ETag: `"new"`, LastModified: "Mon, 02 Feb 2026 00:00:00 GMT", BodyHash: "h2"}
	_, err := st.Apply(ctx, "s", fresh, []article.Article{good, tooLong})
	if err == nil || !strings.Contains(err.Error(), "store s: article") {
		t.Fatalf("apply with an unwritable article: %v", err)
	}
	got, _, _ := st.Source(ctx, "s")
	if got.ETag != old.ETag || got.LastModified != old.LastModified || got.BodyHash != old.BodyHash {
		t.Errorf("validators after a failed write: %+v", got)
	}
	if ex, _ := st.Existing(ctx, []string{good.ID}); ex[good.ID] {
		t.Error("an article of the failed fetch was kept")
	}
	if st.Version() != v {
		t.Error("version changed by a failed write")
	}
	mustCheck(t, st)
}

// bigFetch is n articles of source s, an hour apart.
func bigFetch(n int) []article.Article {
	t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	arts := make([]article.Article, n)
	for i := range arts {
		arts[i] = art("s", fmt.Sprint("g", i), fmt.Sprint("Item ", i), t0.Add(time.Duration(i)*time.Hour))
	}
	return arts
}

// A big fetch is written in slices of sliceArticles, each its own
// transaction: another source's write commits between them, and the state
// comes with the last slice.
func TestApplyBigFetchInSlices(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, nil)
	arts := bigFetch(2*sliceArticles + 200)
	var sizes []int
	var lasts []bool
	st.sliceDone = func(src string, n int, last bool) {
		if src != "s" {
			return
		}
		sizes, lasts = append(sizes, n), append(lasts, last)
		if len(sizes) == 1 {
			// Between two slices: the state is not written yet, and another
			// source's write is not held up.
			if got, ok, _ := st.Source(ctx, "s"); ok && got.ETag != "" {
				t.Errorf("state written with the first slice: %+v", got)
			}
			if _, err := st.Apply(ctx, "other", SourceState{URL: "http://o/"}, []article.Article{art("other", "1", "One", time.Now())}); err != nil {
				t.Errorf("another source's write between slices: %v", err)
			}
		}
	}
	ch, err := st.ApplyGrouped(ctx, "s", SourceState{URL: "http://x/", ETag: `"e"`}, arts)
	if err != nil || ch.New != len(arts) {
		t.Fatalf("apply: %+v %v", ch, err)
	}
	if fmt.Sprint(sizes) != fmt.Sprint([]int{sliceArticles, sliceArticles, 200}) || fmt.Sprint(lasts) != "[false false true]" {
		t.Errorf("slices %v (last %v), want [%d %d 200]", sizes, lasts, sliceArticles, sliceArticles)
	}
	if got, _, _ := st.Source(ctx, "s"); got.ETag != `"e"` {
		t.Errorf("state after the last slice: %+v", got)
	}
	if got, _, err := st.Newest(ctx, 10, Filter{Sources: []string{"other"}}, ""); err != nil || len(got) != 1 {
		t.Errorf("the other source's article: %d stored (%v)", len(got), err)
	}
	mustCheck(t, st)

	// Bytes bound a slice too: a few huge articles each go alone.
	st.sliceDone, sizes = func(_ string, n int, _ bool) { sizes = append(sizes, n) }, nil
	huge := bigFetch(3)
	for i := range huge {
		huge[i].Content = strings.Repeat("x", sliceBytes*2/3)
	}
	if _, err := st.Apply(ctx, "s", SourceState{URL: "http://x/"}, huge); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sizes) != "[1 1 1]" {
		t.Errorf("slices of huge articles: %v", sizes)
	}
}

// A slice failing after others were committed keeps the old state, so the
// next fetch (no 304: old validators) brings everything again; what the
// earlier slices wrote stays, and is found unchanged then.
func TestApplyLaterSliceFailureKeepsOldState(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, nil)
	old := SourceState{URL: "http://x/", ETag: `"old"`, BodyHash: "h1"}
	if _, err := st.Apply(ctx, "s", old, nil); err != nil {
		t.Fatal(err)
	}
	arts := bigFetch(2*sliceArticles + 200)
	bad := arts[sliceArticles+100]
	arts[sliceArticles+100].ID = strings.Repeat("x", 40000) // beyond bbolt's largest key
	fresh := SourceState{URL: "http://x/", ETag: `"new"`, BodyHash: "h2"}
	if _, err := st.ApplyGrouped(ctx, "s", fresh, arts); err == nil || !strings.Contains(err.Error(), "store s: article") {
		t.Fatalf("apply with an unwritable article in the second slice: %v", err)
	}
	if got, _, _ := st.Source(ctx, "s"); got.ETag != old.ETag || got.BodyHash != old.BodyHash {
		t.Errorf("validators after a failed slice: %+v", got)
	}
	ex, _ := st.Existing(ctx, []string{arts[0].ID, arts[sliceArticles].ID})
	if !ex[arts[0].ID] || ex[arts[sliceArticles].ID] {
		t.Errorf("first slice kept %v, failed slice dropped %v", ex[arts[0].ID], !ex[arts[sliceArticles].ID])
	}
	mustCheck(t, st)

	arts[sliceArticles+100] = bad
	ch, err := st.ApplyGrouped(ctx, "s", fresh, arts)
	if err != nil || ch.New != len(arts)-sliceArticles || ch.Unchanged != sliceArticles {
		t.Fatalf("the next fetch: %+v %v", ch, err)
	}
	if got, _, _ := st.Source(ctx, "s"); got.ETag != fresh.ETag {
		t.Errorf("state after the next fetch: %+v", got)
	}
	mustCheck(t, st)
}

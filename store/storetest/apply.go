package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

func testApplyNewUpdatedUnchanged(t *testing.T, open Open) {
	ctx := context.Background()
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	st, _ := open(t, fixed(&clock))
	t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)

	a := art("s", "1", "One", t0)
	undated := art("s", "2", "Two", time.Time{})
	ch, err := st.Apply(ctx, "s", store.SourceState{URL: "http://x/"}, []article.Article{a, undated})
	if err != nil || ch.New != 2 {
		t.Fatalf("first apply: %+v %v", ch, err)
	}
	v := st.Version()

	clock = clock.Add(time.Hour)
	ch, err = st.Apply(ctx, "s", store.SourceState{URL: "http://x/"}, []article.Article{a, undated})
	if err != nil || ch.Unchanged != 2 || ch.New+ch.Updated != 0 {
		t.Fatalf("same items again: %+v %v", ch, err)
	}
	if st.Version() != v {
		t.Error("version changed on a write that changed nothing")
	}
	got, _, _ := st.Newest(ctx, 10, store.Filter{}, "")
	if len(got) != 2 || got[0].Title != "Two" || !got[0].Published.Equal(clock.Add(-time.Hour)) {
		t.Fatalf("undated item should keep its first-seen time: %+v", got)
	}

	n := 3
	a.Comments = &n
	ch = mustApply(t, st, "s", store.SourceState{}, a)
	if ch.Updated != 1 || st.Version() == v {
		t.Fatalf("comment count change: %+v", ch)
	}
	got, _, _ = st.Newest(ctx, 10, store.Filter{Sources: []string{"s"}}, "")
	if *got[1].Comments != 3 || !got[1].Updated.Equal(t0) {
		t.Errorf("a comment count change must not bump updated: %+v", got[1])
	}

	a.Title = "One, revised"
	mustApply(t, st, "s", store.SourceState{}, a)
	got, _, _ = st.Newest(ctx, 10, store.Filter{}, "")
	if got[1].Title != "One, revised" || !got[1].Updated.Equal(clock) {
		t.Errorf("a title change must bump updated to now: %+v", got[1])
	}
	check(t, st)
}

// Bad input is refused with an error, and leaves the source as it was.
func testApplyRefusesBadInput(t *testing.T, open Open) {
	ctx := context.Background()
	st, _ := open(t, nil)
	t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	old := store.SourceState{URL: "http://x/", ETag: `"old"`}
	mustApply(t, st, "s", old, art("s", "1", "One", t0))
	fresh := store.SourceState{URL: "http://x/", ETag: `"new"`}
	good := art("s", "2", "Two", t0.Add(time.Hour))
	_, err := st.Apply(ctx, "s", fresh, []article.Article{good, {Title: "no id"}})
	if err == nil || !strings.Contains(err.Error(), "without an id") {
		t.Errorf("article without id: %v", err)
	}
	if got, _, _ := st.Source(ctx, "s"); got.ETag != old.ETag {
		t.Errorf("a failed apply kept its validator: %+v", got)
	}
	if ex, _ := st.Existing(ctx, []string{good.ID}); ex[good.ID] {
		t.Error("an article of the failed apply was kept")
	}
	if _, err := st.Apply(ctx, "bad\x00name", fresh, nil); err == nil {
		t.Error("source name with NUL accepted")
	}
	if err := st.SaveStates(ctx, store.SourceState{}); err == nil {
		t.Error("a state without a name was saved")
	}
	check(t, st)
}

// Changed title or content update the article, moving it in time order
// when the published time moves; unchanged writes nothing.
func testApplyUpdateMovesIndexes(t *testing.T, open Open) {
	st, _ := open(t, nil)
	t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	a, b := art("s", "1", "One", t0), art("s", "2", "Two", t0.Add(time.Hour))
	mustApply(t, st, "s", store.SourceState{}, a, b)

	a.Published = t0.Add(2 * time.Hour) // the source re-dated it
	a.Content = "<p>new</p>"
	ch := mustApply(t, st, "s", store.SourceState{}, a, b)
	if ch.Updated != 1 || ch.Unchanged != 1 {
		t.Fatalf("apply: %+v", ch)
	}
	got := newestIDs(t, st, store.Filter{})
	if len(got) != 2 || got[0] != a.ID {
		t.Errorf("re-dated article not first: %v", got)
	}
	got = newestIDs(t, st, store.Filter{Sources: []string{"s"}})
	if len(got) != 2 || got[0] != a.ID {
		t.Errorf("per-source order not moved: %v", got)
	}
	check(t, st)
}

// The feeds show a source's title and URL: changing them changes Version;
// fetch bookkeeping (validators, times, errors) does not.
func testVersionFollowsShownSourceFields(t *testing.T, open Open) {
	ctx := context.Background()
	st, _ := open(t, nil)
	s := store.SourceState{Name: "s", URL: "http://x/", Title: "X"}
	if err := st.SaveStates(ctx, s); err != nil {
		t.Fatal(err)
	}
	v := st.Version()
	s.ETag, s.Failures, s.LastAttempt = `"e"`, 2, time.Now()
	st.SaveStates(ctx, s)
	if st.Version() != v {
		t.Error("version changed by fetch bookkeeping")
	}
	s.Title = "X, renamed"
	mustApply(t, st, "s", s)
	if st.Version() == v {
		t.Error("version unchanged by a new source title")
	}
	v = st.Version()
	s.EffectiveURL = "http://y/"
	st.SaveStates(ctx, s)
	if st.Version() == v {
		t.Error("version unchanged by a new feed URL")
	}
}

// Source, Sources, Existing and Articles read back what was written.
func testLookups(t *testing.T, open Open) {
	ctx := context.Background()
	st, _ := open(t, nil)
	t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	a := art("b", "1", "One", t0)
	a.Content, a.ReadTime, a.Authors = "<p>Body</p>", 3, []string{"Ann"}
	mustApply(t, st, "b", store.SourceState{URL: "http://b/", Title: "B", ETag: `"e"`}, a)
	if err := st.SaveStates(ctx, store.SourceState{Name: "a", URL: "http://a/", Failures: 2, Error: "boom"}); err != nil {
		t.Fatal(err)
	}
	srcs, err := st.Sources(ctx)
	if err != nil || len(srcs) != 2 || srcs[0].Name != "a" || srcs[1].Name != "b" {
		t.Fatalf("Sources: %+v %v, want a and b in name order", srcs, err)
	}
	if srcs[0].Failures != 2 || srcs[0].Error != "boom" || srcs[1].ETag != `"e"` || srcs[1].Title != "B" {
		t.Errorf("states read back: %+v", srcs)
	}
	if s, ok, err := st.Source(ctx, "b"); !ok || err != nil || s.Name != "b" || s.URL != "http://b/" {
		t.Errorf("Source(b) = %+v %v %v", s, ok, err)
	}
	if _, ok, err := st.Source(ctx, "nope"); ok || err != nil {
		t.Errorf("Source(nope): ok %v, %v", ok, err)
	}
	ex, err := st.Existing(ctx, []string{a.ID, "nope"})
	if err != nil || !ex[a.ID] || ex["nope"] {
		t.Errorf("Existing: %v %v", ex, err)
	}
	arts, err := st.Articles(ctx, []string{a.ID, "nope"})
	got, ok := arts[a.ID]
	if err != nil || len(arts) != 1 || !ok || got.Content != a.Content || got.ReadTime != 3 || len(got.Authors) != 1 || got.Source != "b" {
		t.Errorf("Articles: %+v %v", arts, err)
	}
}

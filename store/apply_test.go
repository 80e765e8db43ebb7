package store

import (
	"context"
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

	_, err = st.Apply(ctx, "s", fresh, []article.Article{{Title: "no id"}})
	if err == nil || !strings.Contains(err.Error(), "without an id") {
		t.Errorf("article without id: %v", err)
	}
	if _, err := st.Apply(ctx, "bad\x00name", fresh, nil); err == nil {
		t.Error("source name with NUL accepted")
	}
}

// Changed title, content or comment count update the article (moving its
// index entries when the published time moves); unchanged writes nothing.
func TestApplyUpdateMovesIndexes(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, nil)
	t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	a, b := art("s", "1", "One", t0), art("s", "2", "Two", t0.Add(time.Hour))
	st.Apply(ctx, "s", SourceState{}, []article.Article{a, b})

	a.Published = t0.Add(2 * time.Hour) // the source re-dated it
	a.Content = "<p>new</p>"
	ch, err := st.Apply(ctx, "s", SourceState{}, []article.Article{a, b})
	if err != nil || ch.Updated != 1 || ch.Unchanged != 1 {
		t.Fatalf("apply: %+v %v", ch, err)
	}
	got := newestIDs(t, st, Filter{})
	if len(got) != 2 || got[0] != a.ID {
		t.Errorf("re-dated article not first: %v", got)
	}
	got = newestIDs(t, st, Filter{Sources: []string{"s"}})
	if len(got) != 2 || got[0] != a.ID {
		t.Errorf("per-source index not moved: %v", got)
	}
	mustCheck(t, st)
}

// The feeds show a source's title and URL: changing them changes Version;
// fetch bookkeeping (validators, times, errors) does not.
func TestVersionFollowsShownSourceFields(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, nil)
	s := SourceState{Name: "s", URL: "http://x/", Title: "X"}
	st.SaveStates(ctx, s)
	v := st.Version()
	s.ETag, s.Failures, s.LastAttempt = `"e"`, 2, time.Now()
	st.SaveStates(ctx, s)
	if st.Version() != v {
		t.Error("version changed by fetch bookkeeping")
	}
	s.Title = "X, renamed"
	st.Apply(ctx, "s", s, nil)
	if st.Version() == v {
		t.Error("version unchanged by a new source title")
	}
	v = st.Version()
	s.EffectiveURL = "http://y/"
	st.SaveStates(ctx, s)
	if st.Version() == v {
		t.Error("version unchanged by a new feed URL")
	}
	if err := st.SaveStates(ctx, SourceState{}); err == nil {
		t.Error("a state without a name was saved")
	}
}

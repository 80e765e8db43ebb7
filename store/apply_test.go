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
}

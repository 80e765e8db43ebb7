// Package storetest is the conformance suite of the store's contract
// (store.Backend): one set of tests of the public API — apply, newest and
// paging, filters, cursors, tombstones, retention, stats, change watching,
// restart — that every backend must pass. A backend's package runs it from a
// test of its own:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, now func() time.Time) (store.Backend, storetest.Reopen) {
//			… a new, empty store for t alone …
//		})
//	}
//
// Tests that only one backend can run (its file format, its damage checks,
// its locks) stay beside that backend.
package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// Open returns a new, empty store for t alone whose clock is now (nil: the
// real clock), closed when t ends, and a Reopen of that same store.
type Open func(t *testing.T, now func() time.Time) (store.Backend, Reopen)

// Reopen opens the store again, with the same clock, after the test has
// closed it: what a restarted daemon would find. It is closed when t ends.
type Reopen func(t *testing.T) store.Backend

// Checker is a backend that can check its own consistency (the bbolt one
// does: every article indexed, every index entry's article stored). The
// suite checks such a backend after its writes.
type Checker interface {
	Check(ctx context.Context) error
}

// Run runs the conformance suite against the backend open makes.
func Run(t *testing.T, open Open) {
	for _, tc := range []struct {
		name string
		test func(*testing.T, Open)
	}{
		{"ApplyNewUpdatedUnchanged", testApplyNewUpdatedUnchanged},
		{"ApplyRefusesBadInput", testApplyRefusesBadInput},
		{"ApplyUpdateMovesIndexes", testApplyUpdateMovesIndexes},
		{"VersionFollowsShownSourceFields", testVersionFollowsShownSourceFields},
		{"Lookups", testLookups},
		{"NewestPaging", testNewestPaging},
		{"PagingWhileArticlesArrive", testPagingWhileArticlesArrive},
		{"SourcesFilter", testSourcesFilter},
		{"ArticleFilters", testArticleFilters},
		{"MaxScan", testMaxScan},
		{"Cursors", testCursors},
		{"SweepByCount", testSweepByCount},
		{"SweepByAge", testSweepByAge},
		{"SweepOrphans", testSweepOrphans},
		{"Tombstones", testTombstones},
		{"SweepDuringApply", testSweepDuringApply},
		{"StatsFollowWrites", testStatsFollowWrites},
		{"Watch", testWatch},
		{"Backup", testBackup},
		{"Restart", testRestart},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, open) })
	}
}

// fixed is a clock that reads *now.
func fixed(now *time.Time) func() time.Time { return func() time.Time { return *now } }

func art(src, guid, title string, pub time.Time) article.Article {
	return article.Article{ID: article.NewID(src, guid, "", title, pub), Source: src, GUID: guid, Title: title, Published: pub}
}

// feed builds n articles of src, one an hour back from end, newest first.
func feed(src string, n int, end time.Time) []article.Article {
	out := make([]article.Article, n)
	for i := range n {
		out[i] = art(src, fmt.Sprintf("%s-%d", src, i), fmt.Sprintf("%s %d", src, i), end.Add(-time.Duration(i)*time.Hour))
	}
	return out
}

func ids(arts []article.Article) []string {
	out := make([]string, len(arts))
	for i, a := range arts {
		out[i] = a.ID
	}
	return out
}

func newestIDs(t *testing.T, st store.Backend, f store.Filter) []string {
	t.Helper()
	got, _, err := st.Newest(context.Background(), 1000, f, "")
	if err != nil {
		t.Fatal(err)
	}
	return ids(got)
}

// pageAll pages through Newest n at a time and returns the ids in order.
func pageAll(t *testing.T, st store.Backend, n int, f store.Filter) []string {
	t.Helper()
	var out []string
	var cur store.Cursor
	for range 1000 {
		got, next, err := st.Newest(context.Background(), n, f, cur)
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

func mustApply(t *testing.T, st store.Backend, src string, state store.SourceState, arts ...article.Article) store.Changes {
	t.Helper()
	ch, err := st.Apply(context.Background(), src, state, arts)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// check asks a Checker backend whether it is consistent.
func check(t *testing.T, st store.Backend) {
	t.Helper()
	if c, ok := st.(Checker); ok {
		if err := c.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

package store

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/tributary-feeds/tributary/article"
)

// Changes counts what one Apply did.
type Changes struct {
	New       int // articles not seen before
	Updated   int // stored articles whose published fields changed
	Unchanged int // stored articles the fetch brought again, as they were
	Skipped   int // articles deleted by retention that the source still lists (tombstoned)
}

// Apply stores one fetched source: its articles, their indexes and its new
// fetch state. A fetch of up to sliceArticles articles is one transaction;
// a bigger one is written in slices of that many (or of sliceBytes of text),
// each its own transaction, so that other sources' commits go between them,
// and the fetch state is written with the last slice only. So a fresh
// validator (ETag, Last-Modified, body hash) is never kept for articles that
// were not: when a slice fails, the slices before it stay, the old state
// stays, and the next fetch brings everything again instead of a 304.
// Articles without a published time get the time they were first seen; an
// article whose title or content changed gets a new Updated time; an
// unchanged one writes nothing. Articles retention deleted are skipped while
// the source lists them; tombstones of articles it no longer lists are
// dropped, so arts must be everything the fetch brought.
func (s *Store) Apply(ctx context.Context, src string, state SourceState, arts []article.Article) (Changes, error) {
	return s.apply(ctx, src, state, arts, s.db.Update)
}

// ApplyGrouped is Apply for writers with many sources under way at once (the
// fetcher): concurrent calls share transactions, and so fsyncs, as bbolt's
// Batch groups them (waiting at most its MaxBatchDelay, 2ms, for company).
// Each slice of a call still commits whole or not at all, the state with the
// last: when one call of a group fails, the others are committed without it
// and it is run again alone.
func (s *Store) ApplyGrouped(ctx context.Context, src string, state SourceState, arts []article.Article) (Changes, error) {
	return s.apply(ctx, src, state, arts, s.db.Batch)
}

// The bounds of one slice of an Apply: with them, one source's write holds
// the store for a few tens of milliseconds at most, whatever it brought.
const (
	sliceArticles = 500
	sliceBytes    = 4 << 20 // of titles, summaries and contents
)

// applySlices cuts arts into the slices Apply writes one transaction each; there
// is always at least one (maybe empty), the one that carries the state.
func applySlices(arts []article.Article) [][]article.Article {
	var out [][]article.Article
	start, size := 0, 0
	for i := range arts {
		n := len(arts[i].Title) + len(arts[i].Summary) + len(arts[i].Content)
		if i > start && (i-start >= sliceArticles || size+n > sliceBytes) {
			out = append(out, arts[start:i])
			start, size = i, 0
		}
		size += n
	}
	return append(out, arts[start:])
}

// apply is Apply with the way of running the write transaction; fn may be run
// more than once (bbolt's Batch retries a failed group's calls alone), so it
// starts from nothing each time.
func (s *Store) apply(ctx context.Context, src string, state SourceState, arts []article.Article, update func(func(*bolt.Tx) error) error) (Changes, error) {
	var ch Changes
	if err := ctx.Err(); err != nil {
		return ch, err
	}
	if err := checkSourceName(src); err != nil {
		return ch, err
	}
	state.Name = src
	now := s.now().UTC()
	listed := make(map[string]bool, len(arts))
	for i := range arts {
		listed[arts[i].ID] = true
	}
	parts := applySlices(arts)
	for k, part := range parts {
		if k > 0 {
			if err := ctx.Err(); err != nil { // the state stays as it was
				return Changes{}, fmt.Errorf("store %s: %w", src, err)
			}
		}
		last := k == len(parts)-1
		var sc Changes
		shown := false
		err := update(func(tx *bolt.Tx) error {
			sc, shown = Changes{}, false
			tombs := tx.Bucket(bucketTombstones)
			for i := range part {
				a := part[i]
				a.Source = src
				if tombs.Get([]byte(a.ID)) != nil {
					sc.Skipped++
					continue
				}
				c, err := putArticle(tx, &a, now)
				if err != nil {
					return fmt.Errorf("article %q: %w", short(a.ID), err)
				}
				switch c {
				case changeNew:
					sc.New++
				case changeUpdated:
					sc.Updated++
				default:
					sc.Unchanged++
				}
			}
			if !last {
				return nil
			}
			if err := dropUnlisted(tx, src, listed); err != nil {
				return fmt.Errorf("tombstones: %w", err)
			}
			var err error
			shown, err = putState(tx, state)
			return err
		})
		if err != nil {
			return Changes{}, fmt.Errorf("store %s: %w", src, err)
		}
		if sc.New+sc.Updated > 0 || shown {
			s.version.Add(1) // readers see each committed slice
		}
		ch.New, ch.Updated = ch.New+sc.New, ch.Updated+sc.Updated
		ch.Unchanged, ch.Skipped = ch.Unchanged+sc.Unchanged, ch.Skipped+sc.Skipped
		if s.sliceDone != nil {
			s.sliceDone(src, len(part), last)
		}
	}
	return ch, nil
}

// PrepareArticle sets a's times as every backend's Apply does, before it is
// stored: prev is the stored version (nil for a new article). An article
// without a published time gets prev's, else now; one whose content changed
// gets Updated now (unless the feed's own is newer), one whose comment count
// alone changed keeps prev's Updated; Updated is never before Published. The
// caller then writes a when its encoding (EncodeArticle) differs from prev's.
func PrepareArticle(a *article.Article, prev *article.Article, now time.Time) {
	switch {
	case prev == nil:
		if a.Published.IsZero() {
			a.Published = now
		}
	default:
		if a.Published.IsZero() {
			a.Published = prev.Published
		}
		if article.SameContent(prev, a) {
			a.Updated = prev.Updated // a new comment count is not a new version
		} else if !a.Updated.After(prev.Updated) {
			a.Updated = now
		}
	}
	if a.Updated.Before(a.Published) {
		a.Updated = a.Published
	}
}

// CheckSourceName refuses a source name no backend can store: empty, or
// holding a NUL.
func CheckSourceName(src string) error { return checkSourceName(src) }

func checkSourceName(src string) error {
	if src == "" || strings.IndexByte(src, 0) >= 0 {
		return fmt.Errorf("store: invalid source name %q", src)
	}
	return nil
}

// short keeps error messages readable when an id is absurdly long.
func short(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

type change int

const (
	changeNone change = iota
	changeNew
	changeUpdated
)

func putArticle(tx *bolt.Tx, a *article.Article, now time.Time) (change, error) {
	if a.ID == "" {
		return changeNone, fmt.Errorf("article without an id")
	}
	arts := tx.Bucket(bucketArticles)
	old := arts.Get([]byte(a.ID))
	if old == nil {
		PrepareArticle(a, nil, now)
		if err := writeArticle(tx, a, nil); err != nil {
			return changeNone, err
		}
		return changeNew, nil
	}
	prev, err := decodeArticle(old)
	if err != nil {
		return changeNone, err
	}
	PrepareArticle(a, &prev, now)
	if bytes.Equal(encodeArticle(a), old) {
		return changeNone, nil
	}
	if err := writeArticle(tx, a, &prev); err != nil {
		return changeNone, err
	}
	return changeUpdated, nil
}

// writeArticle puts a and its index entries, moving them when prev was
// indexed under another time.
func writeArticle(tx *bolt.Tx, a *article.Article, prev *article.Article) error {
	byTime, bySource := tx.Bucket(bucketByTime), tx.Bucket(bucketBySource)
	if prev != nil && (prev.Source != a.Source || !bytes.Equal(timeKey(prev.Published, prev.ID), timeKey(a.Published, a.ID))) {
		if err := byTime.Delete(timeKey(prev.Published, prev.ID)); err != nil {
			return err
		}
		if err := bySource.Delete(sourceKey(prev.Source, prev.Published, prev.ID)); err != nil {
			return err
		}
	}
	if err := tx.Bucket(bucketArticles).Put([]byte(a.ID), encodeArticle(a)); err != nil {
		return err
	}
	if err := byTime.Put(timeKey(a.Published, a.ID), []byte(a.Source)); err != nil {
		return err
	}
	return bySource.Put(sourceKey(a.Source, a.Published, a.ID), nil)
}

// deleteArticle removes the article that idx_source key sk names, from the
// articles bucket and both indexes together; with tomb it leaves a tombstone.
func deleteArticle(tx *bolt.Tx, src string, tk []byte, tomb bool, now time.Time) error {
	id := tk[8:]
	if err := tx.Bucket(bucketArticles).Delete(id); err != nil {
		return err
	}
	if err := tx.Bucket(bucketByTime).Delete(tk); err != nil {
		return err
	}
	if err := tx.Bucket(bucketBySource).Delete(append(sourcePrefix(src), tk...)); err != nil {
		return err
	}
	if !tomb {
		return nil
	}
	if err := tx.Bucket(bucketTombstones).Put(bytes.Clone(id), []byte(src)); err != nil {
		return err
	}
	return tx.Bucket(bucketTombSource).Put(tombKey(src, string(id)), timeBytes(nil, now))
}

// Existing reports which of ids are stored already (or deleted and
// remembered by a tombstone), so that the fetcher enriches only new articles.
func (s *Store) Existing(ctx context.Context, ids []string) (map[string]bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ids))
	err := s.view(func(tx *bolt.Tx) error {
		arts, tombs := tx.Bucket(bucketArticles), tx.Bucket(bucketTombstones)
		for _, id := range ids {
			if arts.Get([]byte(id)) != nil || tombs.Get([]byte(id)) != nil {
				out[id] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("look up articles: %w", err)
	}
	return out, nil
}

package store

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/tributary-feeds/tributary/article"
)

// Changes counts what one Apply did.
type Changes struct {
	New       int // articles not seen before
	Updated   int // stored articles whose published fields changed
	Unchanged int // stored articles the fetch brought again, as they were
}

// Apply stores one fetched source in one transaction: its articles, their
// indexes and its new fetch state. Either all of it is committed or none, so
// a fresh validator (ETag, Last-Modified) is never kept for articles that
// were not. Articles without a published time get the time they were first
// seen; an article whose title or content changed gets a new Updated time; an
// unchanged one writes nothing.
func (s *Store) Apply(ctx context.Context, src string, state SourceState, arts []article.Article) (Changes, error) {
	var ch Changes
	if err := ctx.Err(); err != nil {
		return ch, err
	}
	state.Name = src
	now := s.now().UTC()
	err := s.db.Update(func(tx *bolt.Tx) error {
		ch = Changes{}
		for i := range arts {
			a := arts[i]
			a.Source = src
			c, err := putArticle(tx, &a, now)
			if err != nil {
				return fmt.Errorf("article %s: %w", a.ID, err)
			}
			switch c {
			case changeNew:
				ch.New++
			case changeUpdated:
				ch.Updated++
			default:
				ch.Unchanged++
			}
		}
		return putState(tx, state)
	})
	if err != nil {
		return Changes{}, fmt.Errorf("store %s: %w", src, err)
	}
	if ch.New+ch.Updated > 0 {
		s.version.Add(1)
	}
	return ch, nil
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
		if a.Published.IsZero() {
			a.Published = now
		}
		if a.Updated.Before(a.Published) {
			a.Updated = a.Published
		}
		if err := writeArticle(tx, a, nil); err != nil {
			return changeNone, err
		}
		return changeNew, nil
	}
	prev, err := decodeArticle(old)
	if err != nil {
		return changeNone, err
	}
	if a.Published.IsZero() {
		a.Published = prev.Published
	}
	if article.SameContent(&prev, a) {
		a.Updated = prev.Updated // a new comment count is not a new version
	} else if !a.Updated.After(prev.Updated) {
		a.Updated = now
	}
	if a.Updated.Before(a.Published) {
		a.Updated = a.Published
	}
	v, err := json.Marshal(a)
	if err != nil {
		return changeNone, err
	}
	if bytes.Equal(v, old) {
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
	v, err := json.Marshal(a)
	if err != nil {
		return err
	}
	byTime, bySource := tx.Bucket(bucketByTime), tx.Bucket(bucketBySource)
	if prev != nil && !prev.Published.Equal(a.Published) {
		if err := byTime.Delete(timeKey(prev.Published, prev.ID)); err != nil {
			return err
		}
		if err := bySource.Delete(sourceKey(prev.Source, prev.Published, prev.ID)); err != nil {
			return err
		}
	}
	if err := tx.Bucket(bucketArticles).Put([]byte(a.ID), v); err != nil {
		return err
	}
	if err := byTime.Put(timeKey(a.Published, a.ID), []byte(a.Source)); err != nil {
		return err
	}
	return bySource.Put(sourceKey(a.Source, a.Published, a.ID), nil)
}

// Filter narrows Newest. The zero Filter matches every article.
type Filter struct {
	// Sources, when not empty, keeps only articles of these sources.
	Sources []string
	// Match, when set, is asked of each candidate, newest first; the walk
	// stops after MaxScan candidates (default 10,000) so that a filter that
	// matches little cannot make a request walk the whole store.
	Match   func(*article.Article) bool
	MaxScan int
}

// Cursor marks where a page of Newest ended; the empty Cursor is the start.
type Cursor string

// Newest returns up to n articles matching f, newest first, starting after
// the cursor, and the cursor for the next page ("" when there is none). It
// walks the time index from the newest end: its cost follows n, not the
// store's size.
func (s *Store) Newest(ctx context.Context, n int, f Filter, after Cursor) ([]article.Article, Cursor, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if n <= 0 {
		return nil, "", nil
	}
	var start []byte
	if after != "" {
		k, err := base64.RawURLEncoding.DecodeString(string(after))
		if err != nil || len(k) < 8 {
			return nil, "", fmt.Errorf("invalid cursor %q", after)
		}
		start = k
	}
	maxScan := f.MaxScan
	if maxScan <= 0 {
		maxScan = 10000
	}
	var out []article.Article
	var next Cursor
	err := s.db.View(func(tx *bolt.Tx) error {
		arts := tx.Bucket(bucketArticles)
		c := tx.Bucket(bucketByTime).Cursor()
		var k, v []byte
		if start == nil {
			k, v = c.Last()
		} else {
			k, v = c.Seek(start)
			if k == nil {
				k, v = c.Last()
			}
			for k != nil && bytes.Compare(k, start) >= 0 {
				k, v = c.Prev()
			}
		}
		scanned := 0
		var last []byte
		for ; k != nil; k, v = c.Prev() {
			if len(out) == n {
				next = Cursor(base64.RawURLEncoding.EncodeToString(last))
				return nil
			}
			if len(f.Sources) > 0 && !slices.Contains(f.Sources, string(v)) {
				continue
			}
			raw := arts.Get(k[8:])
			if raw == nil {
				continue
			}
			a, err := decodeArticle(raw)
			if err != nil {
				return fmt.Errorf("article %s: %w", k[8:], err)
			}
			if f.Match != nil {
				if scanned++; scanned > maxScan {
					return nil
				}
				if !f.Match(&a) {
					continue
				}
			}
			out = append(out, a)
			last = append(last[:0], k...)
		}
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("read newest: %w", err)
	}
	return out, next, nil
}

// Existing reports which of ids are stored already (or deleted and
// remembered by a tombstone), so that the fetcher enriches only new articles.
func (s *Store) Existing(ctx context.Context, ids []string) (map[string]bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ids))
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketArticles)
		for _, id := range ids {
			if b.Get([]byte(id)) != nil {
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

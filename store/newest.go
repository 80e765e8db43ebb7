package store

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/tributary-feeds/tributary/article"
)

// DefaultMaxScan bounds how many candidates a filtered Newest may reject.
const DefaultMaxScan = 10000

// mergeLimit is the largest Filter.Sources set read through the per-source
// index (a merge of one cursor per source); larger sets walk the overall
// time index and skip other sources' articles. (store/storetest's
// SourcesFilter reads a set of 66 sources and one of 4, to see both agree.)
const mergeLimit = 64

// Cursor marks where a page of Newest ended; the empty Cursor is the start.
// It is opaque, safe in a URL, and stays valid while articles come and go.
type Cursor string

// Newest returns up to n articles matching f, newest first (by published
// time, then id), starting after the cursor, and the cursor for the next page
// ("" when there is none). Its cost follows n (and f.MaxScan, when f tests
// the articles themselves), not the store's size.
func (s *Store) Newest(ctx context.Context, n int, f Filter, after Cursor) ([]article.Article, Cursor, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if n <= 0 {
		return nil, "", nil
	}
	var start []byte
	if after != "" {
		k, err := cursorKey(after)
		if err != nil {
			return nil, "", err
		}
		start = k
	}
	maxScan := f.MaxScan
	if maxScan <= 0 {
		maxScan = DefaultMaxScan
	}
	m := f.matcher()
	var out []article.Article
	var next Cursor
	err := s.view(func(tx *bolt.Tx) error {
		var it walker
		srcs := slices.Compact(slices.Sorted(slices.Values(f.Sources)))
		if len(f.Tags) > 0 {
			srcs = nil // the matcher tests sources or tags
		}
		if len(srcs) > 0 && len(srcs) <= mergeLimit {
			it = newMergeWalker(tx, srcs, start)
		} else {
			it = newTimeWalker(tx, srcs, start)
		}
		arts := tx.Bucket(bucketArticles)
		rejected := 0
		var last []byte
		for {
			tk, keep := it.next()
			if tk == nil {
				return nil
			}
			if len(out) == n {
				next = cursorOf(last)
				return nil
			}
			if keep {
				raw := arts.Get(tk[8:])
				if raw == nil {
					return fmt.Errorf("index names article %s, which is missing", tk[8:])
				}
				a, err := decodeArticle(raw)
				if err != nil {
					return fmt.Errorf("article %s: %w", tk[8:], err)
				}
				if m == nil || m.match(&a) {
					out = append(out, a)
					last = append(last[:0], tk...)
					continue
				}
			}
			last = append(last[:0], tk...)
			if rejected++; rejected >= maxScan {
				if tk, _ := it.next(); tk != nil {
					next = cursorOf(last)
				}
				return nil
			}
		}
	})
	if err != nil {
		return nil, "", fmt.Errorf("read newest: %w", err)
	}
	return out, next, nil
}

func cursorOf(tk []byte) Cursor { return Cursor(base64.RawURLEncoding.EncodeToString(tk)) }

// walker yields time keys (time ‖ id) newest first; keep is false for one
// the filter's sources exclude. A nil key ends the walk. Keys are valid only
// until the next call.
type walker interface {
	next() (tk []byte, keep bool)
}

// timeWalker walks idx_time.
type timeWalker struct {
	c       *bolt.Cursor
	k, v    []byte
	started bool
	srcs    []string
}

func newTimeWalker(tx *bolt.Tx, srcs []string, start []byte) *timeWalker {
	w := &timeWalker{c: tx.Bucket(bucketByTime).Cursor(), srcs: srcs}
	w.k, w.v = lastBefore(w.c, nil, start)
	return w
}

func (w *timeWalker) next() ([]byte, bool) {
	if w.started {
		w.k, w.v = w.c.Prev()
	}
	w.started = true
	if w.k == nil {
		return nil, false
	}
	_, found := slices.BinarySearch(w.srcs, string(w.v))
	return w.k, len(w.srcs) == 0 || found
}

// mergeWalker merges the idx_source ranges of a few sources.
type mergeWalker struct {
	prefixes [][]byte
	cursors  []*bolt.Cursor
	keys     [][]byte // each cursor's current key, nil when done
	cur      int      // the cursor last yielded, to step before the next pick
}

func newMergeWalker(tx *bolt.Tx, srcs []string, start []byte) *mergeWalker {
	w := &mergeWalker{cur: -1}
	b := tx.Bucket(bucketBySource)
	for _, src := range srcs {
		p := sourcePrefix(src)
		c := b.Cursor()
		k, _ := lastBefore(c, p, start)
		w.prefixes = append(w.prefixes, p)
		w.cursors = append(w.cursors, c)
		w.keys = append(w.keys, k)
	}
	return w
}

func (w *mergeWalker) next() ([]byte, bool) {
	if w.cur >= 0 {
		k, _ := w.cursors[w.cur].Prev()
		if k != nil && !bytes.HasPrefix(k, w.prefixes[w.cur]) {
			k = nil
		}
		w.keys[w.cur] = k
	}
	w.cur = -1
	var best []byte
	for i, k := range w.keys {
		if k == nil {
			continue
		}
		tk := k[len(w.prefixes[i]):]
		if best == nil || bytes.Compare(tk, best) > 0 {
			best, w.cur = tk, i
		}
	}
	return best, true
}

// lastBefore places c on the last key with prefix that sorts before
// prefix‖start (the last key with prefix, when start is nil), and returns it
// (nil when there is none).
func lastBefore(c *bolt.Cursor, prefix, start []byte) ([]byte, []byte) {
	var k, v []byte
	if start != nil {
		k, v = c.Seek(append(bytes.Clone(prefix), start...))
	} else if prefix != nil {
		end := bytes.Clone(prefix)
		end[len(end)-1]++ // the 0 separator becomes 1: just past the prefix
		k, v = c.Seek(end)
	}
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	// Seek lands on the first key >= the target; Prev steps before it. Only
	// when Seek ran off the end did Last give a key that may still be >= it.
	if start != nil && k != nil && bytes.Compare(k, append(bytes.Clone(prefix), start...)) >= 0 {
		k, v = c.Prev()
	}
	if k != nil && !bytes.HasPrefix(k, prefix) {
		return nil, nil
	}
	return k, v
}

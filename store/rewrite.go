package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/tributary-feeds/tributary/article"
)

// Rewrite passes each stored article of ids to fn, inside one write
// transaction, and stores what fn makes of it: fn changes the article in
// place and returns false to delete it (without a tombstone, so that a
// source listing it again stores it again). The article is written as fn
// leaves it (Published and Updated included: a rule's byline or tag is not
// a new version; its id and source cannot change), and only when it
// changed. Ids not stored are skipped. It reports how many articles it
// changed and deleted. The fetcher uses it to apply changed [[rule]] tables
// to what is stored without fetching again; running fn inside the
// transaction means a fetch writing meanwhile is never undone.
func (s *Store) Rewrite(ctx context.Context, ids []string, fn func(a *article.Article) (keep bool)) (changed, deleted int, err error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		changed, deleted = 0, 0
		bucket := tx.Bucket(bucketArticles)
		for _, id := range ids {
			old := bucket.Get([]byte(id))
			if old == nil {
				continue
			}
			prev, err := decodeArticle(old)
			if err != nil {
				return fmt.Errorf("article %q: %w", short(id), err)
			}
			a, _ := decodeArticle(old) // fn's own copy
			if !fn(&a) {
				if err := deleteArticle(tx, prev.Source, timeKey(prev.Published, prev.ID), false, s.now()); err != nil {
					return fmt.Errorf("article %q: %w", short(id), err)
				}
				deleted++
				continue
			}
			a.ID, a.Source = prev.ID, prev.Source
			if a.Published.IsZero() {
				a.Published = prev.Published
			}
			if string(encodeArticle(&a)) == string(old) {
				continue
			}
			if err := writeArticle(tx, &a, &prev); err != nil {
				return fmt.Errorf("article %q: %w", short(id), err)
			}
			changed++
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("rewrite articles: %w", err)
	}
	if changed+deleted > 0 {
		s.version.Add(1)
	}
	return changed, deleted, nil
}

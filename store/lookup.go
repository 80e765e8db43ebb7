package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/tributary-feeds/tributary/article"
)

// Articles returns the stored articles among ids, by id, so that the
// fetcher can keep what enrichment found when a feed brings an article again.
func (s *Store) Articles(ctx context.Context, ids []string) (map[string]article.Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]article.Article, len(ids))
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketArticles)
		for _, id := range ids {
			v := b.Get([]byte(id))
			if v == nil {
				continue
			}
			a, err := decodeArticle(v)
			if err != nil {
				return fmt.Errorf("article %s: %w", id, err)
			}
			out[id] = a
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read articles: %w", err)
	}
	return out, nil
}

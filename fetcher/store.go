package fetcher

import (
	"context"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// Store is what the fetcher uses of the store: it reads sources' states and
// which articles are stored, and writes states alone or with a fetch's
// articles. Any backend of store's contract (store.Backend) implements it.
type Store interface {
	// Source returns the stored state of one source (ok false: none yet).
	Source(ctx context.Context, name string) (st store.SourceState, ok bool, err error)
	// SaveStates writes the states of fetches that brought no articles.
	SaveStates(ctx context.Context, states ...store.SourceState) error
	// ApplyGrouped writes a fetch's articles and its source's state in one
	// transaction, which may be shared with applies running at once.
	ApplyGrouped(ctx context.Context, src string, state store.SourceState, arts []article.Article) (store.Changes, error)
	// Existing reports which of ids are stored or tombstoned.
	Existing(ctx context.Context, ids []string) (map[string]bool, error)
	// Articles returns the stored articles of ids, by id.
	Articles(ctx context.Context, ids []string) (map[string]article.Article, error)
}

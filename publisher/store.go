package publisher

import (
	"context"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// Store is what the publisher uses of the store: pages of the newest
// articles, sources' states, readers' page cursors checked, and word of
// changes. Any backend of store's contract (store.Backend) implements it.
type Store interface {
	// Newest returns up to n articles matching f after the cursor, and the
	// cursor of the next page.
	Newest(ctx context.Context, n int, f store.Filter, after store.Cursor) ([]article.Article, store.Cursor, error)
	// CheckCursor refuses, with store.ErrInvalidCursor, a cursor that is
	// malformed or names no stored position.
	CheckCursor(ctx context.Context, c store.Cursor) error
	// Sources returns every stored source's state.
	Sources(ctx context.Context) ([]store.SourceState, error)
	// Created is when the store was created: an empty feed is as old.
	Created() time.Time
	// Version changes whenever what would be published changes. It costs
	// no I/O (the render cache reads it on every request, to tell a
	// current render from an old one); it may lag other daemons' commits
	// by as long as word of them takes to arrive.
	Version() uint64
	// Watch waits until the version is not since and returns it; its
	// error is ctx's. Run's WebSub pings wait on it.
	Watch(ctx context.Context, since uint64) (uint64, error)
}

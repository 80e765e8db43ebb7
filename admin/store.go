package admin

import (
	"context"
	"io"

	"github.com/tributary-feeds/tributary/store"
)

// States is what counting failing sources reads of the store (the HTML
// page's status strip uses CountFailing too).
type States interface {
	// Sources returns every stored source's state.
	Sources(ctx context.Context) ([]store.SourceState, error)
}

// Store is what the admin endpoints use of the store. Any backend of
// store's contract (store.Backend) implements it.
type Store interface {
	States
	// Stats counts each source's articles and the store's size.
	Stats(ctx context.Context) (store.Stats, error)
	// Backup writes a consistent copy of the whole store to w.
	Backup(ctx context.Context, w io.Writer) error
	// Path is where the store lives: the backup's local copy is made in
	// its directory.
	Path() string
}

package store

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/tributary-feeds/tributary/article"
)

// Backend is the store's contract: everything Tributary asks of its memory,
// and what a backend must guarantee. Consumers never name it: each declares
// the few methods it uses (fetcher.Store, publisher.Store, admin.Store), and
// any Backend satisfies them. *Store, the embedded bbolt file, is one
// Backend; a PostgreSQL one, shared by several daemons, is to be another.
// store/storetest is the conformance suite every Backend must pass.
//
// All methods are safe for concurrent use, by any number of goroutines and,
// for a backend that allows it, processes. Methods that take a context stop
// with its error when it ends before they begin. Cursors have one form in
// every backend (see ParseCursor): a published time and an id.
type Backend interface {
	// Apply stores one fetch of src in one transaction: its articles, the
	// indexes Newest reads, and the source's new state (ETag,
	// Last-Modified, …). Either all of it commits or none: a fresh
	// validator is never kept for articles that were not. Articles without
	// a published time get the time first seen; one whose title, content,
	// summary, link or comment count changed is rewritten (its Updated
	// moves to now unless only the comment count changed); an unchanged one
	// writes nothing; one retention deleted is skipped while its source
	// still lists it (arts must be everything the fetch brought: the
	// tombstones of articles it no longer lists are dropped). An article
	// without an id, or a source name holding a NUL, is an error.
	Apply(ctx context.Context, src string, state SourceState, arts []article.Article) (Changes, error)
	// ApplyGrouped is Apply for a writer with many sources under way at
	// once: calls may share a commit, but each call's articles and state
	// still commit together or not at all. A backend without grouping
	// makes it Apply.
	ApplyGrouped(ctx context.Context, src string, state SourceState, arts []article.Article) (Changes, error)
	// SaveStates stores the states of sources whose fetch brought no
	// articles (a 304, an error), together. A state without a name is an
	// error.
	SaveStates(ctx context.Context, states ...SourceState) error
	// Source returns one source's stored state; ok is false when it has
	// none.
	Source(ctx context.Context, name string) (st SourceState, ok bool, err error)
	// Sources returns every source's stored state, in name order.
	Sources(ctx context.Context) ([]SourceState, error)
	// Existing reports which of ids are stored or remembered by a
	// tombstone (so that the fetcher enriches only new articles).
	Existing(ctx context.Context, ids []string) (map[string]bool, error)
	// Articles returns the stored articles among ids, by id.
	Articles(ctx context.Context, ids []string) (map[string]article.Article, error)

	// Newest returns up to n articles matching f (see Filter, whose
	// Matches is the meaning every backend gives it), newest first by
	// published time, then id, from after the cursor, and the cursor of
	// the next page ("" when there is none). A cursor names a position,
	// not a page: paging with them visits every article stored throughout
	// the walk exactly once, whatever is added meanwhile (articles newer
	// than a cursor are on earlier pages; older ones are met in turn). Its cost
	// follows n, and f.MaxScan when f tests the articles themselves, not
	// the store's size. A cursor that is malformed is an error wrapping
	// ErrInvalidCursor.
	Newest(ctx context.Context, n int, f Filter, after Cursor) ([]article.Article, Cursor, error)
	// CheckCursor refuses, with an error wrapping ErrInvalidCursor, a
	// cursor that is malformed or names no stored article's position; ""
	// and the cursors Newest gives (while their articles are stored) pass.
	// It must be cheap: a server calls it before any render.
	CheckCursor(ctx context.Context, c Cursor) error

	// Sweep enforces a retention policy: articles past their source's age
	// or count go (leaving tombstones, so that a fetch does not bring them
	// back), and orphans past their grace go whole (articles, tombstones,
	// state). It runs in short transactions, so fetches go on meanwhile.
	Sweep(ctx context.Context, p RetentionPolicy) (SweepResult, error)
	// Stats summarises what the store holds; every committed write shows
	// in the next call. Schema and FileSize are the backend's own.
	Stats(ctx context.Context) (Stats, error)

	// Created is when the store was created, kept across restarts.
	Created() time.Time
	// Version changes whenever a commit, by any writer, changes what would
	// be published: new and updated articles, deletions by retention, a
	// source's title, link or feed URL; fetch bookkeeping alone does not.
	// It costs no I/O (the publisher's render cache reads it on every
	// request): a backend shared by several processes serves it from what
	// it last heard, so it may lag their commits by that delay.
	Version() uint64
	// Watch waits until Version is not since and returns it (at once when
	// it already differs). Its error is ctx's, when ctx ends first: a
	// backend that loses its source of news (a dropped LISTEN connection)
	// falls back to polling on its own rather than fail.
	Watch(ctx context.Context, since uint64) (uint64, error)

	// Backup writes a consistent copy of the whole store to w while
	// writes go on. A backend whose database has its own tools for this
	// (PostgreSQL's pg_dump) returns an error wrapping ErrNoBackup, saying
	// which.
	Backup(ctx context.Context, w io.Writer) error
	// Path names where the store lives, for messages; its directory is
	// writable (admin makes a backup's local copy there).
	Path() string
	// Close releases the store; nothing may be called after it.
	Close() error
}

var _ Backend = (*Store)(nil)

// ErrNoBackup is the error (errors.Is) of Backup on a backend that is backed
// up with its database's own tools instead.
var ErrNoBackup = errors.New("this store is backed up with its database's own tools")

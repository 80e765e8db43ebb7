// Package store is Tributary's memory: sources' fetch state and the articles
// they published, with time indexes, in one embedded bbolt file.
//
// Backend is the contract (what every backend guarantees, and what
// store/storetest checks); *Store, the bbolt file, is its embedded backend.
// The exported API names no bbolt type, so that another backend can stand
// behind the same methods.
package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrLocked is returned by Open when another process holds the store.
var ErrLocked = errors.New("store is locked by another process")

// Options tune Open.
type Options struct {
	// LockTimeout is how long Open waits for another process's lock before
	// failing with ErrLocked. Zero means 100ms.
	LockTimeout time.Duration
	// Now is the clock; nil means time.Now. Tests set it.
	Now func() time.Time
}

// Store is an open store. Its methods are safe for concurrent use.
type Store struct {
	db      *bolt.DB
	path    string
	now     func() time.Time
	version VersionClock
	created time.Time

	statsMu    sync.Mutex
	statsCache *statsAt // see Stats

	// sliceDone, when set (by tests), is called after each committed slice
	// of an Apply.
	sliceDone func(src string, articles int, last bool)
}

// Open opens the store at path, creating it only when no file is there, and
// upgrading an older schema in one transaction. It fails at once with
// ErrLocked when another process has it open, with ErrSchemaTooNew for a
// newer schema, and with ErrDamaged for a file that is empty, cut short or
// damaged (see verifyFile), leaving such a file untouched.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opt.LockTimeout <= 0 {
		opt.LockTimeout = 100 * time.Millisecond
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	exists, problems, err := verifyFile(path, true, opt.LockTimeout, 1)
	if err == nil && len(problems) > 0 {
		err = problems[0]
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if !exists {
		// Only a missing file makes a new store: an empty one is an error.
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
	}
	db, err := openBolt(path, opt.LockTimeout, false)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, path: path, now: opt.Now}
	err = db.View(current)
	if errors.Is(err, errNeedsMigration) {
		err = db.Update(migrateAt(opt.Now())) // else up to date: no write, no fsync on open
	}
	if err == nil {
		err = db.View(func(tx *bolt.Tx) error {
			s.created = time.Unix(0, int64(binary.BigEndian.Uint64(tx.Bucket(bucketMeta).Get(keyCreated)))).UTC()
			return nil
		})
	}
	if errors.Is(err, berrors.ErrIncompatibleValue) {
		err = fmt.Errorf("%w: a key of the root that must be a bucket holds a value", ErrDamaged)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// Start from the clock so that a restarted daemon never repeats a
	// version a cache may still hold.
	s.version.Store(uint64(opt.Now().UnixNano()))
	return s, nil
}

// openBolt opens the file with a lock timeout, mapping a timeout to ErrLocked.
// The freelist is kept as a map, which makes commits cheaper. It is written
// at every commit while the file is smaller than freelistSyncBelow, so that
// the next open reads it instead of rebuilding it from every page; a larger
// file rebuilds it on open (NoFreelistSync), because there the list written
// with each commit would cost more than the rebuild once per start (see
// "The freelist trade-off" in bench/README.md). bbolt moves between the two
// by itself. Every commit is fsynced: NoSync stays off.
func openBolt(path string, timeout time.Duration, readOnly bool) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        timeout,
		ReadOnly:       readOnly,
		FreelistType:   bolt.FreelistMapType,
		NoFreelistSync: !syncFreelist(path),
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, ErrLocked
	}
	if db != nil {
		// ApplyGrouped's wait for company: long enough to gather the
		// fetches finishing together, short beside a fetch.
		db.MaxBatchDelay = 2 * time.Millisecond
	}
	return db, err
}

// freelistSyncBelow is the file size under which the freelist is written
// at every commit: rebuilding it costs ~0.5 ms per MB of file on open, and
// below this size the list itself stays a few tens of KB.
var freelistSyncBelow int64 = 128 << 20

// syncFreelist reports whether the file at path is small enough to write
// its freelist at every commit (a new file is).
func syncFreelist(path string) bool {
	fi, err := os.Stat(path)
	return err != nil || fi.Size() < freelistSyncBelow
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Path is the store's file.
func (s *Store) Path() string { return s.path }

// Version changes whenever a write changes what would be published: new and
// updated articles, and deletions by retention.
func (s *Store) Version() uint64 { return s.version.Load() }

// Created is when the store was created (for a store made by a version that
// did not record it: when this version first opened it). An empty feed is
// as old as its store.
func (s *Store) Created() time.Time { return s.created }

// Backup writes a consistent copy of the whole store to w, while writes go on.
// It holds a read transaction for as long as w takes: give it a file or a
// response, not something that may block for ever.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.view(func(tx *bolt.Tx) error {
		_, err := tx.WriteTo(&ctxWriter{ctx: ctx, w: w})
		return err
	})
	if err != nil {
		return fmt.Errorf("back up store %s: %w", s.path, err)
	}
	return nil
}

// ctxWriter stops a long copy when its context ends.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// Package store is Tributary's memory: sources' fetch state and the articles
// they published, with time indexes, in one embedded bbolt file.
//
// The exported API names no bbolt type, so that another backend can stand
// behind the same methods.
package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/tributary-feeds/tributary/article"
)

// SchemaVersion is the layout this code reads and writes.
const SchemaVersion = 1

var (
	bucketMeta     = []byte("meta")
	bucketSources  = []byte("sources")
	bucketArticles = []byte("articles")
	bucketByTime   = []byte("idx_time")   // published(8, big-endian) ‖ id → source name
	bucketBySource = []byte("idx_source") // source ‖ 0 ‖ published(8) ‖ id → nil
	keySchema      = []byte("schema_version")
	allBuckets     = [][]byte{bucketMeta, bucketSources, bucketArticles, bucketByTime, bucketBySource}
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
	version atomic.Uint64
}

// Open opens (creating if needed) the store at path. It fails at once with
// ErrLocked when another process has it open.
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
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opt.LockTimeout, FreelistType: bolt.FreelistMapType, NoFreelistSync: true})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("open store %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, path: path, now: opt.Now}
	if err := db.Update(s.migrate); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s.version.Store(uint64(opt.Now().UnixNano()))
	return s, nil
}

func (s *Store) migrate(tx *bolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	meta := tx.Bucket(bucketMeta)
	if v := meta.Get(keySchema); v != nil {
		have := int(binary.BigEndian.Uint64(v))
		if have > SchemaVersion {
			return fmt.Errorf("store schema version %d is newer than this tributary's %d: upgrade tributary", have, SchemaVersion)
		}
	}
	return meta.Put(keySchema, u64(SchemaVersion))
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Path is the store's file.
func (s *Store) Path() string { return s.path }

// Version changes whenever a write changes what would be published.
func (s *Store) Version() uint64 { return s.version.Load() }

// Backup writes a consistent copy of the whole store to w.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx *bolt.Tx) error {
		_, err := tx.WriteTo(w)
		return err
	})
}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func timeKey(t time.Time, id string) []byte {
	k := make([]byte, 8, 8+len(id))
	binary.BigEndian.PutUint64(k, uint64(t.UnixNano()))
	return append(k, id...)
}

func sourceKey(src string, t time.Time, id string) []byte {
	k := make([]byte, 0, len(src)+1+8+len(id))
	k = append(k, src...)
	k = append(k, 0)
	return append(k, timeKey(t, id)...)
}

func decodeArticle(v []byte) (article.Article, error) {
	var a article.Article
	err := json.Unmarshal(v, &a)
	return a, err
}

package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout this code reads and writes (see keys.go).
//
//	1  the walking skeleton: JSON articles, idx_time → source name, times as
//	   plain Unix nanoseconds (wrong order before 1970), no tombstones.
//	2  binary articles, sign-flipped time keys, tombstones and orphans.
const SchemaVersion = 2

// ErrSchemaTooNew is returned by Open for a store written by a newer
// Tributary: this one would not know how to read it.
var ErrSchemaTooNew = errors.New("store schema is newer than this tributary supports")

// upgrades[v] turns schema v into v+1, inside the opening transaction.
var upgrades = map[uint64]func(*bolt.Tx) error{
	1: upgradeV1,
}

// migrate creates a new store, or brings an older one to SchemaVersion, all
// in the one transaction Open runs it in: a failed upgrade leaves the file as
// it was.
// errNeedsMigration is current's answer for a file migrate must write to.
var errNeedsMigration = errors.New("store needs migration")

// current reports, in a read transaction, whether the file is already what
// migrate would leave: the current schema and every bucket.
func current(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return errNeedsMigration
	}
	if v := meta.Get(keySchema); len(v) != 8 || binary.BigEndian.Uint64(v) != SchemaVersion {
		return errNeedsMigration
	}
	if len(meta.Get(keyCreated)) != 8 {
		return errNeedsMigration
	}
	for _, name := range allBuckets {
		if tx.Bucket(name) == nil {
			return errNeedsMigration
		}
	}
	return nil
}

// migrateAt is migrate for a store opened at now: a new store, or one made
// before stores recorded it, is created now.
func migrateAt(now time.Time) func(*bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		if err := migrate(tx); err != nil {
			return err
		}
		meta := tx.Bucket(bucketMeta)
		if len(meta.Get(keyCreated)) == 8 {
			return nil
		}
		return meta.Put(keyCreated, u64(uint64(now.UnixNano())))
	}
}

func migrate(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	var have uint64
	if meta != nil {
		if v := meta.Get(keySchema); len(v) == 8 {
			have = binary.BigEndian.Uint64(v)
		}
	}
	if have == 0 && tx.Bucket(bucketArticles) != nil {
		have = 1 // a skeleton file that lost its meta: it can only be schema 1
	}
	if have > SchemaVersion {
		return fmt.Errorf("%w: the file is schema version %d, this tributary reads version %d: upgrade tributary", ErrSchemaTooNew, have, SchemaVersion)
	}
	if have == SchemaVersion {
		// Current, yet not whole: a bucket lost from the root (a damaged
		// count, say) must not come back empty, its articles gone quietly.
		for _, name := range allBuckets {
			if b := tx.Bucket(name); b == nil {
				return fmt.Errorf("%w: bucket %q is missing, or is not a bucket", ErrDamaged, name)
			}
		}
	}
	if have != 0 {
		for v := have; v < SchemaVersion; v++ {
			if err := upgrades[v](tx); err != nil {
				return fmt.Errorf("upgrade schema %d to %d: %w", v, v+1, err)
			}
		}
	}
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Put(keySchema, u64(SchemaVersion))
}

// upgradeV1 re-encodes every article in the binary codec and rebuilds both
// indexes with the new time keys. It works in batches (reading a batch with a
// cursor, then writing it) because a bucket must not change under a cursor.
func upgradeV1(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketByTime, bucketBySource} {
		if tx.Bucket(name) != nil {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
	}
	byTime, err := tx.CreateBucket(bucketByTime)
	if err != nil {
		return err
	}
	bySource, err := tx.CreateBucket(bucketBySource)
	if err != nil {
		return err
	}
	arts, err := tx.CreateBucketIfNotExists(bucketArticles)
	if err != nil {
		return err
	}
	const batch = 5000
	var after []byte
	for {
		type kv struct{ k, v []byte }
		var todo []kv
		c := arts.Cursor()
		k, v := c.First()
		if after != nil {
			k, v = c.Seek(after)
			if k != nil && bytes.Equal(k, after) {
				k, v = c.Next()
			}
		}
		for ; k != nil && len(todo) < batch; k, v = c.Next() {
			todo = append(todo, kv{bytes.Clone(k), bytes.Clone(v)})
		}
		if len(todo) == 0 {
			return nil
		}
		for _, e := range todo {
			a, err := decodeArticle(e.v)
			if err != nil {
				return fmt.Errorf("article %s: %w", e.k, err)
			}
			if a.ID != string(e.k) || a.Source == "" {
				return fmt.Errorf("article %s: stored under another id (%q) or without a source", e.k, a.ID)
			}
			if err := arts.Put(e.k, encodeArticle(&a)); err != nil {
				return err
			}
			if err := byTime.Put(timeKey(a.Published, a.ID), []byte(a.Source)); err != nil {
				return err
			}
			if err := bySource.Put(sourceKey(a.Source, a.Published, a.ID), nil); err != nil {
				return err
			}
		}
		after = todo[len(todo)-1].k
	}
}

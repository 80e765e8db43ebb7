package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Tombstone is an article retention deleted, remembered while its source
// still lists it.
type Tombstone struct {
	ID, Source string
	Deleted    int64 // Unix nanoseconds
}

// Tombstones lists every tombstone, for copying the store into another
// backend (tributary migrate-store).
func (s *Store) Tombstones(ctx context.Context) ([]Tombstone, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []Tombstone
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTombSource).ForEach(func(k, v []byte) error {
			src, tk, ok := splitSourceKey(append(append([]byte(nil), k...), make([]byte, 8)...))
			if !ok || len(v) != 8 {
				return fmt.Errorf("bad tombstone key %q", k)
			}
			out = append(out, Tombstone{ID: string(tk[:len(tk)-8]), Source: src, Deleted: bytesTime(v).UnixNano()})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read tombstones: %w", err)
	}
	return out, nil
}

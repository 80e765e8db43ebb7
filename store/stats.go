package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Stats is a summary of what the store holds, for status pages and metrics.
type Stats struct {
	Articles int
	FileSize int64 // bytes on disk
	Sources  map[string]SourceStats
}

// SourceStats is what the store holds of one source.
type SourceStats struct {
	Articles int
	Newest   time.Time // published time of its newest article; zero when none
}

// Stats summarises the store.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	if err := ctx.Err(); err != nil {
		return Stats{}, err
	}
	st := Stats{Sources: map[string]SourceStats{}}
	err := s.db.View(func(tx *bolt.Tx) error {
		st.Articles = tx.Bucket(bucketArticles).Stats().KeyN
		return tx.Bucket(bucketBySource).ForEach(func(k, _ []byte) error {
			i := bytes.IndexByte(k, 0)
			if i < 0 || len(k) < i+9 {
				return nil
			}
			name := string(k[:i])
			ss := st.Sources[name]
			ss.Articles++
			// Keys of one source are in time order: the last one seen is the newest.
			ss.Newest = time.Unix(0, int64(binary.BigEndian.Uint64(k[i+1:i+9]))).UTC()
			st.Sources[name] = ss
			return nil
		})
	})
	if err != nil {
		return Stats{}, fmt.Errorf("store stats: %w", err)
	}
	if fi, err := os.Stat(s.path); err == nil {
		st.FileSize = fi.Size()
	}
	return st, nil
}

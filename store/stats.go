package store

import (
	"context"
	"fmt"
	"maps"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Stats is a summary of what the store holds, for status pages and metrics.
type Stats struct {
	Articles   int
	Tombstones int   // deleted articles their sources still list
	Schema     int   // schema version of the file
	FileSize   int64 // bytes on disk
	Sources    map[string]SourceStats
}

// SourceStats is what the store holds of one source.
type SourceStats struct {
	Articles int
	Newest   time.Time // published time of its newest article; zero when none
}

// statsAt is Stats as of one committed write transaction.
type statsAt struct {
	txid  int
	stats Stats
}

// Stats summarises the store.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	if err := ctx.Err(); err != nil {
		return Stats{}, err
	}
	st := Stats{Sources: map[string]SourceStats{}}
	var txid int
	cached := false
	err := s.view(func(tx *bolt.Tx) error {
		// Every committed write transaction has a new id: the same id
		// means the same data, and the walk below (a second at a million
		// articles) need not run again for each metrics scrape.
		txid = tx.ID()
		s.statsMu.Lock()
		c := s.statsCache
		s.statsMu.Unlock()
		if c != nil && c.txid == txid {
			st = c.stats
			st.Sources = maps.Clone(c.stats.Sources)
			cached = true
			return nil
		}
		st.Articles = tx.Bucket(bucketArticles).Stats().KeyN
		st.Tombstones = tx.Bucket(bucketTombstones).Stats().KeyN
		st.Schema = SchemaVersion
		return tx.Bucket(bucketBySource).ForEach(func(k, _ []byte) error {
			name, tk, ok := splitSourceKey(k)
			if !ok {
				return nil
			}
			ss := st.Sources[name]
			ss.Articles++
			// Keys of one source are in time order: the last one seen is the newest.
			ss.Newest = bytesTime(tk[:8])
			st.Sources[name] = ss
			return nil
		})
	})
	if err != nil {
		return Stats{}, fmt.Errorf("store stats: %w", err)
	}
	if !cached {
		s.statsMu.Lock()
		s.statsCache = &statsAt{txid: txid, stats: st}
		s.statsCache.stats.Sources = maps.Clone(st.Sources)
		s.statsMu.Unlock()
	}
	if fi, err := os.Stat(s.path); err == nil {
		st.FileSize = fi.Size()
	}
	return st, nil
}

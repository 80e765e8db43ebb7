package store

import (
	"encoding/binary"
	"time"
)

// Buckets of schema 2.
//
//	meta        schema_version → uint64; created_at → Unix nanoseconds (see Store.Created)
//	sources     name → SourceState (binary, statecodec.go; JSON before)
//	articles    id → article (codec.go)
//	idx_time    time(8) ‖ id → source name
//	idx_source  source ‖ 0 ‖ time(8) ‖ id → empty
//	tombstones  id → source name
//	tomb_source source ‖ 0 ‖ id → deleted at, time(8)
//	orphans     source name → time(8) it was first seen missing from the config
//
// time(8) is the published time in Unix nanoseconds with the sign bit
// flipped, big-endian, so that byte order is time order (also before 1970).
var (
	bucketMeta       = []byte("meta")
	bucketSources    = []byte("sources")
	bucketArticles   = []byte("articles")
	bucketByTime     = []byte("idx_time")
	bucketBySource   = []byte("idx_source")
	bucketTombstones = []byte("tombstones")
	bucketTombSource = []byte("tomb_source")
	bucketOrphans    = []byte("orphans")
	keySchema        = []byte("schema_version")
	keyCreated       = []byte("created_at")
	allBuckets       = [][]byte{bucketMeta, bucketSources, bucketArticles, bucketByTime, bucketBySource, bucketTombstones, bucketTombSource, bucketOrphans}
)

var (
	minTime = time.Unix(0, -1<<63)
	maxTime = time.Unix(0, 1<<63-1)
)

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

// timeBytes is t as 8 bytes ordered like time; times beyond what Unix
// nanoseconds hold (years before 1678 or after 2262) are clamped.
func timeBytes(b []byte, t time.Time) []byte {
	switch {
	case t.Before(minTime):
		t = minTime
	case t.After(maxTime):
		t = maxTime
	}
	return binary.BigEndian.AppendUint64(b, uint64(t.UnixNano())^(1<<63))
}

func bytesTime(b []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(b)^(1<<63))).UTC()
}

// timeKey is the idx_time key, and the position a Cursor names.
func timeKey(t time.Time, id string) []byte {
	k := make([]byte, 0, 8+len(id))
	k = timeBytes(k, t)
	return append(k, id...)
}

func sourcePrefix(src string) []byte {
	k := make([]byte, 0, len(src)+1+8+32)
	k = append(k, src...)
	return append(k, 0)
}

// sourceKey is the idx_source key: the source's prefix, then the timeKey.
func sourceKey(src string, t time.Time, id string) []byte {
	k := sourcePrefix(src)
	k = timeBytes(k, t)
	return append(k, id...)
}

func tombKey(src, id string) []byte {
	return append(sourcePrefix(src), id...)
}

// splitSourceKey returns the source and the timeKey of an idx_source key.
func splitSourceKey(k []byte) (src string, tk []byte, ok bool) {
	for i, c := range k {
		if c == 0 {
			if len(k) < i+1+8 {
				return "", nil, false
			}
			return string(k[:i]), k[i+1:], true
		}
	}
	return "", nil, false
}

package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
)

// dropUnlisted removes src's tombstones whose ids the fetch did not list:
// once a source stops listing an item it cannot bring it back, so there is
// nothing left to remember. Its cost follows the source's tombstones, which
// are at most what it listed plus what retention deleted since.
func dropUnlisted(tx *bolt.Tx, src string, listed map[string]bool) error {
	prefix := sourcePrefix(src)
	var drop [][]byte
	c := tx.Bucket(bucketTombSource).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if !listed[string(k[len(prefix):])] {
			drop = append(drop, bytes.Clone(k))
		}
	}
	return dropTombs(tx, prefix, drop)
}

// dropAllTombs removes every tombstone of src (an orphan's, when it goes).
func dropAllTombs(tx *bolt.Tx, src string) error {
	return dropUnlisted(tx, src, nil)
}

func dropTombs(tx *bolt.Tx, prefix []byte, keys [][]byte) error {
	bySrc, byID := tx.Bucket(bucketTombSource), tx.Bucket(bucketTombstones)
	for _, k := range keys {
		if err := bySrc.Delete(k); err != nil {
			return err
		}
		if err := byID.Delete(k[len(prefix):]); err != nil {
			return err
		}
	}
	return nil
}

package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// maxProblems caps how many problems Check reports.
const maxProblems = 20

// Check verifies the store is whole: bbolt's own page check, then that every
// article decodes under its own id and has exactly its two index entries
// (idx_time naming its source, idx_source), that neither index holds
// anything else, and that tombstones agree with each other and name no
// stored article. It reads everything, in one read transaction: an
// operator's tool and a test's, not something to run per request.
func (s *Store) Check(ctx context.Context) error {
	problems, err := s.check(ctx)
	if err != nil {
		return fmt.Errorf("check store %s: %w", s.path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("check store %s: %w", s.path, errors.Join(problems...))
	}
	return nil
}

// CheckFile checks the store file at path, which no daemon may have open
// (ErrLocked), without writing to it: first what Open checks before bbolt
// maps it (its meta pages, its size, its page tree; see verifyFile), then,
// when that passes, everything Check verifies. It returns the problems
// found (at most 20), each wrapping ErrDamaged; err is for a check that
// could not be made (no file, a lock, a cancelled ctx).
func CheckFile(ctx context.Context, path string) (problems []error, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	exists, problems, err := verifyFile(path, false, 100*time.Millisecond, maxProblems)
	switch {
	case err != nil:
		return nil, fmt.Errorf("check store %s: %w", path, err)
	case !exists:
		return nil, fmt.Errorf("check store %s: %w", path, os.ErrNotExist)
	case len(problems) > 0:
		return problems, nil
	}
	db, err := openBolt(path, 100*time.Millisecond, true)
	if err != nil {
		return nil, fmt.Errorf("check store %s: %w", path, err)
	}
	defer db.Close()
	if err := db.View(current); errors.Is(err, errNeedsMigration) {
		return []error{fmt.Errorf("%w: the store lacks its buckets or has an older schema (open it once with tributary run, which upgrades it, then check again)", ErrDamaged)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("check store %s: %w", path, err)
	}
	s := &Store{db: db, path: path, now: time.Now}
	problems, err = s.check(ctx)
	if err != nil {
		return nil, fmt.Errorf("check store %s: %w", path, err)
	}
	for i, p := range problems {
		problems[i] = fmt.Errorf("%w: %w", ErrDamaged, p)
	}
	return problems, nil
}

// check is Check's work: the problems found, at most maxProblems.
func (s *Store) check(ctx context.Context) ([]error, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var problems []error
	bad := func(format string, args ...any) bool {
		problems = append(problems, fmt.Errorf(format, args...))
		return len(problems) < maxProblems
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			if !bad("bbolt: %v", err) {
				return nil
			}
		}
		if v := tx.Bucket(bucketMeta).Get(keySchema); len(v) != 8 || binary.BigEndian.Uint64(v) != SchemaVersion {
			bad("schema version is %x, want %d", v, SchemaVersion)
		}
		arts, byTime, bySource := tx.Bucket(bucketArticles), tx.Bucket(bucketByTime), tx.Bucket(bucketBySource)
		tombs, tombSrc := tx.Bucket(bucketTombstones), tx.Bucket(bucketTombSource)
		srcCur := bySource.Cursor()
		n := 0
		c := arts.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if n++; n%4096 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			a, err := decodeArticle(v)
			switch {
			case err != nil:
				if !bad("article %s does not decode: %v", k, err) {
					return nil
				}
				continue
			case a.ID != string(k):
				if !bad("article %s holds id %q", k, a.ID) {
					return nil
				}
			case a.Source == "":
				if !bad("article %s has no source", k) {
					return nil
				}
			}
			if got := byTime.Get(timeKey(a.Published, a.ID)); string(got) != a.Source {
				if !bad("article %s (%s, %s): idx_time entry is %q", k, a.Source, a.Published, got) {
					return nil
				}
			}
			sk := sourceKey(a.Source, a.Published, a.ID)
			if got, _ := srcCur.Seek(sk); !bytes.Equal(got, sk) {
				if !bad("article %s (%s, %s): no idx_source entry", k, a.Source, a.Published) {
					return nil
				}
			}
			if tombs.Get(k) != nil {
				if !bad("article %s is stored and tombstoned", k) {
					return nil
				}
			}
		}
		// Each article has its own entries; equal counts mean there are no others.
		if nt, ns := bucketLen(byTime), bucketLen(bySource); nt != n || ns != n {
			bad("%d articles but %d idx_time and %d idx_source entries", n, nt, ns)
		}
		nts := 0
		err := tombSrc.ForEach(func(k, _ []byte) error {
			nts++
			i := bytes.IndexByte(k, 0)
			if i < 0 || string(tombs.Get(k[i+1:])) != string(k[:i]) {
				if !bad("tomb_source entry %q has no matching tombstone", k) {
					return errors.New("too many problems")
				}
			}
			return nil
		})
		if err != nil {
			return nil
		}
		if nt := bucketLen(tombs); nt != nts {
			bad("%d tombstones but %d tomb_source entries", nt, nts)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return problems, nil
}

func bucketLen(b *bolt.Bucket) int {
	n := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	return n
}

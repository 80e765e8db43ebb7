package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Limits bound what the store keeps of one source. Zero means no limit.
type Limits struct {
	MaxAge       time.Duration // drop articles published longer ago than this
	MaxPerSource int           // keep at most this many, the newest
}

// RetentionPolicy is what Sweep enforces: [store] max_age, max_per_source
// and orphan_grace, and each configured [[source]] with its own limits. The
// store takes plain values so that it does not depend on the config package.
type RetentionPolicy struct {
	// Default applies to every configured source, field by field, where its
	// own Limits leave a field zero.
	Default Limits
	// Sources are the sources in the configuration, by name. A source the
	// store holds that is not here is an orphan.
	Sources map[string]Limits
	// OrphanGrace is how long an orphan keeps its articles, counted from the
	// first Sweep that found it missing; then its articles, tombstones and
	// fetch state go. A source that comes back before then keeps everything.
	OrphanGrace time.Duration
}

// For is what p allows of the source name: its own Limits, each zero field
// taking Default's. configured is false for a source p does not name (an
// orphan).
func (p RetentionPolicy) For(name string) (lim Limits, configured bool) {
	lim, configured = p.Sources[name]
	if lim.MaxAge == 0 {
		lim.MaxAge = p.Default.MaxAge
	}
	if lim.MaxPerSource == 0 {
		lim.MaxPerSource = p.Default.MaxPerSource
	}
	return lim, configured
}

// SweepResult counts what a Sweep deleted.
type SweepResult struct {
	Expired   int // articles older than their source's max_age
	OverLimit int // articles beyond their source's max_per_source
	Orphaned  int // articles of sources gone from the config for longer than the grace
	// OrphansWaiting are sources missing from the config whose grace has not
	// run out yet.
	OrphansWaiting []string
	// SourcesRemoved are orphans whose articles and state were deleted.
	SourcesRemoved []string
}

// Deleted is the number of articles the sweep deleted.
func (r SweepResult) Deleted() int { return r.Expired + r.OverLimit + r.Orphaned }

// sweepBatch bounds the deletions of one transaction, so that a first sweep
// of a large store does not hold the write lock for long.
const sweepBatch = 5000

// Sweep enforces p: expired articles and those beyond a source's count
// leave the articles bucket and both indexes together, leaving a tombstone
// so that the next fetch does not add them again; orphans past their grace
// go without tombstones. It runs one short transaction per source (and per
// sweepBatch deletions), so fetches go on meanwhile. Its cost follows the
// number of sources plus what it deletes, plus, for sources with
// MaxPerSource, their article counts.
func (s *Store) Sweep(ctx context.Context, p RetentionPolicy) (SweepResult, error) {
	var res SweepResult
	names, err := s.knownSources(ctx)
	if err != nil {
		return res, err
	}
	now := s.now().UTC()
	defer func() {
		if res.Deleted() > 0 {
			s.version.Add(1)
		}
	}()
	var jobs []sweepJob
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		lim, configured := p.For(name)
		if !configured {
			if err := s.sweepOrphan(name, now, p.OrphanGrace, &res); err != nil {
				return res, fmt.Errorf("sweep orphan %s: %w", name, err)
			}
			continue
		}
		job := sweepJob{src: name, lim: lim, cutoff: timeBytes(nil, now.Add(-lim.MaxAge))}
		work, err := s.sweepWork(job)
		if err != nil {
			return res, fmt.Errorf("sweep %s: %w", name, err)
		}
		if work {
			jobs = append(jobs, job)
		}
	}
	for len(jobs) > 0 {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		var err error
		if jobs, err = s.sweepSome(jobs, now, &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// sweepJob is one configured source with something to delete.
type sweepJob struct {
	src    string
	lim    Limits
	cutoff []byte
}

// sweepWork finds, in a read transaction, whether job's source has anything
// to delete, so that sweeping sources within their limits costs no commit
// (and no fsync).
func (s *Store) sweepWork(job sweepJob) (work bool, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		work = tx.Bucket(bucketOrphans).Get([]byte(job.src)) != nil || len(overLimits(tx, job.src, job.lim, job.cutoff, 1)) > 0
		return nil
	})
	return work, err
}

// sweepSome deletes, in one transaction, what the first jobs' limits no
// longer allow, up to sweepBatch articles, and returns the jobs left: many
// sources share a commit (one fsync; with one per source, expiring 3% of a
// million articles over 10,000 sources took 24s), and a transaction stays
// as short as before.
func (s *Store) sweepSome(jobs []sweepJob, now time.Time, res *SweepResult) ([]sweepJob, error) {
	var expired, over int
	left := jobs
	err := s.db.Update(func(tx *bolt.Tx) error {
		room := sweepBatch
		for len(left) > 0 && room > 0 {
			job := left[0]
			if err := tx.Bucket(bucketOrphans).Delete([]byte(job.src)); err != nil {
				return fmt.Errorf("sweep %s: %w", job.src, err)
			}
			// Found again inside this transaction: an Apply may have moved
			// an article since the read in sweepWork.
			victims := overLimits(tx, job.src, job.lim, job.cutoff, room)
			for _, v := range victims {
				if err := deleteArticle(tx, job.src, v.tk, true, now); err != nil {
					return fmt.Errorf("sweep %s: %w", job.src, err)
				}
				if v.expired {
					expired++
				} else {
					over++
				}
			}
			room -= len(victims)
			if room > 0 { // all of this source's done
				left = left[1:]
			}
		}
		return nil
	})
	if err != nil {
		return jobs, err
	}
	res.Expired += expired
	res.OverLimit += over
	return left, nil
}

// knownSources lists every source the store holds anything of.
func (s *Store) knownSources(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	set := map[string]bool{}
	err := s.view(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketBySource, bucketTombSource} {
			c := tx.Bucket(b).Cursor()
			for k, _ := c.First(); k != nil; {
				src, _, ok := splitSourceKey(append(bytes.Clone(k), make([]byte, 8)...))
				if !ok {
					return fmt.Errorf("bad key %q in %s", k, b)
				}
				set[src] = true
				end := sourcePrefix(src)
				end[len(end)-1]++
				k, _ = c.Seek(end) // skip the rest of this source
			}
		}
		for _, b := range [][]byte{bucketSources, bucketOrphans} {
			if err := tx.Bucket(b).ForEach(func(k, _ []byte) error {
				set[string(k)] = true
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, nil
}

type victim struct {
	tk      []byte // time ‖ id
	expired bool   // by age, else by count
}

// overLimits finds up to max articles of src that lim does not allow:
// published before cutoff (with a MaxAge), or beyond the newest MaxPerSource.
func overLimits(tx *bolt.Tx, src string, lim Limits, cutoff []byte, max int) []victim {
	if lim.MaxAge <= 0 && lim.MaxPerSource <= 0 {
		return nil
	}
	prefix := sourcePrefix(src)
	var out []victim
	c := tx.Bucket(bucketBySource).Cursor()
	if lim.MaxPerSource > 0 {
		// Newest first: past the first MaxPerSource everything goes.
		k, _ := lastBefore(c, prefix, nil)
		for i := 0; k != nil && bytes.HasPrefix(k, prefix) && len(out) < max; i++ {
			tk := k[len(prefix):]
			expired := lim.MaxAge > 0 && bytes.Compare(tk[:8], cutoff) < 0
			if expired || i >= lim.MaxPerSource {
				out = append(out, victim{bytes.Clone(tk), expired})
			}
			k, _ = c.Prev()
		}
		return out
	}
	// Oldest first, until the cutoff.
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(out) < max; k, _ = c.Next() {
		tk := k[len(prefix):]
		if bytes.Compare(tk[:8], cutoff) >= 0 {
			break
		}
		out = append(out, victim{bytes.Clone(tk), true})
	}
	return out
}

// sweepOrphan marks src as missing from the config, or, once its grace has
// run out, deletes all it left: articles, tombstones, fetch state.
func (s *Store) sweepOrphan(src string, now time.Time, grace time.Duration, res *SweepResult) error {
	waiting := false
	err := s.view(func(tx *bolt.Tx) error {
		since := tx.Bucket(bucketOrphans).Get([]byte(src))
		waiting = since != nil && now.Sub(bytesTime(since)) < grace
		return nil
	})
	if err != nil {
		return err
	}
	if waiting { // the common case: nothing to write
		res.OrphansWaiting = append(res.OrphansWaiting, src)
		return nil
	}
	for {
		done := true
		err := s.db.Update(func(tx *bolt.Tx) error {
			orphans := tx.Bucket(bucketOrphans)
			since := orphans.Get([]byte(src))
			if since == nil {
				since = timeBytes(nil, now)
				if err := orphans.Put([]byte(src), since); err != nil {
					return err
				}
			}
			if now.Sub(bytesTime(since)) < grace {
				res.OrphansWaiting = append(res.OrphansWaiting, src)
				return nil
			}
			prefix := sourcePrefix(src)
			var victims [][]byte
			c := tx.Bucket(bucketBySource).Cursor()
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(victims) < sweepBatch; k, _ = c.Next() {
				victims = append(victims, bytes.Clone(k[len(prefix):]))
			}
			for _, tk := range victims {
				if err := deleteArticle(tx, src, tk, false, now); err != nil {
					return err
				}
			}
			res.Orphaned += len(victims)
			if len(victims) == sweepBatch {
				done = false
				return nil
			}
			if err := dropAllTombs(tx, src); err != nil {
				return err
			}
			if err := tx.Bucket(bucketSources).Delete([]byte(src)); err != nil {
				return err
			}
			res.SourcesRemoved = append(res.SourcesRemoved, src)
			return orphans.Delete([]byte(src))
		})
		if err != nil || done {
			return err
		}
	}
}

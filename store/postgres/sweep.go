package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tributary-feeds/tributary/store"
)

// sweepBatch bounds the deletions of one transaction, as in the bbolt store.
const sweepBatch = 5000

// Sweep enforces p, one short transaction per source and per sweepBatch
// deletions: expired articles and those past a source's count go, leaving
// tombstones; orphans past their grace go whole.
func (s *Store) Sweep(ctx context.Context, p store.RetentionPolicy) (store.SweepResult, error) {
	var res store.SweepResult
	if err := ctx.Err(); err != nil {
		return res, err
	}
	rows, err := s.pool.Query(ctx, `SELECT name FROM sources UNION SELECT DISTINCT source FROM articles
		UNION SELECT DISTINCT source FROM tombstones UNION SELECT name FROM orphans ORDER BY 1`)
	if err != nil {
		return res, fmt.Errorf("list sources: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return res, fmt.Errorf("list sources: %w", err)
	}
	now := s.now().UTC()
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		lim, configured := p.For(name)
		if !configured {
			if err := s.sweepOrphan(ctx, name, now, p.OrphanGrace, &res); err != nil {
				return res, fmt.Errorf("sweep orphan %s: %w", name, err)
			}
			continue
		}
		if err := s.sweepSource(ctx, name, lim, now, &res); err != nil {
			return res, fmt.Errorf("sweep %s: %w", name, err)
		}
	}
	return res, nil
}

// sweepSource deletes what lim no longer allows of src, in batches.
func (s *Store) sweepSource(ctx context.Context, src string, lim store.Limits, now time.Time, res *store.SweepResult) error {
	age := lim.MaxAge > 0
	cutoff := store.TimeNanos(now.Add(-lim.MaxAge))
	for {
		var expired, over int
		var v uint64
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			expired, over, v = 0, 0, 0
			if _, err := tx.Exec(ctx, `DELETE FROM orphans WHERE name = $1`, src); err != nil {
				return err
			}
			if !age && lim.MaxPerSource <= 0 {
				return nil
			}
			rows, err := tx.Query(ctx, `WITH ranked AS (
					SELECT id, pub, row_number() OVER (ORDER BY pub DESC, id DESC) AS rn FROM articles WHERE source = $1),
				victims AS (
					SELECT id, ($2 AND pub < $3) AS expired FROM ranked
					WHERE ($2 AND pub < $3) OR ($4 > 0 AND rn > $4) LIMIT $5),
				gone AS (DELETE FROM articles a USING victims v WHERE a.id = v.id RETURNING a.id, v.expired),
				tomb AS (INSERT INTO tombstones (id, source, deleted_at) SELECT id, $1, $6 FROM gone ON CONFLICT (id) DO NOTHING)
				SELECT expired FROM gone`, src, age, cutoff, lim.MaxPerSource, sweepBatch, now)
			if err != nil {
				return err
			}
			var e bool
			if _, err := pgx.ForEachRow(rows, []any{&e}, func() error {
				if e {
					expired++
				} else {
					over++
				}
				return nil
			}); err != nil {
				return err
			}
			if expired+over > 0 {
				v, err = s.bump(ctx, tx)
			}
			return err
		})
		if err != nil {
			return err
		}
		s.version.Raise(v)
		res.Expired += expired
		res.OverLimit += over
		if expired+over < sweepBatch {
			return nil
		}
	}
}

// sweepOrphan marks src as missing from the config, or, once its grace has
// run out, deletes all it left: articles, tombstones, fetch state.
func (s *Store) sweepOrphan(ctx context.Context, src string, now time.Time, grace time.Duration, res *store.SweepResult) error {
	var since time.Time
	err := s.pool.QueryRow(ctx, `SELECT since FROM orphans WHERE name = $1`, src).Scan(&since)
	if err == nil && now.Sub(since) < grace { // the common case: nothing to write
		res.OrphansWaiting = append(res.OrphansWaiting, src)
		return nil
	}
	if err != nil && err != pgx.ErrNoRows {
		return err
	}
	for {
		done, waiting, removed, deleted := true, false, false, 0
		var v uint64
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			done, waiting, removed, deleted, v = true, false, false, 0, 0
			if _, err := tx.Exec(ctx, `INSERT INTO orphans (name, since) VALUES ($1, $2) ON CONFLICT DO NOTHING`, src, now); err != nil {
				return err
			}
			var since time.Time
			if err := tx.QueryRow(ctx, `SELECT since FROM orphans WHERE name = $1`, src).Scan(&since); err != nil {
				return err
			}
			if now.Sub(since) < grace {
				waiting = true
				return nil
			}
			tag, err := tx.Exec(ctx, `DELETE FROM articles WHERE id IN (SELECT id FROM articles WHERE source = $1 LIMIT $2)`, src, sweepBatch)
			if err != nil {
				return err
			}
			deleted = int(tag.RowsAffected())
			if deleted > 0 {
				if v, err = s.bump(ctx, tx); err != nil {
					return err
				}
			}
			if deleted == sweepBatch {
				done = false
				return nil
			}
			for _, q := range []string{`DELETE FROM tombstones WHERE source = $1`, `DELETE FROM sources WHERE name = $1`, `DELETE FROM orphans WHERE name = $1`} {
				if _, err := tx.Exec(ctx, q, src); err != nil {
					return err
				}
			}
			removed = true
			return nil
		})
		if err != nil {
			return err
		}
		s.version.Raise(v)
		res.Orphaned += deleted
		if waiting {
			res.OrphansWaiting = append(res.OrphansWaiting, src)
		}
		if removed {
			res.SourcesRemoved = append(res.SourcesRemoved, src)
		}
		if done {
			return nil
		}
	}
}

// Package postgres is the store's PostgreSQL backend: the contract of
// store.Backend kept in a database that several daemons can share.
//
// Articles are kept in the binary encoding the bbolt store uses
// (store.EncodeArticle) in a bytea column, beside the columns queries read:
// the source, the published time in Unix nanoseconds, the search text
// (store.SearchText, computed in Go when the article is written) and the
// shown read time. Newest pages by keyset on the indexes (pub, id) and
// (source, pub, id), with the cursors every backend gives (store.CursorAt).
// The schema is made and upgraded at Open by the numbered files in
// migrations/, in one transaction under an advisory lock.
//
// A version counter in the database is bumped by each commit that changes
// what is published, and announced with NOTIFY; each Store LISTENs, and
// polls when it cannot. Backup is pg_dump's job (store.ErrNoBackup).
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tributary-feeds/tributary/store"
)

// Options tune Open.
type Options struct {
	// Now is the clock; nil means time.Now. Tests set it.
	Now func() time.Time
	// PollInterval is how often the version is read from the database
	// besides what NOTIFY brings (and instead, while the LISTEN connection
	// is down). Zero means 5s.
	PollInterval time.Duration
}

// Store is a store.Backend in a PostgreSQL database (in the schema the
// connection's search_path names first). Its methods are safe for
// concurrent use, by any number of goroutines and processes.
type Store struct {
	pool    *pgxpool.Pool
	where   string // host/database, for messages
	channel string // NOTIFY channel of this schema
	now     func() time.Time
	poll    time.Duration
	created time.Time
	schema  int
	version store.VersionClock

	stop   context.CancelFunc
	done   chan struct{}
	closed bool
}

var _ store.Backend = (*Store)(nil)

// Open connects to the database dsn names (a postgres:// URL or key=value
// string, as libpq reads it), makes or upgrades the schema, and starts
// listening for other writers' commits.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.PollInterval <= 0 {
		opt.PollInterval = 5 * time.Second
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err) // pgx hides the password
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		// pgxpool's default (4 on two cores) is short of a fetcher's
		// concurrency plus readers plus the LISTEN connection.
		cfg.MaxConns = max(cfg.MaxConns, 16)
	}
	where := fmt.Sprintf("postgres://%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", where, err)
	}
	s := &Store{pool: pool, where: where, now: opt.Now, poll: opt.PollInterval}
	var v int64
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var err error
		if s.schema, err = migrate(ctx, tx, opt.Now().UTC()); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT created_at, version, 'tributary:' || current_schema() FROM meta`).Scan(&s.created, &v, &s.channel)
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open store %s: %w", where, err)
	}
	s.created = s.created.UTC()
	s.version.Store(uint64(v))
	lctx, cancel := context.WithCancel(context.Background())
	s.stop, s.done = cancel, make(chan struct{})
	go s.listen(lctx)
	return s, nil
}

// Close stops listening and closes the connections.
func (s *Store) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	s.stop()
	<-s.done
	s.pool.Close()
	return nil
}

// Path names the database (host, port and database, never the password).
func (s *Store) Path() string { return s.where }

// Created is when the schema was made.
func (s *Store) Created() time.Time { return s.created }

// Version is the newest version this process has heard of: its own commits
// at once, other daemons' when their NOTIFY arrives (or, while the LISTEN
// connection is down, at the next poll).
func (s *Store) Version() uint64 { return s.version.Load() }

// Watch waits until Version is not since.
func (s *Store) Watch(ctx context.Context, since uint64) (uint64, error) {
	return s.version.Wait(ctx, since)
}

// Backup refuses: a PostgreSQL store is backed up with pg_dump, which takes
// a consistent snapshot while the daemons write.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return fmt.Errorf("back up store %s: %w: use pg_dump (pg_dump -Fc -f tributary.dump DATABASE; restore with pg_restore)", s.where, store.ErrNoBackup)
}

// listen follows the version: LISTEN on the channel, reading the version
// again at each notification and every poll interval; when the connection
// fails it polls through the pool and tries again.
func (s *Store) listen(ctx context.Context) {
	defer close(s.done)
	for ctx.Err() == nil {
		if err := s.listenOnce(ctx); err != nil && ctx.Err() == nil {
			s.readVersion(ctx)
			select {
			case <-ctx.Done():
			case <-time.After(s.poll):
			}
		}
	}
}

func (s *Store) listenOnce(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		conn.Conn().Close(context.Background()) // not back to the pool half-listening
		return err
	}
	defer conn.Exec(context.Background(), "UNLISTEN *")
	s.readVersion(ctx) // what was committed before LISTEN took hold
	for {
		wctx, cancel := context.WithTimeout(ctx, s.poll)
		_, err := conn.Conn().WaitForNotification(wctx)
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			conn.Conn().Close(context.Background())
			return err
		}
		if err := s.readVersionOn(ctx, conn.Conn()); err != nil {
			conn.Conn().Close(context.Background())
			return err
		}
	}
}

func (s *Store) readVersion(ctx context.Context) {
	var v int64
	if err := s.pool.QueryRow(ctx, `SELECT version FROM meta`).Scan(&v); err == nil {
		s.version.Raise(uint64(v))
	}
}

func (s *Store) readVersionOn(ctx context.Context, c *pgx.Conn) error {
	var v int64
	if err := c.QueryRow(ctx, `SELECT version FROM meta`).Scan(&v); err != nil {
		return err
	}
	s.version.Raise(uint64(v))
	return nil
}

// bump adds one to the version in tx and announces it at commit; the caller
// raises s.version to the result once tx has committed.
func (s *Store) bump(ctx context.Context, tx pgx.Tx) (uint64, error) {
	var v int64
	if err := tx.QueryRow(ctx, `UPDATE meta SET version = version + 1 RETURNING version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("bump version: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, s.channel, fmt.Sprint(v)); err != nil {
		return 0, fmt.Errorf("notify: %w", err)
	}
	return uint64(v), nil
}

// Stats summarises the store. FileSize is the size on disk of the store's
// tables and indexes.
func (s *Store) Stats(ctx context.Context) (store.Stats, error) {
	if err := ctx.Err(); err != nil {
		return store.Stats{}, err
	}
	st := store.Stats{Schema: s.schema, Sources: map[string]store.SourceStats{}}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM tombstones),
			(SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			 WHERE n.nspname = current_schema() AND c.relkind = 'r')`).Scan(&st.Articles, &st.Tombstones, &st.FileSize); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT source, count(*), max(pub) FROM articles GROUP BY source`)
		if err != nil {
			return err
		}
		var name string
		var n int
		var newest int64
		_, err = pgx.ForEachRow(rows, []any{&name, &n, &newest}, func() error {
			st.Sources[name] = store.SourceStats{Articles: n, Newest: time.Unix(0, newest).UTC()}
			return nil
		})
		return err
	})
	if err != nil {
		return store.Stats{}, fmt.Errorf("store stats: %w", err)
	}
	return st, nil
}

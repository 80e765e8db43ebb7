package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// migrations are the schema's steps, numbered NNN_name.sql, applied in
// order; each number is applied once, and the highest is SchemaVersion.
//
//go:embed migrations/*.sql
var migrations embed.FS

// SchemaVersion is the schema this package reads and writes.
const SchemaVersion = 1

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, f := range files {
		base := strings.TrimPrefix(f, "migrations/")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with its number", f)
		}
		b, err := migrations.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{v, base, string(b)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	return out, nil
}

// migrate brings the schema up to SchemaVersion in one transaction, under
// an advisory lock of the schema: two daemons starting at once do not both
// migrate (the second waits, then finds nothing to do). A database of a
// newer schema is refused, naming both versions.
func migrate(ctx context.Context, tx pgx.Tx, now time.Time) (int, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('tributary.migrate.' || current_schema()))`); err != nil {
		return 0, fmt.Errorf("lock for migration: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`); err != nil {
		return 0, err
	}
	var have int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return 0, err
	}
	if have > SchemaVersion {
		return have, fmt.Errorf("the database is schema version %d, this tributary reads version %d: upgrade tributary", have, SchemaVersion)
	}
	ms, err := loadMigrations()
	if err != nil {
		return 0, err
	}
	for _, m := range ms {
		if m.version <= have {
			continue
		}
		if _, err := tx.Exec(ctx, m.sql); err != nil {
			return 0, fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, m.version, m.name, now); err != nil {
			return 0, err
		}
		have = m.version
	}
	if _, err := tx.Exec(ctx, `INSERT INTO meta (created_at, version) VALUES ($1, 1) ON CONFLICT DO NOTHING`, now); err != nil {
		return 0, err
	}
	return have, nil
}

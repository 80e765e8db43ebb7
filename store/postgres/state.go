package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/tributary-feeds/tributary/store"
)

// Sources returns every source's stored state, in name order.
func (s *Store) Sources(ctx context.Context) ([]store.SourceState, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT name, state FROM sources ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	var out []store.SourceState
	var name string
	var raw []byte
	_, err = pgx.ForEachRow(rows, []any{&name, &raw}, func() error {
		var st store.SourceState
		if err := json.Unmarshal(raw, &st); err != nil {
			return fmt.Errorf("source %s: %w", name, err)
		}
		out = append(out, st)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	return out, nil
}

// Source returns one source's stored state; ok is false when it has none.
func (s *Store) Source(ctx context.Context, name string) (st store.SourceState, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return st, false, err
	}
	var raw []byte
	err = s.pool.QueryRow(ctx, `SELECT state FROM sources WHERE name = $1`, name).Scan(&raw)
	if err == pgx.ErrNoRows {
		return st, false, nil
	}
	if err == nil {
		err = json.Unmarshal(raw, &st)
	}
	if err != nil {
		return st, false, fmt.Errorf("read source %s: %w", name, err)
	}
	return st, true, nil
}

// SaveStates stores the states of sources that brought no articles, in one
// transaction.
func (s *Store) SaveStates(ctx context.Context, states ...store.SourceState) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var v uint64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		v = 0
		shown := false
		for _, st := range states {
			changed, err := putState(ctx, tx, st)
			if err != nil {
				return fmt.Errorf("source %q: %w", st.Name, err)
			}
			shown = shown || changed
		}
		if !shown {
			return nil
		}
		var err error
		v, err = s.bump(ctx, tx)
		return err
	})
	if err != nil {
		return fmt.Errorf("save source states: %w", err)
	}
	s.version.Raise(v)
	return nil
}

// putState stores st and reports whether a field the feeds show (title,
// home page, feed URL) changed.
func putState(ctx context.Context, tx pgx.Tx, st store.SourceState) (shown bool, err error) {
	if st.Name == "" {
		return false, fmt.Errorf("source state without a name")
	}
	if err := store.CheckSourceName(st.Name); err != nil {
		return false, err
	}
	var prev store.SourceState
	var raw []byte
	err = tx.QueryRow(ctx, `SELECT state FROM sources WHERE name = $1 FOR UPDATE`, st.Name).Scan(&raw)
	switch {
	case err == pgx.ErrNoRows:
	case err != nil:
		return false, err
	default:
		if json.Unmarshal(raw, &prev) != nil {
			prev = store.SourceState{} // unreadable: overwrite it, and call it a change
		}
	}
	shown = prev.Title != st.Title || prev.Link != st.Link || prev.FeedURL() != st.FeedURL()
	v, err := json.Marshal(st)
	if err != nil {
		return false, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO sources (name, state) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET state = excluded.state`, st.Name, v)
	return shown, err
}

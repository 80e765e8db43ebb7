package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// Import copies a whole store into this one, which must hold no articles,
// sources or tombstones, in one transaction: every source's state, the
// articles next yields (pages, until it returns none) as they are, and the
// tombstones. A failure leaves the database as it was.
func (s *Store) Import(ctx context.Context, states []store.SourceState, next func() ([]article.Article, error), tombs []store.Tombstone) error {
	var v uint64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var held bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM articles) OR EXISTS (SELECT 1 FROM sources) OR EXISTS (SELECT 1 FROM tombstones)`).Scan(&held); err != nil {
			return err
		}
		if held {
			return fmt.Errorf("the database already holds a store: import into an empty one")
		}
		for _, st := range states {
			raw, err := json.Marshal(st)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO sources (name, state) VALUES ($1, $2)`, st.Name, raw); err != nil {
				return fmt.Errorf("source %s: %w", st.Name, err)
			}
		}
		for {
			arts, err := next()
			if err != nil {
				return err
			}
			if len(arts) == 0 {
				break
			}
			rows := make([][]any, len(arts))
			for i := range arts {
				a := &arts[i]
				rt, _ := a.ShownReadTime()
				rows[i] = []any{[]byte(a.ID), a.Source, store.TimeNanos(a.Published), store.EncodeArticle(a), textOnly(store.SearchText(a)), max(rt, 0)}
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"articles"}, []string{"id", "source", "pub", "body", "search", "read_time"}, pgx.CopyFromRows(rows)); err != nil {
				return fmt.Errorf("copy articles: %w", err)
			}
		}
		rows := make([][]any, len(tombs))
		for i, t := range tombs {
			rows[i] = []any{[]byte(t.ID), t.Source, time.Unix(0, t.Deleted).UTC()}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"tombstones"}, []string{"id", "source", "deleted_at"}, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy tombstones: %w", err)
		}
		var err error
		v, err = s.bump(ctx, tx)
		return err
	})
	if err != nil {
		return fmt.Errorf("import into %s: %w", s.where, err)
	}
	s.version.Raise(v)
	return nil
}

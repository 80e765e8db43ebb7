package postgres

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// Apply stores one fetch of src in one transaction: its articles, their
// indexed columns, the tombstones it no longer needs and its state.
func (s *Store) Apply(ctx context.Context, src string, state store.SourceState, arts []article.Article) (store.Changes, error) {
	var ch store.Changes
	if err := ctx.Err(); err != nil {
		return ch, err
	}
	if err := store.CheckSourceName(src); err != nil {
		return ch, err
	}
	state.Name = src
	ids := make([][]byte, len(arts))
	for i := range arts {
		if arts[i].ID == "" {
			return ch, fmt.Errorf("store %s: article %d: article without an id", src, i)
		}
		ids[i] = []byte(arts[i].ID)
	}
	now := s.now().UTC()
	var v uint64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		ch, v = store.Changes{}, 0
		tombs := map[string]bool{}
		old := map[string][]byte{}
		rows, err := tx.Query(ctx, `SELECT id FROM tombstones WHERE id = ANY($1)`, ids)
		if err != nil {
			return err
		}
		var id, body []byte
		if _, err := pgx.ForEachRow(rows, []any{&id}, func() error { tombs[string(id)] = true; return nil }); err != nil {
			return fmt.Errorf("tombstones: %w", err)
		}
		rows, err = tx.Query(ctx, `SELECT id, body FROM articles WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
		if err != nil {
			return err
		}
		if _, err := pgx.ForEachRow(rows, []any{&id, &body}, func() error { old[string(id)] = bytes.Clone(body); return nil }); err != nil {
			return fmt.Errorf("read stored articles: %w", err)
		}
		batch := &pgx.Batch{}
		for i := range arts {
			a := arts[i]
			a.Source = src
			if tombs[a.ID] {
				ch.Skipped++
				continue
			}
			var prev *article.Article
			if raw, ok := old[a.ID]; ok {
				p, err := store.DecodeArticle(raw)
				if err != nil {
					return fmt.Errorf("article %q: %w", short(a.ID), err)
				}
				prev = &p
			}
			store.PrepareArticle(&a, prev, now)
			enc := store.EncodeArticle(&a)
			switch {
			case prev == nil:
				ch.New++
			case bytes.Equal(enc, old[a.ID]):
				ch.Unchanged++
				continue
			default:
				ch.Updated++
			}
			old[a.ID] = enc // a later copy in arts compares with this one
			rt, _ := a.ShownReadTime()
			batch.Queue(`INSERT INTO articles (id, source, pub, body, search, read_time) VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (id) DO UPDATE SET source = excluded.source, pub = excluded.pub, body = excluded.body,
				search = excluded.search, read_time = excluded.read_time`,
				[]byte(a.ID), src, store.TimeNanos(a.Published), enc, textOnly(store.SearchText(&a)), max(rt, 0))
		}
		if batch.Len() > 0 {
			if err := tx.SendBatch(ctx, batch).Close(); err != nil {
				return fmt.Errorf("write articles: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM tombstones WHERE source = $1 AND NOT (id = ANY($2))`, src, ids); err != nil {
			return fmt.Errorf("tombstones: %w", err)
		}
		shown, err := putState(ctx, tx, state)
		if err != nil {
			return err
		}
		if ch.New+ch.Updated > 0 || shown {
			v, err = s.bump(ctx, tx)
		}
		return err
	})
	if err != nil {
		return store.Changes{}, fmt.Errorf("store %s: %w", src, err)
	}
	s.version.Raise(v)
	return ch, nil
}

// ApplyGrouped is Apply: each call is its own transaction (PostgreSQL
// commits many at once on its own).
func (s *Store) ApplyGrouped(ctx context.Context, src string, state store.SourceState, arts []article.Article) (store.Changes, error) {
	return s.Apply(ctx, src, state, arts)
}

// textOnly makes s storable as PostgreSQL text, which holds neither NUL nor
// invalid UTF-8: a NUL becomes a space (keywords are trimmed text, so none
// can match across it).
func textOnly(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", " ")
}

// short keeps error messages readable when an id is absurdly long.
func short(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// Existing reports which of ids are stored or remembered by a tombstone.
func (s *Store) Existing(ctx context.Context, ids []string) (map[string]bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ids))
	rows, err := s.pool.Query(ctx, `SELECT id FROM articles WHERE id = ANY($1) UNION SELECT id FROM tombstones WHERE id = ANY($1)`, byteIDs(ids))
	if err == nil {
		var id []byte
		_, err = pgx.ForEachRow(rows, []any{&id}, func() error { out[string(id)] = true; return nil })
	}
	if err != nil {
		return nil, fmt.Errorf("look up articles: %w", err)
	}
	return out, nil
}

// Articles returns the stored articles among ids, by id.
func (s *Store) Articles(ctx context.Context, ids []string) (map[string]article.Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]article.Article, len(ids))
	rows, err := s.pool.Query(ctx, `SELECT id, body FROM articles WHERE id = ANY($1)`, byteIDs(ids))
	if err == nil {
		var id, body []byte
		_, err = pgx.ForEachRow(rows, []any{&id, &body}, func() error {
			a, err := store.DecodeArticle(body)
			if err != nil {
				return fmt.Errorf("article %s: %w", short(string(id)), err)
			}
			out[string(id)] = a
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("read articles: %w", err)
	}
	return out, nil
}

func byteIDs(ids []string) [][]byte {
	out := make([][]byte, len(ids))
	for i, id := range ids {
		out[i] = []byte(id)
	}
	return out
}

package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// mergeLimit is the largest Filter.Sources set read source by source from
// the (source, pub, id) index, as the bbolt store does; a larger set walks
// the (pub, id) index with the sources as a condition.
const mergeLimit = 64

// Newest returns up to n articles matching f, newest first, after the
// cursor. The filter runs in the query (keywords with strpos on the stored
// search text, read time on its column) over at most n+MaxScan+1
// candidates read by keyset from an index, and the rejected ones come back
// without their bodies, so that the page and its cursor are the bbolt
// store's.
func (s *Store) Newest(ctx context.Context, n int, f store.Filter, after store.Cursor) ([]article.Article, store.Cursor, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if n <= 0 {
		return nil, "", nil
	}
	q, args, maxScan, err := newestQuery(n, f, after)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.pool.Query(ctx, q, args)
	if err != nil {
		return nil, "", fmt.Errorf("read newest: %w", err)
	}
	defer rows.Close()
	var out []article.Article
	var next store.Cursor
	var lastPub int64
	var lastID []byte
	rejected := 0
	for rows.Next() {
		if len(out) == n {
			next = store.CursorAt(time.Unix(0, lastPub), string(lastID))
			break
		}
		var id, body []byte
		var pub int64
		var match bool
		if err := rows.Scan(&id, &pub, &match, &body); err != nil {
			return nil, "", fmt.Errorf("read newest: %w", err)
		}
		lastPub, lastID = pub, id
		if match {
			a, err := store.DecodeArticle(body)
			if err != nil {
				return nil, "", fmt.Errorf("read newest: article %s: %w", short(string(id)), err)
			}
			out = append(out, a)
			continue
		}
		if rejected++; rejected >= maxScan {
			if rows.Next() {
				next = store.CursorAt(time.Unix(0, lastPub), string(lastID))
			}
			break
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("read newest: %w", err)
	}
	return out, next, nil
}

// newestQuery is Newest's query for n articles matching f after the cursor,
// its arguments, and the scan bound the caller applies to what it returns.
func newestQuery(n int, f store.Filter, after store.Cursor) (q string, args pgx.NamedArgs, maxScan int, err error) {
	maxScan = f.MaxScan
	if maxScan <= 0 {
		maxScan = store.DefaultMaxScan
	}
	inc, exc := f.Keywords()
	inc, exc = append([]string{}, inc...), append([]string{}, exc...) // never NULL arrays
	for i := range inc {
		inc[i] = textOnly(inc[i])
	}
	for i := range exc {
		exc[i] = textOnly(exc[i])
	}
	minRT, maxRT := max(f.MinReadTime, 0), max(f.MaxReadTime, 0)
	filtered := len(inc)+len(exc) > 0 || minRT > 0 || maxRT > 0
	limit := n + 1
	if filtered {
		limit = n + maxScan + 1
	}
	args = pgx.NamedArgs{"inc": inc, "exc": exc, "min": minRT, "max": maxRT, "lim": limit}
	ok := "true"
	if filtered {
		ok = `((cardinality(@inc::text[]) = 0 OR EXISTS (SELECT 1 FROM unnest(@inc::text[]) k WHERE strpos(search, k) > 0))
			AND NOT EXISTS (SELECT 1 FROM unnest(@exc::text[]) k WHERE strpos(search, k) > 0)
			AND (@min::int = 0 AND @max::int = 0 OR read_time > 0 AND read_time >= @min::int AND (@max::int = 0 OR read_time <= @max::int)))`
	}
	var conds []string
	if after != "" {
		pub, id, err := after.Position()
		if err != nil {
			return "", nil, 0, err
		}
		conds = append(conds, "(pub, id) < (@cpub, @cid)")
		args["cpub"], args["cid"] = pub, []byte(id)
	}
	srcs := slices.Compact(slices.Sorted(slices.Values(f.Sources)))
	inner := func(extra ...string) string {
		c := append(slices.Clone(conds), extra...)
		where := ""
		if len(c) > 0 {
			where = "WHERE " + strings.Join(c, " AND ")
		}
		return fmt.Sprintf(`SELECT id, pub, body, %s AS ok FROM articles %s ORDER BY pub DESC, id DESC LIMIT @lim`, ok, where)
	}
	var from string
	switch {
	case len(srcs) == 0:
		from = inner()
	case len(srcs) <= mergeLimit:
		args["srcs"] = srcs
		from = `SELECT x.* FROM unnest(@srcs::text[]) s(name) CROSS JOIN LATERAL (` + inner("source = s.name") + `) x`
	default:
		args["srcs"] = srcs
		from = inner("source = ANY(@srcs::text[])")
	}
	q = `SELECT id, pub, ok, CASE WHEN ok THEN body END FROM (` + from + `) c ORDER BY pub DESC, id DESC LIMIT @lim`
	return q, args, maxScan, nil
}

// CheckCursor refuses a cursor that is malformed or names no stored
// article's position; one index lookup.
func (s *Store) CheckCursor(ctx context.Context, c store.Cursor) error {
	if c == "" {
		return nil
	}
	pub, id, err := c.Position()
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var found bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM articles WHERE pub = $1 AND id = $2)`, pub, []byte(id)).Scan(&found); err != nil {
		return fmt.Errorf("check cursor: %w", err)
	}
	if !found {
		return fmt.Errorf("%w: no stored position %q", store.ErrInvalidCursor, c)
	}
	return nil
}

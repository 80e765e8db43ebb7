package postgres

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/internal/testenv"
	"github.com/tributary-feeds/tributary/store"
)

// Newest reads by keyset from the indexes, never by walking the table: its
// cost follows n, not the store's size.
func TestNewestUsesTheIndexes(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, testenv.Postgres(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	end := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, src := range []string{"a", "b", "c", "d"} {
		arts := make([]article.Article, 1500)
		for i := range arts {
			guid := fmt.Sprintf("%s-%d", src, i)
			arts[i] = article.Article{ID: article.NewID(src, guid, "", "", time.Time{}), GUID: guid, Title: "Title " + guid, Published: end.Add(-time.Duration(i) * time.Minute)}
		}
		if _, err := st.Apply(ctx, src, store.SourceState{}, arts); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.pool.Exec(ctx, "ANALYZE articles"); err != nil {
		t.Fatal(err)
	}
	many := []string{"a"}
	for i := range 70 {
		many = append(many, fmt.Sprint("gone-", i))
	}
	cur := store.CursorAt(end.Add(-100*time.Minute), "x")
	for _, tc := range []struct {
		name  string
		f     store.Filter
		after store.Cursor
	}{
		{"all", store.Filter{}, ""},
		{"all after a cursor", store.Filter{}, cur},
		{"two sources", store.Filter{Sources: []string{"a", "c"}}, cur},
		{"many sources", store.Filter{Sources: many}, ""},
		{"keywords", store.Filter{Include: []string{"title a-1"}, MaxScan: 50}, cur},
	} {
		q, args, _, err := newestQuery(20, tc.f, tc.after)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := st.pool.Query(ctx, "EXPLAIN "+q, args)
		if err != nil {
			t.Fatal(err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		plan := strings.Join(lines, "\n")
		if strings.Contains(plan, "Seq Scan on articles") || !strings.Contains(plan, "Index") {
			t.Errorf("%s: the plan walks the table:\n%s", tc.name, plan)
		}
	}
}

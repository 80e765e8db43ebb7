package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/internal/testenv"
	"github.com/tributary-feeds/tributary/store"
	"github.com/tributary-feeds/tributary/store/postgres"
	"github.com/tributary-feeds/tributary/store/storetest"
)

// The PostgreSQL store passes the contract's conformance suite, each test
// in a schema of its own.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) (store.Backend, storetest.Reopen) {
		dsn := testenv.Postgres(t)
		open := func(t *testing.T) store.Backend {
			t.Helper()
			st, err := postgres.Open(context.Background(), dsn, postgres.Options{Now: now, PollInterval: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}
		return open(t), open
	})
}

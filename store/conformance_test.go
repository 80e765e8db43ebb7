package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/store"
	"github.com/tributary-feeds/tributary/store/storetest"
)

// The bbolt store passes the contract's conformance suite.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) (store.Backend, storetest.Reopen) {
		path := filepath.Join(t.TempDir(), "t.db")
		open := func(t *testing.T) store.Backend {
			t.Helper()
			st, err := store.Open(context.Background(), path, store.Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}
		return open(t), open
	})
}

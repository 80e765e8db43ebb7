package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Postgres returns the DSN of a PostgreSQL schema of t's own, empty, made in
// the database $TRIBUTARY_TEST_POSTGRES_DSN names and dropped when t ends:
// tests (and test binaries running at once) never see each other's data.
// The DSN sets the schema as the connection's search_path. The test skips
// when the variable is not set, unless TRIBUTARY_REQUIRE_POSTGRES=1 (as in
// CI, whose .ci/postgres.sh starts a throwaway cluster).
func Postgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv("TRIBUTARY_TEST_POSTGRES_DSN")
	if base == "" {
		if os.Getenv("TRIBUTARY_REQUIRE_POSTGRES") == "1" {
			t.Fatal("TRIBUTARY_TEST_POSTGRES_DSN is not set and TRIBUTARY_REQUIRE_POSTGRES=1")
		}
		t.Skip("PostgreSQL tests need a database: set TRIBUTARY_TEST_POSTGRES_DSN=postgres://user@host/db (README: Running on PostgreSQL)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to TRIBUTARY_TEST_POSTGRES_DSN: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 8)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TRIBUTARY_TEST_POSTGRES_DSN is not a URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

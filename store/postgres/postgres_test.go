package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/internal/testenv"
	"github.com/tributary-feeds/tributary/store"
	"github.com/tributary-feeds/tributary/store/postgres"
)

func open(t *testing.T, dsn string, opt postgres.Options) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), dsn, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func art(src, guid, title string, pub time.Time) article.Article {
	return article.Article{ID: article.NewID(src, guid, "", title, pub), Source: src, GUID: guid, Title: title, Published: pub}
}

// Daemons starting at once on an empty database: one migrates, the others
// wait for its lock and find the schema made.
func TestOpenAtOnceMigratesOnce(t *testing.T) {
	dsn := testenv.Postgres(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			st, err := postgres.Open(context.Background(), dsn, postgres.Options{})
			if err == nil {
				st.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("open at once: %v", err)
		}
	}
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != postgres.SchemaVersion {
		t.Errorf("migrations recorded: %d, %v", n, err)
	}
}

// A database of a newer schema is refused, naming both versions.
func TestSchemaTooNew(t *testing.T) {
	dsn := testenv.Postgres(t)
	open(t, dsn, postgres.Options{}).Close()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `INSERT INTO schema_migrations VALUES (99, '099_future.sql', now())`); err != nil {
		t.Fatal(err)
	}
	_, err = postgres.Open(context.Background(), dsn, postgres.Options{})
	if err == nil || !strings.Contains(err.Error(), "schema version 99") || !strings.Contains(err.Error(), "upgrade tributary") {
		t.Fatalf("newer schema: %v", err)
	}
}

// One daemon's commit wakes another's Watch through NOTIFY, long before
// its poll (an hour here) would.
func TestWatchHearsAnotherDaemon(t *testing.T) {
	dsn := testenv.Postgres(t)
	a := open(t, dsn, postgres.Options{PollInterval: time.Hour})
	b := open(t, dsn, postgres.Options{PollInterval: time.Hour})
	v0 := b.Version()
	woke := make(chan uint64, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go func() {
		v, _ := b.Watch(ctx, v0)
		woke <- v
	}()
	// b's LISTEN may not have taken hold yet: write until it hears.
	for i := 0; ; i++ {
		if _, err := a.Apply(ctx, "s", store.SourceState{}, []article.Article{art("s", string(rune('a'+i%26))+time.Now().String(), "x", time.Now())}); err != nil {
			t.Fatal(err)
		}
		select {
		case v := <-woke:
			if v == v0 {
				t.Fatalf("woke with the version it was given, %d", v)
			}
			return
		case <-time.After(200 * time.Millisecond):
		case <-ctx.Done():
			t.Fatal("another daemon's commit did not wake Watch")
		}
	}
}

// Keywords are text, not patterns: % and _ match only themselves.
func TestKeywordsAreLiteral(t *testing.T) {
	st := open(t, testenv.Postgres(t), postgres.Options{})
	ctx := context.Background()
	t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	a, b := art("s", "1", "a_b 100%", t0), art("s", "2", "axb 1000", t0.Add(time.Hour))
	if _, err := st.Apply(ctx, "s", store.SourceState{}, []article.Article{a, b}); err != nil {
		t.Fatal(err)
	}
	for _, kw := range []string{"_", "100%", "A_B"} {
		got, _, err := st.Newest(ctx, 10, store.Filter{Include: []string{kw}}, "")
		if err != nil || len(got) != 1 || got[0].ID != a.ID {
			t.Errorf("include %q: %d articles, %v; want only %q", kw, len(got), err, a.Title)
		}
	}
}

// What PostgreSQL text cannot hold (NUL, invalid UTF-8) in an article or a
// source's error is stored and read back whole.
func TestTextPostgresCannotHold(t *testing.T) {
	st := open(t, testenv.Postgres(t), postgres.Options{})
	ctx := context.Background()
	a := art("s", "1", "nul\x00 and \xff bad", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	a.Content = "<p>body\x00</p>"
	state := store.SourceState{URL: "http://x/", Error: "parse: byte \x00 at 3"}
	if _, err := st.Apply(ctx, "s", state, []article.Article{a}); err != nil {
		t.Fatal(err)
	}
	got, _, err := st.Newest(ctx, 10, store.Filter{Include: []string{"bad"}}, "")
	if err != nil || len(got) != 1 || got[0].Title != a.Title {
		t.Fatalf("read back: %+v %v", got, err)
	}
	if s, _, err := st.Source(ctx, "s"); err != nil || s.Error != state.Error {
		t.Fatalf("state read back: %q %v", s.Error, err)
	}
}

// Backup says to use pg_dump.
func TestBackupNamesPgDump(t *testing.T) {
	st := open(t, testenv.Postgres(t), postgres.Options{})
	var b bytes.Buffer
	err := st.Backup(context.Background(), &b)
	if !errors.Is(err, store.ErrNoBackup) || !strings.Contains(err.Error(), "pg_dump") || b.Len() != 0 {
		t.Fatalf("backup: %v (%d bytes)", err, b.Len())
	}
}

// A DSN's password never shows in Path or in errors.
func TestPasswordNotShown(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://u:s3cret@127.0.0.1:1/db?connect_timeout=1", postgres.Options{})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("open of an unreachable database: %v", err)
	}
}

// When its LISTEN connection is killed, a store still hears of other
// daemons' commits: it polls, and listens again.
func TestWatchSurvivesLostConnection(t *testing.T) {
	dsn := testenv.Postgres(t)
	a := open(t, dsn, postgres.Options{PollInterval: 100 * time.Millisecond})
	b := open(t, dsn+"&application_name=tributary_victim", postgres.Options{PollInterval: 100 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var killed int
	if err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = 'tributary_victim' AND datname = current_database()`).Scan(&killed); err != nil || killed == 0 {
		t.Fatalf("terminate the listener: %d, %v", killed, err)
	}
	v0 := b.Version()
	if _, err := a.Apply(ctx, "s", store.SourceState{}, []article.Article{art("s", "1", "x", time.Now())}); err != nil {
		t.Fatal(err)
	}
	if v, err := b.Watch(ctx, v0); err != nil || v == v0 {
		t.Fatalf("Watch after the listener was killed: %d, %v", v, err)
	}
}

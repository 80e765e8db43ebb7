package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
	"github.com/tributary-feeds/tributary/store/postgres"
)

// cmdMigrateStore copies a bbolt store into an empty PostgreSQL database:
// sources' states, articles and tombstones, in one transaction, then checks
// that both hold the same counts. The daemon must be stopped (the bbolt file
// is opened as usual, and refused while it runs).
func cmdMigrateStore(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate-store", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "the store to copy: `bolt:PATH`")
	to := fs.String("to", "", "the empty store to fill: `postgres:DSN` (postgres: alone takes TRIBUTARY_STORE_DSN)")
	if fs.Parse(args) != nil || fs.NArg() > 0 {
		return exitUsage
	}
	path, okFrom := strings.CutPrefix(*from, "bolt:")
	dsn, okTo := strings.CutPrefix(*to, "postgres:")
	if dsn == "" {
		dsn = os.Getenv("TRIBUTARY_STORE_DSN")
	}
	if !okFrom || path == "" || !okTo || dsn == "" {
		fmt.Fprintln(stderr, "usage: tributary migrate-store --from bolt:PATH --to postgres:DSN")
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := migrateStore(ctx, path, dsn, stdout); err != nil {
		fmt.Fprintln(stderr, "tributary: migrate-store:", storeError(err))
		return exitFail
	}
	return exitOK
}

func migrateStore(ctx context.Context, path, dsn string, stdout io.Writer) error {
	src, err := store.Open(ctx, path, store.Options{})
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("%s: %w: stop the daemon first", path, err)
	}
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		return err
	}
	defer dst.Close()
	states, err := src.Sources(ctx)
	if err != nil {
		return err
	}
	tombs, err := src.Tombstones(ctx)
	if err != nil {
		return err
	}
	var cur store.Cursor
	done := false
	next := func() ([]article.Article, error) {
		if done {
			return nil, nil
		}
		arts, c, err := src.Newest(ctx, 1000, store.Filter{}, cur)
		cur, done = c, c == ""
		return arts, err
	}
	if err := dst.Import(ctx, states, next, tombs); err != nil {
		return err
	}
	a, err := src.Stats(ctx)
	if err != nil {
		return err
	}
	b, err := dst.Stats(ctx)
	if err != nil {
		return err
	}
	bs, err := dst.Sources(ctx)
	if err != nil {
		return err
	}
	if a.Articles != b.Articles || a.Tombstones != b.Tombstones || len(states) != len(bs) {
		return fmt.Errorf("copied, but the counts differ: %d articles, %d tombstones, %d sources in %s; %d, %d, %d in %s",
			a.Articles, a.Tombstones, len(states), path, b.Articles, b.Tombstones, len(bs), dst.Path())
	}
	fmt.Fprintf(stdout, "%s → %s: %d articles, %d tombstones, %d sources copied and counted\n", path, dst.Path(), b.Articles, b.Tombstones, len(bs))
	return nil
}

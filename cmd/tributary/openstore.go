package main

import (
	"context"
	"fmt"
	"os"

	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/store"
	"github.com/tributary-feeds/tributary/store/postgres"
)

// openStore opens the backend [store] names: the bbolt file at path (the
// default), or the PostgreSQL database at dsn.
func openStore(ctx context.Context, cfg *config.Config) (store.Backend, error) {
	switch cfg.Store.Backend {
	case "postgres":
		return postgres.Open(ctx, cfg.Store.DSN, postgres.Options{})
	case "bolt", "":
		return store.Open(ctx, cfg.Store.Path, store.Options{})
	}
	return nil, fmt.Errorf("unknown store backend %q", cfg.Store.Backend)
}

// overrides are the settings the environment gives over the file's:
// TRIBUTARY_STORE_DSN keeps a database password out of the config file.
func overrides() config.Overrides {
	return config.Overrides{StoreDSN: os.Getenv("TRIBUTARY_STORE_DSN")}
}

// onPostgres says, for commands that work on the bbolt file alone, what to
// do instead when the store is PostgreSQL; "" for a bbolt store.
func onPostgres(cfg *config.Config, command string) string {
	if cfg.Store.Backend != "postgres" {
		return ""
	}
	switch command {
	case "backup":
		return "the store is PostgreSQL ([store] backend = \"postgres\"): back it up with pg_dump (pg_dump -Fc -f FILE DATABASE), restore with pg_restore"
	case "compact":
		return "the store is PostgreSQL ([store] backend = \"postgres\"): reclaiming space is the database's job (autovacuum, or VACUUM)"
	}
	return fmt.Sprintf("the store is PostgreSQL ([store] backend = \"postgres\"): %s works on a bbolt file only", command)
}

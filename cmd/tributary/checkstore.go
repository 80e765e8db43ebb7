package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/tributary-feeds/tributary/store"
)

// cmdCheckStore checks the store file of a stopped daemon without writing
// to it: every problem on a line of its own, exit 1 when there is one.
func cmdCheckStore(args []string, stdout, stderr io.Writer) int {
	fs, path, ok := flags("check-store", args, stderr)
	if !ok || fs.NArg() > 0 {
		return exitUsage
	}
	cfg, ok := load(*path, stderr)
	if !ok {
		return exitFail
	}
	if msg := onPostgres(cfg, "check-store"); msg != "" {
		fmt.Fprintln(stderr, "tributary: check-store:", msg)
		return exitFail
	}
	file := cfg.Store.Path
	problems, err := store.CheckFile(context.Background(), file)
	if errors.Is(err, store.ErrLocked) {
		fmt.Fprintf(stderr, "tributary: check-store %s: store is locked by another process: stop the daemon first\n", file)
		return exitFail
	}
	if err != nil {
		fmt.Fprintln(stderr, "tributary:", err)
		return exitFail
	}
	for _, p := range problems {
		fmt.Fprintf(stdout, "%s: %v\n", file, p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "tributary: %s: %d problems: %s\n", file, len(problems), damagedAdvice)
		return exitFail
	}
	fmt.Fprintf(stdout, "%s: ok\n", file)
	return exitOK
}

// damagedAdvice is what to do about a damaged store file.
const damagedAdvice = "restore it from a backup (or move it away to start an empty store)"

// storeError adds what to do to an error opening the store, when the file
// is damaged.
func storeError(err error) error {
	if errors.Is(err, store.ErrDamaged) {
		return fmt.Errorf("%w: %s; tributary check-store lists its problems", err, damagedAdvice)
	}
	return err
}

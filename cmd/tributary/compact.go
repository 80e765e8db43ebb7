package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/tributary-feeds/tributary/store"
)

// cmdCompact rewrites the store file without its free pages. The daemon must
// be stopped: the store is compacted into a temporary file beside it, which
// then replaces it.
func cmdCompact(args []string, stdout, stderr io.Writer) int {
	fs, path, ok := flags("compact", args, stderr)
	if !ok || fs.NArg() > 0 {
		return exitUsage
	}
	cfg, ok := load(*path, stderr)
	if !ok {
		return exitFail
	}
	if msg := onPostgres(cfg, "compact"); msg != "" {
		fmt.Fprintln(stderr, "tributary: compact:", msg)
		return exitFail
	}
	src := cfg.Store.Path
	before, err := os.Stat(src)
	if err != nil {
		fmt.Fprintf(stderr, "tributary: compact: %v\n", err)
		return exitFail
	}
	tmp := src + ".compact"
	os.Remove(tmp) // left over by an interrupted compact
	if err := store.Compact(context.Background(), src, tmp); err != nil {
		os.Remove(tmp)
		if errors.Is(err, store.ErrLocked) {
			fmt.Fprintf(stderr, "tributary: compact %s: store is locked by another process: stop the daemon first\n", src)
		} else {
			fmt.Fprintf(stderr, "tributary: %v\n", storeError(err))
		}
		return exitFail
	}
	if err := os.Rename(tmp, src); err != nil {
		os.Remove(tmp)
		fmt.Fprintf(stderr, "tributary: compact: %v\n", err)
		return exitFail
	}
	after, err := os.Stat(src)
	if err != nil {
		fmt.Fprintf(stderr, "tributary: compact: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(stdout, "%s: %d → %d bytes\n", src, before.Size(), after.Size())
	return exitOK
}

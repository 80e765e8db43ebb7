package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/tributary-feeds/tributary/store"
)

// compactStore copies the store at src, compacted, into a new file dst. It
// fails with store.ErrLocked when a daemon has src open.
//
// MERGE: this is a stand-in for store.Compact(ctx, srcPath, dstPath), which
// the store's branch adds; switch the variable to it and delete compactBolt.
var compactStore = compactBolt

func compactBolt(ctx context.Context, srcPath, dstPath string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	src, err := bolt.Open(srcPath, 0o600, &bolt.Options{Timeout: 100 * time.Millisecond, ReadOnly: true})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return fmt.Errorf("compact %s: %w", srcPath, store.ErrLocked)
		}
		return fmt.Errorf("compact %s: %w", srcPath, err)
	}
	defer src.Close()
	dst, err := bolt.Open(dstPath, 0o600, &bolt.Options{Timeout: 100 * time.Millisecond})
	if err != nil {
		return fmt.Errorf("compact into %s: %w", dstPath, err)
	}
	if err := bolt.Compact(dst, src, 64<<20); err != nil {
		dst.Close()
		return fmt.Errorf("compact %s: %w", srcPath, err)
	}
	if err := dst.Close(); err != nil {
		return fmt.Errorf("compact into %s: %w", dstPath, err)
	}
	return nil
}

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
	src := cfg.Store.Path
	before, err := os.Stat(src)
	if err != nil {
		fmt.Fprintf(stderr, "tributary: compact: %v\n", err)
		return exitFail
	}
	tmp := src + ".compact"
	os.Remove(tmp) // left over by an interrupted compact
	if err := compactStore(context.Background(), src, tmp); err != nil {
		os.Remove(tmp)
		if errors.Is(err, store.ErrLocked) {
			fmt.Fprintf(stderr, "tributary: compact %s: store is locked by another process: stop the daemon first\n", src)
		} else {
			fmt.Fprintf(stderr, "tributary: %v\n", err)
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

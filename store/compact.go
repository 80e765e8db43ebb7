package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Compact copies the store at srcPath into a new, tight file at dstPath
// (bbolt never shrinks a file: deleted articles leave free pages). The store
// must not be open elsewhere: Compact fails at once with ErrLocked while the
// daemon runs. dstPath must not exist; on failure it is removed. The caller
// then swaps the files.
func Compact(ctx context.Context, srcPath, dstPath string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := os.Stat(srcPath); err != nil {
		return fmt.Errorf("compact %s: %w", srcPath, err)
	}
	if _, err := os.Stat(dstPath); err == nil {
		return fmt.Errorf("compact %s: %s already exists", srcPath, dstPath)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("compact %s: %w", srcPath, err)
	}
	// Open for writing, not read-only: the exclusive lock proves no daemon
	// holds it, and an older schema is upgraded first.
	st, err := Open(ctx, srcPath, Options{})
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	defer st.Close()
	dst, err := openBolt(dstPath, 100*time.Millisecond, false)
	if err != nil {
		return fmt.Errorf("compact %s into %s: %w", srcPath, dstPath, err)
	}
	err = bolt.Compact(dst, st.db, 64<<20)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dstPath)
		return fmt.Errorf("compact %s into %s: %w", srcPath, dstPath, err)
	}
	return nil
}

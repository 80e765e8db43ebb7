package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/tributary-feeds/tributary/config"
)

// cmdBackup fetches a consistent copy of the store from the running daemon
// and writes it to FILE atomically: a temporary file beside it, synced, then
// renamed over it. FILE never holds half a backup.
func cmdBackup(args []string, stdout, stderr io.Writer) int {
	fs, path, ok := flags("backup", args, stderr)
	if !ok || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: tributary backup [--config FILE] FILE")
		return exitUsage
	}
	dst := fs.Arg(0)
	if cfg, _ := config.LoadWith(*path, overrides()); cfg != nil {
		if msg := onPostgres(cfg, "backup"); msg != "" {
			fmt.Fprintln(stderr, "tributary: backup:", msg)
			return exitFail
		}
	}
	c, ok := daemonClient(*path, stderr)
	if !ok {
		return exitFail
	}
	n, err := backup(context.Background(), c, dst)
	if err != nil {
		fmt.Fprintf(stderr, "tributary: backup to %s: %v\n", dst, err)
		return exitFail
	}
	fmt.Fprintf(stdout, "%s: %d bytes\n", dst, n)
	return exitOK
}

func backup(ctx context.Context, c *adminClient, dst string) (int64, error) {
	resp, cancel, err := c.do(ctx, http.MethodGet, "/admin/backup", nil, time.Hour)
	if err != nil {
		return 0, err
	}
	defer cancel()
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, failure(resp)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name()) // after a successful rename, a no-op
	// The body has a Content-Length: a cut download is an error here.
	n, err := io.Copy(tmp, resp.Body)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return 0, err
	}
	if d, err := os.Open(filepath.Dir(dst)); err == nil {
		d.Sync()
		d.Close()
	}
	return n, nil
}

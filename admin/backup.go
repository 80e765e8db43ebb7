package admin

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/tributary-feeds/tributary/store"
)

// backupDeadline bounds one backup download, copy and transfer.
const backupDeadline = time.Hour

// serveBackup writes a consistent copy of the store to a temporary file
// first, then sends it: the store's read transaction lasts as long as the
// local copy takes, not as long as a slow client takes to download it. The
// file sits beside the store, the one place sure to be writable (a FROM
// scratch image has no /tmp).
func (a *Admin) serveBackup(w http.ResponseWriter, r *http.Request) {
	// The server's write timeout suits feeds, not a store of gigabytes on a
	// slow link: a backup has its own deadline.
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(backupDeadline))
	// The file is made at the first byte: a store backed up with its
	// database's tools (store.ErrNoBackup) writes none, and its Path is
	// no folder.
	var f *os.File
	defer func() {
		if f != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	start := time.Now()
	err := a.st.Backup(r.Context(), writerFunc(func(p []byte) (int, error) {
		if f == nil {
			var err error
			if f, err = os.CreateTemp(filepath.Dir(a.st.Path()), ".backup-*.tmp"); err != nil {
				return 0, err
			}
		}
		return f.Write(p)
	}))
	if errors.Is(err, store.ErrNoBackup) {
		a.log.Error("admin: backup", "error", err)
		http.Error(w, "backup: "+err.Error(), http.StatusNotImplemented)
		return
	}
	if err == nil && f == nil {
		err = fmt.Errorf("the store wrote nothing")
	}
	if err != nil {
		a.backupFailed(w, err)
		return
	}
	fi, err := f.Stat()
	if err != nil {
		a.backupFailed(w, err)
		return
	}
	a.log.Info("admin: backup", "bytes", fi.Size(), "duration", time.Since(start).Round(time.Millisecond), "remote", r.RemoteAddr)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="tributary-backup.db"`)
	w.Header().Set("Cache-Control", "no-store")
	http.ServeContent(w, r, "", time.Time{}, f)
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(p []byte) (int, error) { return w(p) }

func (a *Admin) backupFailed(w http.ResponseWriter, err error) {
	err = fmt.Errorf("backup: %w", err)
	a.log.Error("admin: backup", "error", err)
	http.Error(w, err.Error(), http.StatusInternalServerError)
}

// Package admin serves the daemon's operator endpoints: source status
// (GET /api/sources), a consistent backup of the store (GET /admin/backup), a
// configuration reload (POST /admin/reload) and fetching sources now (POST
// /admin/fetch).
//
// They answer only requests from loopback, unless [server].admin_token is
// set: then only requests bearing that token, from anywhere.
package admin

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/tributary-feeds/tributary/config"
)

// Admin serves the operator endpoints of one daemon.
type Admin struct {
	st     Store
	cfg    atomic.Pointer[config.Config]
	reload func(context.Context) error
	fetch  FetchFunc
	log    *slog.Logger
	now    func() time.Time
}

// New returns the admin endpoints for a daemon running cfg over st. reload
// re-reads the configuration; its error (config.Problems when the new file
// is invalid) is reported to the caller. It may be nil: reload is then refused.
func New(cfg *config.Config, st Store, reload func(context.Context) error, log *slog.Logger) *Admin {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &Admin{st: st, reload: reload, log: log, now: time.Now}
	a.cfg.Store(cfg)
	return a
}

// SetConfig switches to a reloaded configuration (its sources and token).
func (a *Admin) SetConfig(cfg *config.Config) { a.cfg.Store(cfg) }

func (a *Admin) config() *config.Config { return a.cfg.Load() }

// Handler serves /api/sources, /admin/backup, /admin/reload and
// /admin/fetch, each behind the admin check.
func (a *Admin) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/sources", a.serveSources)
	mux.HandleFunc("GET /admin/backup", a.serveBackup)
	mux.HandleFunc("POST /admin/reload", a.serveReload)
	mux.HandleFunc("POST /admin/fetch", a.serveFetch)
	return a.guard(mux)
}

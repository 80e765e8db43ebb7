// Package publisher serves the merged feed: Atom, RSS 2.0 and JSON Feed
// renderings of the newest stored articles, and the daemon's health.
package publisher

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/store"
)

// Publisher renders and serves what the store holds.
type Publisher struct {
	st  *store.Store
	log *slog.Logger

	mu  sync.RWMutex
	cfg *config.Config

	hits, misses atomic.Uint64 // render cache
}

// CacheStats reports the render cache's hits and misses since start.
func (p *Publisher) CacheStats() (hits, misses uint64) {
	return p.hits.Load(), p.misses.Load()
}

// New returns a Publisher of st's articles, shaped by cfg.
func New(cfg *config.Config, st *store.Store, log *slog.Logger) *Publisher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Publisher{st: st, log: log, cfg: cfg}
}

// Reload switches to a new configuration.
func (p *Publisher) Reload(cfg *config.Config) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cfg = cfg
}

func (p *Publisher) config() *config.Config {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.cfg
}

// Handler serves /feed.atom, /feed.rss, /feed.json and /healthz.
func (p *Publisher) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, f := range formats {
		mux.HandleFunc("GET /feed."+f.ext, func(w http.ResponseWriter, r *http.Request) { p.serveFeed(w, r, f) })
	}
	mux.HandleFunc("GET /healthz", p.serveHealth)
	return mux
}

func (p *Publisher) serveHealth(w http.ResponseWriter, r *http.Request) {
	if _, err := p.st.Sources(r.Context()); err != nil {
		http.Error(w, "store: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (p *Publisher) serveFeed(w http.ResponseWriter, r *http.Request, f format) {
	cfg := p.config()
	body, err := p.render(r.Context(), cfg, f, baseURL(cfg, r))
	if err != nil {
		p.log.Error("render feed", "format", f.ext, "error", err)
		http.Error(w, "could not render the feed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Write(body)
}

// render builds one feed document of the newest articles.
func (p *Publisher) render(ctx context.Context, cfg *config.Config, f format, base string) ([]byte, error) {
	arts, _, err := p.st.Newest(ctx, cfg.Feed.MaxItems, store.Filter{}, "")
	if err != nil {
		return nil, err
	}
	states, err := p.st.Sources(ctx)
	if err != nil {
		return nil, err
	}
	srcs := make(map[string]store.SourceState, len(states))
	for _, s := range states {
		srcs[s.Name] = s
	}
	doc := document{
		Title:       cfg.Feed.Title,
		Description: cfg.Feed.Description,
		Base:        base,
		Self:        base + "feed." + f.ext,
		ID:          feedID(base),
		Icon:        cfg.Feed.Icon,
		Articles:    arts,
		Sources:     srcs,
	}
	return f.render(&doc)
}

// baseURL is [server].base_url, else the URL the request came to.
func baseURL(cfg *config.Config, r *http.Request) string {
	if b := cfg.Server.BaseURL; b != "" {
		if !strings.HasSuffix(b, "/") {
			b += "/"
		}
		return b
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/"
}

package fetcher

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/store"
)

// openStore opens a real bbolt store at path.
func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path, store.Options{LockTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func newStore(t *testing.T) *store.Store {
	t.Helper()
	st := openStore(t, filepath.Join(t.TempDir(), "t.db"))
	t.Cleanup(func() { st.Close() })
	return st
}

// testConfig is the defaults with short limits, and the given sources.
func testConfig(srcs ...config.Source) *config.Config {
	cfg := config.Defaults()
	cfg.Fetch.Timeout = config.Duration{Duration: 2 * time.Second}
	cfg.Fetch.MaxBodySize = 1 << 20
	cfg.Fetch.Jitter = config.Duration{Duration: 0}
	cfg.Fetch.Schedule = "@every 1h"
	cfg.Sources = srcs
	return &cfg
}

func src(name, url string) config.Source { return config.Source{Name: name, URL: url} }

// counter counts requests per path on a test server.
type counter struct {
	mu   sync.Mutex
	hits map[string]int
	cond map[string]int // requests carrying If-None-Match or If-Modified-Since
	code map[string][]int
}

func newCounter() *counter {
	return &counter{hits: map[string]int{}, cond: map[string]int{}, code: map[string][]int{}}
}

func (c *counter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.hits[r.URL.Path]++
		if r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
			c.cond[r.URL.Path]++
		}
		c.mu.Unlock()
		rec := &statusRecorder{ResponseWriter: w, code: 200}
		h.ServeHTTP(rec, r)
		c.mu.Lock()
		c.code[r.URL.Path] = append(c.code[r.URL.Path], rec.code)
		c.mu.Unlock()
	})
}

func (c *counter) get(path string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits[path]
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h) // 127.0.0.1
	t.Cleanup(srv.Close)
	return srv
}

// rssFeed is a small RSS 2.0 document with the given item slugs, linking to
// base/page/SLUG.
func rssFeed(base string, slugs ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wfw="http://wellformedweb.org/CommentAPI/"><channel><title>T</title><link>` + base + `/</link>`)
	for i, s := range slugs {
		fmt.Fprintf(&b, `<item><title>Item %s</title><link>%s/page/%s</link><guid>%s</guid><pubDate>Mon, 0%d Jan 2026 10:00:00 GMT</pubDate><wfw:commentRss>%s/comments/%s</wfw:commentRss><comments>%s/page/%s#comments</comments></item>`,
			s, base, s, s, i%9+1, base, s, base, s)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

func articles(t *testing.T, st *store.Store, source string) []article.Article {
	t.Helper()
	arts, _, err := st.Newest(context.Background(), 10000, store.Filter{Sources: []string{source}}, "")
	if err != nil {
		t.Fatal(err)
	}
	return arts
}

func stateOf(t *testing.T, st *store.Store, name string) store.SourceState {
	t.Helper()
	s, ok, err := st.Source(context.Background(), name)
	if err != nil || !ok {
		t.Fatalf("state of %s: ok=%v err=%v", name, ok, err)
	}
	return s
}

func byName(outs []Outcome) map[string]Outcome {
	m := map[string]Outcome{}
	for _, o := range outs {
		m[o.Source] = o
	}
	return m
}

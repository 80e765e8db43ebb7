package fetcher

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tributary-feeds/tributary/config"
)

// enrichServer serves a feed (whose items are set by the test) and each
// item's page and comment feed, on 127.0.0.1.
type enrichServer struct {
	url   string
	down  atomic.Bool  // comment feeds answer 500
	items atomic.Value // []string
	cnt   *counter
}

func newEnrichServer(t *testing.T, items ...string) *enrichServer {
	es := &enrichServer{cnt: newCounter()}
	es.items.Store(items)
	mux := http.NewServeMux()
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(rssFeed(es.url, es.items.Load().([]string)...)))
	})
	mux.HandleFunc("/page/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>%s</title></head><body><article><p>By Jane Doe</p><p>%s</p></article></body></html>`,
			r.URL.Path, strings.Repeat("word ", 400))
	})
	mux.HandleFunc("/comments/", func(w http.ResponseWriter, r *http.Request) {
		if es.down.Load() {
			http.Error(w, "down", 500)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		n := len(strings.TrimPrefix(r.URL.Path, "/comments/")) // "a" → 1 comment, "bbb" → 3
		var b strings.Builder
		b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Comments</title>`)
		for i := range n {
			fmt.Fprintf(&b, `<item><title>Comment %d</title><guid>c%d</guid></item>`, i, i)
		}
		b.WriteString(`</channel></rss>`)
		w.Write([]byte(b.String()))
	})
	srv := serve(t, es.cnt.wrap(mux))
	es.url = srv.URL
	return es
}

func (es *enrichServer) pages() int {
	es.cnt.mu.Lock()
	defer es.cnt.mu.Unlock()
	n := 0
	for p, h := range es.cnt.hits {
		if strings.HasPrefix(p, "/page/") {
			n += h
		}
	}
	return n
}

// TestEnrichFetchesOnlyNewArticlesPages: the first fetch gets the page of
// every article, the next one only the new article's page.
func TestEnrichFetchesOnlyNewArticlesPages(t *testing.T) {
	es := newEnrichServer(t, "a", "b")
	cfg := testConfig(config.Source{Name: "blog", URL: es.url + "/feed", Enrich: true})
	cfg.Fetch.AllowPrivate = true // the test pages are on loopback
	st := newStore(t)
	f := New(cfg, st, nil)
	if o := f.Once(context.Background())[0]; o.New != 2 {
		t.Fatalf("first fetch: %v", o)
	}
	if n := es.pages(); n != 2 {
		t.Errorf("first fetch got %d pages, want 2", n)
	}
	es.items.Store([]string{"a", "b", "c"})
	if o := f.Once(context.Background())[0]; o.New != 1 {
		t.Fatalf("second fetch: %v", o)
	}
	if n := es.pages(); n != 3 {
		t.Errorf("after the second fetch %d pages were fetched, want 3 (only c's is new)", n)
	}
	if got := es.cnt.get("/page/c"); got != 1 {
		t.Errorf("the new article's page was fetched %d times", got)
	}
	if s := stateOf(t, st, "blog"); s.EnrichFailures != 0 {
		t.Errorf("enrich failures: %d", s.EnrichFailures)
	}
}

// TestEnrichRefusesPrivateAddresses: with allow_private = false, article
// pages on loopback are refused (the feed itself, configured by the
// operator, is not); the feed's own fields are kept and the failures
// counted.
func TestEnrichRefusesPrivateAddresses(t *testing.T) {
	es := newEnrichServer(t, "a", "bb")
	cfg := testConfig(config.Source{Name: "blog", URL: es.url + "/feed", Enrich: true, CountComments: true})
	st := newStore(t)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil))
	o := New(cfg, st, log).Once(context.Background())[0]
	if o.Result != ResultNew || o.New != 2 {
		t.Fatalf("fetch: %v", o)
	}
	if n := strings.Count(logs.String(), "refused private address 127.0.0.1"); n != 4 {
		t.Errorf("%d refusals logged, want 4:\n%s", n, logs.String())
	}
	if n := es.pages(); n != 0 {
		t.Errorf("%d pages fetched from loopback with allow_private = false", n)
	}
	if n := es.cnt.get("/comments/a"); n != 0 {
		t.Errorf("comment feed fetched from loopback with allow_private = false")
	}
	s := stateOf(t, st, "blog")
	if s.EnrichFailures != 4 || s.EnrichAttempts != 4 {
		t.Errorf("enrich failures = %d of %d attempts, want 4 of 4 (2 pages, 2 comment feeds)", s.EnrichFailures, s.EnrichAttempts)
	}
	if !strings.Contains(s.LastEnrichError, "refused private address 127.0.0.1") || !strings.Contains(s.LastEnrichError, es.url) {
		t.Errorf("last enrich error %q: want the refusal, naming the article", s.LastEnrichError)
	}
	if o.EnrichAttempts != 4 || o.EnrichFailures != 4 {
		t.Errorf("outcome counts %d enrichments, %d failed; want 4 and 4", o.EnrichAttempts, o.EnrichFailures)
	}
	for _, a := range articles(t, st, "blog") {
		if a.Title == "" || a.Comments != nil {
			t.Errorf("article kept %q, comments %v", a.Title, a.Comments)
		}
	}
}

// TestCountComments sets Comments to the number of items of each article's
// wfw:commentRss feed.
func TestCountComments(t *testing.T) {
	es := newEnrichServer(t, "a", "bbb")
	cfg := testConfig(config.Source{Name: "blog", URL: es.url + "/feed", CountComments: true})
	cfg.Fetch.AllowPrivate = true
	st := newStore(t)
	f := New(cfg, st, nil)
	counts := func() map[string]int {
		got := map[string]int{}
		for _, a := range articles(t, st, "blog") {
			got[a.Title] = -1 // unknown
			if a.Comments != nil {
				got[a.Title] = *a.Comments
			}
		}
		return got
	}
	if o := f.Once(context.Background())[0]; o.Result == ResultError {
		t.Fatal(o)
	}
	if got := counts(); got["Item a"] != 1 || got["Item bbb"] != 3 {
		t.Errorf("comment counts %v, want a=1 bbb=3", got)
	}
	// The comment feeds fail next time: the counts already stored stay.
	es.down.Store(true)
	es.items.Store([]string{"a", "bbb", "cc"})
	if o := f.Once(context.Background())[0]; o.New != 1 {
		t.Fatal(o)
	}
	if got := counts(); got["Item a"] != 1 || got["Item bbb"] != 3 || got["Item cc"] != -1 {
		t.Errorf("after failing comment feeds, counts %v, want a=1 bbb=3 kept, cc unknown", got)
	}
	if s := stateOf(t, st, "blog"); s.EnrichFailures != 3 {
		t.Errorf("enrich failures %d, want 3", s.EnrichFailures)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

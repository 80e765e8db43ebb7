package publisher

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/store"
)

// t0 is the fixed clock of golden tests.
var t0 = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"), store.Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func apply(t testing.TB, st *store.Store, src string, state store.SourceState, arts ...article.Article) {
	t.Helper()
	for i := range arts {
		if arts[i].ID == "" {
			arts[i].ID = article.NewID(src, arts[i].GUID, arts[i].Link, arts[i].Title, arts[i].Published)
		}
	}
	if _, err := st.Apply(context.Background(), src, state, arts); err != nil {
		t.Fatal(err)
	}
}

func intp(n int) *int { return &n }

// testConfig has two sources, a group and base_url set, so output is the
// same whatever port the test server got.
func testConfig() *config.Config {
	cfg := config.Defaults()
	cfg.Server.BaseURL = "http://tributary.test/"
	cfg.Feed.Title = "Tributary test"
	cfg.Feed.Icon = "http://tributary.test/icon.png"
	cfg.Sources = []config.Source{
		{Name: "alpha", URL: "http://alpha.test/feed.xml", Tags: []string{"tech"}},
		{Name: "beta", URL: "http://beta.test/rss", Tags: []string{"tech", "podcasts"}, Schedule: "@every 10m"},
	}
	cfg.Groups = []config.Group{{Name: "long", Title: "Long reads", MinReadTime: 5}}
	return &cfg
}

// sampleArticles fills every published field, leaves some unknown, and
// hides control characters and invalid UTF-8 in the text.
func sampleArticles() (alpha, beta []article.Article) {
	alpha = []article.Article{
		{
			GUID: "alpha-1", Link: "http://alpha.test/posts/1", Title: "First <light>",
			Authors:   []string{"Emmanuel McDammy"},
			Published: t0.Add(-3 * time.Hour), Updated: t0.Add(-2 * time.Hour),
			Summary: "<p>A summary &amp; more</p>", Content: "<p>The full text.</p>",
			ReadTime: 2, Comments: intp(1), Categories: []string{"go", "feeds"},
			CommentsPage: "http://alpha.test/posts/1#comments", CommentsURL: "http://alpha.test/posts/1/comments.xml",
		},
		{
			GUID: "alpha-2", Link: "http://alpha.test/posts/2", Title: "Bad\x00 bytes\x1b here \xff\xfe end",
			Published: t0.Add(-5 * time.Hour), Updated: t0.Add(-5 * time.Hour),
			Content: "<p>Text with a form feed\x0c and a DEL\x7f.</p>",
		},
	}
	beta = []article.Article{
		{
			GUID: "beta-ep-7", Link: "http://beta.test/ep/7", Title: "Episode 7",
			Authors:   []string{"Ada Lovelace", "Grace Hopper"},
			Published: t0.Add(-1 * time.Hour), Updated: t0.Add(-1 * time.Hour),
			Summary: "<p>Seven</p>", Content: "<p>We talk about long things.</p>",
			ReadTime: 12, Comments: intp(0), Categories: []string{"audio"},
			Enclosures: []article.Enclosure{
				{URL: "http://beta.test/ep7.mp3"},
				{URL: "http://beta.test/ep7.pdf", Type: "application/pdf", Length: 123456},
				{URL: "http://beta.test/cover.jpg", Type: "image/jpeg", Length: 2048},
			},
		},
		{
			GUID: "beta-ep-6", Link: "http://beta.test/ep/6", Title: "Episode 6",
			Authors:   []string{"Ada Lovelace"},
			Published: t0.Add(-4 * time.Hour), Updated: t0.Add(-4 * time.Hour),
			Content: "<p>Short.</p>", ReadTime: 1, Comments: intp(42),
			CommentsURL: "http://beta.test/ep/6/comments.atom",
		},
	}
	return alpha, beta
}

// sampleStore is a store holding sampleArticles.
func sampleStore(t testing.TB) *store.Store {
	st := openStore(t)
	alpha, beta := sampleArticles()
	apply(t, st, "alpha", store.SourceState{URL: "http://alpha.test/feed.xml", Title: "Alpha Blog", Link: "http://alpha.test/"}, alpha...)
	apply(t, st, "beta", store.SourceState{URL: "http://beta.test/rss", EffectiveURL: "http://beta.test/feed.rss", Title: "Beta \x01Cast", Link: "http://beta.test/"}, beta...)
	return st
}

// get serves one request in process.
func get(t testing.TB, h http.Handler, target string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func configGroup(name string, sources, tags, include, exclude []string, minRT, maxRT int) config.Group {
	return config.Group{Name: name, Sources: sources, Tags: tags, Include: include, Exclude: exclude, MinReadTime: minRT, MaxReadTime: maxRT}
}

type storeState = store.SourceState

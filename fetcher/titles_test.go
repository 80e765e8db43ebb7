package fetcher

import (
	"context"
	"net/http"
	"testing"

	"github.com/tributary-feeds/tributary/store"
)

// A source's title is decoded once, at ingest: "Blog &#8211; InfluxData"
// (as a JSON Feed writes it) is stored as "Blog – InfluxData"; a title that
// reads "&amp;" once decoded is not decoded again on the next fetch.
func TestSourceTitleDecodedOnceAtIngest(t *testing.T) {
	body := `{"version":"https://jsonfeed.org/version/1.1","title":"Blog &#8211; InfluxData","items":[{"id":"1","title":"x","content_text":"y"}]}`
	twice := `<rss version="2.0"><channel><title>Tom &amp;amp;amp; Jerry</title><item><guid>1</guid><title>x</title></item></channel></rss>`
	mux := http.NewServeMux()
	mux.HandleFunc("/influx.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/feed+json")
		w.Write([]byte(body))
	})
	mux.HandleFunc("/twice.xml", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(twice)) })
	srv := serve(t, mux)
	st := newStore(t)
	f := New(testConfig(src("influx", srv.URL+"/influx.json"), src("twice", srv.URL+"/twice.xml")), st, nil)
	for range 2 { // the second fetch finds the same bytes: no parse, and no second decoding
		for _, o := range f.Once(context.Background()) {
			if o.Err != nil {
				t.Fatal(o.Err)
			}
		}
		if got := stateOf(t, st, "influx").Title; got != "Blog – InfluxData" {
			t.Errorf("title %q, want %q", got, "Blog – InfluxData")
		}
		if got := stateOf(t, st, "twice").Title; got != "Tom &amp; Jerry" {
			t.Errorf("title %q, want %q (the feed's text, decoded once)", got, "Tom &amp; Jerry")
		}
	}
}

// A title stored undecoded by an earlier version is decoded at the source's
// next fetch, even one answered 304, and only then.
func TestStoredTitleDecodedAtNextFetch(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) })
	srv := serve(t, mux)
	st := newStore(t)
	legacy := store.SourceState{Name: "old", URL: srv.URL + "/feed.xml", Title: "Blog &#8211; InfluxData", ETag: `"x"`}
	if err := st.SaveStates(context.Background(), legacy); err != nil {
		t.Fatal(err)
	}
	f := New(testConfig(src("old", srv.URL+"/feed.xml")), st, nil)
	for range 2 {
		f.Once(context.Background())
		if s := stateOf(t, st, "old"); s.Title != "Blog – InfluxData" || !s.TitlePlain {
			t.Errorf("after a 304: title %q (plain %v), want %q", s.Title, s.TitlePlain, "Blog – InfluxData")
		}
	}
}

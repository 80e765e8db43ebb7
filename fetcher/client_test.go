package fetcher

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// TestCompressionAndHeaders: gzip, br, deflate (zlib and raw) bodies are
// decoded; the User-Agent names Tributary (or the source's own), Accept
// names feed types.
func TestCompressionAndHeaders(t *testing.T) {
	feed := rssFeed("http://example.com", "a")
	enc := map[string]func(io.Writer) io.WriteCloser{
		"gzip":     func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) },
		"br":       func(w io.Writer) io.WriteCloser { return brotli.NewWriter(w) },
		"deflate":  func(w io.Writer) io.WriteCloser { return zlib.NewWriter(w) },
		"identity": nil,
	}
	var uas, accepts []string
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uas = append(uas, r.Header.Get("User-Agent"))
		accepts = append(accepts, r.Header.Get("Accept"))
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "rawdeflate" {
			w.Header().Set("Content-Encoding", "deflate")
			fw, _ := flate.NewWriter(w, flate.DefaultCompression)
			fw.Write([]byte(feed))
			fw.Close()
			return
		}
		if !strings.Contains(r.Header.Get("Accept-Encoding"), name) && name != "identity" {
			http.Error(w, "did not ask for "+name, 400)
			return
		}
		if mk := enc[name]; mk != nil {
			w.Header().Set("Content-Encoding", name)
			zw := mk(w)
			zw.Write([]byte(feed))
			zw.Close()
			return
		}
		w.Write([]byte(feed))
	}))
	cfg := testConfig(src("gzip", srv.URL+"/gzip"), src("br", srv.URL+"/br"), src("deflate", srv.URL+"/deflate"), src("rawdeflate", srv.URL+"/rawdeflate"), src("identity", srv.URL+"/identity"))
	cfg.Sources[4].UserAgent = "Custom/1"
	cfg.Fetch.Concurrency = 1
	for _, o := range New(cfg, newStore(t), nil).Once(context.Background()) {
		if o.Result != ResultNew {
			t.Errorf("%v", o)
		}
	}
	for _, ua := range uas {
		if ua != "Custom/1" && !strings.HasPrefix(ua, "Tributary/dev (+https://github.com/tributary-feeds/tributary)") {
			t.Errorf("User-Agent %q", ua)
		}
	}
	if !strings.Contains(strings.Join(uas, "|"), "Custom/1") {
		t.Errorf("per-source user_agent not sent: %q", uas)
	}
	if !strings.Contains(accepts[0], "application/atom+xml") || !strings.Contains(accepts[0], "application/rss+xml") {
		t.Errorf("Accept %q", accepts[0])
	}
}

// TestPermanentRedirects: a 301/308 seen permanentAfter times in a row
// moves the effective URL; a 302/307 never does.
func TestPermanentRedirects(t *testing.T) {
	cnt := newCounter()
	mux := http.NewServeMux()
	mux.Handle("/old", http.RedirectHandler("/mid", http.StatusMovedPermanently))
	mux.Handle("/mid", http.RedirectHandler("/new", http.StatusPermanentRedirect))
	mux.Handle("/temp", http.RedirectHandler("/new", http.StatusFound))
	mux.Handle("/temp7", http.RedirectHandler("/new", http.StatusTemporaryRedirect))
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(rssFeed("http://example.com", "a")))
	})
	srv := serve(t, cnt.wrap(mux))
	cfg := testConfig(src("moved", srv.URL+"/old"), src("temp", srv.URL+"/temp"), src("temp7", srv.URL+"/temp7"))
	st := newStore(t)
	f := New(cfg, st, nil)
	for i := 1; i <= permanentAfter; i++ {
		for _, o := range f.Once(context.Background()) {
			if o.Result == ResultError {
				t.Fatal(o)
			}
		}
		s := stateOf(t, st, "moved")
		if i < permanentAfter && (s.EffectiveURL != "" || s.RedirectCount != i || s.RedirectURL != srv.URL+"/new") {
			t.Errorf("after %d sightings: %+v", i, s)
		}
	}
	if s := stateOf(t, st, "moved"); s.EffectiveURL != srv.URL+"/new" || s.FeedURL() != srv.URL+"/new" {
		t.Errorf("after %d sightings the effective URL is %q", permanentAfter, s.EffectiveURL)
	}
	old := cnt.get("/old")
	f.Once(context.Background(), "moved")
	if cnt.get("/old") != old {
		t.Errorf("the moved source still asks its old URL")
	}
	for _, name := range []string{"temp", "temp7"} {
		if s := stateOf(t, st, name); s.EffectiveURL != "" || s.RedirectCount != 0 {
			t.Errorf("%s: a temporary redirect moved the source: %+v", name, s)
		}
	}
}

func TestRetryAfterAndMaxAge(t *testing.T) {
	h := http.Header{}
	h.Set("Retry-After", "120")
	if d := retryAfter(h, time.Now()); d.Seconds() != 120 {
		t.Errorf("seconds: %v", d)
	}
	h.Set("Retry-After", "soon")
	if d := retryAfter(h, time.Now()); d != 0 {
		t.Errorf("junk: %v", d)
	}
	h.Set("Cache-Control", `public, max-age=3600`)
	if d := maxAge(h); d.Hours() != 1 {
		t.Errorf("max-age: %v", d)
	}
}

func TestDecodeUnknownEncoding(t *testing.T) {
	resp := &http.Response{Header: http.Header{"Content-Encoding": {"zstd"}}, Body: io.NopCloser(bytes.NewReader(nil))}
	if _, err := decode(resp); err == nil || !strings.Contains(err.Error(), "zstd") {
		t.Errorf("err = %v", err)
	}
}

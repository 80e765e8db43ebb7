package publisher

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

func TestConditionalGET(t *testing.T) {
	st := sampleStore(t)
	p := New(testConfig(), st, nil)
	h := p.Handler()
	for _, f := range formats {
		t.Run(f.ext, func(t *testing.T) {
			url := "http://tributary.test/feed." + f.ext
			resp, body := get(t, h, url)
			etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
			if resp.StatusCode != 200 || etag == "" || lm == "" || len(body) == 0 {
				t.Fatalf("first GET: %s ETag=%q Last-Modified=%q body %d bytes", resp.Status, etag, lm, len(body))
			}
			if got := resp.Header.Get("Cache-Control"); got != "public, max-age=600" {
				t.Errorf("Cache-Control = %q, want max-age of the shortest schedule (beta's 10m)", got)
			}
			if got := resp.Header.Get("Vary"); got != "Accept-Encoding" {
				t.Errorf("Vary = %q", got)
			}
			resp, body = get(t, h, url, "If-None-Match", etag)
			if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
				t.Errorf("If-None-Match: %s with %d bytes, want 304 and no body", resp.Status, len(body))
			}
			resp, body = get(t, h, url, "If-Modified-Since", lm)
			if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
				t.Errorf("If-Modified-Since: %s with %d bytes, want 304 and no body", resp.Status, len(body))
			}
			resp, _ = get(t, h, url, "If-None-Match", `"other"`, "If-Modified-Since", lm)
			if resp.StatusCode != 200 {
				t.Errorf("a non-matching If-None-Match wins over If-Modified-Since: got %s", resp.Status)
			}
		})
	}

	// A fetch that adds an article changes every ETag.
	before := map[string]string{}
	for _, f := range formats {
		resp, _ := get(t, h, "http://tributary.test/feed."+f.ext)
		before[f.ext] = resp.Header.Get("ETag")
	}
	apply(t, st, "alpha", store.SourceState{URL: "http://alpha.test/feed.xml", Title: "Alpha Blog"},
		article.Article{GUID: "alpha-new", Title: "Brand new", Published: t0})
	for _, f := range formats {
		resp, body := get(t, h, "http://tributary.test/feed."+f.ext, "If-None-Match", before[f.ext])
		if resp.StatusCode != 200 || resp.Header.Get("ETag") == before[f.ext] {
			t.Errorf("%s after a new article: %s ETag %q (was %q)", f.ext, resp.Status, resp.Header.Get("ETag"), before[f.ext])
		}
		if !bytes.Contains(body, []byte("Brand new")) {
			t.Errorf("%s does not show the new article", f.ext)
		}
	}
}

func TestGzipHEADAndCache(t *testing.T) {
	p := New(testConfig(), sampleStore(t), nil)
	h := p.Handler()
	url := "http://tributary.test/feed.atom"
	_, plain := get(t, h, url)
	h0, m0 := p.CacheStats()
	resp, zipped := get(t, h, url, "Accept-Encoding", "br;q=1, gzip;q=0.8")
	if h1, m1 := p.CacheStats(); h1 != h0+1 || m1 != m0 {
		t.Errorf("a repeat request: hits %d→%d misses %d→%d, want one more hit", h0, h1, m0, m1)
	}
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding = %q", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if !bytes.Equal(unzipped, plain) {
		t.Error("gzipped body differs from the plain one")
	}
	resp2, _ := get(t, h, url, "If-None-Match", resp.Header.Get("ETag"))
	if resp2.StatusCode != 304 {
		t.Errorf("the gzip ETag sent back without gzip: %s, want 304", resp2.Status)
	}
	resp, _ = get(t, h, url, "Accept-Encoding", "gzip;q=0")
	if resp.Header.Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 got gzip")
	}

	req := httptest.NewRequest(http.MethodHead, url, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") == "" || rec.Header().Get("ETag") == "" {
		t.Errorf("HEAD: %d, %d body bytes, headers %v", rec.Code, rec.Body.Len(), rec.Header())
	}
}

func TestErrorsAndSubfeeds(t *testing.T) {
	p := New(testConfig(), sampleStore(t), nil)
	h := p.Handler()
	for target, want := range map[string]int{
		"/feed.atom?page=%%%":  400,
		"/feed.atom?page=a%2F": 400,
		"/g/nope.atom":         404,
		"/g/long.xml":          404,
		"/t/nope.rss":          404,
		"/t/podcasts.json":     200,
		"/g/long.rss":          200,
		"/healthz":             200,
		"/opml":                200,
		"/":                    200,
		"/nothing":             404,
	} {
		resp, body := get(t, h, "http://tributary.test"+target)
		if resp.StatusCode != want {
			t.Errorf("%s: %s, want %d\n%s", target, resp.Status, want, body)
		}
	}
	// The group keeps articles of 5 minutes and more; the tag only beta's.
	for target, want := range map[string][]string{
		"/g/long.json":     {"Episode 7"},
		"/t/podcasts.json": {"Episode 7", "Episode 6"},
	} {
		_, body := get(t, h, "http://tributary.test"+target)
		feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range feed.Items {
			got = append(got, it.Title)
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: %q, want %q", target, got, want)
		}
	}
}

func TestGroupMatch(t *testing.T) {
	cfg := testConfig()
	cfg.Groups = append(cfg.Groups,
		configGroup("kw", nil, nil, []string{"LONG"}, nil, 0, 0),
		configGroup("nokw", nil, nil, nil, []string{"episode"}, 0, 0),
		configGroup("quick", []string{"beta"}, nil, nil, nil, 0, 5),
		configGroup("tagged", nil, []string{"nope"}, nil, nil, 0, 0),
	)
	h := New(cfg, sampleStore(t), nil).Handler()
	for name, want := range map[string]string{
		"kw":     "Episode 7",
		"nokw":   "First <light>|Bad bytes here \uFFFD end",
		"quick":  "Episode 6",
		"tagged": "",
	} {
		_, body := get(t, h, "http://tributary.test/g/"+name+".rss")
		feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, body)
		}
		var got []string
		for _, it := range feed.Items {
			got = append(got, it.Title)
		}
		if strings.Join(got, "|") != want {
			t.Errorf("group %s: %q, want %q", name, strings.Join(got, "|"), want)
		}
	}
}

// Read-time bounds use the published read time: counted from the body, else
// stated by the publisher; an article with neither matches no bound.
func TestGroupReadTimeBounds(t *testing.T) {
	cfg := testConfig()
	match := func(a *article.Article) bool {
		return groupSubfeed(cfg, configGroup("g", nil, nil, nil, nil, 2, 5)).filter.Matches(a)
	}
	for _, c := range []struct {
		a    article.Article
		want bool
	}{
		{article.Article{ReadTime: 3}, true},
		{article.Article{ReadTime: 9}, false},
		{article.Article{ReadTime: 1}, false},
		{article.Article{StatedRead: 4}, true},
		{article.Article{ReadTime: 9, StatedRead: 4}, false},
		{article.Article{}, false},
	} {
		if got := match(&c.a); got != c.want {
			t.Errorf("read %d stated %d: match = %v, want %v", c.a.ReadTime, c.a.StatedRead, got, c.want)
		}
	}
	if groupSubfeed(cfg, configGroup("g", nil, nil, nil, nil, 0, 5)).filter.Matches(&article.Article{}) {
		t.Error("an article with no read time matched max_read_time")
	}
}

func TestPageAndOPML(t *testing.T) {
	cfg := testConfig()
	h := New(cfg, sampleStore(t), nil).Handler()
	resp, body := get(t, h, "http://tributary.test/")
	page := string(body)
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	for _, want := range []string{
		`<meta name="viewport"`,
		`<link rel="alternate" type="application/atom+xml" title="Tributary test (Atom)" href="http://tributary.test/feed.atom">`,
		`href="http://tributary.test/feed.rss"`, `href="http://tributary.test/feed.json"`,
		`href="http://tributary.test/g/long.atom"`, `href="http://tributary.test/t/podcasts.json"`,
		`<a href="http://alpha.test/posts/1">First &lt;light&gt;</a>`,
		"Beta Cast · by Ada Lovelace, Grace Hopper · 12 min read · 0 comments",
		// The count links to the comment page (else the comment feed).
		`Alpha Blog · by Emmanuel McDammy · 2 min read · <a href="http://alpha.test/posts/1#comments">1 comment</a> ·`,
		`<a href="http://beta.test/ep/6/comments.atom">42 comments</a>`,
		// Each entry's summary, as plain text, under its title.
		`<p class="s">A summary &amp; more</p>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Error("page has a script")
	}
	wellFormedHTML(t, body)

	// A strict policy: nothing but the page's own style, by its hash, as
	// the page is served.
	csp := resp.Header.Get("Content-Security-Policy")
	_, css, _ := strings.Cut(page, "<style>")
	css, _, _ = strings.Cut(css, "</style>")
	sum := sha256.Sum256([]byte(css))
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'",
		"style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("page CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "script") || strings.Contains(csp, "unsafe") {
		t.Errorf("page CSP %q allows script or unsafe sources", csp)
	}
}

func wellFormedHTML(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("<!doctype html>")) || !bytes.Contains(b, []byte("</html>")) {
		t.Error("not a whole HTML document")
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                 "plain",
		"tab\tnl\ncr\r":         "tab\tnl\ncr\r",
		"nul\x00esc\x1bdel\x7f": "nulescdel",
		"bad \xff utf8":         "bad \uFFFD utf8",
		"c1 \u0085 \u009f":      "c1  ",
		"nonchar \uFFFE\uFFFF":  "nonchar ",
		"ünïcödé 日本 🎉":          "ünïcödé 日本 🎉",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestByline(t *testing.T) {
	for _, c := range []struct {
		a    article.Article
		want string
	}{
		// The count is never part of the line: see TestCommentCountIsNotAnEdit.
		{article.Article{Authors: []string{"Emmanuel McDammy"}, ReadTime: 2, Comments: intp(1)}, "By Emmanuel McDammy · 2 min read"},
		{article.Article{Authors: []string{"A", "B", "C"}, Comments: intp(3)}, "By A, B and C"},
		{article.Article{ReadTime: 7}, "7 min read"},
		{article.Article{ReadTime: 3, StatedRead: 7}, "3 min read"},
		{article.Article{StatedRead: 7}, "7 min read (stated)"},
		{article.Article{Comments: intp(0)}, ""},
		{article.Article{}, ""},
	} {
		if got := byline(&c.a); got != c.want {
			t.Errorf("byline = %q, want %q", got, c.want)
		}
	}
	a := article.Article{Content: "<p>x</p>"}
	if got := annotated(&a, true); got != "<p>x</p>" {
		t.Errorf("nothing known still annotates: %q", got)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for in, want := range map[string]bool{
		"": false, "gzip": true, "deflate, gzip": true, "gzip;q=0": false, "gzip; q=0.000": false,
		"gzip;q=0.5": true, "*": true, "*;q=0": false, "br": false, "x-gzip": true, "GZIP": true,
	} {
		if got := acceptsGzip([]string{in}); got != want {
			t.Errorf("acceptsGzip(%q) = %v", in, got)
		}
	}
}

func TestMaxAge(t *testing.T) {
	cfg := testConfig()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := maxAge(cfg, now); got != 600 {
		t.Errorf("maxAge = %d, want 600", got)
	}
	cfg.Sources[1].Schedule = "@every 5s"
	if got := maxAge(cfg, now); got != minMaxAge {
		t.Errorf("maxAge = %d, want the floor %d", got, minMaxAge)
	}
	cfg.Sources = nil
	cfg.Fetch.Schedule = "@daily"
	if got := maxAge(cfg, now); got != maxMaxAge {
		t.Errorf("maxAge = %d, want the ceiling %d", got, maxMaxAge)
	}
}

// TestLastModifiedCarriesOver: a store change that leaves a feed's bytes
// as they were keeps its ETag and Last-Modified, so readers get 304.
func TestLastModifiedCarriesOver(t *testing.T) {
	st := sampleStore(t)
	p := New(testConfig(), st, nil)
	clock := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	p.now = func() time.Time { return clock }
	h := p.Handler()
	resp, _ := get(t, h, "http://tributary.test/g/long.atom")
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	clock = clock.Add(time.Hour)
	// A short article: a new store version, but not in the long group.
	apply(t, st, "alpha", store.SourceState{URL: "http://alpha.test/feed.xml", Title: "Alpha Blog"},
		article.Article{GUID: "short", Title: "Short one", Published: t0, ReadTime: 1})
	resp, body := get(t, h, "http://tributary.test/g/long.atom", "If-Modified-Since", lm)
	if resp.StatusCode != 304 || len(body) != 0 {
		t.Errorf("unchanged group after a store change: %s", resp.Status)
	}
	if resp.Header.Get("ETag") != etag || resp.Header.Get("Last-Modified") != lm {
		t.Errorf("validators moved: %q %q, were %q %q", resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), etag, lm)
	}
	resp, _ = get(t, h, "http://tributary.test/feed.atom")
	if got := resp.Header.Get("Last-Modified"); got != clock.Format(http.TimeFormat) {
		t.Errorf("changed feed Last-Modified = %q, want the render time %q", got, clock.Format(http.TimeFormat))
	}
}

// TestReload: a new configuration is served at once, not the cached render.
func TestReload(t *testing.T) {
	cfg := testConfig()
	p := New(cfg, sampleStore(t), nil)
	h := p.Handler()
	get(t, h, "http://tributary.test/feed.rss")
	next := testConfig()
	next.Feed.Title = "Renamed"
	p.Reload(next)
	_, body := get(t, h, "http://tributary.test/feed.rss")
	if !bytes.Contains(body, []byte("<title>Renamed</title>")) {
		t.Error("Reload did not reach the feed")
	}
}

// TestEmptyStore: every format of an empty store is a valid, empty feed.
func TestEmptyStore(t *testing.T) {
	h := New(testConfig(), openStore(t), nil).Handler()
	for _, f := range formats {
		resp, body := get(t, h, "http://tributary.test/feed."+f.ext)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %s", f.ext, resp.Status)
		}
		wellFormed(t, f.ext, body)
	}
	_, body := get(t, h, "http://tributary.test/feed.json")
	if !bytes.Contains(body, []byte(`"items": []`)) {
		t.Errorf("empty JSON Feed lacks items: %s", body)
	}
}

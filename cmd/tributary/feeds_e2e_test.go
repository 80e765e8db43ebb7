package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/internal/atomcheck"
	"github.com/tributary-feeds/tributary/internal/testenv"
)

// corpusSources are real feeds of the shared corpus: entries with and
// without bylines, comment pages (<comments>, rel="replies" text/html),
// comment feeds (wfw:commentRss, rel="replies"), an entity in a feed's title.
var corpusSources = map[string]string{
	"influx":     "jsonfeed11_influxdata_authors.json",
	"techcrunch": "rss20_wordpress_techcrunch_slash_wfw.xml",
	"hn":         "rss20_hackernews_comments_link.xml",
	"pauldix":    "atom10_typepad_pauldix_wfw_thr.xml",
	"samruby":    "atom10_samruby_thr_count.xml",
	"reddit":     "rss20_reddit.xml",
	"bbc-urdu":   "rss20_bbc_urdu.xml",
	"heise":      "atom10_heise.xml",
	"github":     "atom10_github_commits.xml",
	"craigslist": "rss10_craigslist.xml",
	"alerts":     "atom10_google_alerts.xml",
	"nightvale":  "podcast_nightvale.xml",
	"no-author":  "atom10_incomplete_empty_author.xml",
	"xml-base":   "atom03_relative_xml_base_nested.xml",
}

// The binary, fed real feeds: every page of /feed.atom passes the offline
// W3C checks; the source title written "Blog &#8211; InfluxData" reads
// "Blog – InfluxData" in RSS, JSON, HTML and OPML; comment links reach every
// format and the HTML page; the HTML page pages back through every article.
func TestCorpusFeedsValidEverywhere(t *testing.T) {
	dir := testenv.Corpus(t, "feeds")
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	work := t.TempDir()
	addr := freeAddr(t)
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "[server]\nlisten = %q\n[store]\npath = \"store.db\"\n[feed]\nmax_items = 25\n[fetch]\nschedule = \"@every 24h\"\n", addr)
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range corpusSources {
			if !yield(n) {
				return
			}
		}
	})
	for _, n := range names {
		fmt.Fprintf(&cfg, "[[source]]\nname = %q\nurl = \"%s/%s\"\n", n, srv.URL, corpusSources[n])
	}
	cfgPath := writeConfig(t, work, cfg.String())
	if out, code := runCLI(t, "fetch", "--config", cfgPath); code != 0 {
		t.Fatalf("fetch: exit %d\n%s", code, out)
	}
	startDaemon(t, cfgPath, addr)
	base := "http://" + addr

	// Every page of the Atom feed, and the JSON feed's pages to count.
	atomPages := 0
	for u := base + "/feed.atom"; u != ""; atomPages++ {
		_, body := get(t, u)
		for _, p := range atomcheck.Check(body) {
			t.Errorf("%s: %s", u, p)
		}
		u = ""
		var f struct {
			Links []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"http://www.w3.org/2005/Atom link"`
		}
		if err := xml.Unmarshal(body, &f); err != nil {
			t.Fatal(err)
		}
		for _, l := range f.Links {
			if l.Rel == "next" {
				u = l.Href
			}
		}
	}
	var jsonTitles []string
	for u := base + "/feed.json"; u != ""; {
		_, body := get(t, u)
		var f struct {
			NextURL string `json:"next_url"`
			Items   []struct {
				Title string `json:"title"`
				T     struct {
					CommentsURL string `json:"comments_url"`
				} `json:"_tributary"`
			} `json:"items"`
		}
		if err := json.Unmarshal(body, &f); err != nil {
			t.Fatal(err)
		}
		for _, it := range f.Items {
			jsonTitles = append(jsonTitles, it.Title)
		}
		u = f.NextURL
	}
	if atomPages < 3 || len(jsonTitles) < 100 {
		t.Fatalf("%d Atom pages, %d articles: the corpus feeds did not all arrive", atomPages, len(jsonTitles))
	}

	// The HTML page walks the same articles, 25 a page, through its Older links.
	older := regexp.MustCompile(`<a href="([^"]*)" rel="next">Older</a>`)
	item := regexp.MustCompile(`<div class="t">`)
	var pageItems, pages int
	var pagesHTML strings.Builder
	for u := base + "/"; u != ""; pages++ {
		if pages > 50 {
			t.Fatal("the Older links do not end")
		}
		_, body := get(t, u)
		pagesHTML.Write(body)
		pageItems += len(item.FindAll(body, -1))
		u = ""
		if m := older.FindSubmatch(body); m != nil {
			u = base + strings.TrimPrefix(html.UnescapeString(string(m[1])), base)
		}
	}
	if pageItems != len(jsonTitles) || pages != atomPages {
		t.Errorf("the HTML page shows %d articles on %d pages, the feeds %d on %d", pageItems, pages, len(jsonTitles), atomPages)
	}

	// Item 14: the title decoded once, everywhere.
	docs := map[string]string{"html": pagesHTML.String()}
	for _, p := range []string{"/feed.rss", "/feed.json", "/opml"} {
		_, b := get(t, base+p)
		docs[p] = string(b)
	}
	for name, doc := range docs {
		if !strings.Contains(doc, "Blog – InfluxData") || strings.Contains(doc, "8211") {
			t.Errorf("%s: the source title is not decoded (want \"Blog – InfluxData\", never \"&#8211;\")", name)
		}
	}

	// Item 12: comment links in every format, and the page's counts link to them.
	for name, want := range map[string][]string{
		"/feed.rss": {
			"<comments>https://news.ycombinator.com/item?id=30937433</comments>",
			"<wfw:commentRss>http://techcrunch.com/2011/11/02/angies-list-prices-ipo-at-11-to-13-per-share-valued-at-over-600m/feed/</wfw:commentRss>",
		},
		"/feed.json": {`"comments_url": "https://news.ycombinator.com/item?id=30937433"`},
		"html": {
			`<a href="http://www.pauldix.net/2009/01/sax-machine-sax-parsing-made-easy.html">4 comments</a>`,
			`<a href="https://news.ycombinator.com/item?id=30937433">`,
		},
	} {
		doc := docs[name]
		if name == "/feed.rss" || name == "/feed.json" {
			doc = allPages(t, base+name)
		}
		for _, w := range want {
			if !strings.Contains(doc, w) {
				t.Errorf("%s lacks %s", name, w)
			}
		}
	}
	if a := allPages(t, base+"/feed.atom"); !strings.Contains(a, `<link href="http://www.pauldix.net/2009/01/sax-machine-sax-parsing-made-easy.html" rel="replies" type="text/html" thr:count="4"></link>`) {
		t.Error("/feed.atom lacks the pauldix replies link with its thr:count")
	}
}

// allPages is every page of a feed, concatenated, following next links.
func allPages(t *testing.T, first string) string {
	t.Helper()
	next := regexp.MustCompile(`<(?:atom:)?link href="([^"]*)" rel="next"|"next_url": "([^"]*)"`)
	var b strings.Builder
	for u, n := first, 0; u != "" && n < 50; n++ {
		_, body := get(t, u)
		b.Write(body)
		u = ""
		if m := next.FindSubmatch(body); m != nil {
			u = html.UnescapeString(string(m[1]) + string(m[2]))
		}
	}
	return b.String()
}

// export → import → the same [[source]] tables: names, URLs, tags and
// settings; an empty feed's updated is when the store was made, across a
// restart; a file that is not OPML is named as such.
func TestOPMLRoundTripAndEmptyFeed(t *testing.T) {
	// Nothing to fetch at first (the store stays empty); then the feeds,
	// whose titles are not the sources' names.
	var serving atomic.Bool
	files := http.FileServer(http.Dir("testdata/feeds"))
	gone := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !serving.Load() {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	}))
	defer gone.Close()
	work := t.TempDir()
	addr := freeAddr(t)
	start := time.Now().UTC().Truncate(time.Second)
	cfgPath := writeConfig(t, work, fmt.Sprintf(`
[server]
listen = %q
[store]
path = "store.db"
[fetch]
schedule = "@every 24h"

[[source]]
name = "heise-online"
url = "%[2]s/atom.xml"
tags = ["tech", "de"]
schedule = "@every 10m"
enrich = true
full_text = true
max_age = "720h"

[[source]]
name = "go"
url = "%[2]s/rss2.xml"
tags = ["golang"]
count_comments = true
max_per_source = 50

[[source]]
name = "plain"
url = "%[2]s/feed.json"
`, addr, gone.URL))
	want, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	d := startDaemon(t, cfgPath, addr)
	updated := func() string {
		_, b := get(t, "http://"+addr+"/feed.atom")
		var f struct {
			Updated string `xml:"updated"`
		}
		if err := xml.Unmarshal(b, &f); err != nil {
			t.Fatal(err)
		}
		return f.Updated
	}
	u1 := updated()
	if at, err := time.Parse(time.RFC3339, u1); err != nil || at.Before(start) || at.After(time.Now()) {
		t.Errorf("empty feed updated %q, want the store's creation (after %s)", u1, start.Format(time.RFC3339))
	}

	d.stop(t)
	d = startDaemon(t, cfgPath, addr)
	if u2 := updated(); u2 != u1 {
		t.Errorf("empty feed updated %q after a restart, was %q", u2, u1)
	}
	d.stop(t)

	serving.Store(true)
	if out, code := runCLI(t, "fetch", "--config", cfgPath); code != 0 {
		t.Fatalf("fetch: exit %d\n%s", code, out)
	}
	d = startDaemon(t, cfgPath, addr)
	_, opml := get(t, "http://"+addr+"/opml")
	d.stop(t)
	for _, title := range []string{`text="Delta Log"`, `text="River Notes"`, `text="Estuary Weekly"`} {
		if !strings.Contains(string(opml), title) {
			t.Fatalf("/opml lacks %s (the feeds' own titles):\n%s", title, opml)
		}
	}

	file := filepath.Join(work, "export.opml")
	if err := os.WriteFile(file, opml, 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := runCLI(t, "import-opml", file)
	if code != 0 {
		t.Fatalf("import-opml: exit %d\n%s", code, out)
	}
	got, err := config.Parse(filepath.Join(work, "imported.toml"), []byte(out))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(got.Sources) != len(want.Sources) {
		t.Fatalf("%d sources imported, want %d\n%s", len(got.Sources), len(want.Sources), out)
	}
	for i, w := range want.Sources {
		g := got.Sources[i]
		if g.Name != w.Name || g.URL != w.URL || !slices.Equal(g.Tags, w.Tags) || g.Schedule != w.Schedule || g.Enrich != w.Enrich ||
			g.FullText != w.FullText || g.CountComments != w.CountComments || g.MaxAge != w.MaxAge || g.MaxPerSource != w.MaxPerSource {
			t.Errorf("source %d: imported %+v, want %+v", i, g, w)
		}
	}

	notOPML := filepath.Join(work, "feed.json")
	os.WriteFile(notOPML, []byte(`{"version": "https://jsonfeed.org/version/1.1", "items": []}`), 0o644)
	if out, code := runCLI(t, "import-opml", notOPML); code != 1 || !strings.Contains(out, "not an OPML file") || strings.Contains(out, "EOF") {
		t.Errorf("import-opml of JSON: exit %d: %q", code, out)
	}
}

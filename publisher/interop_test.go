package publisher

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/internal/atomcheck"
	"github.com/tributary-feeds/tributary/internal/testenv"
	"github.com/tributary-feeds/tributary/store"
)

// interopServer serves the sample store on 127.0.0.1, with self links
// following the request (no base_url) and annotation on.
func interopServer(t *testing.T) (*httptest.Server, []article.Article) {
	t.Helper()
	cfg := testConfig()
	cfg.Server.BaseURL = ""
	cfg.Feed.Annotate = true
	st := sampleStore(t)
	srv := httptest.NewServer(New(cfg, st, nil).Handler())
	t.Cleanup(srv.Close)
	stored, _, err := st.Newest(context.Background(), 100, store.Filter{}, "")
	if err != nil {
		t.Fatal(err)
	}
	var all []article.Article
	for _, a := range stored {
		all = append(all, cleanArticle(a))
	}
	return srv, all
}

func byEntryID(arts []article.Article) map[string]article.Article {
	m := map[string]article.Article{}
	for _, a := range arts {
		m[EntryID(&a)] = a
	}
	return m
}

func requireClient(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("TRIBUTARY_REQUIRE_CLIENTS") == "1" {
		t.Fatal(msg + " and TRIBUTARY_REQUIRE_CLIENTS=1")
	}
	t.Skip(msg)
}

const feedparserScript = `
import json, sys, feedparser
out = {}
for url in sys.argv[1:]:
    d = feedparser.parse(url)
    out[url] = {
        "bozo": int(d.bozo), "exception": str(d.get("bozo_exception", "")), "version": d.version,
        "entries": [{
            "id": e.get("id"), "title": e.get("title"), "author": e.get("author"),
            "authors": [a.get("name") for a in e.get("authors", [])],
            "comments": e.get("slash_comments") or e.get("thr_total"),
            "comments_page": next((l.get("href") for l in e.get("links", []) if l.get("rel") == "replies" and l.get("type") == "text/html"), None) if d.version.startswith("atom") else e.get("comments"),
            "comments_feed": next((l.get("href") for l in e.get("links", []) if l.get("rel") == "replies" and l.get("type") != "text/html"), None) if d.version.startswith("atom") else e.get("wfw_commentrss"),
            "source_author": e.get("source", {}).get("author"),
        } for e in d.entries],
    }
print(json.dumps(out))
`

// TestFeedparser: python3-feedparser reads /feed.atom and /feed.rss with
// bozo == 0 and sees every entry, with its author and comment count.
func TestFeedparser(t *testing.T) {
	py := testenv.Client(t, "/usr/bin/python3") // Debian's module loads only under /usr/bin/python3
	if out, err := exec.Command(py, "-c", "import feedparser").CombinedOutput(); err != nil {
		requireClient(t, "python3 feedparser is missing: "+string(out))
	}
	srv, arts := interopServer(t)
	want := byEntryID(arts)
	urls := []string{srv.URL + "/feed.atom", srv.URL + "/feed.rss"}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, append([]string{"-c", feedparserScript}, urls...)...).Output()
	if err != nil {
		t.Fatalf("feedparser: %v\n%s", err, out)
	}
	type entry struct {
		ID, Title, Author string
		Authors           []string
		Comments          *string
		CommentsPage      *string `json:"comments_page"`
		CommentsFeed      *string `json:"comments_feed"`
		SourceAuthor      *string `json:"source_author"`
	}
	var got map[string]struct {
		Bozo      int
		Exception string
		Version   string
		Entries   []entry
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, u := range urls {
		g := got[u]
		if g.Bozo != 0 {
			t.Errorf("%s: bozo=%d (%s)", u, g.Bozo, g.Exception)
		}
		if len(g.Entries) != len(arts) {
			t.Errorf("%s: %d entries, want %d", u, len(g.Entries), len(arts))
		}
		for _, e := range g.Entries {
			a, ok := want[e.ID]
			if !ok {
				t.Errorf("%s: unknown entry id %q", u, e.ID)
				continue
			}
			if e.Title != a.Title {
				t.Errorf("%s %s: title %q, want %q", u, e.ID, e.Title, a.Title)
			}
			if len(a.Authors) > 0 && (e.Author == "" || !slices.Equal(e.Authors, a.Authors) && !strings.Contains(e.Author, a.Authors[0])) {
				t.Errorf("%s %q: author %q authors %q, want %q", u, a.Title, e.Author, e.Authors, a.Authors)
			}
			if len(a.Authors) == 0 && (e.Author != "" || len(e.Authors) > 0) {
				t.Errorf("%s %q: an invented byline %q %q", u, a.Title, e.Author, e.Authors)
			}
			if strings.HasSuffix(u, ".atom") && len(a.Authors) == 0 && (e.SourceAuthor == nil || *e.SourceAuthor == "") {
				t.Errorf("%s %q: no source author stands for the missing byline", u, a.Title)
			}
			for _, c := range []struct {
				got  *string
				want string
			}{{e.CommentsPage, a.CommentsPage}, {e.CommentsFeed, a.CommentsURL}} {
				if (c.got == nil) != (c.want == "") || c.got != nil && *c.got != c.want {
					t.Errorf("%s %q: comment link %v, want %q", u, a.Title, c.got, c.want)
				}
			}
			switch {
			case a.Comments == nil && e.Comments != nil:
				t.Errorf("%s %q: comment count %q, want none", u, a.Title, *e.Comments)
			case a.Comments != nil && (e.Comments == nil || *e.Comments != strconv.Itoa(*a.Comments)):
				t.Errorf("%s %q: comment count %v, want %d", u, a.Title, e.Comments, *a.Comments)
			}
		}
	}
}

// TestNewsboat: newsboat subscribes to /feed.atom and /feed.rss, reloads,
// and lists every entry with its author (read from its sqlite cache).
func TestNewsboat(t *testing.T) {
	nb := testenv.Client(t, "newsboat")
	sq := testenv.Client(t, "sqlite3")
	srv, arts := interopServer(t)
	dir := t.TempDir()
	urls := []string{srv.URL + "/feed.atom", srv.URL + "/feed.rss"}
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	conf := write("emptyconfig", "")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	// One cache per feed: both feeds carry the same guids, and newsboat
	// keeps one item per guid across its whole cache.
	var rows []struct{ Feedurl, Guid, Title, Author string }
	for i, u := range urls {
		urlsFile, cache := write(fmt.Sprintf("urls%d", i), u+"\n"), filepath.Join(dir, fmt.Sprintf("cache%d.db", i))
		cmd := exec.CommandContext(ctx, nb, "-u", urlsFile, "-c", cache, "-C", conf, "-x", "reload")
		cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CACHE_HOME="+dir)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("newsboat reload %s: %v\n%s", u, err, out)
		}
		out, err := exec.CommandContext(ctx, sq, "-json", cache, "SELECT feedurl, guid, title, author FROM rss_item").Output()
		if err != nil {
			t.Fatalf("sqlite3: %v\n%s", err, out)
		}
		var some []struct{ Feedurl, Guid, Title, Author string }
		if len(bytes.TrimSpace(out)) > 0 {
			if err := json.Unmarshal(out, &some); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
		}
		rows = append(rows, some...)
	}
	want := byEntryID(arts)
	for _, u := range urls {
		seen := map[string]bool{}
		for _, r := range rows {
			if r.Feedurl != u {
				continue
			}
			a, ok := want[r.Guid]
			if !ok {
				t.Errorf("%s: unknown guid %q", u, r.Guid)
				continue
			}
			seen[r.Guid] = true
			if r.Title != a.Title {
				t.Errorf("%s: title %q, want %q", u, r.Title, a.Title)
			}
			// newsboat shows one author: with several dc:creator, the last.
			if len(a.Authors) > 0 && !slices.ContainsFunc(a.Authors, func(n string) bool { return strings.Contains(r.Author, n) }) {
				t.Errorf("%s %q: author %q, want %q", u, a.Title, r.Author, a.Authors)
			}
		}
		if len(seen) != len(arts) {
			t.Errorf("%s: newsboat lists %d entries, want %d\n%v", u, len(seen), len(arts), rows)
		}
	}
}

// TestGofeedFieldForField reads all three formats back with gofeed, and the
// fields gofeed drops (slash:comments, thr:total, readTime, _tributary,
// sources) with encoding/xml and encoding/json.
func TestGofeedFieldForField(t *testing.T) {
	srv, arts := interopServer(t)
	want := byEntryID(arts)
	for _, f := range formats {
		t.Run(f.ext, func(t *testing.T) {
			resp, err := http.Get(srv.URL + "/feed." + f.ext)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("gofeed: %v\n%s", err, body)
			}
			if feed.Title != "Tributary test" || feed.FeedLink != srv.URL+"/feed."+f.ext || feed.Link != srv.URL+"/" {
				t.Errorf("feed title %q feed link %q link %q", feed.Title, feed.FeedLink, feed.Link)
			}
			if len(feed.Items) != len(arts) {
				t.Fatalf("%d items, want %d", len(feed.Items), len(arts))
			}
			extras := rawExtras(t, f.ext, body)
			for i, it := range feed.Items {
				a, ok := want[it.GUID]
				if !ok {
					t.Fatalf("unknown id %q", it.GUID)
				}
				check := func(field string, got, want any) {
					t.Helper()
					if !equalish(got, want) {
						t.Errorf("%q %s = %v, want %v", a.Title, field, got, want)
					}
				}
				check("title", it.Title, a.Title)
				check("link", it.Link, a.Link)
				var names []string
				for _, p := range it.Authors {
					names = append(names, p.Name)
				}
				if f.ext == "rss" && it.DublinCoreExt != nil {
					names = it.DublinCoreExt.Creator // one dc:creator per author (gofeed's Authors keeps the first)
				}
				check("authors", names, a.Authors)
				check("published", it.PublishedParsed.UTC(), a.Published.UTC())
				if f.ext != "rss" || !a.Updated.Equal(a.Published) {
					if it.UpdatedParsed != nil {
						check("updated", it.UpdatedParsed.UTC(), a.Updated.UTC())
					} else if f.ext != "rss" {
						t.Errorf("%q: no updated", a.Title)
					}
				}
				check("categories", it.Categories, a.Categories)
				if !strings.HasSuffix(it.Content, a.Content) {
					t.Errorf("%q content %q does not end with %q", a.Title, it.Content, a.Content)
				}
				if !strings.HasPrefix(it.Content, `<p class="tributary-byline">`) && byline(&a) != "" {
					t.Errorf("%q content lacks the byline line: %q", a.Title, it.Content)
				}
				wantEnc := a.Enclosures
				if f.ext == "rss" && len(wantEnc) > 1 {
					wantEnc = wantEnc[:1]
				}
				var urls []string
				for _, e := range it.Enclosures {
					urls = append(urls, e.URL)
				}
				var wantURLs []string
				for _, e := range wantEnc {
					wantURLs = append(wantURLs, e.URL)
				}
				check("enclosures", urls, wantURLs)

				x := extras[i]
				check("comment count", x.comments, a.Comments)
				check("read time", x.readTime, a.ReadTime)
				title, feedURL, _ := (&document{Sources: sampleSources()}).source(a.Source)
				check("source title", x.srcTitle, title)
				check("source url", x.srcURL, feedURL)
				if f.ext == "json" {
					check("source name", x.srcName, a.Source)
				}
			}
		})
	}
}

// extra is what gofeed drops, read with encoding/xml or encoding/json.
type extra struct {
	comments                  *int
	readTime                  int
	srcName, srcTitle, srcURL string
}

func rawExtras(t *testing.T, ext string, b []byte) []extra {
	t.Helper()
	var out []extra
	type link struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	}
	switch ext {
	case "atom":
		var f struct {
			Entries []struct {
				Total    *int `xml:"http://purl.org/syndication/thread/1.0 total"`
				ReadTime int  `xml:"https://github.com/tributary-feeds/tributary/ns/1.0 readTime"`
				Source   struct {
					Title string `xml:"title"`
					Links []link `xml:"link"`
				} `xml:"source"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(b, &f); err != nil {
			t.Fatal(err)
		}
		for _, e := range f.Entries {
			x := extra{comments: e.Total, readTime: e.ReadTime, srcTitle: e.Source.Title}
			for _, l := range e.Source.Links {
				if l.Rel == "self" {
					x.srcURL = l.Href
				}
			}
			out = append(out, x)
		}
	case "rss":
		var f struct {
			Items []struct {
				Comments *int `xml:"http://purl.org/rss/1.0/modules/slash/ comments"`
				ReadTime int  `xml:"https://github.com/tributary-feeds/tributary/ns/1.0 readTime"`
				Source   struct {
					URL   string `xml:"url,attr"`
					Title string `xml:",chardata"`
				} `xml:"source"`
			} `xml:"channel>item"`
		}
		if err := xml.Unmarshal(b, &f); err != nil {
			t.Fatal(err)
		}
		for _, e := range f.Items {
			out = append(out, extra{comments: e.Comments, readTime: e.ReadTime, srcTitle: e.Source.Title, srcURL: e.Source.URL})
		}
	case "json":
		var f struct {
			Items []struct {
				T struct {
					ReadTime *int `json:"read_time_minutes"`
					Comments *int `json:"comment_count"`
					Source   struct{ Name, Title, URL string }
				} `json:"_tributary"`
			} `json:"items"`
		}
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatal(err)
		}
		for _, e := range f.Items {
			x := extra{comments: e.T.Comments, srcName: e.T.Source.Name, srcTitle: e.T.Source.Title, srcURL: e.T.Source.URL}
			if e.T.ReadTime != nil {
				if *e.T.ReadTime == 0 {
					t.Error("read_time_minutes written as 0")
				}
				x.readTime = *e.T.ReadTime
			}
			out = append(out, x)
		}
	}
	return out
}

func sampleSources() map[string]storeState {
	return map[string]storeState{
		"alpha": {URL: "http://alpha.test/feed.xml", Title: "Alpha Blog"},
		"beta":  {URL: "http://beta.test/rss", EffectiveURL: "http://beta.test/feed.rss", Title: "Beta Cast"},
	}
}

func equalish(got, want any) bool {
	switch w := want.(type) {
	case []string:
		g, _ := got.([]string)
		return slices.Equal(g, w)
	case *int:
		g, _ := got.(*int)
		return (g == nil) == (w == nil) && (g == nil || *g == *w)
	case time.Time:
		g, _ := got.(time.Time)
		return g.Equal(w)
	}
	return got == want
}

// TestAtomValidatesOffline applies the W3C feed validator's rules that need
// no network (internal/atomcheck: entry author, id, updated, link; feed id,
// updated, self link) to every Atom document we write: the goldens, the
// merged feed, a group, an older page, an empty feed and entries with
// neither byline, content nor link.
func TestAtomValidatesOffline(t *testing.T) {
	docs := map[string][]byte{}
	goldens, _ := filepath.Glob("testdata/golden/*.atom")
	if len(goldens) == 0 {
		t.Fatal("no Atom goldens")
	}
	for _, g := range goldens {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		docs[g] = b
	}
	srv, arts := interopServer(t)
	for _, path := range []string{"/feed.atom", "/g/long.atom", "/t/tech.atom"} {
		_, docs[path] = httpGet(t, srv.URL+path)
	}
	var page2 string
	for _, l := range atomLinks(t, docs["/feed.atom"]) {
		if l.Rel == "next" {
			page2 = l.Href
		}
	}
	if page2 != "" {
		_, docs["page 2"] = httpGet(t, page2)
	}
	// An empty store, and entries with no byline, content or link.
	cfg := testConfig()
	empty := httptest.NewServer(New(cfg, openStore(t), nil).Handler())
	defer empty.Close()
	_, docs["empty"] = httpGet(t, empty.URL+"/feed.atom")
	st := openStore(t)
	apply(t, st, "alpha", store.SourceState{URL: "http://alpha.test/feed.xml"},
		article.Article{GUID: "bare", Title: "Bare", Published: t0},
		article.Article{GUID: "linked", Title: "Linked", Link: "http://alpha.test/l", Published: t0.Add(-time.Hour)})
	bare := httptest.NewServer(New(cfg, st, nil).Handler())
	defer bare.Close()
	_, docs["bare"] = httpGet(t, bare.URL+"/feed.atom")

	for name, b := range docs {
		for _, p := range atomcheck.Check(b) {
			t.Errorf("%s: %s", name, p)
		}
	}

	// The author the validator wants is the source's, in <source>: the
	// entry itself, and the RSS and JSON outputs, carry no invented byline.
	noByline := 0
	for _, a := range arts {
		if len(a.Authors) == 0 {
			noByline++
		}
	}
	if noByline == 0 {
		t.Fatal("the sample has no article without a byline")
	}
	var f struct {
		Entries []struct {
			Authors []string `xml:"http://www.w3.org/2005/Atom author>name"`
			Source  struct {
				Authors []string `xml:"http://www.w3.org/2005/Atom author>name"`
			} `xml:"http://www.w3.org/2005/Atom source"`
		} `xml:"http://www.w3.org/2005/Atom entry"`
	}
	if err := xml.Unmarshal(docs["/feed.atom"], &f); err != nil {
		t.Fatal(err)
	}
	sourceAuthors := 0
	for _, e := range f.Entries {
		switch {
		case len(e.Authors) > 0 && len(e.Source.Authors) > 0:
			t.Errorf("an entry with a byline %q also names its source as author", e.Authors)
		case len(e.Authors) == 0:
			if len(e.Source.Authors) != 1 || e.Source.Authors[0] != "Alpha Blog" {
				t.Errorf("an entry without a byline has source authors %q, want [Alpha Blog]", e.Source.Authors)
			}
			sourceAuthors++
		}
	}
	if sourceAuthors != noByline {
		t.Errorf("%d entries name their source as author, want %d", sourceAuthors, noByline)
	}
	for _, ext := range []string{"rss", "json"} {
		_, b := httpGet(t, srv.URL+"/feed."+ext)
		if strings.Contains(string(b), "<dc:creator>Alpha Blog") || strings.Contains(string(b), `"name": "Alpha Blog"`) {
			t.Errorf("/feed.%s invents a byline from the source's title", ext)
		}
	}
}

func httpGet(t *testing.T, u string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	return resp, b
}

type atomLinkAttrs struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

func atomLinks(t *testing.T, b []byte) []atomLinkAttrs {
	t.Helper()
	var f struct {
		Links []atomLinkAttrs `xml:"http://www.w3.org/2005/Atom link"`
	}
	if err := xml.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Links
}

package publisher

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// An empty feed is as old as its store, not 1970, and stays so.
func TestEmptyFeedUpdatedIsStoreCreation(t *testing.T) {
	st := openStore(t) // its clock says t0
	h := New(testConfig(), st, nil).Handler()
	for _, path := range []string{"/feed.atom", "/g/long.atom", "/t/tech.atom"} {
		_, body := get(t, h, "http://tributary.test"+path)
		var f struct {
			Updated string `xml:"updated"`
		}
		if err := xml.Unmarshal(body, &f); err != nil {
			t.Fatal(err)
		}
		if f.Updated != t0.Format(time.RFC3339) {
			t.Errorf("%s: empty feed updated %q, want the store's creation %s", path, f.Updated, t0.Format(time.RFC3339))
		}
	}
}

// A comment count that changes alone changes the count fields, never the
// content readers compare, nor the entry's updated time.
func TestCommentCountIsNotAnEdit(t *testing.T) {
	cfg := testConfig()
	cfg.Feed.Annotate = true
	st := openStore(t)
	a := article.Article{GUID: "c", Link: "http://alpha.test/c", Title: "Counted", Authors: []string{"Ann"},
		Published: t0, Content: "<p>Body.</p>", ReadTime: 3, Comments: intp(1), CommentsPage: "http://alpha.test/c#comments"}
	state := store.SourceState{URL: "http://alpha.test/feed.xml", Title: "Alpha Blog"}
	apply(t, st, "alpha", state, a)
	h := New(cfg, st, nil).Handler()
	render := func() map[string]string {
		out := map[string]string{}
		for _, f := range formats {
			_, b := get(t, h, "http://tributary.test/feed."+f.ext)
			out[f.ext] = string(b)
		}
		return out
	}
	before := render()
	a.Comments = intp(7)
	apply(t, st, "alpha", state, a)
	after := render()
	content := map[string]*regexp.Regexp{
		"atom": regexp.MustCompile(`(?s)<content type="html">.*?</content>|<updated>[^<]*</updated>`),
		"rss":  regexp.MustCompile(`(?s)<content:encoded>.*?</content:encoded>|<pubDate>[^<]*</pubDate>`),
		"json": regexp.MustCompile(`"content_html": "[^"]*"|"date_modified": "[^"]*"`),
	}
	counts := map[string][2]string{
		"atom": {`<thr:total>1</thr:total>`, `<thr:total>7</thr:total>`},
		"rss":  {`<slash:comments>1</slash:comments>`, `<slash:comments>7</slash:comments>`},
		"json": {`"comment_count": 1`, `"comment_count": 7`},
	}
	for ext, re := range content {
		b, a := re.FindAllString(before[ext], -1), re.FindAllString(after[ext], -1)
		if len(b) < 2 || !slices.Equal(b, a) {
			t.Errorf("%s: content or date changed with the count alone:\n%q\n%q", ext, b, a)
		}
		if strings.Contains(strings.Join(b, ""), "comment") {
			t.Errorf("%s: the annotate line holds the count: %q", ext, b)
		}
		if c := counts[ext]; !strings.Contains(before[ext], c[0]) || !strings.Contains(after[ext], c[1]) {
			t.Errorf("%s: count fields did not follow the count (%q then %q)", ext, c[0], c[1])
		}
	}
	if !strings.Contains(after["atom"], `rel="replies" type="text/html" thr:count="7"`) {
		t.Errorf("atom: the replies link's thr:count did not follow the count:\n%s", after["atom"])
	}
}

// A comment count refresh pings no hub (the feed's bytes change, its news
// does not); a new article does.
func TestWebSubSkipsCountOnlyChanges(t *testing.T) {
	st := sampleStore(t)
	p, mu, pinged := runWithHub(t, st)
	waitFor(t, "the baseline", func() bool { _, m := p.CacheStats(); return m >= 12 })

	alpha, _ := sampleArticles()
	etag := func() string {
		resp, _ := get(t, p.Handler(), "http://tributary.test/feed.atom")
		return resp.Header.Get("ETag")
	}
	before := etag()
	_, m0 := p.CacheStats()
	recount := alpha[0]
	recount.Comments = intp(99)
	apply(t, st, "alpha", store.SourceState{URL: "http://alpha.test/feed.xml", Title: "Alpha Blog", Link: "http://alpha.test/"}, recount)
	// Run has looked at the change once it rendered the 12 feeds again.
	waitFor(t, "Run to render the recount", func() bool { _, m := p.CacheStats(); return m >= m0+12 })
	mu.Lock()
	if len(*pinged) != 0 {
		t.Errorf("a comment count alone pinged %q", *pinged)
	}
	mu.Unlock()
	if etag() == before {
		t.Error("the feed's ETag did not change with its thr:total")
	}

	apply(t, st, "alpha", store.SourceState{URL: "http://alpha.test/feed.xml", Title: "Alpha Blog", Link: "http://alpha.test/"},
		article.Article{GUID: "alpha-news", Title: "News", Published: t0})
	waitFor(t, "the pings of a new article", func() bool { mu.Lock(); defer mu.Unlock(); return len(*pinged) >= 6 })
}

// GET / pages back through every article with the feeds' cursors, newest
// first, each once, and shows each summary's first words.
func TestPagePagesWithOlderLinks(t *testing.T) {
	cfg := testConfig()
	cfg.Feed.MaxItems = 2
	st := openStore(t)
	var arts []article.Article
	long := strings.Repeat("word ", 60)
	for i := range 5 {
		arts = append(arts, article.Article{GUID: fmt.Sprint(i), Title: fmt.Sprintf("Post %d", i), Link: fmt.Sprintf("http://alpha.test/%d", i),
			Published: t0.Add(-time.Duration(i) * time.Hour), Summary: "<p>Summary <b>of</b> post " + fmt.Sprint(i) + " " + long + "</p>"})
	}
	apply(t, st, "alpha", store.SourceState{URL: "http://alpha.test/feed.xml"}, arts...)
	h := New(cfg, st, nil).Handler()
	href := regexp.MustCompile(`<a href="([^"]*)" rel="(first|prev|next)">`)
	title := regexp.MustCompile(`<a href="http://alpha.test/\d">(Post \d)</a>`)
	var seen []string
	u := "http://tributary.test/"
	for pages := 0; u != ""; pages++ {
		if pages > 5 {
			t.Fatal("the Older links do not end")
		}
		resp, body := get(t, h, u)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %s", u, resp.Status)
		}
		page := string(body)
		for _, m := range title.FindAllStringSubmatch(page, -1) {
			seen = append(seen, m[1])
		}
		links := map[string]string{}
		for _, m := range href.FindAllStringSubmatch(page, -1) {
			links[m[2]] = html.UnescapeString(m[1])
		}
		if pages > 0 && (links["first"] != "http://tributary.test/" || links["prev"] == "") {
			t.Errorf("page %d lacks Newest or Newer: %v", pages+1, links)
		}
		if pages == 0 && strings.Count(page, `<p class="s">`) != 2 {
			t.Errorf("the first page does not show 2 summaries:\n%s", page)
		}
		u = links["next"]
	}
	if want := []string{"Post 0", "Post 1", "Post 2", "Post 3", "Post 4"}; !slices.Equal(seen, want) {
		t.Errorf("paged through %q, want %q", seen, want)
	}
	_, body := get(t, h, "http://tributary.test/")
	want := "Summary of post 0 " + strings.TrimSpace(strings.Repeat("word ", summaryWords-4)) + " …"
	if !strings.Contains(string(body), `<p class="s">`+want+`</p>`) {
		t.Errorf("summary is not the first %d words of the text:\n%s", summaryWords, body)
	}
	for _, bad := range []string{"/?page=not*a*cursor", "/?page=AAAA"} {
		if resp, _ := get(t, h, "http://tributary.test"+bad); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: %s, want 400", bad, resp.Status)
		}
	}
}

// The comment links of the sample travel into every format.
func TestCommentLinksRepublished(t *testing.T) {
	h := New(testConfig(), sampleStore(t), nil).Handler()
	_, atom := get(t, h, "http://tributary.test/feed.atom")
	_, rss := get(t, h, "http://tributary.test/feed.rss")
	_, js := get(t, h, "http://tributary.test/feed.json")
	for _, want := range []string{
		`<link href="http://alpha.test/posts/1#comments" rel="replies" type="text/html" thr:count="1"></link>`,
		`<link href="http://alpha.test/posts/1/comments.xml" rel="replies" type="application/rss+xml"></link>`,
		`<link href="http://beta.test/ep/6/comments.atom" rel="replies" type="application/atom+xml" thr:count="42"></link>`,
	} {
		if !strings.Contains(string(atom), want) {
			t.Errorf("atom lacks %s", want)
		}
	}
	for _, want := range []string{
		`<comments>http://alpha.test/posts/1#comments</comments>`,
		`<wfw:commentRss>http://alpha.test/posts/1/comments.xml</wfw:commentRss>`,
		`xmlns:wfw="http://wellformedweb.org/CommentAPI/"`,
	} {
		if !strings.Contains(string(rss), want) {
			t.Errorf("rss lacks %s", want)
		}
	}
	var f struct {
		Items []struct {
			T struct {
				URL  string `json:"comments_url"`
				Feed string `json:"comments_feed_url"`
			} `json:"_tributary"`
		} `json:"items"`
	}
	if err := json.Unmarshal(js, &f); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range f.Items {
		got = append(got, it.T.URL+" "+it.T.Feed)
	}
	want := []string{" ", "http://alpha.test/posts/1#comments http://alpha.test/posts/1/comments.xml",
		"http://beta.test/ep/6/comments.atom http://beta.test/ep/6/comments.atom", " "}
	if !slices.Equal(got, want) {
		t.Errorf("JSON comments_url, comments_feed_url = %q, want %q", got, want)
	}
}

// A feed's home page is published absolute: feeds write "/blog/", which in
// our documents would point at Tributary.
func TestSiteLinkResolvedAgainstFeedURL(t *testing.T) {
	for _, c := range []struct{ feed, link, want string }{
		{"https://influx.example/feed/", "/blog/", "https://influx.example/blog/"},
		{"https://a.example/x/feed.xml", "home", "https://a.example/x/home"},
		{"https://a.example/feed", "https://b.example/", "https://b.example/"},
		{"https://a.example/feed", "javascript:alert(1)", ""},
		{"", "/blog/", ""},
		{"https://a.example/feed", "", ""},
	} {
		if got := siteLink(c.feed, c.link); got != c.want {
			t.Errorf("siteLink(%q, %q) = %q, want %q", c.feed, c.link, got, c.want)
		}
	}
	st := openStore(t)
	apply(t, st, "alpha", store.SourceState{URL: "http://alpha.test/feed.xml", Title: "Alpha", Link: "/blog/"},
		article.Article{GUID: "1", Title: "One", Link: "http://alpha.test/1", Published: t0})
	_, body := get(t, New(testConfig(), st, nil).Handler(), "http://tributary.test/feed.atom")
	if !strings.Contains(string(body), `<link href="http://alpha.test/blog/" rel="alternate" type="text/html"></link>`) {
		t.Errorf("the source's home page is not resolved:\n%s", body)
	}
}

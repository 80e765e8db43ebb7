package fetcher

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/config"
)

// deskFeed is an RSS feed of items by title and byline.
func deskFeed(base string, items [][2]string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Desk</title><link>` + base + `/</link>`)
	for i, it := range items {
		fmt.Fprintf(&b, `<item><title>%s</title><link>%s/a/%d</link><guid>g%d</guid><dc:creator>%s</dc:creator><pubDate>Mon, 0%d Jan 2026 10:00:00 GMT</pubDate><description>Words about it.</description></item>`,
			it[0], base, i, i, it[1], i+1)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

func mustRules(t *testing.T, cfg *config.Config, toml string) {
	t.Helper()
	parsed, err := config.Parse("rules.toml", []byte(`
[[source]]
name = "desk"
url = "https://desk.example/feed"
tags = ["news"]
`+toml))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Rules = parsed.Rules
}

func byTitle(arts []article.Article) map[string]article.Article {
	m := map[string]article.Article{}
	for _, a := range arts {
		m[a.Title] = a
	}
	return m
}

func TestRulesAtIngestAndReapplied(t *testing.T) {
	c := newCounter()
	var srvURL string
	srv := serve(t, c.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprint(w, deskFeed(srvURL, [][2]string{
			{"Sponsored: buy this", "Ads Team"},
			{"Election results", "Guardian staff"},
			{"A quiet essay", "Jane Doe"},
		}))
	})))
	srvURL = srv.URL
	st := newStore(t)
	s := src("desk", srv.URL+"/feed")
	s.Tags = []string{"news"}
	cfg := testConfig(s)
	mustRules(t, cfg, `
[[rule]]
name = "no-ads"
match = { title = ["sponsored"] }
drop = true

[[rule]]
name = "desk"
sources = ["desk"]
match = { author = ['(?i)\bstaff$'] }
regex = true
set_author = "The Guardian"

[[rule]]
tags = ["news"]
match = { title = ["election"] }
tag = "politics"
`)
	f := New(cfg, st, nil)
	out := f.Once(context.Background())
	if out[0].Err != nil || out[0].New != 2 || out[0].Dropped != 1 {
		t.Fatalf("outcome = %+v", out[0])
	}
	got := byTitle(articles(t, st, "desk"))
	if _, ok := got["Sponsored: buy this"]; ok {
		t.Error("a dropped article was stored")
	}
	e := got["Election results"]
	if !slices.Equal(e.Authors, []string{"The Guardian"}) || !slices.Contains(e.Categories, "politics") || e.From["rule"] != "desk, rule[2]" {
		t.Errorf("election = %+v", e)
	}
	if q := got["A quiet essay"]; !slices.Equal(q.Authors, []string{"Jane Doe"}) || q.From["rule"] != "" {
		t.Errorf("essay = %+v", q)
	}

	// New rules: the ads come back, the desk byline goes, essays go.
	next := testConfig(s)
	mustRules(t, next, `
[[rule]]
match = { title = ["essay"] }
drop = true
`)
	if !RulesChanged(cfg, next) || RulesChanged(next, next) {
		t.Error("RulesChanged is wrong")
	}
	f.Reload(next)
	hits := c.get("/feed")
	r, err := f.ReapplyRules(context.Background(), next)
	if err != nil || r.Checked != 2 || r.Changed != 1 || r.Deleted != 1 {
		t.Fatalf("ReapplyRules = %+v, %v", r, err)
	}
	if c.get("/feed") != hits {
		t.Error("re-applying rules fetched the feed")
	}
	got = byTitle(articles(t, st, "desk"))
	e = got["Election results"]
	if len(got) != 1 || !slices.Equal(e.Authors, []string{"Guardian staff"}) || slices.Contains(e.Categories, "politics") || e.From["rule"] != "" || e.From["author"] != "dc:creator" {
		t.Errorf("after re-applying: %+v", got)
	}
	// The article the old rules dropped was never stored: the next fetch
	// asks for the feed whole (no If-None-Match) and stores it.
	out = f.Once(context.Background())
	if out[0].Err != nil || out[0].New != 1 || out[0].Dropped != 1 {
		t.Fatalf("outcome after reload = %+v", out[0])
	}
	if _, ok := byTitle(articles(t, st, "desk"))["Sponsored: buy this"]; !ok {
		t.Error("an article no rule drops any more did not come back")
	}
	// And the one after that is conditional again.
	cond := c.cond["/feed"]
	f.Once(context.Background())
	if c.cond["/feed"] != cond+1 {
		t.Error("fetches stayed unconditional after the reparse")
	}
}

func TestReadRatesThreaded(t *testing.T) {
	body := strings.Repeat("word ", 600)
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title><item><title>Long</title><guid>1</guid><link>https://x.example/1</link><content:encoded><![CDATA[<p>%s</p>]]></content:encoded></item></channel></rss>`, body)
	}))
	st := newStore(t)
	cfg := testConfig(src("slow", srv.URL+"/feed"))
	cfg.Feed.WordsPerMinute = 100
	New(cfg, st, nil).Once(context.Background())
	if a := articles(t, st, "slow"); len(a) != 1 || a[0].ReadTime != 6 {
		t.Errorf("read time at 100 wpm = %+v, want 6", a)
	}
}

// For an enriched source, rules on the byline or the read time wait for the
// pages: a keep_only on read time must not drop articles whose feed gives
// only a summary before their pages are read.
func TestRulesBeforePages(t *testing.T) {
	title, err := article.NewCond(article.FieldTitle, []string{"x"}, false)
	if err != nil {
		t.Fatal(err)
	}
	author, err := article.NewCond(article.FieldAuthor, []string{"x"}, false)
	if err != nil {
		t.Fatal(err)
	}
	rules := []article.Rule{
		{Name: "title", Conds: []article.Cond{title}, Drop: true},
		{Name: "author", Conds: []article.Cond{author}, Drop: true},
		{Name: "long", MinReadTime: 5, KeepOnly: true},
	}
	if got := beforePages(rules, config.Source{Name: "plain"}); len(got) != 3 {
		t.Errorf("plain source: %d rules before pages, want 3", len(got))
	}
	got := beforePages(rules, config.Source{Name: "rich", Enrich: true})
	if len(got) != 1 || got[0].Name != "title" {
		t.Errorf("enriched source: rules before pages = %+v", got)
	}
	// And the pass after enrichment applies them all.
	a := []article.Article{{Title: "A summary only"}}
	if kept, _, _ := applyRules(beforePages(rules, config.Source{Enrich: true}), nil, a, nil); len(kept) != 1 {
		t.Error("an enriched source's article was dropped before its page was read")
	}
}

// A byline a rule set over the page's survives a refetch as the rule's, not
// as the feed's: the page's byline is kept from the stored article as it
// was before the rule (so that removing the rule later gives it back).
func TestRulesOverEnrichedBylines(t *testing.T) {
	es := newEnrichServer(t, "a")
	st := newStore(t)
	s := src("rich", es.url+"/feed")
	s.Enrich = true
	cfg := testConfig(s)
	cfg.Fetch.AllowPrivate = true // the test pages are on loopback
	mustRules(t, cfg, `
[[rule]]
name = "desk"
match = { author = ["jane doe"] }
set_author = "The Desk"
`)
	f := New(cfg, st, nil)
	check := func(when string) {
		t.Helper()
		for _, a := range articles(t, st, "rich") {
			if !slices.Equal(a.Authors, []string{"The Desk"}) || a.From["rule"] != "desk" {
				t.Fatalf("%s: %s by %v (%v)", when, a.Title, a.Authors, a.From)
			}
		}
	}
	f.Once(context.Background())
	check("first fetch")
	es.items.Store([]string{"a", "b"}) // a new body: parsed again
	f.Once(context.Background())
	check("second fetch")
	next := testConfig(s)
	next.Fetch.AllowPrivate = true
	f.Reload(next)
	if _, err := f.ReapplyRules(context.Background(), next); err != nil {
		t.Fatal(err)
	}
	for _, a := range articles(t, st, "rich") {
		if !slices.Equal(a.Authors, []string{"Jane Doe"}) || a.From["rule"] != "" {
			t.Errorf("rule removed: %s by %v (%v)", a.Title, a.Authors, a.From)
		}
	}
}

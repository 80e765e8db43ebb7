package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// deskFeedXML is a feed of three items: an advert, a story by a desk and an
// essay by a person.
func deskFeedXML(base string) string {
	items := [][2]string{{"Sponsored: buy this now", "Ads Team"}, {"Election results tonight", "Guardian staff"}, {"A quiet essay", "Jane Doe"}}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Desk</title><link>` + base + `/</link>`)
	for i, it := range items {
		fmt.Fprintf(&b, `<item><title>%s</title><link>%s/a/%d</link><guid>g%d</guid><dc:creator>%s</dc:creator><pubDate>Mon, 0%d Jan 2026 10:00:00 GMT</pubDate><description>Some words.</description></item>`,
			it[0], base, i, i, it[1], i+1)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

type jsonFeed struct {
	Items []struct {
		Title   string `json:"title"`
		Authors []struct {
			Name string `json:"name"`
		} `json:"authors"`
		Tags []string `json:"tags"`
	} `json:"items"`
}

func readJSONFeed(t *testing.T, url string) jsonFeed {
	t.Helper()
	resp, body := get(t, url)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %s", url, resp.Status)
	}
	var f jsonFeed
	if err := json.Unmarshal(body, &f); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return f
}

// bylines maps each item's title to its first author's name.
func (f jsonFeed) bylines() map[string]string {
	m := map[string]string{}
	for _, it := range f.Items {
		m[it.Title] = ""
		if len(it.Authors) > 0 {
			m[it.Title] = it.Authors[0].Name
		}
	}
	return m
}

// TestRulesEndToEnd: rules drop by a title word, set a desk's byline by a
// regex on the author, and tag, and a group holds what was tagged; a reload
// with other rules rewrites the stored articles without fetching again.
func TestRulesEndToEnd(t *testing.T) {
	var hits atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, deskFeedXML(srv.URL))
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	addr := freeAddr(t)
	write := func(rules string) string {
		return writeConfig(t, dir, fmt.Sprintf(`
[server]
listen = %q
[store]
path = "store.db"
[fetch]
schedule = "@every 1h"
[[source]]
name = "desk"
url = "%s/feed.xml"
[[group]]
name = "politics"
tags = ["politics"]
%s`, addr, srv.URL, rules))
	}
	cfgPath := write(`
[[rule]]
name = "no-ads"
match = { title = ["sponsored"] }
drop = true

[[rule]]
name = "desk"
match = { author = ['(?i)\bstaff$'] }
regex = true
set_author = "The Guardian"

[[rule]]
match = { title = ["election"] }
tag = "politics"
`)
	d := startDaemon(t, cfgPath, addr)
	var feed jsonFeed
	waitFor(t, "the first fetch", func() bool {
		feed = readJSONFeed(t, "http://"+addr+"/feed.json")
		return len(feed.Items) > 0
	}, d.stderr)
	got := feed.bylines()
	if _, ok := got["Sponsored: buy this now"]; ok || len(got) != 2 || got["Election results tonight"] != "The Guardian" || got["A quiet essay"] != "Jane Doe" {
		t.Errorf("/feed.json after the first fetch: %v", got)
	}
	if g := readJSONFeed(t, "http://"+addr+"/g/politics.json").bylines(); len(g) != 1 || g["Election results tonight"] != "The Guardian" {
		t.Errorf("/g/politics.json: %v", g)
	}

	// Other rules: essays go, the desk keeps its own byline, nothing is
	// tagged. The reload rewrites the store; the feed is not fetched.
	before := hits.Load()
	write(`
[[rule]]
match = { title = ["essay"] }
drop = true
`)
	if out, code := runCLI(t, "reload", "--config", cfgPath); code != 0 {
		t.Fatalf("reload: exit %d\n%s\n%s", code, out, d.stderr)
	}
	got = readJSONFeed(t, "http://"+addr+"/feed.json").bylines()
	if len(got) != 1 || got["Election results tonight"] != "Guardian staff" {
		t.Errorf("/feed.json after the reload: %v\n%s", got, d.stderr)
	}
	if g := readJSONFeed(t, "http://"+addr+"/g/politics.json").bylines(); len(g) != 0 {
		t.Errorf("/g/politics.json after the reload: %v", g)
	}
	if n := hits.Load(); n != before {
		t.Errorf("the reload fetched the feed (%d requests, %d before)", n, before)
	}
	if !strings.Contains(d.stderr.String(), "rules re-applied to stored articles") {
		t.Errorf("no log line for the re-applied rules:\n%s", d.stderr)
	}
	d.stop(t)
}

// TestCheckReportsBadRegex: `check` names the line of a rule's bad
// expression.
func TestCheckReportsBadRegex(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.toml")
	os.WriteFile(path, []byte("[[source]]\nname = \"a\"\nurl = \"https://a.example/feed\"\n\n[[rule]]\nmatch = { title = ['(unclosed'] }\nregex = true\ndrop = true\n"), 0o644)
	out, code := runCLI(t, "check", "--config", path)
	if code == 0 || !strings.Contains(out, "bad.toml:6: rule[0].match.title: invalid regex \"(unclosed\"") {
		t.Errorf("check: exit %d\n%s", code, out)
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

// The normalised fields travel the whole way: a WordPress item (dc:creator,
// slash:comments, content:encoded) and a summary-only item whose page carries
// the byline, a "7 Min Read" label and a "1 Comment" heading both reach
// /feed.json with their byline, a computed read time and 1 comment.
func TestNormalisedFieldsEndToEnd(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile("../../article/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var pageFetches atomic.Int32
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	wordpress := read("wordpress.xml")
	summaryOnly := strings.ReplaceAll(read("summary-only.xml"), "https://dispatches.example", srv.URL)
	page := read("summary-only-page.html")
	mux.HandleFunc("/wp.xml", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(wordpress)) })
	var feedFetches atomic.Int32
	mux.HandleFunc("/dispatches.xml", func(w http.ResponseWriter, r *http.Request) {
		// Different bytes each time (the same items): every refetch is parsed again.
		fmt.Fprintf(w, "%s<!-- fetch %d -->\n", summaryOnly, feedFetches.Add(1))
	})
	mux.HandleFunc("/2024/night-train", func(w http.ResponseWriter, r *http.Request) {
		pageFetches.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	})

	dir := t.TempDir()
	addr := freeAddr(t)
	cfgPath := writeConfig(t, dir, fmt.Sprintf(`
[server]
listen = %q
[store]
path = "store.db"
[fetch]
schedule = "@every 1s"
min_interval = "1s" # the floor, lowered for the test
jitter = "0s"
allow_private = true # the article pages are on loopback here
[[source]]
name = "field-notes"
url = "%s/wp.xml"
[[source]]
name = "dispatches"
url = "%s/dispatches.xml"
enrich = true
`, addr, srv.URL, srv.URL))
	d := startDaemon(t, cfgPath, addr)

	type item struct {
		Title   string `json:"title"`
		Authors []struct {
			Name string `json:"name"`
		} `json:"authors"`
		Tributary struct {
			ReadTime     int  `json:"read_time_minutes"`
			CommentCount *int `json:"comment_count"`
			Source       struct {
				Name string `json:"name"`
			} `json:"source"`
		} `json:"_tributary"`
	}
	published := func() map[string]item {
		_, body := get(t, "http://"+addr+"/feed.json")
		var feed struct {
			Items []item `json:"items"`
		}
		if err := json.Unmarshal(body, &feed); err != nil {
			t.Fatalf("/feed.json: %v", err)
		}
		items := map[string]item{}
		for _, it := range feed.Items {
			items[it.Title] = it
		}
		return items
	}
	var items map[string]item
	waitFor(t, "both items in /feed.json", func() bool {
		items = published()
		return len(items) == 2
	}, d.stderr)

	check := func(when string, items map[string]item) {
		t.Helper()
		for title, want := range map[string]struct {
			author   string
			readTime int
		}{
			"Where the River Bends":   {"Jane Doe", 6},    // 1,440 words at 265 a minute; the share bar left out
			"The Night Train Returns": {"Maria Lopez", 5}, // counted from the page's body, not its "7 Min Read"
		} {
			it := items[title]
			if len(it.Authors) != 1 || it.Authors[0].Name != want.author {
				t.Errorf("%s, %s: authors %+v, want %s", when, title, it.Authors, want.author)
			}
			if it.Tributary.ReadTime != want.readTime {
				t.Errorf("%s, %s: read_time_minutes %d, want %d", when, title, it.Tributary.ReadTime, want.readTime)
			}
			if it.Tributary.CommentCount == nil || *it.Tributary.CommentCount != 1 {
				t.Errorf("%s, %s: comment_count %v, want 1", when, title, it.Tributary.CommentCount)
			}
		}

	}
	check("first fetch", items)

	// Refetches (every second) never fetch the page of a known article again.
	waitFor(t, "a few refetches", func() bool { return feedFetches.Load() >= 3 }, d.stderr)
	// What the page gave stays when the feed brings the article again.
	check("after refetches", published())
	if n := pageFetches.Load(); n != 1 {
		t.Errorf("the article page was fetched %d times, want once", n)
	}
	d.stop(t)
}

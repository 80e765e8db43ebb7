package publisher

import (
	"bytes"
	"cmp"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

const atomNS = "http://www.w3.org/2005/Atom"

// pageOf reads a feed page's entry ids and its rel="next" link with
// encoding/xml and encoding/json alone.
func pageOf(t testing.TB, ext string, b []byte) (ids []string, next string) {
	t.Helper()
	type link struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	}
	var err error
	switch ext {
	case "atom":
		var f struct {
			Links   []link `xml:"http://www.w3.org/2005/Atom link"`
			Entries []struct {
				ID string `xml:"id"`
			} `xml:"entry"`
		}
		err = xml.Unmarshal(b, &f)
		for _, e := range f.Entries {
			ids = append(ids, e.ID)
		}
		for _, l := range f.Links {
			if l.Rel == "next" {
				next = l.Href
			}
		}
	case "rss":
		var f struct {
			Channel struct {
				Links []link `xml:"http://www.w3.org/2005/Atom link"`
				Items []struct {
					GUID string `xml:"guid"`
				} `xml:"item"`
			} `xml:"channel"`
		}
		err = xml.Unmarshal(b, &f)
		for _, e := range f.Channel.Items {
			ids = append(ids, e.GUID)
		}
		for _, l := range f.Channel.Links {
			if l.Rel == "next" {
				next = l.Href
			}
		}
	case "json":
		var f struct {
			Next  string `json:"next_url"`
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		err = json.Unmarshal(b, &f)
		for _, e := range f.Items {
			ids = append(ids, e.ID)
		}
		next = f.Next
	}
	if err != nil {
		t.Fatalf("%s page does not parse: %v\n%s", ext, err, b)
	}
	return ids, next
}

// TestEveryArticleOnceNewestFirst stores random articles of several sources
// and walks every page of each format: each article appears exactly once,
// newest first (ties in the order the store keeps: by id, descending).
func TestEveryArticleOnceNewestFirst(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 42))
			st := openStore(t)
			cfg := testConfig()
			cfg.Feed.MaxItems = 1 + r.IntN(9)
			var all []article.Article
			for s := range 1 + r.IntN(4) {
				src := fmt.Sprintf("src%d", s)
				var arts []article.Article
				for i := range r.IntN(40) {
					pub := t0.Add(-time.Duration(r.IntN(30)) * time.Minute) // many ties
					a := article.Article{GUID: fmt.Sprintf("%s-%d", src, i), Title: fmt.Sprintf("%s #%d", src, i),
						Link: fmt.Sprintf("http://%s.test/%d", src, i), Published: pub, Updated: pub, Authors: []string{"Someone"}}
					if r.IntN(2) == 0 {
						a.Comments = intp(r.IntN(5))
					}
					a.ID = article.NewID(src, a.GUID, a.Link, a.Title, a.Published)
					arts = append(arts, a)
				}
				apply(t, st, src, store.SourceState{URL: "http://" + src + ".test/feed"}, arts...)
				all = append(all, arts...)
			}
			slices.SortFunc(all, func(a, b article.Article) int {
				return cmp.Or(b.Published.Compare(a.Published), cmp.Compare(b.ID, a.ID))
			})
			var want []string
			for i := range all {
				want = append(want, EntryID(&all[i]))
			}
			h := New(cfg, st, nil).Handler()
			for _, f := range formats {
				var got []string
				next := "http://tributary.test/feed." + f.ext
				for pages := 0; next != ""; pages++ {
					if pages > len(all)+1 {
						t.Fatalf("%s: more pages than articles", f.ext)
					}
					resp, body := get(t, h, next)
					if resp.StatusCode != 200 {
						t.Fatalf("%s: %s", next, resp.Status)
					}
					ids, n := pageOf(t, f.ext, body)
					if len(ids) > cfg.Feed.MaxItems {
						t.Fatalf("%s: %d entries on a page of %d", next, len(ids), cfg.Feed.MaxItems)
					}
					got = append(got, ids...)
					next = n
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s (%d per page): got %d entries, want %d; first difference at %d",
						f.ext, cfg.Feed.MaxItems, len(got), len(want), firstDiff(got, want))
				}
			}
		})
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestPagingLinks checks RFC 5005 section 3's first/previous/next links.
func TestPagingLinks(t *testing.T) {
	cfg := testConfig()
	cfg.Feed.MaxItems = 1
	h := New(cfg, sampleStore(t), nil).Handler()
	links := func(url string) map[string]string {
		_, b := get(t, h, url)
		var f struct {
			Links []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"http://www.w3.org/2005/Atom link"`
		}
		if err := xml.NewDecoder(bytes.NewReader(b)).Decode(&f); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, l := range f.Links {
			m[l.Rel] = l.Href
		}
		return m
	}
	first := "http://tributary.test/feed.atom"
	p1 := links(first)
	if p1["first"] != first || p1["previous"] != "" || p1["next"] == "" {
		t.Fatalf("page 1 links: %v", p1)
	}
	p2 := links(p1["next"])
	if p2["self"] != p1["next"] || p2["previous"] != first || p2["first"] != first || p2["next"] == "" {
		t.Fatalf("page 2 links: %v", p2)
	}
	p3 := links(p2["next"])
	if p3["previous"] != p1["next"][:len(p1["next"])-len("&prev=")] {
		t.Errorf("page 3 previous = %q, want page 2 %q", p3["previous"], p1["next"])
	}
}

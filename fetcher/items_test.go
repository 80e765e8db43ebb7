package fetcher

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/internal/testenv"
)

// bigRSS is an RSS document of n items whose dates are shuffled (none when
// dated is false); item k is dated base+k hours, so the newest are the
// highest k. Each item has a wfw:commentRss, which only the raw pass finds.
func bigRSS(n int, dated bool) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wfw="http://wellformedweb.org/CommentAPI/"><channel><title>Big</title><link>http://big.example/</link>
`)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, k := range rand.New(rand.NewPCG(1, 2)).Perm(n) {
		fmt.Fprintf(&b, `<item><title>Item %d</title><guid>g%d</guid>`, k, k)
		if dated {
			fmt.Fprintf(&b, `<pubDate>%s</pubDate>`, base.Add(time.Duration(k)*time.Hour).Format(time.RFC1123Z))
		}
		fmt.Fprintf(&b, "<wfw:commentRss>http://big.example/c/%d</wfw:commentRss></item>\n", k)
	}
	b.WriteString(`<ttl>120</ttl></channel></rss>`)
	return b.Bytes()
}

// bigJSON is bigRSS as a JSON Feed.
func bigJSON(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"version": "https://jsonfeed.org/version/1.1", "title": "Big", "items": [`)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, k := range rand.New(rand.NewPCG(3, 4)).Perm(n) {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"id": "g%d", "title": "Item %d", "content_text": "x", "date_published": %q}`, k, k, base.Add(time.Duration(k)*time.Hour).Format(time.RFC3339))
	}
	b.WriteString("]}")
	return b.Bytes()
}

// A feed listing more than [fetch].max_items items is cut to the newest
// before normalising: by date, else in document order. The cut is logged
// and kept in the source's state.
func TestMaxItemsKeepsNewest(t *testing.T) {
	for _, chunk := range []int{20_000, 7} { // whole, and a chunk of items at a time
		t.Run(fmt.Sprint("chunk=", chunk), func(t *testing.T) {
			defer func(c int) { chunkElements = c }(chunkElements)
			chunkElements = chunk
			docs := map[string][]byte{"/dated": bigRSS(300, true), "/undated": bigRSS(300, false), "/json": bigJSON(300)}
			srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/rss+xml")
				w.Write(docs[r.URL.Path])
			}))
			cfg := testConfig(src("dated", srv.URL+"/dated"), src("undated", srv.URL+"/undated"), src("json", srv.URL+"/json"))
			cfg.Fetch.MaxItems = 20
			var logs bytes.Buffer
			st := newStore(t)
			f := New(cfg, st, slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil)))
			for _, o := range f.Once(context.Background()) {
				if o.Err != nil || o.New != 20 {
					t.Fatalf("%s: %v, %d new", o.Source, o.Err, o.New)
				}
			}
			for _, name := range []string{"dated", "json"} {
				for _, a := range articles(t, st, name) {
					var k int
					if fmt.Sscanf(a.Title, "Item %d", &k); k < 280 {
						t.Errorf("%s: kept %q, not among the 20 newest", name, a.Title)
					}
				}
				if s := stateOf(t, st, name); s.ItemsTotal != 300 || s.ItemsCut != 280 {
					t.Errorf("%s state: items_total %d, items_cut %d", name, s.ItemsTotal, s.ItemsCut)
				}
			}
			// Without dates: the first 20 in document order.
			first := map[string]bool{}
			for _, line := range strings.Split(string(docs["/undated"]), "\n")[2:22] {
				var k int
				fmt.Sscanf(line, "<item><title>Item %d", &k)
				first[fmt.Sprint("Item ", k)] = true
			}
			for _, a := range articles(t, st, "undated") {
				if !first[a.Title] {
					t.Errorf("undated: kept %q, not among the first 20", a.Title)
				}
			}
			if !strings.Contains(logs.String(), `level=WARN msg="feed cut to max_items" source=dated items=300 kept=20`) {
				t.Errorf("no cut logged:\n%s", logs.String())
			}
		})
	}
}

// Items too big for the parse's bounds, or a document too big outside its
// items, are refused before gofeed builds its tree, with an error naming
// the source.
func TestAbsurdDocumentsRefused(t *testing.T) {
	many := strings.Repeat("<x:a>1</x:a>", maxItemElements)
	docs := map[string]string{
		"/item":    `<rss version="2.0" xmlns:x="urn:x"><channel><title>T</title><item><title>a</title>` + many + `</item></channel></rss>`,
		"/channel": `<rss version="2.0" xmlns:x="urn:x"><channel><title>T</title>` + many + `<item><title>a</title></item></channel></rss>`,
		"/atom":    `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:x="urn:x"><title>T</title><entry><title>a</title><id>1</id>` + many + `</entry></feed>`,
		"/fine":    `<rss version="2.0" xmlns:x="urn:x"><channel><title>T</title><item><title>a</title>` + many[:len(many)/2] + `</item></channel></rss>`,
	}
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(docs[r.URL.Path])) }))
	cfg := testConfig(src("item", srv.URL+"/item"), src("channel", srv.URL+"/channel"), src("atom", srv.URL+"/atom"), src("fine", srv.URL+"/fine"))
	outs := byName(New(cfg, newStore(t), nil).Once(context.Background()))
	for name, want := range map[string]string{
		"item":    "item: error: an item holds 10002 elements (at most 10000): refused",
		"channel": "channel: error: 10003 elements outside the feed's items (at most 10000): refused",
		"atom":    "atom: error: an item holds 10003 elements (at most 10000): refused",
	} {
		if o := outs[name]; o.Err == nil || o.String() != want {
			t.Errorf("%s: %v, want %q", name, o, want)
		}
	}
	if o := outs["fine"]; o.Err != nil || o.New != 1 {
		t.Errorf("fine: %+v", o)
	}
}

func extrasString(e article.RawExtras) string {
	n := -1
	if e.ThrCount != nil {
		n = *e.ThrCount
	}
	return fmt.Sprint(n, e.CommentsURL, e.CommentRSS)
}

// Parsing a chunk of items at a time gives what parsing the whole document
// gives, for every feed of the corpus: the same items, fields, extras and
// hints, and the same feed.
func TestChunkedParseMatchesWhole(t *testing.T) {
	dir := testenv.Corpus(t, "feeds")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func(c int) { chunkElements = c }(chunkElements)
	f := New(testConfig(), nil, nil)
	chunked := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".xml") {
			continue
		}
		body, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		chunkElements = 1 << 30
		whole, werr := f.parseDocument(&turn{}, body, "application/xml", "http://x/", 1<<30)
		chunkElements = 1
		parts, perr := f.parseDocument(&turn{}, body, "application/xml", "http://x/", 1<<30-1)
		if (werr == nil) != (perr == nil) {
			t.Errorf("%s: whole: %v; in chunks: %v", e.Name(), werr, perr)
			continue
		}
		if werr != nil {
			continue
		}
		if len(whole.Feed.Items) > 1 {
			chunked++
		}
		w, p := *whole.Feed, *parts.Feed
		if w.Title != p.Title || w.Link != p.Link || w.FeedType != p.FeedType || fmt.Sprint(whole.Hints) != fmt.Sprint(parts.Hints) {
			t.Errorf("%s: feed %q %q %v, in chunks %q %q %v", e.Name(), w.Title, w.Link, whole.Hints, p.Title, p.Link, parts.Hints)
		}
		if len(w.Items) != len(p.Items) || whole.Total != parts.Total {
			t.Errorf("%s: %d items, in chunks %d", e.Name(), len(w.Items), len(p.Items))
			continue
		}
		for i := range w.Items {
			a, b := w.Items[i], p.Items[i]
			if a.GUID != b.GUID || a.Title != b.Title || a.Link != b.Link || a.Content != b.Content || a.Description != b.Description ||
				fmt.Sprint(a.PublishedParsed) != fmt.Sprint(b.PublishedParsed) || extrasString(whole.Extras[i]) != extrasString(parts.Extras[i]) {
				t.Errorf("%s: item %d (%s) differs in chunks: %q %v %s, in chunks %q %v %s", e.Name(), i, a.GUID,
					a.Title, a.PublishedParsed, extrasString(whole.Extras[i]), b.Title, b.PublishedParsed, extrasString(parts.Extras[i]))
				break
			}
		}
	}
	t.Logf("%d corpus feeds of more than one item compared", chunked)
}

// A failed fetch's state waits in the batch; the next fetch's apply writes a
// newer state, which the batch must never put back over: not at the next
// flush, nor from a flush running meanwhile (flushes all the time, second).
func TestBatchedStateNeverOverwritesApplied(t *testing.T) {
	var fail atomic.Bool
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		w.Write([]byte(rssFeed("http://example.com", "a", "b", r.URL.RawQuery)))
	}))
	cfg := testConfig(src("s", srv.URL+"/"))
	st := newStore(t)
	f := New(cfg, st, nil)
	ctx := context.Background()
	round := func(i int) {
		t.Helper()
		cfg.Sources[0].URL = fmt.Sprintf("%s/?%d", srv.URL, i) // new bytes: the success applies
		fail.Store(true)
		if o := f.fetchOrWait(ctx, cfg.Sources[0]); o.Err == nil {
			t.Fatal("the failing fetch did not fail")
		}
		fail.Store(false)
		if o := f.fetchOrWait(ctx, cfg.Sources[0]); o.Err != nil || o.Result != ResultNew {
			t.Fatalf("round %d: %+v", i, o)
		}
		f.flush()
		if s := stateOf(t, st, "s"); s.Error != "" || s.Failures != 0 {
			t.Fatalf("round %d: the failed fetch's state overwrote the applied one: %+v", i, s)
		}
	}
	for i := range 5 {
		round(i)
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				f.flush()
			}
		}
	}()
	defer func() { close(stop); <-done }()
	for i := 5; i < 25; i++ {
		round(i)
	}
}

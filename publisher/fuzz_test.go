package publisher

import (
	"testing"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// FuzzRender puts arbitrary text in every emitted string and parses each
// format back: whatever the sources sent, what we publish parses, and
// every URL in it passes the scheme allow-list.
func FuzzRender(f *testing.F) {
	f.Add("title", "<p>content</p>", "Author", "tag", "http://x.test/a")
	f.Add("nul\x00 esc\x1b", "]]> cdata end\x0c", "\xff\xfe", "\uFFFE", "http://x.test/?a=1&b=<2>")
	f.Add("", "", "", "", "")
	f.Add("js", `<a href="javascript:alert(1)">x</a><img srcset="javascript:alert(2) 1x"><source src="vbscript:x">`, "a", "t", "javascript:alert(3)")
	f.Add("data", `<a href="data:image/svg+xml;base64,PHN2Zz4=">x</a><img src="data:image/svg+xml,<svg/onload=alert(1)>">`, "a", "t", "data:text/html,<script>alert(1)</script>")
	f.Add("encoded", `<a href="&#106;avascript:alert(1)">x</a><a href="java&#x09;script:alert(2)">y</a>`, "a", "t", " &#106;avascript:alert(3)")
	f.Add("creds", "<p>x</p>", "a", "t", "https://user:pass@x.test/feed?token=s3cret&page=2")
	f.Fuzz(func(t *testing.T, title, content, author, tag, link string) {
		a := cleanArticle(article.Article{ID: "x", Source: "s", Title: title, Content: content, Summary: content,
			Authors: []string{author}, Categories: []string{tag}, Link: link, Published: t0, Updated: t0,
			Comments: intp(1), ReadTime: 1, Enclosures: []article.Enclosure{{URL: link}}, CommentsURL: link})
		d := document{Title: clean(title), Base: "http://b.test/", Self: "http://b.test/feed", ID: feedID("http://b.test/", "feed"), Annotate: true,
			Icon: link, Hub: link, Articles: []article.Article{a},
			Sources: map[string]store.SourceState{"s": cleanState(store.SourceState{URL: link, Link: link, Title: title})}}
		d.safeLinks()
		for _, fm := range formats {
			b, err := fm.render(&d)
			if err != nil {
				t.Fatalf("%s: %v", fm.ext, err)
			}
			wellFormed(t, fm.ext, b)
			if fm.ext == "json" {
				checkJSONURLs(t, b)
			} else {
				checkXMLURLs(t, b)
			}
		}
	})
}

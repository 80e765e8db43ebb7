package publisher

import (
	"testing"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// FuzzRender puts arbitrary text in every emitted string and parses each
// format back: whatever the sources sent, what we publish parses.
func FuzzRender(f *testing.F) {
	f.Add("title", "<p>content</p>", "Author", "tag", "http://x.test/a")
	f.Add("nul\x00 esc\x1b", "]]> cdata end\x0c", "\xff\xfe", "\uFFFE", "http://x.test/?a=1&b=<2>")
	f.Add("", "", "", "", "")
	f.Fuzz(func(t *testing.T, title, content, author, tag, link string) {
		a := cleanArticle(article.Article{ID: "x", Source: "s", Title: title, Content: content, Summary: content,
			Authors: []string{author}, Categories: []string{tag}, Link: link, Published: t0, Updated: t0,
			Comments: intp(1), ReadTime: 1, Enclosures: []article.Enclosure{{URL: link}}})
		d := document{Title: clean(title), Base: "http://b.test/", Self: "http://b.test/feed", ID: "urn:x", Annotate: true,
			Articles: []article.Article{a}, Sources: map[string]store.SourceState{"s": cleanState(store.SourceState{URL: link, Title: title})}}
		for _, fm := range formats {
			b, err := fm.render(&d)
			if err != nil {
				t.Fatalf("%s: %v", fm.ext, err)
			}
			wellFormed(t, fm.ext, b)
		}
	})
}

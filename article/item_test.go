package article

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
)

// parseFeed parses real feed bytes with gofeed, as the fetcher does.
func parseFeed(t testing.TB, doc string) *gofeed.Feed {
	t.Helper()
	f, err := gofeed.NewParser().ParseString(doc)
	if err != nil {
		t.Fatalf("parse feed: %v", err)
	}
	if len(f.Items) == 0 {
		t.Fatal("feed has no items")
	}
	return f
}

var testSrc = Source{Name: "test", FeedURL: "https://example.com/feed.xml"}

func rss(channelExtra, item string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:slash="http://purl.org/rss/1.0/modules/slash/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/">
<channel><title>T</title><link>https://example.com/</link><description>d</description>` + channelExtra + `
<item><title>Item</title><link>https://example.com/posts/1</link><guid>g1</guid>` + item + `</item>
</channel></rss>`
}

func atomDoc(feedExtra, entry string) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
<title>T</title><id>urn:t</id><updated>2024-01-01T00:00:00Z</updated>` + feedExtra + `
<entry><title>E</title><id>urn:e1</id><link href="https://example.com/e/1"/><updated>2024-01-01T00:00:00Z</updated>` + entry + `</entry>
</feed>`
}

func fromDoc(t testing.TB, doc string, raw RawExtras) Article {
	t.Helper()
	f := parseFeed(t, doc)
	return FromItem(testSrc, f, f.Items[0], raw)
}

func TestFromItemByline(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []string
		from      string
	}{
		{"rss author with email", rss("", `<author>jane@example.com (Jane Doe)</author>`), []string{"Jane Doe"}, FromRSSAuthor},
		{"rss author email only", rss("", `<author>jane@example.com</author>`), nil, ""},
		{"dc:creator", rss("", `<dc:creator><![CDATA[By Jane Doe]]></dc:creator>`), []string{"Jane Doe"}, FromDCCreator},
		{"several dc:creator", rss("", `<dc:creator>Jane Doe</dc:creator><dc:creator>John Roe</dc:creator>`), []string{"Jane Doe", "John Roe"}, FromDCCreator},
		{"rss author outranks dc:creator", rss("", `<author>ann@example.com (Ann Author)</author><dc:creator>Jane Doe</dc:creator>`), []string{"Ann Author"}, FromRSSAuthor},
		{"itunes:author", rss("", `<itunes:author>Pod Caster</itunes:author>`), []string{"Pod Caster"}, FromITunesAuthor},
		{"channel author", rss(`<dc:creator>Chan Nel</dc:creator>`, ``), []string{"Chan Nel"}, FromChannel},
		{"atom authors", atomDoc("", `<author><name>Jane Doe</name><email>j@example.com</email></author><author><name>John Roe</name></author>`), []string{"Jane Doe", "John Roe"}, FromAtomAuthor},
		{"atom feed author", atomDoc(`<author><name>Feed Writer</name></author>`, ``), []string{"Feed Writer"}, FromChannel},
		{"atom entry outranks feed", atomDoc(`<author><name>Feed Writer</name></author>`, `<author><name>Entry Writer</name></author>`), []string{"Entry Writer"}, FromAtomAuthor},
		{"json feed authors", `{"version":"https://jsonfeed.org/version/1.1","title":"T","items":[{"id":"1","url":"https://example.com/1","content_text":"x","authors":[{"name":"Jane Doe"},{"name":"John Roe"}]}]}`, []string{"Jane Doe", "John Roe"}, FromJSONFeed},
		{"no author", rss("", ``), nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := fromDoc(t, tc.doc, RawExtras{})
			if !reflect.DeepEqual(a.Authors, tc.want) || a.From["author"] != tc.from {
				t.Errorf("Authors = %q from %q, want %q from %q", a.Authors, a.From["author"], tc.want, tc.from)
			}
		})
	}
}

func intp(n int) *int { return &n }

func TestFromItemComments(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
		raw  RawExtras
		want *int
		from string
	}{
		{"slash:comments", rss("", `<slash:comments>5</slash:comments>`), RawExtras{}, intp(5), FromSlashComments},
		{"slash:comments zero is zero", rss("", `<slash:comments>0</slash:comments>`), RawExtras{}, intp(0), FromSlashComments},
		{"empty slash:comments is unknown", rss("", `<slash:comments/>`), RawExtras{}, nil, ""},
		{"blank slash:comments is unknown", rss("", `<slash:comments> </slash:comments>`), RawExtras{}, nil, ""},
		{"garbage slash:comments is unknown", rss("", `<slash:comments>many</slash:comments>`), RawExtras{}, nil, ""},
		{"negative is unknown", rss("", `<slash:comments>-3</slash:comments>`), RawExtras{}, nil, ""},
		{"thousands separator", rss("", `<slash:comments>1,234</slash:comments>`), RawExtras{}, intp(1234), FromSlashComments},
		{"none is unknown", rss("", ``), RawExtras{}, nil, ""},
		{"thr:total", atomDoc("", `<thr:total>7</thr:total>`), RawExtras{}, intp(7), FromThrTotal},
		{"thr:count from the raw pass", atomDoc("", ``), RawExtras{ThrCount: intp(3)}, intp(3), FromThrCount},
		{"thr:total outranks thr:count", atomDoc("", `<thr:total>7</thr:total>`), RawExtras{ThrCount: intp(3)}, intp(7), FromThrTotal},
		{"raw zero is zero", atomDoc("", ``), RawExtras{ThrCount: intp(0)}, intp(0), FromThrCount},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := fromDoc(t, tc.doc, tc.raw)
			if !reflect.DeepEqual(a.Comments, tc.want) || a.From["comments"] != tc.from {
				t.Errorf("Comments = %v from %q, want %v from %q", fmtCount(a.Comments), a.From["comments"], fmtCount(tc.want), tc.from)
			}
		})
	}
}

func TestFromItemContent(t *testing.T) {
	t.Run("relative urls against the item link", func(t *testing.T) {
		a := fromDoc(t, rss("", `<description><![CDATA[<p><a href="../about">about</a> <img src="img/a.png"></p>]]></description>`), RawExtras{})
		for _, want := range []string{`href="https://example.com/about"`, `src="https://example.com/posts/img/a.png"`} {
			if !strings.Contains(a.Summary, want) {
				t.Errorf("summary %q lacks %s", a.Summary, want)
			}
		}
	})
	t.Run("relative item link against the feed url", func(t *testing.T) {
		doc := strings.Replace(rss("", `<description><![CDATA[<a href="x">x</a>]]></description>`), "<link>https://example.com/posts/1</link>", "<link>/posts/2</link>", 1)
		a := fromDoc(t, doc, RawExtras{})
		if a.Link != "https://example.com/posts/2" || !strings.Contains(a.Summary, `href="https://example.com/posts/x"`) {
			t.Errorf("link %q summary %q", a.Link, a.Summary)
		}
	})
	t.Run("xml:base", func(t *testing.T) {
		doc := `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example.org/blog/">
<title>T</title><id>urn:t</id><updated>2024-01-01T00:00:00Z</updated>
<entry><title>E</title><id>urn:e</id><updated>2024-01-01T00:00:00Z</updated>
<content type="html">&lt;a href="p/1"&gt;one&lt;/a&gt;</content><summary type="html">&lt;img src="i.png"&gt;</summary></entry></feed>`
		a := fromDoc(t, doc, RawExtras{})
		if !strings.Contains(a.Content, `href="https://base.example.org/blog/p/1"`) || !strings.Contains(a.Summary, `src="https://base.example.org/blog/i.png"`) {
			t.Errorf("content %q summary %q", a.Content, a.Summary)
		}
	})
	t.Run("title plain text", func(t *testing.T) {
		a := fromDoc(t, strings.Replace(rss("", ""), "<title>Item</title>", "<title>AT&amp;amp;T &lt;b&gt;wins&lt;/b&gt; \x01 caf\u00e9</title>", 1), RawExtras{})
		if a.Title != "AT&T wins café" {
			t.Errorf("title %q", a.Title)
		}
	})
	t.Run("title with a less-than sign", func(t *testing.T) {
		a := fromDoc(t, strings.Replace(rss("", ""), "<title>Item</title>", "<title>Why x&lt;y and y&gt;z</title>", 1), RawExtras{})
		if a.Title != "Why x<y and y>z" {
			t.Errorf("title %q", a.Title)
		}
	})
	t.Run("long summary shortened, content kept", func(t *testing.T) {
		long := "<p>" + words(50) + "</p><p><b>" + words(350) + "</b></p>"
		a := fromDoc(t, rss("", `<description><![CDATA[`+long+`]]></description>`), RawExtras{})
		if n := utf8.RuneCountInString(PlainText(a.Summary)); n > SummaryRunes+1 {
			t.Errorf("summary has %d runes of text", n)
		}
		if !strings.HasSuffix(a.Summary, "…</b></p>") {
			t.Errorf("summary not cut cleanly: ...%s", a.Summary[max(0, len(a.Summary)-40):])
		}
		if strings.Count(a.Content, "word") != 400 || a.ReadTime != 2 {
			t.Errorf("content words %d read %d", strings.Count(a.Content, "word"), a.ReadTime)
		}
	})
	t.Run("content over description for the read time", func(t *testing.T) {
		a := fromDoc(t, rss("", `<description>short teaser</description><content:encoded><![CDATA[<p>`+words(600)+`</p>]]></content:encoded>`), RawExtras{})
		if a.ReadTime != 3 || a.Summary != "short teaser" {
			t.Errorf("read %d summary %q", a.ReadTime, a.Summary)
		}
	})
	t.Run("no text", func(t *testing.T) {
		a := fromDoc(t, rss("", ``), RawExtras{})
		if a.ReadTime != 0 || a.Content != "" || a.Summary != "" {
			t.Errorf("%+v", a)
		}
	})
	t.Run("stated read time kept apart", func(t *testing.T) {
		a := fromDoc(t, rss("", `<content:encoded><![CDATA[<p>12 min read</p><p>`+words(10)+`</p>]]></content:encoded>`), RawExtras{})
		if a.StatedRead != 12 || a.ReadTime != 1 {
			t.Errorf("stated %d read %d", a.StatedRead, a.ReadTime)
		}
	})
	t.Run("script links dropped", func(t *testing.T) {
		doc := strings.Replace(rss("", `<enclosure url="javascript:alert(1)" type="audio/mpeg" length="1"/>`), "<link>https://example.com/posts/1</link>", "<link>javascript:alert(1)</link>", 1)
		a := fromDoc(t, doc, RawExtras{})
		if a.Link != "" || len(a.Enclosures) != 0 {
			t.Errorf("link %q enclosures %v", a.Link, a.Enclosures)
		}
	})
	t.Run("enclosure", func(t *testing.T) {
		a := fromDoc(t, rss("", `<enclosure url="/ep1.mp3" type="audio/mpeg" length="123456789"/>`), RawExtras{})
		want := []Enclosure{{URL: "https://example.com/ep1.mp3", Type: "audio/mpeg", Length: 123456789}}
		if !reflect.DeepEqual(a.Enclosures, want) {
			t.Errorf("enclosures %+v", a.Enclosures)
		}
	})
	t.Run("comments url", func(t *testing.T) {
		a := fromDoc(t, rss("", `<wfw:commentRss>/posts/1/feed</wfw:commentRss>`), RawExtras{})
		if a.CommentsURL != "https://example.com/posts/1/feed" {
			t.Errorf("comments url %q", a.CommentsURL)
		}
	})
}

func TestShortenHTML(t *testing.T) {
	in := `<p>Hello <a href="https://x.example/">brave new</a> world</p><ul><li>one</li><li>two</li></ul>`
	for _, tc := range []struct {
		limit int
		want  string
	}{
		{100, in},
		{12, `<p>Hello <a href="https://x.example/">brave…</a></p>`},
		{8, `<p>Hello <a href="https://x.example/">…</a></p>`},
		{17, `<p>Hello <a href="https://x.example/">brave new</a>…</p>`},
	} {
		got, cut := shortenHTML(in, tc.limit)
		if got != tc.want || cut != (tc.want != in) {
			t.Errorf("shortenHTML(%d) = %q %v, want %q", tc.limit, got, cut, tc.want)
		}
	}
	if got, _ := shortenHTML("<p>"+strings.Repeat("字", 20)+"</p>", 10); got != "<p>"+strings.Repeat("字", 10)+"…</p>" {
		t.Errorf("cjk: %q", got)
	}
}

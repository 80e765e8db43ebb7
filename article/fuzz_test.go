package article

import (
	"bytes"
	stdhtml "html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
)

// maxFuzzInput bounds fuzz inputs: gofeed recurses on nested elements (see
// dependencies.md), and the fetcher caps bodies long before this anyway.
const maxFuzzInput = 32 << 10

// FuzzNormalise parses fuzzed feed bytes with gofeed, normalises every item
// and enriches it with fuzzed page bytes: nothing may panic, and every
// article must come out clean.
func FuzzNormalise(f *testing.F) {
	// Small seeds keep each run and the minimising of new inputs fast; the
	// larger seeds live in testdata/fuzz/FuzzNormalise.
	f.Add([]byte(rss("", `<dc:creator>By Jane Doe</dc:creator><slash:comments>3</slash:comments><content:encoded><![CDATA[<p>Hi <a href="/x">x</a></p>]]></content:encoded>`)),
		[]byte(`<html><head><meta name="author" content="Jane"></head><body><h2 id="comments">2 Comments</h2><p>7 min read</p></body></html>`))
	// Bylines in the wild: language-dependent "by" words, credit lines,
	// labels before names, author boxes, nested byline classes, hCards,
	// microdata, and a summary-only item whose read time is the page's.
	f.Add([]byte(rss(`<language>de-DE</language>`, `<dc:creator>Von Miller</dc:creator><dc:creator>Nick Ames (now), Ed Aarons and Ben Fisher (earlier)</dc:creator><description>Short. Continue reading...</description>`)),
		[]byte(`<html lang="de"><body><div class="author"><div class="byline author"><span class="vcard"><a class="fn" rel="author">Von Christoph Becker</a></span></div></div><h4>Autor</h4><p><a>Nikolai Huke</a></p><div class="author-bio footer"><h3>Martin Junker</h3></div></body></html>`))
	f.Add([]byte(rss("", `<author>x@example.com (Tom McCarthy in New York)</author><content:encoded><![CDATA[<p>The post T appeared first on S.</p>]]></content:encoded>`)),
		[]byte(`<html><head><meta property="dc:creator dcterms:creator" content="sarah-indra"><script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","author":{"@id":"#o"}},{"@id":"#o","@type":"Organization","name":"Site"}]}</script></head><body><span itemprop="author" itemscope><span itemprop="name">Jane Doe</span></span>Autor: <a>Rechtsanwalt</a> Sebastian Einbock<p>By</p></body></html>`))
	f.Fuzz(func(t *testing.T, feedBytes, page []byte) {
		if len(feedBytes) > maxFuzzInput || len(page) > maxFuzzInput {
			t.Skip()
		}
		feed, err := gofeed.NewParser().Parse(bytes.NewReader(feedBytes))
		if err != nil {
			return
		}
		for _, it := range feed.Items {
			if it == nil {
				continue
			}
			a := FromItem(Source{Name: "fuzz", FeedURL: "https://example.com/feed"}, feed, it, RawExtras{})
			checkArticle(t, &a)
			u, _ := url.Parse(a.Link)
			extractPage(page, u) // unguarded: a panic fails the target
			a.Enrich(page, u, EnrichOptions{FullText: true})
			checkArticle(t, &a)
		}
	})
}

// checkArticle asserts what every normalised article must hold.
func checkArticle(t *testing.T, a *Article) {
	t.Helper()
	for field, s := range map[string]string{"title": a.Title, "summary": a.Summary, "content": a.Content, "link": a.Link, "guid": a.GUID} {
		if !utf8.ValidString(s) || strings.IndexFunc(s, isBadControl) >= 0 {
			t.Fatalf("%s holds invalid UTF-8 or control characters: %q", field, s)
		}
	}
	if strings.ContainsAny(a.Title, "\n\t") {
		t.Fatalf("title not collapsed: %q", a.Title)
	}
	for _, n := range a.Authors {
		if n == "" || strings.ContainsAny(n, "<>\n") || strings.Contains(n, "://") || !utf8.ValidString(n) || strings.IndexFunc(n, isBadControl) >= 0 {
			t.Fatalf("bad author %q", n)
		}
	}
	if a.ReadTime < 0 || a.StatedRead < 0 || (a.Comments != nil && *a.Comments < 0) {
		t.Fatalf("negative count: read %d stated %d comments %v", a.ReadTime, a.StatedRead, fmtCount(a.Comments))
	}
	checkSafeHTML(t, a.Summary)
	checkSafeHTML(t, a.Content)
	// The URL fields, judged as the links they are published as.
	urls := []html.Attribute{{Key: "href", Val: a.Link}, {Key: "href", Val: a.CommentsURL}}
	for _, e := range a.Enclosures {
		urls = append(urls, html.Attribute{Key: "href", Val: e.URL})
	}
	checkElement(t, "link "+a.Link, "a", urls)
	for _, u := range urls {
		if v := strings.ToLower(strings.TrimSpace(u.Val)); strings.HasPrefix(v, "mailto:") || strings.HasPrefix(v, "data:") {
			t.Fatalf("URL field %q is not http(s)", u.Val)
		}
	}
}

// FuzzSanitize feeds arbitrary HTML to the sanitiser and the summary
// shortener: the output must be valid UTF-8 with no script, event handler or
// script URL, and a shortened summary must stay within its bound.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		`<p>Hello <a href="/x" onclick="evil()">world</a></p><script>alert(1)</script>`,
		`<img src="data:image/png;base64,iVBORw0KGgo=" onerror=alert(1)><a href="javascript:alert(1)">x</a>`,
		`<table><tr><td>1</td></tr></table><iframe src="https://evil.example/"></iframe>`,
		`<svg><script>alert(1)</script></svg><math><mtext><style><img src=x onerror=alert(1)></style></mtext></math>`,
		"<p>caf\xe9 \x00\x1b ok</p>",
		`<a href="  JaVaScRiPt:alert(1)">x</a><a href="java&#x09;script:alert(1)">y</a>`,
		`<img srcset="javascript:alert(1) 1x, /b.png 2x"><picture><source srcset="javascript:alert(2)" src="javascript:alert(3)"></picture>`,
		`<a href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">x</a><img src="data:image/svg+xml;base64,PHN2Zz4=">`,
		strings.Repeat("<div>", 600) + "deep" + strings.Repeat("</div>", 600),
		`<p>` + strings.Repeat("字", 700) + `</p>`,
	} {
		f.Add(s)
	}
	base, _ := url.Parse("https://example.com/posts/1")
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > maxFuzzInput {
			t.Skip()
		}
		out := Sanitize(in, base)
		if !utf8.ValidString(out) || strings.IndexFunc(out, isBadControl) >= 0 {
			t.Fatalf("invalid UTF-8 or control characters: %.300q", out)
		}
		checkSafeHTML(t, out)
		short, _ := shortenHTML(out, 50)
		checkSafeHTML(t, short)
		if n := utf8.RuneCountInString(collapseSpace(htmlText(short))); n > 51+len(strings.Fields(short)) {
			t.Fatalf("shortened text has %d runes: %.300q", n, short)
		}
	})
}

// checkSafeHTML parses s as a browser would (and, past x/net/html's nesting
// limit, tokenises it) and fails on anything that runs script.
func checkSafeHTML(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("invalid UTF-8: %.300q", s)
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			tok := z.Token()
			checkElement(t, s, tok.Data, tok.Attr)
		}
	}
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return // nested deeper than x/net/html parses; the tokens were checked
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			checkElement(t, s, n.Data, n.Attr)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

func checkElement(t *testing.T, s, tag string, attrs []html.Attribute) {
	t.Helper()
	switch tag {
	case "script", "style", "iframe", "object", "embed", "form", "input", "button", "base", "meta", "link", "frame", "frameset":
		t.Fatalf("output keeps <%s>: %.300q", tag, s)
	}
	for _, a := range attrs {
		// As a browser reads it, and then some: references decoded again,
		// white space and controls removed, case folded.
		v := strings.Map(func(r rune) rune {
			if r <= ' ' || r == 0x7f {
				return -1
			}
			return r
		}, strings.ToLower(stdhtml.UnescapeString(a.Val)))
		switch {
		case strings.HasPrefix(a.Key, "on"), a.Key == "style", a.Key == "formaction":
			t.Fatalf("output keeps attribute %s: %.300q", a.Key, s)
		case strings.HasPrefix(v, "javascript:"), strings.HasPrefix(v, "vbscript:"):
			t.Fatalf("output keeps script URL %q: %.300q", a.Val, s)
		case a.Key == "srcset":
			for _, c := range strings.FieldsFunc(strings.ToLower(stdhtml.UnescapeString(a.Val)), func(r rune) bool { return r == ',' || r <= ' ' }) {
				if strings.HasPrefix(c, "javascript:") || strings.HasPrefix(c, "vbscript:") || strings.HasPrefix(c, "data:") {
					t.Fatalf("output keeps %q in srcset: %.300q", c, s)
				}
			}
		case strings.HasPrefix(v, "data:") && !(tag == "img" && a.Key == "src" && rasterDataURL.MatchString(v)):
			t.Fatalf("output keeps data URL on <%s %s>: %.300q", tag, a.Key, s)
		}
	}
}

// rasterDataURL is the only data: URL content may keep, in <img src>.
var rasterDataURL = regexp.MustCompile(`^data:image/(png|gif|jpeg|webp|avif)[;,]`)

package article

import (
	"bytes"
	"net/url"
	"strings"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

// EnrichOptions says what Enrich may change.
type EnrichOptions struct {
	// FullText lets the page's extracted body replace the published content.
	FullText bool
	// Rates time the page's body; zero fields are the defaults.
	Rates ReadRates
}

// MaxPageElements is the most elements readability is asked to score; a
// larger page keeps its metadata but gives no body.
const MaxPageElements = 30000

// Page is what an article's page says about it.
type Page struct {
	Title        string
	Authors      []string
	AuthorFrom   string // origin, as in Article.From["author"]
	Comments     *int   // nil: the page gives no article-level count
	CommentsFrom string
	StatedRead   int    // the page's own "N min read"; 0: none
	Body         string // readability's extracted body, sanitised, URLs absolute
	ReadTime     int    // minutes, timed from Body at the default rates

	words, cjk int // Body's counts, for timing it at other rates
}

// ExtractPage reads an article's page: byline, comment count, stated reading
// time (see pagemeta.go, pagecomments.go) and readability's body. pageURL
// may be nil. It never panics; a page it cannot read gives a zero Page.
func ExtractPage(page []byte, pageURL *url.URL) (p Page) {
	// A last guard for the daemon: the fuzz target calls extractPage
	// directly, so that a panic here is found, not hidden.
	defer func() {
		if recover() != nil {
			p = Page{}
		}
	}()
	return extractPage(page, pageURL)
}

// extractPage is ExtractPage without the guard.
func extractPage(page []byte, pageURL *url.URL) (p Page) {
	page = toUTF8(page)
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return Page{}
	}
	gq := goquery.NewDocumentFromNode(doc)
	ld := parseJSONLD(gq)
	meta := metaValues(gq)

	p.Authors, p.AuthorFrom = pageAuthors(gq, ld, meta, pageURL)
	p.Comments, p.CommentsFrom = pageComments(gq, ld)
	if body := gq.Find("body"); body.Length() > 0 {
		var b strings.Builder
		nodeText(&b, body.Get(0), 0, textSize(body.Get(0), 0))
		p.StatedRead = pageStated(meta, collapseSpace(b.String()))
	}

	base := pageURL
	if base != nil && !isWeb(base) {
		base = nil
	}
	parser := readability.NewParser()
	parser.MaxElemsToParse = MaxPageElements
	if art, err := parser.ParseDocument(doc, base); err == nil {
		p.Title = PlainText(art.Title())
		if len(p.Authors) == 0 {
			// readability reads the visible text too, without knowing
			// comments, sidebars or promos: its byline must be written as
			// a person's full name (one word from it is as often a brand
			// or a label), no company or domain, and shown outside them.
			if n := cleanVisible(art.Byline(), pageLang(gq, ld, meta)); len(n) > 0 && !allMatch(n, reCompany) && !allMatch(n, reDomain) && shownInArticle(doc, n[0]) && len(strings.Fields(n[0])) >= 2 {
				p.Authors, p.AuthorFrom = n, FromReadability
			}
		}
		if art.Node != nil {
			var b strings.Builder
			if art.RenderHTML(&b) == nil {
				p.words, p.cjk = countReadHTML(b.String())
				p.ReadTime = ReadRates{}.minutes(p.words, p.cjk)
				p.Body = Sanitize(b.String(), base)
			}
		}
	}
	return p
}

// toUTF8 converts a page that is not UTF-8 using its BOM or <meta charset>
// (else windows-1252, the web's default); UTF-8 pages pass unchanged.
func toUTF8(page []byte) []byte {
	if utf8.Valid(page) {
		return page
	}
	enc, _, _ := charset.DetermineEncoding(page, "")
	if out, err := enc.NewDecoder().Bytes(page); err == nil {
		return out
	}
	return page
}

// textLen is the length in runes of an HTML fragment's prose.
func textLen(fragment string) int {
	return utf8.RuneCountInString(collapseSpace(readableText(fragment)))
}

// Enrich fills in, from the article's own page, what the feed item lacked:
// the byline and the comment count (the item's own outrank the page's), the
// stated read time, and the body that times the read (the longer of the
// feed's text and the page's body). Only with opt.FullText does the body
// replace Content, and only when it holds no less text. It does no I/O: the
// fetcher fetched page from pageURL. It never panics and leaves the feed's
// fields in place when the page gives nothing better.
func (a *Article) Enrich(page []byte, pageURL *url.URL, opt EnrichOptions) {
	if a == nil {
		return
	}
	p := ExtractPage(page, pageURL)
	if p.ReadTime > 0 {
		p.ReadTime = opt.Rates.minutes(p.words, p.cjk)
	}
	if a.From == nil {
		a.From = map[string]string{}
	}
	if a.Title == "" && p.Title != "" {
		a.Title = p.Title
	}
	if len(a.Authors) == 0 && len(p.Authors) > 0 {
		a.Authors, a.From["author"] = p.Authors, p.AuthorFrom
	}
	if a.Comments == nil && p.Comments != nil {
		n := *p.Comments
		a.Comments, a.From["comments"] = &n, p.CommentsFrom
	}
	if a.StatedRead == 0 && p.StatedRead > 0 {
		a.StatedRead = p.StatedRead
	}
	if p.ReadTime > a.ReadTime {
		a.ReadTime, a.From["read_time"] = p.ReadTime, FromPage
	}
	a.noteStated()
	// The body replaces the content only when it holds at least as much
	// text: a shorter one is a failed extraction, not a better article.
	if opt.FullText && p.Body != "" && textLen(p.Body) >= textLen(a.Content) {
		a.Content, a.From["content"] = p.Body, FromReadability
		if a.Summary == "" {
			a.Summary, _ = shortenHTML(p.Body, SummaryRunes)
		}
	}
}

package publisher

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

//go:embed templates/page.html
var templatesFS embed.FS

var pageTemplate = template.Must(template.ParseFS(templatesFS, "templates/page.html"))

// pageData is what templates/page.html shows.
type pageData struct {
	Title, Description string
	Feeds              []feedLink
	Items              []pageItem
	// Newest, Newer and Older page the list with the feeds' cursors: the
	// first page, the page before this one (when known) and the next one.
	Newest, Newer, Older string
}

// feedLink is one feed to autodiscover and list.
type feedLink struct {
	Title, Href, Type, Format string
}

// Discovery is f's <link rel="alternate">, written by hand because
// html/template would escape the "+" of the media type as "&#43;", which
// naive autodiscovery code does not decode.
func (f feedLink) Discovery() template.HTML {
	return template.HTML(`<link rel="alternate" type="` + html.EscapeString(f.Type) + `" title="` +
		html.EscapeString(clean(f.Title)+" ("+f.Format+")") + `" href="` + html.EscapeString(f.Href) + `">`)
}

type pageItem struct {
	Title, Link, Source, Byline string
	Summary                     string // plain text, the first summaryWords words
	ReadTime                    string // "2 min read", "" when unknown
	Comments                    string // "1 comment", "" when unknown
	CommentsLink                string // the comment page, else feed
	Date                        time.Time
}

// summaryWords is how much of an article's summary the page shows.
const summaryWords = 40

// pageSummary is the start of a's summary (else its content) as plain text:
// at most summaryWords words, "…" when cut.
func pageSummary(a *article.Article) string {
	text := a.Summary
	if text == "" {
		text = a.Content
	}
	words := strings.Fields(plainText(text))
	if len(words) > summaryWords {
		return strings.Join(words[:summaryWords], " ") + " …"
	}
	return strings.Join(words, " ")
}

// servePage serves GET /: the newest articles and every feed; ?page=CURSOR
// (the feeds' cursors) pages back through older ones.
func (p *Publisher) servePage(w http.ResponseWriter, r *http.Request) {
	s := p.state()
	k := cacheKey{kind: "page", base: p.base(s, r)}
	if !p.pageCursors(w, r, &k) {
		return
	}
	e, err := p.cached(r.Context(), s, k, func() ([]byte, string, error) {
		b, err := p.renderPage(r.Context(), s, k)
		return b, "text/html; charset=utf-8", err
	})
	if err != nil && cursorRefused(w, err) {
		return
	}
	if err != nil {
		p.renderFailed(w, r, "page", err)
		return
	}
	w.Header()["Content-Security-Policy"] = pageCSP
	if p.writeWithStrip(w, r, s, k.base, e) {
		return
	}
	p.write(w, r, s, e)
}

// feedLinks lists the merged feed, every group and every tag in each format.
func feedLinks(s state, base string) []feedLink {
	subs := allSubfeeds(s)
	subs[0].title = s.cfg.Feed.Title
	var out []feedLink
	names := map[string]string{"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
	for _, sub := range subs {
		for _, f := range formats {
			ct, _, _ := strings.Cut(f.contentType, ";")
			out = append(out, feedLink{Title: sub.title, Href: base + sub.path + "." + f.ext, Type: ct, Format: names[f.ext]})
		}
	}
	return out
}

func (p *Publisher) renderPage(ctx context.Context, s state, k cacheKey) ([]byte, error) {
	cfg := s.cfg
	base := k.base
	arts, next, err := p.st.Newest(ctx, cfg.Feed.MaxItems, store.Filter{}, store.Cursor(k.page))
	if err != nil {
		return nil, fmt.Errorf("page %q: %w", k.page, err)
	}
	srcs, err := p.sources(ctx)
	if err != nil {
		return nil, err
	}
	d := pageData{Title: clean(cfg.Feed.Title), Description: clean(cfg.Feed.Description), Feeds: feedLinks(s, webURL(base))}
	if k.page != "" {
		d.Newest = base
		if k.prev != "" {
			d.Newer = base
			if prev := k.prev[1:]; prev != "" {
				d.Newer = base + "?page=" + prev
			}
		}
	}
	if next != "" {
		d.Older = base + "?page=" + string(next) + "&prev=" + k.page
	}
	for _, a := range arts {
		a = cleanArticle(a)
		src := a.Source
		if t := srcs[a.Source].Title; t != "" {
			src = t
		}
		title := a.Title
		if title == "" {
			title = "(untitled)"
		}
		d.Items = append(d.Items, pageItem{Title: title, Link: a.Link, Source: src,
			Byline: strings.Join(a.Authors, ", "), Summary: pageSummary(&a), ReadTime: readTime(&a),
			Comments: commentsText(a.Comments), CommentsLink: commentsLink(&a), Date: a.Published.UTC()})
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// readTime is the article's read time as the page shows it, "" when none.
func readTime(a *article.Article) string {
	if m, stated := a.ShownReadTime(); m > 0 {
		return readTimeText(m, stated)
	}
	return ""
}

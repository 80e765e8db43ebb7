package publisher

import (
	"bytes"
	"context"
	"embed"
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
	ReadTime                    string // "2 min read", "" when unknown
	Comments                    string // "1 comment", "" when unknown
	Date                        time.Time
}

// servePage serves GET /: the newest articles and every feed.
func (p *Publisher) servePage(w http.ResponseWriter, r *http.Request) {
	s := p.state()
	k := cacheKey{kind: "page", base: baseURL(s.cfg.Server.BaseURL, r)}
	e, err := p.cached(r.Context(), s, k, func() ([]byte, string, error) {
		b, err := p.renderPage(r.Context(), s, k.base)
		return b, "text/html; charset=utf-8", err
	})
	if err != nil {
		p.log.Error("render page", "error", err)
		http.Error(w, "could not render the page: "+err.Error(), http.StatusInternalServerError)
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

func (p *Publisher) renderPage(ctx context.Context, s state, base string) ([]byte, error) {
	cfg := s.cfg
	arts, _, err := p.st.Newest(ctx, cfg.Feed.MaxItems, store.Filter{}, "")
	if err != nil {
		return nil, err
	}
	srcs, err := p.sources(ctx)
	if err != nil {
		return nil, err
	}
	d := pageData{Title: clean(cfg.Feed.Title), Description: clean(cfg.Feed.Description), Feeds: feedLinks(s, base)}
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
			Byline: strings.Join(a.Authors, ", "), ReadTime: readTime(&a), Comments: commentsText(a.Comments), Date: a.Published.UTC()})
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func commentsText(n *int) string {
	if n == nil {
		return ""
	}
	return byline(&article.Article{Comments: n})
}

// readTime is the article's read time as the page shows it, "" when none.
func readTime(a *article.Article) string {
	if m, stated := a.ShownReadTime(); m > 0 {
		return readTimeText(m, stated)
	}
	return ""
}

package publisher

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"strings"
)

// opmlDoc is OPML 2.0: one outline per source, its tags as categories.
type opmlDoc struct {
	XMLName xml.Name      `xml:"opml"`
	Version string        `xml:"version,attr"`
	Title   string        `xml:"head>title"`
	Owner   string        `xml:"head>docs"`
	Body    []opmlOutline `xml:"body>outline"`
}

type opmlOutline struct {
	Type     string `xml:"type,attr"`
	Text     string `xml:"text,attr"`
	Title    string `xml:"title,attr,omitempty"`
	XMLURL   string `xml:"xmlUrl,attr"`
	HTMLURL  string `xml:"htmlUrl,attr,omitempty"`
	Category string `xml:"category,attr,omitempty"`
}

// serveOPML serves GET /opml: the configured sources.
func (p *Publisher) serveOPML(w http.ResponseWriter, r *http.Request) {
	s := p.state()
	k := cacheKey{kind: "opml"}
	e, err := p.cached(r.Context(), s, k, func() ([]byte, string, error) {
		b, err := p.renderOPML(r.Context(), s)
		return b, "text/x-opml; charset=utf-8", err
	})
	if err != nil {
		p.renderFailed(w, r, "OPML", err)
		return
	}
	p.write(w, r, s, e)
}

func (p *Publisher) renderOPML(ctx context.Context, s state) ([]byte, error) {
	srcs, err := p.sources(ctx)
	if err != nil {
		return nil, err
	}
	doc := opmlDoc{Version: "2.0", Title: clean(s.cfg.Feed.Title) + ": sources", Owner: "http://opml.org/spec2.opml"}
	for _, src := range s.cfg.Sources {
		st := srcs[src.Name]
		text := st.Title
		if text == "" {
			text = src.Name
		}
		o := opmlOutline{Type: "rss", Text: text, Title: text, XMLURL: clean(src.URL), HTMLURL: st.Link}
		if u := st.FeedURL(); u != "" && st.EffectiveURL != "" {
			o.XMLURL = u // a permanent redirect moved it
		}
		var cats []string
		for _, t := range src.Tags {
			cats = append(cats, "/"+clean(t))
		}
		o.Category = strings.Join(cats, ",")
		doc.Body = append(doc.Body, o)
	}
	if len(doc.Body) == 0 {
		doc.Body = []opmlOutline{}
	}
	b, err := marshalXML(doc)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(b), nil
}

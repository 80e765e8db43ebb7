package publisher

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/internal/redact"
)

// opmlDoc is OPML 2.0: one outline per source, its tags as categories, and
// in Tributary's namespace what `import-opml` needs to give back the same
// [[source]] tables: the name and the settings (not user_agent, which may
// carry a contact address: /opml is public).
type opmlDoc struct {
	XMLName xml.Name      `xml:"opml"`
	Version string        `xml:"version,attr"`
	Xmlns   string        `xml:"xmlns:tributary,attr"`
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

	Name          string `xml:"tributary:name,attr"`
	Schedule      string `xml:"tributary:schedule,attr,omitempty"`
	Enrich        bool   `xml:"tributary:enrich,attr,omitempty"`
	FullText      bool   `xml:"tributary:full_text,attr,omitempty"`
	CountComments bool   `xml:"tributary:count_comments,attr,omitempty"`
	MaxAge        string `xml:"tributary:max_age,attr,omitempty"`
	MaxPerSource  int    `xml:"tributary:max_per_source,attr,omitempty"`
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
	doc := opmlDoc{Version: "2.0", Xmlns: config.Namespace, Title: clean(s.cfg.Feed.Title) + ": sources", Owner: "http://opml.org/spec2.opml"}
	for _, src := range s.cfg.Sources {
		st := srcs[src.Name]
		text := st.Title
		if text == "" {
			text = src.Name
		}
		// Published: no credentials (cleanState did the same to st).
		o := opmlOutline{Type: "rss", Text: text, Title: text, XMLURL: webURL(redact.PublicURL(src.URL)), HTMLURL: st.Link,
			Name: src.Name, Schedule: clean(src.Schedule), Enrich: src.Enrich, FullText: src.FullText,
			CountComments: src.CountComments, MaxPerSource: src.MaxPerSource}
		if src.MaxAge.Duration > 0 {
			o.MaxAge = src.MaxAge.String()
		}
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

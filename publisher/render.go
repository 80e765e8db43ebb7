package publisher

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"time"

	"github.com/gorilla/feeds"
)

// generic turns a document into gorilla/feeds' format-neutral Feed; each
// renderer then fixes what gorilla/feeds gets wrong for its format.
func generic(d *document) *feeds.Feed {
	f := &feeds.Feed{
		Title:       d.Title,
		Link:        &feeds.Link{Href: d.Base},
		Description: d.Description,
		Id:          d.ID,
		Updated:     updated(d),
	}
	for i := range d.Articles {
		a := &d.Articles[i]
		it := &feeds.Item{
			Title:       a.Title,
			Link:        &feeds.Link{Href: a.Link},
			Description: a.Summary,
			Id:          EntryID(a),
			IsPermaLink: "false",
			Created:     a.Published,
			Updated:     a.Updated,
			Content:     a.Content,
		}
		if len(a.Authors) > 0 {
			it.Author = &feeds.Author{Name: strings.Join(a.Authors, ", ")}
		}
		f.Items = append(f.Items, it)
	}
	return f
}

// updated is the newest Updated time of the document's articles.
func updated(d *document) time.Time {
	var t time.Time
	for i := range d.Articles {
		if u := d.Articles[i].Updated; u.After(t) {
			t = u
		}
	}
	if t.IsZero() {
		t = time.Unix(0, 0).UTC()
	}
	return t
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// atomFeed wraps gorilla/feeds' AtomFeed: a stable id, rel="self", published.
type atomFeed struct {
	XMLName xml.Name `xml:"feed"`
	*feeds.AtomFeed
	Links     []feeds.AtomLink `xml:"link"`
	Generator string           `xml:"generator,omitempty"`
	Entries   []*feeds.AtomEntry
}

func renderAtom(d *document) ([]byte, error) {
	g := generic(d)
	af := (&feeds.Atom{Feed: g}).AtomFeed()
	af.Id = d.ID
	af.Link = nil
	af.Icon = d.Icon
	for i, e := range af.Entries {
		a := &d.Articles[i]
		e.Published = rfc3339(a.Published)
		e.Updated = rfc3339(a.Updated)
		if a.Link == "" {
			e.Links = nil
		}
	}
	out := atomFeed{
		AtomFeed: af,
		Links: []feeds.AtomLink{
			{Href: d.Self, Rel: "self", Type: "application/atom+xml"},
			{Href: d.Base, Rel: "alternate", Type: "text/html"},
		},
		Generator: "Tributary",
		Entries:   af.Entries,
	}
	af.Entries = nil // written through out.Entries
	return marshalXML(out)
}

// rssItem wraps gorilla/feeds' RssItem: the byline goes in dc:creator, since
// RSS's <author> must be an email address.
type rssItem struct {
	*feeds.RssItem
	Creator []string `xml:"dc:creator"`
}

type rssChannel struct {
	XMLName xml.Name `xml:"channel"`
	*feeds.RssFeed
	AtomLink atomLink   `xml:"atom:link"`
	Items    []*rssItem `xml:"item"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssDoc struct {
	XMLName     xml.Name `xml:"rss"`
	Version     string   `xml:"version,attr"`
	XmlnsAtom   string   `xml:"xmlns:atom,attr"`
	XmlnsDC     string   `xml:"xmlns:dc,attr"`
	XmlnsConten string   `xml:"xmlns:content,attr"`
	Channel     rssChannel
}

func renderRSS(d *document) ([]byte, error) {
	g := generic(d)
	rf := (&feeds.Rss{Feed: g}).RssFeed()
	rf.Generator = "Tributary"
	ch := rssChannel{RssFeed: rf, AtomLink: atomLink{Href: d.Self, Rel: "self", Type: "application/rss+xml"}}
	for i, it := range rf.Items {
		a := &d.Articles[i]
		it.Author = ""
		it.PubDate = a.Published.UTC().Format(time.RFC1123Z)
		ch.Items = append(ch.Items, &rssItem{RssItem: it, Creator: a.Authors})
	}
	rf.Items = nil // written through ch.Items
	return marshalXML(rssDoc{
		Version:     "2.0",
		XmlnsAtom:   "http://www.w3.org/2005/Atom",
		XmlnsDC:     "http://purl.org/dc/elements/1.1/",
		XmlnsConten: "http://purl.org/rss/1.0/modules/content/",
		Channel:     ch,
	})
}

func marshalXML(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// jsonItem wraps gorilla/feeds' JSONItem with Tributary's own fields.
type jsonItem struct {
	*feeds.JSONItem
	Tributary *jsonExtension `json:"_tributary,omitempty"`
}

type jsonExtension struct {
	ReadTime     int        `json:"read_time_minutes,omitempty"`
	CommentCount *int       `json:"comment_count,omitempty"`
	Source       jsonSource `json:"source"`
}

type jsonSource struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
	URL   string `json:"url,omitempty"`
}

type jsonFeed struct {
	*feeds.JSONFeed
	Items []*jsonItem `json:"items"`
}

func renderJSON(d *document) ([]byte, error) {
	g := generic(d)
	jf := (&feeds.JSON{Feed: g}).JSONFeed()
	jf.FeedUrl = d.Self
	jf.Icon = d.Icon
	out := jsonFeed{JSONFeed: jf, Items: []*jsonItem{}}
	for i, it := range jf.Items {
		a := &d.Articles[i]
		it.Author = nil
		it.Authors = nil
		for _, name := range a.Authors {
			it.Authors = append(it.Authors, &feeds.JSONAuthor{Name: name})
		}
		src := d.Sources[a.Source]
		ext := &jsonExtension{ReadTime: a.ReadTime, CommentCount: a.Comments,
			Source: jsonSource{Name: a.Source, Title: src.Title, URL: src.FeedURL()}}
		out.Items = append(out.Items, &jsonItem{JSONItem: it, Tributary: ext})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

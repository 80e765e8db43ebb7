package publisher

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"strings"

	"github.com/gorilla/feeds"

	"github.com/tributary-feeds/tributary/article"
)

// atomFeed wraps gorilla/feeds' AtomFeed with what it lacks: a stable id,
// self/alternate/hub/paging links, a generator, namespaces. encoding/xml does
// not hide an embedded field behind ours unless both have the same element
// name, so every embedded field we replace is also emptied.
type atomFeed struct {
	XMLName xml.Name `xml:"feed"`
	*feeds.AtomFeed
	XmlnsThr   string        `xml:"xmlns:thr,attr"`
	XmlnsTrib  string        `xml:"xmlns:tributary,attr"`
	AtomLinks  []atomLink    `xml:"link"`
	Generator  atomGenerator `xml:"generator"`
	AtomEntris []*atomEntry  `xml:"entry"`
}

type atomGenerator struct {
	URI     string `xml:"uri,attr"`
	Version string `xml:"version,attr"`
	Name    string `xml:",chardata"`
}

type atomLink struct {
	Href     string `xml:"href,attr"`
	Rel      string `xml:"rel,attr,omitempty"`
	Type     string `xml:"type,attr,omitempty"`
	Length   string `xml:"length,attr,omitempty"`
	Title    string `xml:"title,attr,omitempty"`
	ThrCount *int   `xml:"thr:count,attr,omitempty"` // on rel="replies" (RFC 4685)
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// atomSource is RFC 4287's <source>: the feed an entry came from. Its
// author stands for the entry's when the entry has no byline (RFC 4287
// section 4.2.11), so that every entry has one without inventing a byline.
type atomSource struct {
	ID     string      `xml:"id"`
	Title  string      `xml:"title,omitempty"`
	Author *atomPerson `xml:"author"`
	Links  []atomLink  `xml:"link"`
}

// atomEntry wraps gorilla/feeds' AtomEntry (title, id, updated, published,
// summary, content) with every author, categories, enclosure links, the
// source and the normalised fields.
type atomEntry struct {
	*feeds.AtomEntry
	Authors    []atomPerson   `xml:"author"`
	EntryLinks []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	From       *atomSource    `xml:"source"`
	ThrTotal   *int           `xml:"thr:total"`
	ReadTime   int            `xml:"tributary:readTime,omitempty"`
	StatedRead int            `xml:"tributary:statedReadTime,omitempty"`
}

func renderAtom(d *document) ([]byte, error) {
	af := (&feeds.Atom{Feed: generic(d)}).AtomFeed()
	af.Id = d.ID
	af.Link = nil
	af.Icon = d.Icon
	af.Updated = rfc3339(d.updated())
	out := atomFeed{
		AtomFeed:  af,
		XmlnsThr:  "http://purl.org/syndication/thread/1.0",
		XmlnsTrib: Namespace,
		AtomLinks: []atomLink{
			{Href: d.Self, Rel: "self", Type: "application/atom+xml"},
			{Href: d.Base, Rel: "alternate", Type: "text/html"},
		},
		Generator: atomGenerator{URI: generatorURI, Version: Version, Name: "Tributary"},
	}
	out.AtomLinks = append(out.AtomLinks, pagingLinks(d, "application/atom+xml")...)
	for i, e := range af.Entries {
		a := &d.Articles[i]
		e.Published = rfc3339(a.Published)
		e.Updated = rfc3339(a.Updated)
		if e.Updated == "" {
			e.Updated = rfc3339(d.updated())
		}
		e.Author, e.Category, e.Source, e.Links = nil, "", "", nil
		if e.Content == nil && a.Link == "" {
			// RFC 4287 section 4.1.2: an entry without content must link
			// to it; one with neither gets an empty content element.
			e.Content = &feeds.AtomContent{Type: "text"}
		}
		x := &atomEntry{AtomEntry: e, ReadTime: a.ReadTime, StatedRead: a.StatedRead, ThrTotal: a.Comments}
		for _, n := range a.Authors {
			x.Authors = append(x.Authors, atomPerson{Name: n})
		}
		for _, c := range a.Categories {
			x.Categories = append(x.Categories, atomCategory{Term: c})
		}
		if a.Link != "" {
			x.EntryLinks = append(x.EntryLinks, atomLink{Href: a.Link, Rel: "alternate", Type: "text/html"})
		}
		x.EntryLinks = append(x.EntryLinks, repliesLinks(a)...)
		for _, enc := range a.Enclosures {
			l := atomLink{Href: enc.URL, Rel: "enclosure", Type: enclosureType(enc)}
			if enc.Length > 0 {
				l.Length = enclosureLength(enc)
			}
			x.EntryLinks = append(x.EntryLinks, l)
		}
		if title, feedURL, link := d.source(a.Source); a.Source != "" || len(x.Authors) == 0 {
			s := &atomSource{ID: sourceID(a.Source), Title: title}
			if len(x.Authors) == 0 {
				// RFC 4287 section 4.1.2 wants an author for every entry: an
				// entry without a byline is the source's, named as the source.
				s.Author = &atomPerson{Name: cmp.Or(title, d.Title)}
			}
			if feedURL != "" {
				s.Links = append(s.Links, atomLink{Href: feedURL, Rel: "self"})
			}
			if link != "" {
				s.Links = append(s.Links, atomLink{Href: link, Rel: "alternate", Type: "text/html"})
			}
			x.From = s
		}
		out.AtomEntris = append(out.AtomEntris, x)
	}
	af.Entries = nil // written through out.AtomEntris
	return marshalXML(out)
}

// repliesLinks are RFC 4685's rel="replies" links of a: the comment page
// (text/html), then the comment feed. The count goes on the first only:
// readers that add up the thr:count of every replies link must not count
// the same comments twice.
func repliesLinks(a *article.Article) []atomLink {
	var ls []atomLink
	if a.CommentsPage != "" {
		ls = append(ls, atomLink{Href: a.CommentsPage, Rel: "replies", Type: "text/html"})
	}
	if a.CommentsURL != "" {
		ls = append(ls, atomLink{Href: a.CommentsURL, Rel: "replies", Type: commentFeedType(a.CommentsURL)})
	}
	if len(ls) > 0 {
		ls[0].ThrCount = a.Comments
	}
	return ls
}

// commentFeedType is the advisory type of a comment feed's link: readers
// take a replies link without one for a web page. Atom when its URL says
// so, else RSS (wfw:commentRss is "comment RSS").
func commentFeedType(u string) string {
	path, _, _ := strings.Cut(strings.ToLower(u), "?")
	if strings.HasSuffix(path, ".atom") || strings.HasSuffix(path, "/atom") || strings.HasSuffix(path, "/atom/") {
		return "application/atom+xml"
	}
	return "application/rss+xml"
}

// pagingLinks are the hub and RFC 5005 section 3 links, in Atom link form.
func pagingLinks(d *document, typ string) []atomLink {
	var ls []atomLink
	if d.Hub != "" {
		ls = append(ls, atomLink{Href: d.Hub, Rel: "hub"})
	}
	if d.First != "" {
		ls = append(ls, atomLink{Href: d.First, Rel: "first", Type: typ})
	}
	if d.Previous != "" {
		ls = append(ls, atomLink{Href: d.Previous, Rel: "previous", Type: typ})
	}
	if d.Next != "" {
		ls = append(ls, atomLink{Href: d.Next, Rel: "next", Type: typ})
	}
	return ls
}

// generic turns a document into gorilla/feeds' format-neutral Feed; each
// renderer then fixes what gorilla/feeds gets wrong for its format.
func generic(d *document) *feeds.Feed {
	f := &feeds.Feed{
		Title:       d.Title,
		Link:        &feeds.Link{Href: d.Base},
		Description: d.Description,
		Id:          d.ID,
		Updated:     d.updated(),
	}
	for i := range d.Articles {
		a := &d.Articles[i]
		f.Items = append(f.Items, &feeds.Item{
			Title:       a.Title,
			Link:        &feeds.Link{Href: a.Link},
			Description: a.Summary,
			Id:          EntryID(a),
			IsPermaLink: "false",
			Created:     a.Published.UTC(),
			Updated:     a.Updated.UTC(),
			Content:     annotated(a, d.Annotate),
		})
	}
	return f
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

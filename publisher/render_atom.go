package publisher

import (
	"bytes"
	"encoding/xml"

	"github.com/gorilla/feeds"
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
	Href   string `xml:"href,attr"`
	Rel    string `xml:"rel,attr,omitempty"`
	Type   string `xml:"type,attr,omitempty"`
	Length string `xml:"length,attr,omitempty"`
	Title  string `xml:"title,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// atomSource is RFC 4287's <source>: the feed an entry came from.
type atomSource struct {
	ID    string     `xml:"id"`
	Title string     `xml:"title,omitempty"`
	Links []atomLink `xml:"link"`
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
		for _, enc := range a.Enclosures {
			l := atomLink{Href: enc.URL, Rel: "enclosure", Type: enclosureType(enc)}
			if enc.Length > 0 {
				l.Length = enclosureLength(enc)
			}
			x.EntryLinks = append(x.EntryLinks, l)
		}
		if title, feedURL, link := d.source(a.Source); a.Source != "" {
			s := &atomSource{ID: sourceID(a.Source), Title: title}
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

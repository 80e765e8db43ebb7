package publisher

import (
	"encoding/xml"

	"github.com/gorilla/feeds"
)

// rssItem wraps gorilla/feeds' RssItem (title, description, content:encoded,
// guid, pubDate). The byline goes in dc:creator, since RSS's <author> must be
// an email address: one element per author, as Dublin Core means it
// (feedparser and gofeed read them all; newsboat shows only the last); <source> gets its url attribute and the feed's title.
type rssItem struct {
	*feeds.RssItem
	ItemLink   string        `xml:"link,omitempty"`
	Desc       string        `xml:"description,omitempty"`
	Creators   []string      `xml:"dc:creator"`
	Categories []string      `xml:"category"`
	Enclosure1 *rssEnclosure `xml:"enclosure"`
	From       *rssSource    `xml:"source"`
	Updated    string        `xml:"atom:updated,omitempty"`
	CommentRSS string        `xml:"wfw:commentRss,omitempty"` // the comment feed
	Comments   *int          `xml:"slash:comments"`
	ReadTime   int           `xml:"tributary:readTime,omitempty"`
	StatedRead int           `xml:"tributary:statedReadTime,omitempty"`
}

type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length string `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

type rssSource struct {
	URL   string `xml:"url,attr"`
	Title string `xml:",chardata"`
}

type rssChannel struct {
	XMLName xml.Name `xml:"channel"`
	*feeds.RssFeed
	AtomLinks []atomLink `xml:"atom:link"`
	RSSItems  []*rssItem `xml:"item"`
}

type rssDoc struct {
	XMLName      xml.Name `xml:"rss"`
	Version      string   `xml:"version,attr"`
	XmlnsAtom    string   `xml:"xmlns:atom,attr"`
	XmlnsDC      string   `xml:"xmlns:dc,attr"`
	XmlnsContent string   `xml:"xmlns:content,attr"`
	XmlnsSlash   string   `xml:"xmlns:slash,attr"`
	XmlnsWfw     string   `xml:"xmlns:wfw,attr"`
	XmlnsTrib    string   `xml:"xmlns:tributary,attr"`
	Channel      rssChannel
}

func renderRSS(d *document) ([]byte, error) {
	rf := (&feeds.Rss{Feed: generic(d)}).RssFeed()
	rf.Generator = "Tributary " + Version + " (" + generatorURI + ")"
	rf.PubDate = ""
	rf.Ttl = d.TTL
	if d.Icon != "" {
		rf.Image = &feeds.RssImage{Url: d.Icon, Title: d.Title, Link: d.Base}
	}
	ch := rssChannel{RssFeed: rf}
	ch.AtomLinks = append([]atomLink{{Href: d.Self, Rel: "self", Type: "application/rss+xml"}}, pagingLinks(d, "application/rss+xml")...)
	for i, it := range rf.Items {
		a := &d.Articles[i]
		it.Author, it.Category, it.Source, it.Enclosure, it.Link, it.Description = "", "", "", nil, "", ""
		it.PubDate = rfc1123(a.Published)
		it.Comments = a.CommentsPage // <comments>: the comment page
		x := &rssItem{RssItem: it, ItemLink: a.Link, Desc: a.Summary, Creators: a.Authors, Categories: a.Categories,
			CommentRSS: a.CommentsURL, Comments: a.Comments, ReadTime: a.ReadTime, StatedRead: a.StatedRead}
		if !a.Updated.Equal(a.Published) {
			x.Updated = rfc3339(a.Updated)
		}
		// RSS 2.0 allows one enclosure per item; Atom and JSON Feed carry all.
		if len(a.Enclosures) > 0 {
			e := a.Enclosures[0]
			x.Enclosure1 = &rssEnclosure{URL: e.URL, Length: enclosureLength(e), Type: enclosureType(e)}
		}
		if title, feedURL, _ := d.source(a.Source); feedURL != "" {
			x.From = &rssSource{URL: feedURL, Title: title}
		}
		ch.RSSItems = append(ch.RSSItems, x)
	}
	rf.Items = nil // written through ch.RSSItems
	return marshalXML(rssDoc{
		Version:      "2.0",
		XmlnsAtom:    "http://www.w3.org/2005/Atom",
		XmlnsDC:      "http://purl.org/dc/elements/1.1/",
		XmlnsContent: "http://purl.org/rss/1.0/modules/content/",
		XmlnsSlash:   "http://purl.org/rss/1.0/modules/slash/",
		XmlnsWfw:     "http://wellformedweb.org/CommentAPI/",
		XmlnsTrib:    Namespace,
		Channel:      ch,
	})
}

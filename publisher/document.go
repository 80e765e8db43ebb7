package publisher

import (
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/store"
)

// Version is Tributary's version, named in each feed's generator. The binary
// sets it.
var Version = "dev"

// Namespace is Tributary's XML namespace, for the fields no standard module
// carries (readTime). It is documented in README.
const (
	Namespace       = config.Namespace
	NamespacePrefix = "tributary"
	generatorURI    = "https://github.com/tributary-feeds/tributary"
)

// document is one feed page to render, whatever its format.
type document struct {
	Title       string
	Description string
	Base        string // the site's URL, ending in "/"
	Self        string // this page's URL
	First       string // the first page's URL (RFC 5005 section 3)
	Next        string // the next (older) page's URL; "" on the last page
	Previous    string // the previous (newer) page's URL, when known
	Hub         string // WebSub hub
	ID          string // stable feed id
	Icon        string
	Annotate    bool
	TTL         int               // minutes a reader may wait before asking again (RSS ttl)
	Articles    []article.Article // newest first, cleaned
	Sources     map[string]store.SourceState
	Created     time.Time // the store's creation: an empty feed's updated time
}

// format is one way of writing a document.
type format struct {
	ext         string
	contentType string
	render      func(*document) ([]byte, error)
}

var formats = []format{
	{"atom", "application/atom+xml; charset=utf-8", renderAtom},
	{"rss", "application/rss+xml; charset=utf-8", renderRSS},
	{"json", "application/feed+json; charset=utf-8", renderJSON},
}

func formatByExt(ext string) (format, bool) {
	for _, f := range formats {
		if f.ext == ext {
			return f, true
		}
	}
	return format{}, false
}

// EntryID is the published id of an article: a URN that stays the same
// across refetches, restarts and formats.
func EntryID(a *article.Article) string { return uuidURN(a.ID) }

// feedID is a feed's stable id: it follows the site and the sub-feed, not
// the format or the page, so the three formats of one feed share it.
func feedID(base, sub string) string {
	h := sha256.Sum256([]byte("tributary feed\x00" + base + "\x00" + sub))
	return uuidURN(fmt.Sprintf("%x", h[:16]))
}

// sourceID is the stable id of a source, used in Atom's <source>.
func sourceID(name string) string {
	h := sha256.Sum256([]byte("tributary source\x00" + name))
	return uuidURN(fmt.Sprintf("%x", h[:16]))
}

// uuidURN writes 32 hex digits as a urn:uuid (version 8: custom, RFC 9562).
func uuidURN(hex string) string {
	if len(hex) < 32 {
		h := sha256.Sum256([]byte(hex))
		hex = fmt.Sprintf("%x", h[:16])
	}
	b := []byte(hex[:32])
	b[12] = '8'
	switch b[16] {
	case '8', '9', 'a', 'b':
	default:
		b[16] = "89ab"[b[16]%4]
	}
	return fmt.Sprintf("urn:uuid:%s-%s-%s-%s-%s", b[0:8], b[8:12], b[12:16], b[16:20], b[20:32])
}

// updated is the newest Updated time of the document's articles; for an
// empty feed, the time the store was created (so that it never changes on
// its own), else the Unix epoch.
func (d *document) updated() time.Time {
	var t time.Time
	for i := range d.Articles {
		a := &d.Articles[i]
		if a.Updated.After(t) {
			t = a.Updated
		}
		if a.Published.After(t) {
			t = a.Published
		}
	}
	if t.IsZero() {
		t = d.Created
	}
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC()
}

// source is what the document knows of an article's source.
func (d *document) source(name string) (title, feedURL, link string) {
	st := d.Sources[name]
	title = st.Title
	if title == "" {
		title = name
	}
	return title, st.FeedURL(), st.Link
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func rfc1123(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC1123Z)
}

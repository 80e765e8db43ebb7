package publisher

import (
	"crypto/sha256"
	"fmt"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// document is one feed to render, whatever its format.
type document struct {
	Title       string
	Description string
	Base        string // the site's URL, ending in "/"
	Self        string // this document's URL
	ID          string // stable feed id
	Icon        string
	Articles    []article.Article // newest first
	Sources     map[string]store.SourceState
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

// EntryID is the published id of an article: a URN that stays the same
// across refetches, restarts and formats.
func EntryID(a *article.Article) string { return uuidURN(a.ID) }

func feedID(base string) string {
	h := sha256.Sum256([]byte("tributary feed\x00" + base))
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

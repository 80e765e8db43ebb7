// Package article defines the Article, the unit Tributary stores and
// publishes, and its pure normalisation: turning a parsed feed item (and, when
// enriched, its page) into an Article with the same fields whatever the source
// did. Nothing here does I/O, so all of it can be table-tested and fuzzed.
package article

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Article is one normalised item of one source.
type Article struct {
	ID         string    `json:"id"`     // stable: see NewID
	Source     string    `json:"source"` // the [[source]] name
	GUID       string    `json:"guid,omitempty"`
	Link       string    `json:"link,omitempty"`
	Title      string    `json:"title,omitempty"`   // plain text
	Authors    []string  `json:"authors,omitempty"` // the normalised byline, in the source's order
	Published  time.Time `json:"published"`         // first seen, when the source gives none
	Updated    time.Time `json:"updated"`           // bumped only when title or content change
	Summary    string    `json:"summary,omitempty"` // sanitised HTML
	Content    string    `json:"content,omitempty"` // sanitised HTML, URLs absolute
	ReadTime   int       `json:"read_time,omitempty"`
	StatedRead int       `json:"stated_read,omitempty"` // the page's own "N min read"; 0 = none
	Comments   *int      `json:"comments,omitempty"`    // nil = unknown
	// CommentsURL is the item's wfw:commentRss feed, counted when the source
	// has count_comments.
	CommentsURL string `json:"comments_url,omitempty"`
	// CommentsPage is the item's comment page, for people: RSS <comments>,
	// else an Atom rel="replies" link of an HTML type.
	CommentsPage string            `json:"comments_page,omitempty"`
	Categories   []string          `json:"categories,omitempty"`
	Enclosures   []Enclosure       `json:"enclosures,omitempty"`
	From         map[string]string `json:"from,omitempty"` // field -> where it was found ("dc:creator", "json-ld", ...)
}

// Enclosure is an attached media file (a podcast episode, an image).
type Enclosure struct {
	URL    string `json:"url"`
	Type   string `json:"type,omitempty"`
	Length int64  `json:"length,omitempty"`
}

// Source is what normalisation needs to know of the source an item came from.
type Source struct {
	Name    string // the [[source]] name
	FeedURL string // the URL the feed was fetched from, for resolving relative links
	// Rates time the item's body ([feed] words_per_minute and
	// cjk_characters_per_minute); zero fields are the defaults.
	Rates ReadRates
}

// NewID is the article's stable identity: a hash of the source name and the
// item's GUID, else its link, else its title and date. It survives refetches
// and restarts, and two sources listing the same GUID stay two articles.
func NewID(source, guid, link, title string, date time.Time) string {
	h := sha256.New()
	h.Write([]byte(source))
	h.Write([]byte{0})
	switch {
	case strings.TrimSpace(guid) != "":
		h.Write([]byte("guid\x00" + strings.TrimSpace(guid)))
	case strings.TrimSpace(link) != "":
		h.Write([]byte("link\x00" + strings.TrimSpace(link)))
	default:
		h.Write([]byte("title\x00" + title + "\x00"))
		if !date.IsZero() {
			h.Write([]byte(date.UTC().Format(time.RFC3339Nano)))
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// SameContent reports whether a and b would read the same to a subscriber:
// a change here is what bumps Updated.
func SameContent(a, b *Article) bool {
	return a.Title == b.Title && a.Content == b.Content && a.Summary == b.Summary && a.Link == b.Link
}

// SameComments reports whether a and b carry the same comment count.
func SameComments(a, b *Article) bool {
	if a.Comments == nil || b.Comments == nil {
		return a.Comments == nil && b.Comments == nil
	}
	return *a.Comments == *b.Comments
}

package article

import (
	"html"
	"regexp"
	"strings"

	"github.com/mmcdole/gofeed"
)

// RawExtras carries what gofeed drops from an item, recovered from the raw
// document by the fetcher (thr:count on rel="replies" links, the RSS
// <comments> URL).
type RawExtras struct {
	ThrCount    *int
	CommentsURL string
	// CommentRSS is the item's wfw:commentRss feed (either namespace case),
	// which the fetcher counts for sources with count_comments.
	CommentRSS string
}

// FromItem normalises one parsed item of feed into an Article. It does no I/O.
// A zero Published means the item carried no date: the store fills in the
// time it was first seen.
func FromItem(src Source, feed *gofeed.Feed, item *gofeed.Item, raw RawExtras) Article {
	a := Article{
		Source: src.Name,
		GUID:   strings.TrimSpace(item.GUID),
		Link:   strings.TrimSpace(item.Link),
		Title:  PlainText(item.Title),
		From:   map[string]string{},
	}
	if item.PublishedParsed != nil {
		a.Published = item.PublishedParsed.UTC()
	}
	if item.UpdatedParsed != nil {
		a.Updated = item.UpdatedParsed.UTC()
	}
	if a.Published.IsZero() {
		a.Published = a.Updated
	}
	if a.Updated.Before(a.Published) {
		a.Updated = a.Published
	}
	a.ID = NewID(src.Name, a.GUID, a.Link, a.Title, a.Published)

	for _, p := range item.Authors {
		if p != nil && strings.TrimSpace(p.Name) != "" {
			a.Authors = append(a.Authors, strings.TrimSpace(p.Name))
		}
	}
	if len(a.Authors) == 0 && feed != nil {
		for _, p := range feed.Authors {
			if p != nil && strings.TrimSpace(p.Name) != "" {
				a.Authors = append(a.Authors, strings.TrimSpace(p.Name))
			}
		}
	}
	a.Summary = item.Description
	a.Content = item.Content
	a.Categories = append(a.Categories, item.Categories...)
	for _, e := range item.Enclosures {
		if e == nil || e.URL == "" {
			continue
		}
		enc := Enclosure{URL: e.URL, Type: e.Type}
		a.Enclosures = append(a.Enclosures, enc)
	}
	if raw.ThrCount != nil {
		n := *raw.ThrCount
		a.Comments = &n
	}
	a.CommentsURL = raw.CommentsURL
	return a
}

var tags = regexp.MustCompile(`<[^>]*>`)

// PlainText turns a title-like string into plain text: tags dropped, entities
// decoded, white space collapsed.
func PlainText(s string) string {
	s = tags.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	return strings.Join(strings.Fields(s), " ")
}

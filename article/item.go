package article

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/mmcdole/gofeed"
)

// RawExtras carries what gofeed drops from an item, recovered from the raw
// document by the fetcher (thr:count on rel="replies" links, the RSS
// <comments> page, the wfw:commentRss feed, rel="replies" links' targets).
type RawExtras struct {
	ThrCount *int
	// CommentsURL is the RSS <comments> element (else an Atom rel="replies"
	// link of an HTML type): the item's comment page.
	CommentsURL string
	// CommentRSS is the item's wfw:commentRss feed (either namespace case),
	// else an Atom rel="replies" link of another type, which the fetcher
	// counts for sources with count_comments.
	CommentRSS string
}

// FromItem normalises one parsed item of feed into an Article. It does no I/O.
// A zero Published means the item carried no date: the store fills in the
// time it was first seen. feed may be nil; item must not be.
func FromItem(src Source, feed *gofeed.Feed, item *gofeed.Item, raw RawExtras) Article {
	if item == nil {
		item = &gofeed.Item{}
	}
	base := baseURL(src.FeedURL, item.Link)
	a := Article{
		Source: src.Name,
		GUID:   strings.TrimSpace(CleanText(item.GUID)),
		Link:   SafeURL(URLWeb, absoluteURL(parseAbs(src.FeedURL), CleanText(item.Link))),
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

	if names, from := itemAuthors(feed, item); len(names) > 0 {
		a.Authors, a.From["author"] = names, from
	} else if names, from := channelAuthors(feed); len(names) > 0 {
		a.Authors, a.From["author"] = names, from
	}

	a.setBody(item.Content, item.Description, base, src.Rates)

	for _, c := range item.Categories {
		if c = PlainText(c); c != "" {
			a.Categories = append(a.Categories, c)
		}
	}
	for _, e := range item.Enclosures {
		if e == nil || strings.TrimSpace(e.URL) == "" {
			continue
		}
		enc := Enclosure{URL: SafeURL(URLWeb, absoluteURL(base, CleanText(e.URL))), Type: PlainText(e.Type)}
		if enc.URL == "" {
			continue
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(e.Length), 10, 64); err == nil && n > 0 {
			enc.Length = n
		}
		a.Enclosures = append(a.Enclosures, enc)
	}
	if n, from := itemComments(item, raw); n != nil {
		a.Comments, a.From["comments"] = n, from
	}
	// The comment feed (counted), and apart from it the comment page.
	a.CommentsURL = SafeURL(URLWeb, absoluteURL(base, CleanText(raw.CommentRSS)))
	a.CommentsPage = SafeURL(URLWeb, absoluteURL(base, CleanText(raw.CommentsURL)))
	if a.CommentsURL == "" {
		for _, e := range item.Extensions["wfw"]["commentRss"] {
			if v := strings.TrimSpace(e.Value); v != "" {
				a.CommentsURL = SafeURL(URLWeb, absoluteURL(base, CleanText(v)))
				break
			}
		}
	}
	return a
}

// setBody fills Content, Summary, ReadTime and StatedRead from the item's
// content and description (either may be empty). Only a body times the read
// (see FeedBody): a summary gives no read time; the summary is the description, else the start of the content,
// shortened to SummaryRunes. A long description with no content becomes the
// content, so that shortening the summary loses nothing.
func (a *Article) setBody(content, description string, base *url.URL, rates ReadRates) {
	// One token pass per field sanitises it and gives its readable text.
	content, ct := sanitizeTimed(content, base, true)
	description, dt := sanitizeTimed(description, base, true)
	if body, ok := FeedBody(ct, dt); ok {
		a.ReadTime = rates.Minutes(body)
		a.From["read_time"] = FromFeed
	}
	if n := StatedMinutes(ct); n > 0 {
		a.StatedRead = n
	} else if n := StatedMinutes(dt); n > 0 {
		a.StatedRead = n
	}
	a.noteStated()
	a.Content = content
	summary := description
	if summary == "" {
		summary = a.Content
	}
	if short, cut := shortenHTML(summary, SummaryRunes); cut {
		if a.Content == "" {
			a.Content = summary
		}
		summary = short
	}
	a.Summary = summary
}

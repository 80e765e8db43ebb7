package article

import (
	"strings"

	"github.com/mmcdole/gofeed"
)

// itemAuthors finds the item's own byline and where it came from. For RSS,
// gofeed folds <author>, dc:creator and itunes:author into one Person; the
// extensions tell which it was, and dc:creator keeps every creator (several
// are several authors).
func itemAuthors(feed *gofeed.Feed, item *gofeed.Item) ([]string, string) {
	kind, lang := "", feedLang(feed)
	if feed != nil {
		kind = feed.FeedType
	}
	var creators []string
	if item.DublinCoreExt != nil {
		creators = item.DublinCoreExt.Creator
	}
	if len(creators) == 0 {
		for _, e := range item.Extensions["dc"]["creator"] {
			creators = append(creators, e.Value)
		}
	}
	itunes := ""
	if item.ITunesExt != nil {
		itunes = item.ITunesExt.Author
	}
	people := personNames(item.Authors)

	switch kind {
	case "atom":
		if n := cleanNames(people, lang); len(n) > 0 {
			return n, FromAtomAuthor
		}
	case "json":
		if n := cleanNames(people, lang); len(n) > 0 {
			return n, FromJSONFeed
		}
	default:
		// RSS: gofeed put <author> first, else dc:creator, else
		// itunes:author into item.Authors. A person that is none of the
		// extensions came from <author>.
		if n := cleanNames(people, lang); len(n) > 0 && !sameNames(n, cleanNames(creators, lang)) && !sameNames(n, cleanNames([]string{itunes}, lang)) {
			return n, FromRSSAuthor
		}
	}
	if n := cleanNames(creators, lang); len(n) > 0 {
		return n, FromDCCreator
	}
	if n := cleanNames([]string{itunes}, lang); len(n) > 0 {
		return n, FromITunesAuthor
	}
	if n := cleanNames(people, lang); len(n) > 0 {
		return n, FromRSSAuthor
	}
	return nil, ""
}

// channelAuthors is the feed's own author, for items that name none.
func channelAuthors(feed *gofeed.Feed) ([]string, string) {
	if feed == nil {
		return nil, ""
	}
	raw := personNames(feed.Authors)
	if len(raw) == 0 && feed.DublinCoreExt != nil {
		raw = feed.DublinCoreExt.Creator
	}
	if len(raw) == 0 && feed.ITunesExt != nil && feed.ITunesExt.Author != "" {
		raw = []string{feed.ITunesExt.Author}
	}
	if n := cleanNames(raw, feedLang(feed)); len(n) > 0 {
		return n, FromChannel
	}
	return nil, ""
}

// personNames lists the names people carry (gofeed already split RSS
// "jane@example.com (Jane Doe)" into email and name).
func personNames(ps []*gofeed.Person) []string {
	var out []string
	for _, p := range ps {
		if p == nil {
			continue
		}
		if strings.TrimSpace(p.Name) != "" {
			out = append(out, p.Name)
		}
	}
	return out
}

func sameNames(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	return strings.EqualFold(a[0], b[0])
}

// feedLang is the language a feed declares (RSS <language>, dc:language,
// Atom xml:lang, JSON Feed language), "" when none.
func feedLang(feed *gofeed.Feed) string {
	if feed == nil {
		return ""
	}
	if feed.Language != "" {
		return feed.Language
	}
	if feed.DublinCoreExt != nil && len(feed.DublinCoreExt.Language) > 0 {
		return feed.DublinCoreExt.Language[0]
	}
	return ""
}

package article

import (
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// metaValues maps the lower-cased name, property or itemprop of each <meta>
// to its contents, in document order.
func metaValues(doc *goquery.Document) map[string][]string {
	out := map[string][]string{}
	doc.Find("meta").Each(func(_ int, s *goquery.Selection) {
		content, ok := s.Attr("content")
		if !ok {
			return
		}
		for _, attr := range []string{"name", "property", "itemprop"} {
			if k, ok := s.Attr(attr); ok && k != "" {
				k = strings.ToLower(strings.TrimSpace(k))
				out[k] = append(out[k], content)
			}
		}
	})
	return out
}

// writtenByLabels are the twitter:labelN values Yoast and others write next
// to the author's name in twitter:dataN.
var writtenByLabels = []string{"written by", "geschrieben von", "écrit par", "escrito por", "scritto da", "geschreven door", "autor", "author"}

// pageAuthors finds the page's byline in order of trust: JSON-LD, <meta
// name="author">, article:author, the "Written by" twitter label, rel="author"
// links. Readability's byline comes last, from the caller.
func pageAuthors(doc *goquery.Document, ld *jsonLD, meta map[string][]string) ([]string, string) {
	if n := ld.authors(); len(n) > 0 {
		return n, FromJSONLD
	}
	for _, c := range []struct{ key, from string }{
		{"author", FromMetaAuthor},
		{"article:author", FromArticleMeta},
		{"dc.creator", FromMetaAuthor},
		{"parsely-author", FromMetaAuthor},
		{"sailthru.author", FromMetaAuthor},
	} {
		if n := cleanNames(nonURLs(meta[c.key])); len(n) > 0 {
			return n, c.from
		}
	}
	for i := 1; i <= 4; i++ {
		n := string(rune('0' + i))
		labels, data := meta["twitter:label"+n], meta["twitter:data"+n]
		if len(labels) == 0 || len(data) == 0 {
			continue
		}
		l := strings.ToLower(strings.TrimSpace(labels[0]))
		for _, w := range writtenByLabels {
			if l == w {
				if names := cleanNames(data[:1]); len(names) > 0 {
					return names, FromTwitterData
				}
			}
		}
	}
	var rel []string
	doc.Find(`a[rel~="author"]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if n := CleanByline(s.Text()); len(n) > 0 {
			rel = n
			return false
		}
		return true
	})
	if len(rel) > 0 {
		return rel, FromRelAuthor
	}
	return nil, ""
}

// nonURLs drops values that are URLs (article:author is often a profile
// link, not a name).
func nonURLs(vs []string) []string {
	var out []string
	for _, v := range vs {
		if parseAbs(v) == nil && !strings.HasPrefix(strings.TrimSpace(v), "/") {
			out = append(out, v)
		}
	}
	return out
}

// pageStated is the page's stated reading time: Yoast's "Est. reading time"
// twitter label, else an "N min read" in the page's text.
func pageStated(meta map[string][]string, text string) int {
	for i := 1; i <= 4; i++ {
		n := string(rune('0' + i))
		if len(meta["twitter:label"+n]) > 0 && len(meta["twitter:data"+n]) > 0 {
			if m := statedFromLabel(meta["twitter:label"+n][0], meta["twitter:data"+n][0]); m > 0 {
				return m
			}
		}
	}
	return StatedMinutes(text)
}

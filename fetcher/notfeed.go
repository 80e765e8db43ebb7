package fetcher

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// notFeedHTML is the error for an HTML page found at a feed URL, naming the
// feed URLs the page advertises with <link rel="alternate">.
func notFeedHTML(page []byte, pageURL string) error {
	alts := alternateFeeds(page, pageURL)
	if len(alts) == 0 {
		return fmt.Errorf("%w: an HTML page, advertising no feed", errNotFeed)
	}
	return fmt.Errorf("%w: an HTML page; it advertises %s", errNotFeed, strings.Join(alts, ", "))
}

var feedTypes = map[string]bool{
	"application/rss+xml":   true,
	"application/atom+xml":  true,
	"application/feed+json": true,
	"application/json":      true,
	"application/rdf+xml":   true,
	"application/xml":       true,
	"text/xml":              true,
}

// alternateFeeds lists the absolute URLs of the page's feed links, in order,
// stopping at </head> or the first <body>.
func alternateFeeds(page []byte, pageURL string) []string {
	base, _ := url.Parse(pageURL)
	z := html.NewTokenizer(bytes.NewReader(page))
	var out []string
	seen := map[string]bool{}
	for n := 0; n < 100000; n++ {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "head" {
				return out
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "body":
				return out
			case "base":
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "href" && base != nil {
						if u, err := base.Parse(string(v)); err == nil {
							base = u
						}
					}
				}
			case "link":
				var rel, typ, href string
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					switch string(k) {
					case "rel":
						rel = strings.ToLower(string(v))
					case "type":
						typ = strings.ToLower(strings.TrimSpace(string(v)))
					case "href":
						href = strings.TrimSpace(string(v))
					}
				}
				if href == "" || !hasToken(rel, "alternate") || !feedTypes[typ] {
					continue
				}
				if base != nil {
					if u, err := base.Parse(href); err == nil {
						href = u.String()
					}
				}
				if !seen[href] {
					seen[href] = true
					out = append(out, href)
				}
			}
		}
	}
	return out
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if f == tok {
			return true
		}
	}
	return false
}

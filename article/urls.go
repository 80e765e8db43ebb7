package article

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// baseURL is what relative URLs of an item resolve against: the item's link
// when it is absolute (itself resolved against the feed URL when relative),
// else the feed URL. gofeed already resolved URLs under xml:base; this covers
// the rest. It is nil when nothing absolute is known.
func baseURL(feedURL, link string) *url.URL {
	feed := parseAbs(feedURL)
	if l, err := url.Parse(strings.TrimSpace(link)); err == nil && strings.TrimSpace(link) != "" {
		if l.IsAbs() && isWeb(l) {
			return l
		}
		if feed != nil {
			if r := feed.ResolveReference(l); isWeb(r) {
				return r
			}
		}
	}
	return feed
}

// parseAbs parses s as an absolute http(s) URL, else nil.
func parseAbs(s string) *url.URL {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || !u.IsAbs() || !isWeb(u) {
		return nil
	}
	return u
}

func isWeb(u *url.URL) bool {
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// absoluteURL resolves ref against base; it returns ref unchanged when base
// is nil or ref does not parse (the sanitiser then judges it).
func absoluteURL(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if base == nil || ref == "" || strings.HasPrefix(ref, "#") {
		return ref
	}
	u, err := url.Parse(ref)
	if err != nil || u.IsAbs() {
		return ref
	}
	return base.ResolveReference(u).String()
}

// absolutise rewrites the URL attributes of n's subtree against base.
func absolutise(n *html.Node, base *url.URL) {
	if base == nil {
		return
	}
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		if n.Type == html.ElementNode {
			for i, a := range n.Attr {
				switch {
				case urlAttrs[a.Key]:
					n.Attr[i].Val = absoluteURL(base, a.Val)
				case a.Key == "srcset":
					n.Attr[i].Val = absoluteSrcset(base, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
}

// absoluteSrcset resolves each candidate of a srcset attribute.
func absoluteSrcset(base *url.URL, v string) string {
	cs := parseSrcset(v)
	for i := range cs {
		cs[i].url = absoluteURL(base, cs[i].url)
	}
	return formatSrcset(cs)
}

// maxDepth bounds recursion over parsed HTML (x/net/html itself caps nesting
// at 512 open elements).
const maxDepth = 1024

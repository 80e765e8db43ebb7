package article

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// furnitureTags never hold the article's prose.
var furnitureTags = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "nav": true, "aside": true,
	"form": true, "button": true, "svg": true, "iframe": true, "object": true, "select": true, "textarea": true,
}

// reFurniture matches the class or id of share bars, comment sections,
// related-post lists and sign-up boxes.
var reFurniture = regexp.MustCompile(`(?i)(?:^|[\s_-])(?:share|sharing|sharedaddy|social|comments?|respond|disqus|related|jp-relatedposts|newsletter|subscribe|signup|advert|ads|sidebar|widget|breadcrumbs?)(?:$|[\s_-])`)

// isFurniture reports whether element n is page furniture to leave out of
// the text that times the read.
func isFurniture(n *html.Node) bool {
	if furnitureTags[n.Data] {
		return true
	}
	for _, a := range n.Attr {
		if (a.Key == "class" || a.Key == "id") && reFurniture.MatchString(a.Val) {
			return true
		}
	}
	return false
}

// readableText is the prose of an HTML fragment: tags stripped, entities
// decoded, furniture left out, blocks kept apart by spaces.
func readableText(fragment string) string {
	fragment = cleanText(fragment)
	if !strings.ContainsRune(fragment, '<') {
		return html.UnescapeString(fragment)
	}
	doc, err := html.Parse(strings.NewReader(fragment))
	if err != nil {
		return htmlText(fragment)
	}
	var b strings.Builder
	nodeText(&b, doc, 0)
	return b.String()
}

// nodeText writes the prose under n to b.
func nodeText(b *strings.Builder, n *html.Node, depth int) {
	if depth > maxDepth {
		return
	}
	switch n.Type {
	case html.TextNode:
		b.WriteString(n.Data)
		return
	case html.ElementNode:
		if isFurniture(n) {
			return
		}
		b.WriteByte(' ')
		defer b.WriteByte(' ')
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		nodeText(b, c, depth+1)
	}
}

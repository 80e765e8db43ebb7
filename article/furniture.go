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

// isFurnitureTag reports elements that never hold the article's prose.
func isFurnitureTag(n *html.Node) bool {
	return furnitureTags[n.Data]
}

// hasFurnitureClass reports elements whose class or id names a share bar,
// comment section, related-posts list or the like.
func hasFurnitureClass(n *html.Node) bool {
	for _, a := range n.Attr {
		if (a.Key == "class" || a.Key == "id") && reFurniture.MatchString(a.Val) {
			return true
		}
	}
	return false
}

// readableText is the prose of an HTML fragment: tags stripped, entities
// decoded, furniture left out, blocks kept apart by spaces. An element named
// like furniture that holds most of the text is the article itself (pages
// wrap whole stories in "share" containers) and is kept. It is scanHTML's
// text (one token pass, no tree); Sanitize's pass gives it too
// (sanitizeTimed).
func readableText(fragment string) string {
	fragment = CleanText(fragment)
	if !strings.ContainsRune(fragment, '<') {
		return html.UnescapeString(fragment)
	}
	return scanHTML(fragment, nil, false, true).text
}

// nodeText writes the prose under n to b; total is the size of the whole
// document's text.
func nodeText(b *strings.Builder, n *html.Node, depth, total int) {
	if depth > maxDepth {
		return
	}
	switch n.Type {
	case html.TextNode:
		b.WriteString(n.Data)
		return
	case html.ElementNode:
		if isFurnitureTag(n) || (hasFurnitureClass(n) && 2*textSize(n, depth) <= total) {
			return
		}
		b.WriteByte(' ')
		defer b.WriteByte(' ')
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		nodeText(b, c, depth+1, total)
	}
}

// textSize is the number of bytes of text under n, outside script-like
// elements.
func textSize(n *html.Node, depth int) int {
	if depth > maxDepth {
		return 0
	}
	switch n.Type {
	case html.TextNode:
		return len(strings.TrimSpace(n.Data))
	case html.ElementNode:
		if isFurnitureTag(n) {
			return 0
		}
	}
	size := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		size += textSize(c, depth+1)
	}
	return size
}

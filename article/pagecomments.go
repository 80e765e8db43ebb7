package article

import (
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// pageComments finds the article's comment count on its page, in order of
// trust: JSON-LD, microdata at article level, a visible "N Comments" heading
// or meta-line link of the article's own.
func pageComments(doc *goquery.Document, ld *jsonLD) (*int, string) {
	if n, ok := ld.commentCount(); ok {
		return n, FromJSONLD
	}
	if n, ok := microdataComments(doc); ok {
		return &n, FromMicrodata
	}
	if n, ok := visibleComments(doc); ok {
		return &n, FromPageText
	}
	return nil, ""
}

// microdataComments reads itemprop="commentCount" only where the nearest
// item scope is an article: the same property on each answer or comment
// (Stack Exchange) counts that reply's comments, not the page's.
func microdataComments(doc *goquery.Document) (int, bool) {
	n, found := 0, false
	doc.Find(`[itemprop]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if !hasToken(s.AttrOr("itemprop", ""), "commentcount") {
			return true
		}
		scope := s.Parent().Closest("[itemscope]")
		if scope.Length() == 0 {
			return true
		}
		t := scope.AttrOr("itemtype", "")
		if i := strings.LastIndexAny(t, "/#"); i >= 0 {
			t = t[i+1:]
		}
		if t = strings.TrimSpace(t); !isArticleType(t) && !isPageType(t) {
			return true
		}
		v, ok := s.Attr("content")
		if !ok {
			v = s.Text()
		}
		if c, ok := parseCount(v); ok {
			n, found = c, true
			return false
		}
		return true
	})
	return n, found
}

// isPageType reports the schema.org types of a whole page, whose counts are
// the page's article's.
func isPageType(t string) bool {
	switch t {
	case "WebPage", "ItemPage", "CreativeWork":
		return true
	}
	return false
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(strings.ToLower(list)) {
		if f == tok {
			return true
		}
	}
	return false
}

// commentWords are the words a visible count is written with.
const commentWords = `comments?|responses?|replies|reactions?|kommentare?|antworten|reaktionen|commentaires?|réactions?|comentarios?|comentários?|commenti|reacties|kommentarer|komentarze|komentářů|komentáře`

var (
	// reCountFirst: "13 Comments", "1 Kommentar", "2 comments on “Title”".
	reCountFirst = regexp.MustCompile(`(?i)^\(?(\d{1,3}(?:[.,\s]\d{3})+|\d{1,8})\)?\s*(?:` + commentWords + `)(?:\s+(?:on|zu|sur|en|zum|to)\b.*)?$`)
	// reCountAfter: "Comments (13)", "Kommentare: 13".
	reCountAfter = regexp.MustCompile(`(?i)^(?:` + commentWords + `)\s*[:(]?\s*(\d{1,3}(?:[.,\s]\d{3})+|\d{1,8})\s*\)?$`)
	// reOwnSection is the class or id of the article's comment section or
	// meta line.
	reOwnSection = regexp.MustCompile(`(?i)comment|kommentar|respon|discuss|disqus|replies|meta|byline|entry-header|article-header|post-header|share-and-comment`)
	// reOthers is the class or id of lists of other articles.
	reOthers = regexp.MustCompile(`(?i)(?:^|[\s_-])(?:sidebar|widget|related|recent|popular|trending|teaser|recommend\w*|more|latest|side-list|most-\w+|meistdiskutiert)(?:$|[\s_-])`)
)

// maxCountText bounds the text of an element read as a visible count.
const maxCountText = 160

// reCommentWord finds text nodes worth a closer look.
var reCommentWord = regexp.MustCompile(`(?i)(?:` + commentWords + `)`)

// visibleComments reads the first visible "N Comments" in the article's own
// comment section or meta line: the smallest element around a comment word
// whose whole text is the count, inside or being a comment section, a meta
// line, a heading or a link to the comments, and not inside an aside, a nav,
// or a list of other articles.
func visibleComments(doc *goquery.Document) (int, bool) {
	var texts []*html.Node
	var find func(*html.Node, int)
	find = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style" || n.Data == "noscript" || n.Data == "template") {
			return
		}
		if n.Type == html.TextNode && len(n.Data) <= maxCountText*2 && reCommentWord.MatchString(n.Data) {
			texts = append(texts, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c, depth+1)
		}
	}
	for _, root := range doc.Nodes {
		find(root, 0)
	}
	for _, t := range texts {
		// Climb a few levels: the number often sits in a sibling element
		// ("<a>71<span> Kommentare</span></a>").
		for el, up := t.Parent, 0; el != nil && el.Type == html.ElementNode && up < 4; el, up = el.Parent, up+1 {
			text := collapseSpace(shallowText(el, maxCountText*2))
			if len(text) > maxCountText {
				break
			}
			m := reCountFirst.FindStringSubmatch(text)
			if m == nil {
				m = reCountAfter.FindStringSubmatch(text)
			}
			if m == nil {
				continue
			}
			if c, ok := parseCount(m[1]); ok && ownsCount(el) {
				return c, true
			}
			break
		}
	}
	return 0, false
}

// ownsCount reports whether the count in node is the article's own: node or
// an ancestor is a heading, a comments link, a comment section or a meta
// line, and no ancestor lists other articles.
func ownsCount(node *html.Node) bool {
	own := false
	for n := node; n != nil && n.Type == html.ElementNode; n = n.Parent {
		switch n.Data {
		case "aside", "nav":
			return false
		case "h1", "h2", "h3", "h4", "h5", "h6":
			own = true
		case "a":
			for _, a := range n.Attr {
				if a.Key == "href" && (strings.Contains(a.Val, "#comment") || strings.Contains(a.Val, "#respond") || strings.Contains(a.Val, "#disqus") || strings.Contains(a.Val, "#kommentar")) {
					own = true
				}
			}
		}
		for _, a := range n.Attr {
			if a.Key != "class" && a.Key != "id" {
				continue
			}
			if reOthers.MatchString(a.Val) {
				return false
			}
			if reOwnSection.MatchString(a.Val) {
				own = true
			}
		}
		if n.Data == "footer" && !insideArticle(n) {
			return false
		}
	}
	return own
}

// insideArticle reports whether n sits in an <article> or <main>.
func insideArticle(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && (p.Data == "article" || p.Data == "main") {
			return true
		}
	}
	return false
}

// shallowText is the text under n, stopping once it passes limit bytes.
func shallowText(n *html.Node, limit int) string {
	var b strings.Builder
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if b.Len() > limit || depth > maxDepth {
			return
		}
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
		case html.ElementNode:
			if n.Data == "script" || n.Data == "style" || n.Data == "svg" || n.Data == "noscript" {
				return
			}
		}
		for c := n.FirstChild; c != nil && b.Len() <= limit; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

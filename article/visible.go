package article

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// Origins of a byline found in the page's visible markup (Article.From
// ["author"]), after its metadata and before readability's guess.
const (
	FromHCard           = "hcard"        // an hCard: class="fn" (or "p-name") inside class="vcard" (or "h-card")
	FromClass           = "byline-class" // an element whose class or id names the author or byline (WordPress, Blogger themes)
	FromByLine          = "by-line"      // a short line reading "By NAME", "Von NAME", "Par NAME" near the title
	FromAuthorBox       = "author-box"   // the name heading an author box (class "author-bio", "author-box")
	FromSignature       = "signature"    // a last paragraph holding only a name in bold or italics
	FromPostAuthorReply = "bypostauthor" // the name on a comment WordPress marks as the post author's own reply
)

// visibleTier orders the visible places: the lower, the more specific.
const (
	tierMarkup  = iota // itemprop="author", rel="author", hCard fn
	tierByClass        // class or id "author", "byline", "autor", "entry-author" …
	tierByLine         // a "By NAME" line with no markup
	tierBox            // the heading of an author box after the article ("About the author"), or its signature
	tierNone
)

// maxVisibleNodes bounds the walk over one page.
const maxVisibleNodes = 60000

// reAuthorClass is a class or id naming an author or byline element.
var reAuthorClass = regexp.MustCompile(`(?i)author|byline|(?:^|[\s_-])autor(?:in|en)?(?:$|[\s_-]|zeile)|verfasser|auteur|(?:^|[\s_-])writer(?:$|[\s_-])|(?:^|[\s_-])posted-?by(?:$|[\s_-])|signature|contributor|(?:^|[\s_-])submitted(?:$|[\s_-])`)

// reNotAuthorClass is a class naming something beside the byline: its
// avatar, the author's description box, pages listing authors.
var reNotAuthorClass = regexp.MustCompile(`(?i)avatar|(?:photo|image|img|bild|foto)-?(?:author|autor|credit)|copyright|(?:author|autor)[-_]?(?:description|desc|image|img|photo|pic|social|links?-?list|more|posts|archive|page|header-?image|title-?label)|authority|coauthors-?list|author-?label|byline-?label`)

// reSkipClass is a container whose bylines belong to others: comments,
// sidebars and widgets, related and recommended posts, footers, menus, a
// picture's licence line (its credit names the photographer).
var reSkipClass = regexp.MustCompile(`(?i)(?:^|[\s_-])(?:comments?|commentlist|respond|reply|replies|sidebar|aside|widget|widgets|related|recommended|recommendations|popular|recent|more-?posts|footer|menu|nav|navigation|breadcrumbs?|share|sharing|social|newsletter|cookie|modal|teaser-?list|leserbrief|leserbriefe|reaktionen|forum|license|licence|lizenz)(?:$|[\s_-])`)

// rePromo is a promotion of other articles, however its class is written
// ("contentPromo", "promo-box").
var rePromo = regexp.MustCompile(`(?:^|[\s_-]|[a-z])[Pp]romos?(?:$|[\s_-]|[A-Z])`)

// rePhotoCredit is the class of a picture's credit or caption.
var rePhotoCredit = regexp.MustCompile(`(?i)(?:photo|image|img|bild|foto)-?(?:author|autor|credit)|copyright|caption`)

// skipTags are elements whose text is never the article's byline.
var skipTags = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "nav": true, "aside": true,
	"form": true, "button": true, "svg": true, "iframe": true, "object": true,
	"footer": true, "select": true, "textarea": true, "input": true, "label": true, "head": true, "title": true,
	"option": true, "blockquote": true, "figure": true, "figcaption": true, "time": true,
}

// lineTags are the elements a visible "By NAME" line is written in.
var lineTags = map[string]bool{
	"p": true, "div": true, "span": true, "em": true, "i": true, "small": true, "address": true,
	"li": true, "strong": true, "b": true, "h3": true, "h4": true, "h5": true, "h6": true, "td": true, "dd": true,
}

// reByLine is a visible byline: a "by" word of some language, then the name,
// or an interview's credit ("Ein Interview von NAME mit GUEST").
var reByLine = regexp.MustCompile(`(?i)^(?:(?:(?:ein|an?|un)\s+)?(?:interview|gespräch|entretien|gastbeitrag|guest post)\s+(?:von|by|par|de)|(?:text|texte|words|story|reporting|article|beitrag|ein beitrag|un article|artikel)\s+(?:von|by|de|par)|(?:written|posted|published|geschrieben|verfasst|veröffentlicht|erstellt|publié|écrit|rédigé|escrito|publicado)\s+(?:by|von|par|por)|by|von|par|por|door|text:|texte\s*:|autor(?:in)?:|auteur\s*:|author:|verfasser(?:in)?:)\s+\S`)

// reByLabel is a label printed before an author's name, alone in its
// element.
var reByLabel = regexp.MustCompile(`(?i)^(?:by|written by|posted by|published by|text|texte|autor|autorin|author|auteur|verfasser|verfasserin|geschrieben von|verfasst von|ein beitrag von|écrit par|publié par|escrito por)$`)

// followingText is the text after n up to the next line break or block,
// where a label's name is written.
func followingText(n *html.Node) string {
	var b strings.Builder
	for s := n.NextSibling; s != nil && b.Len() < 2*maxLineRunes; s = s.NextSibling {
		switch s.Type {
		case html.TextNode:
			b.WriteString(s.Data)
		case html.ElementNode:
			if s.Data == "br" || s.Data == "p" || s.Data == "div" || s.Data == "h5" || s.Data == "h4" || s.Data == "li" || s.Data == "time" || skipTags[s.Data] {
				if strings.TrimSpace(b.String()) != "" {
					return b.String()
				}
				if s.Data != "br" {
					// "<h4>Autor</h4><p><a>Nikolai Huke</a></p>"
					return nodeTextShort(s)
				}
				continue
			}
			b.WriteString(nodeTextShort(s))
		}
	}
	return b.String()
}

// visibleAuthor is the byline the page shows: the first candidate of the
// most specific tier, in document order, skipping comments, sidebars,
// related posts and footers. lang is the page's language (see
// CleanBylineLang). A candidate that person (when not nil) refuses, such as
// the site's own name, is passed over for the next; when nothing else is
// found it is returned, with fallback true.
func visibleAuthor(root *html.Node, lang string, person func([]string) bool) (names []string, from string, fallback bool) {
	best, bestTier, bestFrom := []string(nil), tierNone, ""
	var other []string
	otherTier, otherFrom := tierNone, ""
	seen := 0
	var walk func(n *html.Node, inCard, inArticle bool)
	walk = func(n *html.Node, inCard, inArticle bool) {
		for c := n.FirstChild; c != nil && bestTier > tierMarkup; c = c.NextSibling {
			if seen++; seen > maxVisibleNodes {
				return
			}
			if c.Type == html.TextNode {
				// "… Autor: <a>Rechtsanwalt</a> Sebastian Einbock"
				if t := strings.TrimSpace(c.Data); t != "" && len(t) < 200 && reTrailingLabel.MatchString(t) && tierByLine < bestTier {
					if names := cleanVisible(followingText(c), lang); len(names) > 0 {
						best, bestTier, bestFrom = names, tierByLine, FromByLine
					}
				}
				continue
			}
			if c.Type != html.ElementNode {
				continue
			}
			if skipElement(c, inArticle) || hidden(c) {
				continue
			}
			class, id := attr(c, "class"), attr(c, "id")
			if skipContainer(c, class, id) || isCardLink(c) {
				continue
			}
			card := inCard || hasToken(class, "vcard") || hasToken(class, "h-card")
			if names, tier, from := candidate(c, class, id, card, lang); tier < bestTier {
				if person == nil || person(names) {
					best, bestTier, bestFrom = names, tier, from
				} else if tier < otherTier {
					other, otherTier, otherFrom = names, tier, from
				}
				continue
			}
			walk(c, card, inArticle || c.Data == "article")
		}
	}
	rootClass := attr(root, "class")
	walk(root, hasToken(rootClass, "vcard") || hasToken(rootClass, "h-card"), false)
	if best == nil && other != nil {
		return other, otherFrom, true
	}
	return best, bestFrom, false
}

// skipContainer reports an element whose bylines belong to others. The
// page's frame (html, body, main, article, header) is never one, whatever
// its classes say, nor are layout flags such as "has-sidebar", nor a
// container that holds the page's <h1> (themes call their main column
// "sidebar" too).
func skipContainer(n *html.Node, class, id string) bool {
	switch n.Data {
	case "html", "body", "main", "article", "header":
		return false
	}
	// The article's own footer holds its byline ("Posted by …"), and author
	// boxes are often called footers.
	if reAuthorBox.MatchString(class) {
		return false
	}
	if l := strings.ToLower(class + " " + id); strings.Contains(l, "entry-footer") || strings.Contains(l, "post-footer") || strings.Contains(l, "article-footer") || strings.Contains(l, "entry-meta") {
		return false
	}
	if hasToken(class, "blog") || hasToken(class, "post-outer") {
		return false // Blogger's main column is a "widget Blog"
	}
	skip := reSkipClass.MatchString(id) || rePromo.MatchString(id) || rePromo.MatchString(class)
	for _, tok := range strings.Fields(class) {
		if skip {
			break
		}
		if l := strings.ToLower(tok); !reLayoutFlag.MatchString(l) && reSkipClass.MatchString(l) {
			skip = true
		}
	}
	return skip && !holdsH1(n, 0)
}

// reLayoutFlag is a class that says how a page is laid out, not what an
// element is: "has-sidebar", "no_sidebar", "layout-…", WordPress's post
// format "format-aside".
var reLayoutFlag = regexp.MustCompile(`^(?:has|no|with|without|is|show|hide|layout|format|post-format)[-_]|[-_](?:no|has|with|without)[-_]`)

// holdsH1 reports whether n holds an <h1>, the page's title.
func holdsH1(n *html.Node, depth int) bool {
	for c := n.FirstChild; c != nil && depth < 24; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.Data == "h1" || holdsH1(c, depth+1)) {
			return true
		}
	}
	return false
}

// reAuthorBox is the class of a box about the author after the article.
var reAuthorBox = regexp.MustCompile(`(?i)(?:author|autor)[-_]?(?:bio|box|info|about|profile)|about-?(?:the-?)?author`)

// reTrailingLabel is text ending in a label whose name follows in the next
// element: "Autor:", "Text:", "Written by".
var reTrailingLabel = regexp.MustCompile(`(?i)(?:^|[\s.|·•,;])(?:autor(?:in)?|author|auteur|verfasser(?:in)?|text|texte|written by|posted by)\s*:\s*$`)

// boxName is the name heading an author box: its itemprop="name", hCard fn,
// first heading, strong text or link that is written as a person's name.
func boxName(n *html.Node, lang string) []string {
	var found []string
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		for c := n.FirstChild; c != nil && found == nil && depth < 12; c = c.NextSibling {
			if c.Type != html.ElementNode || skipTags[c.Data] {
				continue
			}
			switch {
			case hasToken(attr(c, "itemprop"), "name") || hasToken(attr(c, "class"), "fn"),
				c.Data == "h2" || c.Data == "h3" || c.Data == "h4" || c.Data == "h5" || c.Data == "strong" || c.Data == "b" || c.Data == "a":
				if names := cleanVisible(nodeTextShort(c), lang); len(names) > 0 && len(names) < 4 {
					found = names
					return
				}
			}
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return found
}

// isCardLink reports a link wrapping a whole teaser (heading, paragraphs):
// the byline inside is another article's.
func isCardLink(n *html.Node) bool {
	if n.Data != "a" {
		return false
	}
	var found bool
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		for c := n.FirstChild; c != nil && !found && depth < 8; c = c.NextSibling {
			if c.Type == html.ElementNode {
				switch c.Data {
				case "h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "ul", "li", "article", "section":
					found = true
					return
				}
				walk(c, depth+1)
			}
		}
	}
	walk(n, 0)
	return found
}

// skipElement reports elements whose text is no byline: skipTags, except
// an article's own aside (its meta column) and footer, and a footer that is
// not the site's.
func skipElement(n *html.Node, inArticle bool) bool {
	switch n.Data {
	case "aside":
		return !inArticle
	case "footer":
		return !inArticle && skipContainer(n, "site-footer "+attr(n, "class"), attr(n, "id"))
	}
	return skipTags[n.Data]
}

// tierOf is the tier of a visible origin.
func tierOf(from string) int {
	switch from {
	case FromClass:
		return tierByClass
	case FromByLine:
		return tierByLine
	case FromAuthorBox, FromSignature:
		return tierBox
	}
	return tierMarkup
}

// candidate reads n as a byline: its names, tier and origin, or tierNone.
func candidate(n *html.Node, class, id string, inCard bool, lang string) ([]string, int, string) {
	switch {
	case hasToken(attr(n, "itemprop"), "author") || hasToken(attr(n, "itemprop"), "creator"):
		if names := cleanVisible(itempropName(n), lang); len(names) > 0 {
			return names, tierMarkup, FromMicrodata
		}
	case n.Data == "a" && hasToken(attr(n, "rel"), "author"):
		if names := cleanVisible(nodeTextShort(n), lang); len(names) > 0 {
			return names, tierMarkup, FromRelAuthor
		}
	case inCard && (hasToken(class, "fn") || hasToken(class, "p-name")):
		if names := cleanVisible(nodeTextShort(n), lang); len(names) > 0 {
			return names, tierMarkup, FromHCard
		}
	}
	if (lineTags[n.Data] || n.Data == "h5" || n.Data == "label" || n.Data == "dt" || n.Data == "th") && startsByWord(n) {
		t := nodeTextShort(n)
		if l := strings.ToLower(trimName(collapseSpace(t))); l != "" && len(l) < 24 && (reByLabel.MatchString(l) || slices.Contains(byWords[lang], l)) {
			// "<h5>Autor:</h5> Peter Maahn", "<span>By</span> <span>Cara Stiles</span>"
			if names := cleanVisible(followingText(n), lang); len(names) > 0 {
				return names, tierByLine, FromByLine
			}
			return nil, tierNone, ""
		}
	}
	if (reAuthorBox.MatchString(class) || reAuthorBox.MatchString(id)) && !strings.Contains(strings.ToLower(class), "comment") {
		if names, from, _ := visibleAuthor(n, lang, nil); len(names) > 0 && tierOf(from) == tierMarkup {
			return names, tierMarkup, from
		}
		if names := boxName(n, lang); len(names) > 0 {
			return names, tierBox, FromAuthorBox
		}
		return nil, tierNone, ""
	}
	if (reAuthorClass.MatchString(class) || reAuthorClass.MatchString(id) || strings.Contains(strings.ToLower(attr(n, "data-testid")), "byline")) &&
		!reNotAuthorClass.MatchString(class) && !reNotAuthorClass.MatchString(id) {
		// A more specific element inside wins (the fn of a vcard, the link).
		if names, from, _ := visibleAuthor(n, lang, nil); len(names) > 0 {
			return names, min(tierOf(from), tierByClass), from
		}
		if names := cleanVisible(nodeTextShort(n), lang); len(names) > 0 {
			return names, tierByClass, FromClass
		}
		if a := firstLink(n); a != nil {
			if names := cleanVisible(nodeTextShort(a), lang); len(names) > 0 {
				return names, tierByClass, FromClass
			}
		}
		return nil, tierNone, ""
	}
	if n.Data == "p" && lastParagraph(n) {
		if t := emphasisOnly(n); t != "" && !strings.ContainsAny(t, ":|") {
			if names := cleanVisible(t, lang); len(names) == 1 && len(strings.Fields(names[0])) >= 2 && len(strings.Fields(names[0])) <= 4 {
				return names, tierBox, FromSignature
			}
		}
		if t := signedAndDated(n); t != "" {
			if names := cleanVisible(t, lang); len(names) == 1 && len(strings.Fields(names[0])) <= 3 {
				return names, tierBox, FromSignature
			}
		}
	}
	if lineTags[n.Data] && startsDigit(n) {
		// "06.11.2023 13:30 von Olga"
		if m := reDateThenBy.FindStringSubmatch(collapseSpace(nodeTextShort(n))); m != nil {
			if names := cleanVisible(m[1], lang); len(names) > 0 {
				return names, tierByLine, FromByLine
			}
		}
	}
	if lineTags[n.Data] && startsByWord(n) {
		t := nodeTextShort(n)
		if t == "" && n.Data == "p" {
			// A meta line that goes on: "Von R. R. am 07.08.2013 um 09:07
			// Uhr gespeichert unter …": its start, up to the date.
			t = lineStart(n)
		}
		if t != "" && reByLine.MatchString(t) {
			// The name's own element inside wins ("<span class=byline>By
			// <a>Erin Cunningham</a></span> March 18").
			if names, from, _ := visibleAuthor(n, lang, nil); len(names) > 0 {
				return names, tierOf(from), from
			}
			if names := cleanVisible(t, lang); len(names) > 0 {
				return names, tierByLine, FromByLine
			}
		}
	}
	return nil, tierNone, ""
}

// byStarts are the first words of every label and "By" line reByLabel and
// reByLine read, and of every language's by-words.
var byStarts = map[string]bool{
	"by": true, "von": true, "par": true, "por": true, "door": true, "av": true, "af": true, "di": true, "przez": true,
	"text": true, "texte": true, "words": true, "story": true, "reporting": true, "article": true, "beitrag": true,
	"ein": true, "un": true, "artikel": true, "written": true, "posted": true, "published": true, "geschrieben": true,
	"verfasst": true, "veröffentlicht": true, "erstellt": true, "publié": true, "écrit": true, "rédigé": true,
	"escrito": true, "publicado": true, "autor": true, "autorin": true, "auteur": true, "author": true,
	"verfasser": true, "verfasserin": true, "skriven": true, "skrevet": true, "geschreven": true, "scritto": true,
	"interview": true, "gespräch": true, "entretien": true, "gastbeitrag": true,
}

// reDateThenBy is a meta line giving the date, then the author.
var reDateThenBy = regexp.MustCompile(`(?i)^\d[\d.:/\s,-]*(?:uhr\s+)?(?:von|by|par|por)\s+(\S.{0,60})$`)

// startsDigit reports whether n's text starts with a digit (a date).
func startsDigit(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			if t := strings.TrimSpace(c.Data); t != "" {
				return t[0] >= '0' && t[0] <= '9'
			}
		} else if c.Type == html.ElementNode {
			return false
		}
	}
	return false
}

// startsByWord reports whether n's text starts with a word of byStarts: a
// cheap test before reading an element's text as a byline line.
func startsByWord(n *html.Node) bool {
	w, _ := firstWord(n, 0)
	return byStarts[w]
}

// firstWord is the first word of n's text, lower case; false when n has no
// text.
func firstWord(n *html.Node, depth int) (string, bool) {
	for c := n.FirstChild; c != nil && depth < 16; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			t := strings.TrimLeft(c.Data, " \t\r\n\u00a0|·•-–—")
			if t == "" {
				continue
			}
			end := strings.IndexFunc(t, func(r rune) bool { return !unicode.IsLetter(r) })
			if end < 0 {
				end = len(t)
			}
			return strings.ToLower(t[:end]), true
		case html.ElementNode:
			if skipTags[c.Data] {
				continue
			}
			if w, ok := firstWord(c, depth+1); ok {
				return w, true
			}
		}
	}
	return "", false
}

// maxLineRunes bounds the text of an element read as a byline: a longer one
// is a paragraph, not a credit line.
const maxLineRunes = 120

// nodeTextShort is n's text with white space collapsed, "" when it is
// longer than a byline line.
func nodeTextShort(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				b.WriteString(c.Data)
			case html.ElementNode:
				if skipTags[c.Data] && c.Data != "time" {
					continue
				}
				if c.Data == "br" || c.Data == "p" || c.Data == "div" || c.Data == "li" {
					b.WriteByte('\n')
				}
				if !walk(c) {
					return false
				}
				switch c.Data {
				case "p", "div", "li":
					b.WriteByte('\n')
				case "a", "button", "h1", "h2", "h3", "h4", "h5", "h6":
					b.WriteByte(' ') // "<a>Inga Hoeltmann</a><a>Follow</a>"
				}
			}
			if b.Len() > 4*maxLineRunes {
				return false
			}
		}
		return true
	}
	if !walk(n) {
		return ""
	}
	t := strings.TrimSpace(b.String())
	if len([]rune(collapseSpace(t))) > maxLineRunes {
		return ""
	}
	return t
}

// lastParagraph reports whether n ends an article's text: the last element
// among its siblings that holds text, after two paragraphs at least.
// That is where an article is signed.
func lastParagraph(n *html.Node) bool {
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode && s.Data != "br" && s.Data != "script" {
			if _, ok := firstWord(s, 0); ok {
				return false
			}
		}
		if s.Type == html.TextNode && strings.TrimSpace(s.Data) != "" {
			return false
		}
	}
	paras := 0
	for s := n.PrevSibling; s != nil && paras < 2; s = s.PrevSibling {
		if s.Type == html.ElementNode && s.Data == "p" {
			if _, ok := firstWord(s, 0); ok {
				paras++
			}
		}
	}
	return paras >= 2
}

// emphasisOnly is the text of a paragraph that holds nothing but one bold
// or italic run ("<p><b><i>Stefan Wasmer</i></b></p>"), else "".
func emphasisOnly(n *html.Node) string {
	var only *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
		case c.Type == html.ElementNode && only == nil && (c.Data == "b" || c.Data == "strong" || c.Data == "i" || c.Data == "em"):
			only = c
		default:
			return ""
		}
	}
	if only == nil {
		return ""
	}
	return nodeTextShort(only)
}

// postAuthorReply is the post's author as WordPress names them when they
// answer a comment: the hCard fn of the first comment marked
// "bypostauthor". It is read only when the page names no author elsewhere.
func postAuthorReply(root *html.Node, lang string) ([]string, string) {
	seen := 0
	var find func(n *html.Node, inReply, inCard bool) []string
	find = func(n *html.Node, inReply, inCard bool) []string {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if seen++; seen > maxVisibleNodes {
				return nil
			}
			if c.Type != html.ElementNode || skipTags[c.Data] {
				continue
			}
			class := attr(c, "class")
			reply := inReply || hasToken(class, "bypostauthor")
			card := inCard || (reply && hasToken(class, "vcard"))
			if card && hasToken(class, "fn") {
				return cleanVisible(nodeTextShort(c), lang)
			}
			if names := find(c, reply, card); names != nil || (reply && !inReply) {
				return names // only the first such comment is read
			}
		}
		return nil
	}
	if names := find(root, false, false); len(names) > 0 {
		return names, FromPostAuthorReply
	}
	return nil, ""
}

// signedAndDated is the name of a letter's signature: a last paragraph of
// two lines, a name, then a date and nothing else ("Benni<br>10. September
// 2017"); else "".
func signedAndDated(n *html.Node) string {
	var lines []string
	cur := ""
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			cur += c.Data
		case c.Type == html.ElementNode && c.Data == "br":
			lines = append(lines, cur)
			cur = ""
		case c.Type == html.ElementNode && (c.Data == "b" || c.Data == "strong" || c.Data == "i" || c.Data == "em" || c.Data == "span"):
			cur += nodeTextShort(c)
		default:
			return ""
		}
	}
	lines = append(lines, cur)
	var kept []string
	for _, l := range lines {
		if l = collapseSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	if len(kept) != 2 || len(kept[0]) > 40 || strings.ContainsAny(kept[0], ":|,.") {
		return ""
	}
	if loc := reDate.FindStringIndex(kept[1]); loc == nil || strings.TrimSpace(kept[1][:loc[0]]+kept[1][loc[1]:]) != "" {
		return ""
	}
	return kept[0]
}

// lineStart is the start of n's text up to its first date, "" when no date
// comes within a byline's length.
func lineStart(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && b.Len() < 2*maxLineRunes; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				b.WriteString(c.Data)
			case html.ElementNode:
				if !skipTags[c.Data] || c.Data == "time" {
					walk(c)
				}
			}
		}
	}
	walk(n)
	t := collapseSpace(b.String())
	loc := reDate.FindStringIndex(t)
	if loc == nil || len([]rune(t[:loc[0]])) > maxLineRunes {
		return ""
	}
	return t[:loc[1]]
}

// itempropName is the text of the itemprop="name" inside an author item,
// else the item's own text (a content attribute on a <meta> counts).
func itempropName(n *html.Node) string {
	if n.Data == "meta" || n.Data == "link" {
		return attr(n, "content")
	}
	var found *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && found == nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				if hasToken(attr(c, "itemprop"), "name") {
					found = c
					return
				}
				walk(c)
			}
		}
	}
	walk(n)
	if found != nil {
		if found.Data == "meta" {
			return attr(found, "content")
		}
		return nodeTextShort(found)
	}
	return nodeTextShort(n)
}

// firstLink is the first <a> inside n.
func firstLink(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c.Data == "a" {
			return c
		}
		if a := firstLink(c); a != nil {
			return a
		}
	}
	return nil
}

// hidden reports elements a reader does not see.
func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			return a.Val == "true"
		case "style":
			s := strings.ReplaceAll(strings.ToLower(a.Val), " ", "")
			return strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden")
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// cleanVisible cleans a visible byline's text as a byline in lang, keeping
// only what is written as a person's name (see looksLikePerson).
func cleanVisible(t, lang string) []string {
	if t == "" {
		return nil
	}
	names := CleanBylineLang(t, lang)
	for _, n := range names {
		if !looksLikePerson(n) || (strings.Contains(n, "_") && reOrgName.MatchString(strings.ReplaceAll(n, "_", " "))) {
			return nil
		}
	}
	return names
}

// shownInArticle reports whether name is written somewhere a byline can be:
// outside comments, sidebars, related and promoted articles and teaser
// cards (readability, which knows none of these, may take its byline from
// them).
func shownInArticle(root *html.Node, name string) bool {
	found, seen := false, 0
	var walk func(*html.Node, bool)
	walk = func(n *html.Node, inArticle bool) {
		for c := n.FirstChild; c != nil && !found; c = c.NextSibling {
			if seen++; seen > maxVisibleNodes {
				found = true // too big to tell: trust readability
				return
			}
			switch c.Type {
			case html.TextNode:
				if strings.Contains(collapseSpace(c.Data), name) {
					found = true
				}
			case html.ElementNode:
				if (c.Data != "time" && skipElement(c, inArticle)) || skipContainer(c, attr(c, "class"), attr(c, "id")) || isCardLink(c) || rePhotoCredit.MatchString(attr(c, "class")) {
					continue
				}
				walk(c, inArticle || c.Data == "article")
			}
		}
	}
	walk(root, false)
	return found
}

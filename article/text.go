package article

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	nethtml "golang.org/x/net/html"
)

// CleanText drops invalid UTF-8 and control characters (keeping tab and
// newline): both break XML and JSON downstream (see dependencies.md).
func CleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	if !hasBadControl(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isBadControl(r) {
			return -1
		}
		return r
	}, s)
}

// hasBadControl is strings.IndexFunc(s, isBadControl) >= 0 for valid UTF-8,
// a byte at a time over ASCII (most of any feed), which costs a tenth.
func hasBadControl(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isBadControl(r) {
			return true
		}
		i += n
	}
	return false
}

// isBadControl reports the characters no feed format may carry: C0 and C1
// controls other than tab, newline and carriage return, and noncharacters.
func isBadControl(r rune) bool {
	switch r {
	case '\t', '\n', '\r':
		return false
	case 0xFFFE, 0xFFFF:
		return true
	}
	return unicode.IsControl(r) || (r >= 0xFDD0 && r <= 0xFDEF)
}

// PlainText turns a title-like string into plain text: tags dropped, entities
// decoded, control characters dropped and white space collapsed.
func PlainText(s string) string {
	s = CleanText(s)
	if reTag.MatchString(s) {
		s = htmlText(s)
	} else {
		s = html.UnescapeString(s)
	}
	return collapseSpace(CleanText(s))
}

// reTag matches something that is surely a tag, so that a title such as
// "x<y and y>z" is not read as markup.
var reTag = regexp.MustCompile(`(?i)</?(?:a|abbr|article|aside|b|big|blockquote|body|br|button|caption|center|cite|code|dd|del|details|div|dl|dt|em|embed|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|ins|kbd|li|link|main|mark|math|meta|nav|noscript|object|ol|option|p|picture|pre|q|s|script|section|select|small|source|span|strike|strong|style|sub|summary|sup|svg|table|tbody|td|template|textarea|tfoot|th|thead|time|title|tr|tt|u|ul|var|video)(?:\s[^<>]*)?/?>|<!--|&[a-zA-Z]+;|&#`)

// collapseSpace joins the fields of s with single spaces.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// htmlText is the text of an HTML fragment, entities decoded, with a space
// between blocks so that words of neighbouring paragraphs stay apart.
func htmlText(s string) string {
	z := nethtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case nethtml.ErrorToken:
			return b.String()
		case nethtml.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case nethtml.StartTagToken:
			name, _ := z.TagName()
			if skipText[string(name)] {
				skip++
			}
			b.WriteByte(' ')
		case nethtml.EndTagToken:
			name, _ := z.TagName()
			if skipText[string(name)] && skip > 0 {
				skip--
			}
			b.WriteByte(' ')
		case nethtml.SelfClosingTagToken:
			b.WriteByte(' ')
		}
	}
}

// skipText are elements whose text is never reader-visible prose.
var skipText = map[string]bool{"script": true, "style": true, "noscript": true, "template": true, "textarea": true, "select": true}

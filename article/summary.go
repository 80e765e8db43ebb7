package article

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	nethtml "golang.org/x/net/html"
)

// SummaryRunes is the bound on a summary's text: 500 characters (runes) of
// text, not counting markup. A longer summary is cut at the last word
// boundary before it, "…" appended, and every element still open closed.
const SummaryRunes = 500

// voidElements have no end tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// shortenHTML cuts sanitised HTML to at most limit runes of text at a word
// boundary, without breaking markup. ok reports whether it cut anything.
func shortenHTML(s string, limit int) (out string, cut bool) {
	z := nethtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	var open []string
	n := 0
	for {
		tt := z.Next()
		switch tt {
		case nethtml.ErrorToken:
			return s, false
		case nethtml.TextToken:
			text := html.UnescapeString(string(z.Text()))
			runes := utf8.RuneCountInString(text)
			if n+runes <= limit {
				b.WriteString(html.EscapeString(text))
				n += runes
				continue
			}
			b.WriteString(html.EscapeString(cutWords(text, limit-n)))
			b.WriteString("…")
			for i := len(open) - 1; i >= 0; i-- {
				b.WriteString("</" + open[i] + ">")
			}
			return strings.TrimSpace(b.String()), true
		case nethtml.StartTagToken:
			name, _ := z.TagName()
			if !voidElements[string(name)] {
				open = append(open, string(name))
			}
			b.Write(z.Raw())
		case nethtml.EndTagToken:
			name, _ := z.TagName()
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == string(name) {
					open = append(open[:i], open[i+1:]...)
					break
				}
			}
			b.Write(z.Raw())
		default:
			b.Write(z.Raw())
		}
	}
}

// cutWords returns the longest prefix of text of at most limit runes that
// ends at a word boundary (trailing spaces and punctuation trimmed).
func cutWords(text string, limit int) string {
	if limit <= 0 {
		return ""
	}
	i, last := 0, 0
	for pos, r := range text {
		if i == limit {
			if unicode.IsSpace(r) {
				last = pos
			}
			break
		}
		if unicode.IsSpace(r) || isCJK(r) {
			last = pos
			if isCJK(r) {
				last = pos + utf8.RuneLen(r)
			}
		}
		i++
	}
	if last == 0 && i < limit {
		return text
	}
	return strings.TrimRightFunc(text[:last], func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
}

package publisher

import (
	"html"
	"strings"
)

// plainText is the text of sanitised HTML: tags dropped, entities decoded,
// runs of white space folded. Enough for keyword matching and JSON Feed's
// plain-text summary; the HTML it reads has been through the sanitiser.
func plainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.Join(strings.Fields(s), " ")
	}
	var b strings.Builder
	inTag := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '<':
			inTag = true
			b.WriteByte(' ')
		case c == '>' && inTag:
			inTag = false
		case !inTag:
			b.WriteByte(c)
		}
	}
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}

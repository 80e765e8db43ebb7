package article

import (
	"html"
	"strings"
)

// SanitizedText is the text of sanitised HTML (an Article's Summary or
// Content): tags dropped, entities decoded, runs of white space folded.
// Enough for keyword matching and plain-text summaries; the HTML it reads
// has been through the sanitiser, so it need not be a full parser (PlainText
// is the careful one, for titles from anywhere).
func SanitizedText(s string) string {
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

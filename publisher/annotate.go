package publisher

import (
	"html"
	"strconv"
	"strings"

	"github.com/tributary-feeds/tributary/article"
)

// byline is the short line [feed].annotate puts before each entry's content:
// "By Emmanuel McDammy · 2 min read · 1 comment", unknown parts left out
// (the read time only when counted from the body or stated by the publisher).
func byline(a *article.Article) string {
	var parts []string
	if n := len(a.Authors); n > 0 {
		names := strings.Join(a.Authors[:n-1], ", ")
		if n > 1 {
			names += " and "
		}
		parts = append(parts, "By "+names+a.Authors[n-1])
	}
	if m, stated := a.ShownReadTime(); m > 0 {
		parts = append(parts, readTimeText(m, stated))
	}
	if a.Comments != nil {
		c := strconv.Itoa(*a.Comments) + " comment"
		if *a.Comments != 1 {
			c += "s"
		}
		parts = append(parts, c)
	}
	return strings.Join(parts, " · ")
}

// annotated is the content to publish for a: its content (else summary),
// after the byline line when annotate is on.
func annotated(a *article.Article, annotate bool) string {
	body := a.Content
	if !annotate {
		return body
	}
	if body == "" {
		body = a.Summary
	}
	line := byline(a)
	if line == "" {
		return body
	}
	return `<p class="tributary-byline">` + html.EscapeString(line) + "</p>\n" + body
}

// readTimeText is "2 min read", or "7 min read (stated)" for a time the
// publisher stated but nobody counted.
func readTimeText(minutes int, stated bool) string {
	t := strconv.Itoa(minutes) + " min read"
	if stated {
		t += " (stated)"
	}
	return t
}

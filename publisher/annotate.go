package publisher

import (
	"html"
	"strconv"
	"strings"

	"github.com/tributary-feeds/tributary/article"
)

// byline is the short line [feed].annotate puts before each entry's content:
// "By Emmanuel McDammy · 2 min read", unknown parts left out (the read time
// only when counted from the body, or stated by the publisher and labelled
// so). It never holds the comment count: counts change without the article
// changing, and a count inside content would make every refresh look like
// an edit to readers that compare content (the count has fields of its own).
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
	return strings.Join(parts, " · ")
}

// commentsText is "1 comment", "5 comments"; "" when the count is unknown.
func commentsText(n *int) string {
	if n == nil {
		return ""
	}
	c := strconv.Itoa(*n) + " comment"
	if *n != 1 {
		c += "s"
	}
	return c
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

// commentsLink is where a reader goes to read a's comments: its comment
// page, else its comment feed; "" when neither is known.
func commentsLink(a *article.Article) string {
	if a.CommentsPage != "" {
		return a.CommentsPage
	}
	return a.CommentsURL
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

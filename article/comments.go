package article

import (
	"strconv"
	"strings"

	"github.com/mmcdole/gofeed"
)

// Origins of a comment count, recorded in Article.From["comments"].
const (
	FromSlashComments = "slash:comments"
	FromThrTotal      = "thr:total"
	FromThrCount      = "thr:count"
	FromMicrodata     = "microdata"
	FromPageText      = "page-heading"
	// FromJSONLD ("json-ld") is shared with the byline.
)

// maxComments bounds a believable count; larger numbers are ids or noise.
const maxComments = 10_000_000

// parseCount reads a comment count: digits, optionally with thousands
// separators ("1,234", "1.234", "1 234"). ok is false for anything else,
// including the empty string: an empty <slash:comments/> is unknown, not 0.
func parseCount(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 16 {
		return 0, false
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, n >= 0 && n <= maxComments
	}
	groups := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '.' || r == ' ' || r == '\u00a0' || r == '\u202f' })
	if len(groups) < 2 || len(groups[0]) > 3 {
		return 0, false
	}
	digits := ""
	for i, g := range groups {
		if (i > 0 && len(g) != 3) || strings.Trim(g, "0123456789") != "" {
			return 0, false
		}
		digits += g
	}
	n, err := strconv.Atoi(digits)
	return n, err == nil && n <= maxComments
}

// itemComments finds the item's comment count in the feed, in order of
// trust: slash:comments, thr:total, then thr:count on a rel="replies" link
// (which the fetcher recovers from the raw document into raw).
func itemComments(item *gofeed.Item, raw RawExtras) (*int, string) {
	for _, c := range []struct{ ns, name, from string }{
		{"slash", "comments", FromSlashComments},
		{"thr", "total", FromThrTotal},
	} {
		for _, e := range item.Extensions[c.ns][c.name] {
			if n, ok := parseCount(e.Value); ok {
				return &n, c.from
			}
		}
	}
	if raw.ThrCount != nil && *raw.ThrCount >= 0 && *raw.ThrCount <= maxComments {
		n := *raw.ThrCount
		return &n, FromThrCount
	}
	return nil, ""
}

package publisher

import "github.com/tributary-feeds/tributary/article"

// plainText is the text of sanitised HTML (article.SanitizedText, which the
// store's keyword filters read too): for JSON Feed's plain-text summary and
// the HTML page's excerpts.
func plainText(s string) string { return article.SanitizedText(s) }

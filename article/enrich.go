package article

import "net/url"

// EnrichOptions says what Enrich may change.
type EnrichOptions struct {
	// FullText lets the page's extracted body replace the published content.
	FullText bool
}

// Enrich fills in, from the article's own page, what the feed item lacked:
// the byline, the comment count, the stated read time, and the body that
// times the read. It does no I/O: the fetcher fetched page from pageURL.
func (a *Article) Enrich(page []byte, pageURL *url.URL, opt EnrichOptions) {
	// Filled in by the normalisation work (issue 4).
}

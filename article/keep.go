package article

// Where a read time came from (Article.From["read_time"]). A read time is
// counted only from an article's body (see FeedBody); a summary gives none.
const (
	FromFeed   = "feed-content" // the item's own full text
	FromPage   = "page"         // the article's page body, when enriched
	FromStated = "stated"       // no body: only the publisher's own "N min read" (StatedRead)
)

// KeepEnrichment carries into a, the feed's version of an article the store
// holds as prev, what enriching prev's page gave it: a page is fetched once,
// and without this every refetch would undo it. The rules are Enrich's: the
// page's byline and comment count where the feed gives none (a count the
// feed gives is newer), its stated read time, its read time when longer, and
// with fullText its body, as long as the article's title and link stay.
func (a *Article) KeepEnrichment(prev *Article, fullText bool) {
	keep := func(field string) {
		if v, ok := prev.From[field]; ok {
			if a.From == nil {
				a.From = map[string]string{}
			}
			a.From[field] = v
		}
	}
	if len(a.Authors) == 0 && len(prev.Authors) > 0 {
		a.Authors = prev.Authors
		keep("author")
	}
	if a.Comments == nil && prev.Comments != nil {
		a.Comments = prev.Comments
		keep("comments")
	}
	if a.StatedRead == 0 {
		a.StatedRead = prev.StatedRead
	}
	defer a.noteStated()
	if fullText && prev.From["content"] == FromReadability && a.Title == prev.Title && a.Link == prev.Link {
		a.Content = prev.Content
		keep("content")
	}
	if prev.From["read_time"] == FromPage && prev.ReadTime > a.ReadTime {
		a.ReadTime = prev.ReadTime
		keep("read_time")
	}
}

// noteStated records FromStated when the article has no counted read time
// but its publisher states one.
func (a *Article) noteStated() {
	if a.ReadTime == 0 && a.StatedRead > 0 {
		if a.From == nil {
			a.From = map[string]string{}
		}
		a.From["read_time"] = FromStated
	}
}

// ShownReadTime is the read time to publish: the one counted from the
// article's body, else the one its publisher states (stated is then true),
// else 0, none.
func (a *Article) ShownReadTime() (minutes int, stated bool) {
	if a.ReadTime > 0 {
		return a.ReadTime, false
	}
	return a.StatedRead, a.StatedRead > 0
}

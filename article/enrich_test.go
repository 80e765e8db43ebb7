package article

import (
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A WordPress item carries its byline (dc:creator), its comment count
// (slash:comments) and its full text (content:encoded).
func TestWordPressItem(t *testing.T) {
	f := parseFeed(t, string(readFixture(t, "wordpress.xml")))
	a := FromItem(Source{Name: "field-notes", FeedURL: "https://fieldnotes.example/feed/"}, f, f.Items[0], RawExtras{})
	if !reflect.DeepEqual(a.Authors, []string{"Jane Doe"}) || a.From["author"] != FromDCCreator {
		t.Errorf("Authors = %q from %q", a.Authors, a.From["author"])
	}
	if a.Comments == nil || *a.Comments != 1 || a.From["comments"] != FromSlashComments {
		t.Errorf("Comments = %v from %q, want 1", fmtCount(a.Comments), a.From["comments"])
	}
	// 1,440 words of prose (the share bar left out) at 265 a minute.
	if a.ReadTime != 6 {
		t.Errorf("ReadTime = %d, want 6", a.ReadTime)
	}
	for _, bad := range []string{"<script", "onerror", "track()"} {
		if strings.Contains(a.Content, bad) {
			t.Errorf("content keeps %q", bad)
		}
	}
	if !strings.Contains(a.Content, `src="https://fieldnotes.example/wp-content/uploads/2024/03/bend.jpg"`) {
		t.Errorf("image URL not absolute: %.200q", a.Content)
	}
	if a.Summary != "Rivers carry more than water. They move sediment, seeds, and stories [&hellip;]" && a.Summary != "Rivers carry more than water. They move sediment, seeds, and stories […]" {
		t.Errorf("Summary = %q", a.Summary)
	}
	if a.CommentsURL != "https://fieldnotes.example/2024/03/05/where-the-river-bends/feed/" {
		t.Errorf("CommentsURL = %q", a.CommentsURL)
	}
	// Enriching with a page that says otherwise changes none of it.
	before := a
	a.Enrich([]byte(htmlPage(`<meta name="author" content="Someone Else">`, `<h2 id="comments">40 Comments</h2>`)), mustURL(t, a.Link), EnrichOptions{})
	if !reflect.DeepEqual(a.Authors, before.Authors) || *a.Comments != 1 || a.Content != before.Content || a.ReadTime != 6 {
		t.Errorf("page outranked the item: %q %d %d", a.Authors, *a.Comments, a.ReadTime)
	}
}

// A summary-only item gets its byline, read time, stated read time and
// comment count from its page.
func TestSummaryOnlyItemEnriched(t *testing.T) {
	f := parseFeed(t, string(readFixture(t, "summary-only.xml")))
	a := FromItem(Source{Name: "dispatches", FeedURL: "https://dispatches.example/feed"}, f, f.Items[0], RawExtras{})
	// A summary times no read: before its page, the read time is unknown.
	if len(a.Authors) != 0 || a.Comments != nil || a.ReadTime != 0 || a.From["read_time"] != "" {
		t.Fatalf("before enrichment: %q %v %d from %q", a.Authors, fmtCount(a.Comments), a.ReadTime, a.From["read_time"])
	}
	summary := a.Summary
	a.Enrich(readFixture(t, "summary-only-page.html"), mustURL(t, a.Link), EnrichOptions{})
	if !reflect.DeepEqual(a.Authors, []string{"Maria Lopez"}) {
		t.Errorf("Authors = %q from %q", a.Authors, a.From["author"])
	}
	if a.Comments == nil || *a.Comments != 1 {
		t.Errorf("Comments = %v from %q, want 1", fmtCount(a.Comments), a.From["comments"])
	}
	// 1,320 words in the extracted body at 265 a minute; the page's "7 Min
	// Read" is recorded apart and not trusted over the count.
	if a.ReadTime != 5 || a.From["read_time"] != "page" {
		t.Errorf("ReadTime = %d from %q, want 5 from page", a.ReadTime, a.From["read_time"])
	}
	if a.StatedRead != 7 {
		t.Errorf("StatedRead = %d, want 7", a.StatedRead)
	}
	if a.Summary != summary || a.Content != "" {
		t.Errorf("without full_text the content stays the feed's: summary %q content %.80q", a.Summary, a.Content)
	}

	b := FromItem(Source{Name: "dispatches"}, f, f.Items[0], RawExtras{})
	b.Enrich(readFixture(t, "summary-only-page.html"), mustURL(t, b.Link), EnrichOptions{FullText: true})
	if !strings.Contains(b.Content, "The sleeper leaves at ten") || strings.Contains(b.Content, "Most discussed") || strings.Contains(b.Content, "soup is as good") {
		t.Errorf("full text content: %.300q", b.Content)
	}
	if b.From["content"] != FromReadability {
		t.Errorf("From[content] = %q", b.From["content"])
	}
}

func TestEnrichKeepsFeedFieldsOnEmptyPages(t *testing.T) {
	f := parseFeed(t, string(readFixture(t, "wordpress.xml")))
	for _, page := range []string{"", "not html at all", "<html><body></body></html>", "\x00\xff\xfe", strings.Repeat("<div>", 100000)} {
		a := FromItem(testSrc, f, f.Items[0], RawExtras{})
		want := a
		a.Enrich([]byte(page), nil, EnrichOptions{FullText: true})
		if !reflect.DeepEqual(a, want) {
			t.Errorf("page %.20q changed the article", page)
		}
	}
	var nilArticle *Article
	nilArticle.Enrich([]byte("<p>x</p>"), nil, EnrichOptions{}) // no panic
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

package publisher

import (
	"bytes"
	"cmp"
	"encoding/json"
	"math"

	"github.com/gorilla/feeds"
)

// jsonItem wraps gorilla/feeds' JSONItem with Tributary's own fields.
type jsonItem struct {
	*feeds.JSONItem
	Tributary *jsonExtension `json:"_tributary,omitempty"`
}

// jsonExtension is JSON Feed's `_tributary` object; unknown values are left
// out, never written as 0.
type jsonExtension struct {
	ReadTime     int         `json:"read_time_minutes,omitempty"`
	StatedRead   int         `json:"stated_read_time_minutes,omitempty"`
	CommentCount *int        `json:"comment_count,omitempty"`
	CommentsURL  string      `json:"comments_url,omitempty"`      // the comment page, else the comment feed
	CommentsFeed string      `json:"comments_feed_url,omitempty"` // the comment feed
	Source       *jsonSource `json:"source,omitempty"`
}

type jsonSource struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
	URL   string `json:"url,omitempty"`
}

type jsonFeed struct {
	*feeds.JSONFeed
	Items []*jsonItem `json:"items"` // never left out, even when empty
}

func renderJSON(d *document) ([]byte, error) {
	jf := (&feeds.JSON{Feed: generic(d)}).JSONFeed()
	jf.FeedUrl = d.Self
	jf.Icon = d.Icon
	jf.NextUrl = d.Next
	if d.Hub != "" {
		jf.Hubs = []*feeds.JSONHub{{Type: "WebSub", Url: d.Hub}}
	}
	out := jsonFeed{JSONFeed: jf, Items: []*jsonItem{}}
	for i, it := range jf.Items {
		a := &d.Articles[i]
		it.Author, it.Authors, it.Image, it.ExternalUrl = nil, nil, "", ""
		for _, name := range a.Authors {
			it.Authors = append(it.Authors, &feeds.JSONAuthor{Name: name})
		}
		it.Tags = a.Categories
		it.Summary = plainText(a.Summary) // JSON Feed's summary is plain text
		if it.ContentHTML == "" {
			// JSON Feed requires content_html or content_text.
			it.ContentText = cmp.Or(it.Summary, it.Title, it.Url, it.Id)
		}
		// gorilla/feeds keeps only image enclosures, and as `image`.
		for _, e := range a.Enclosures {
			it.Attachments = append(it.Attachments, feeds.JSONAttachment{
				Url: e.URL, MIMEType: enclosureType(e), Size: int32(min(max(e.Length, 0), math.MaxInt32))})
		}
		if a.Published.IsZero() {
			it.PublishedDate = nil
		}
		if a.Updated.IsZero() {
			it.ModifiedDate = nil
		}
		ext := &jsonExtension{ReadTime: a.ReadTime, StatedRead: a.StatedRead, CommentCount: a.Comments,
			CommentsURL: commentsLink(a), CommentsFeed: a.CommentsURL}
		if a.Source != "" {
			title, feedURL, _ := d.source(a.Source)
			ext.Source = &jsonSource{Name: a.Source, Title: title, URL: feedURL}
		}
		out.Items = append(out.Items, &jsonItem{JSONItem: it, Tributary: ext})
	}
	jf.Items = nil // written through out.Items
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

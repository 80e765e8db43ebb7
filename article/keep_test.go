package article

import (
	"reflect"
	"testing"
)

func TestKeepEnrichment(t *testing.T) {
	three, five := 3, 5
	enriched := Article{
		Authors: []string{"Maria Lopez"}, Comments: &three, StatedRead: 7, ReadTime: 5,
		Title: "T", Link: "https://x.example/t", Content: "<p>the page's body</p>",
		From: map[string]string{"author": FromJSONLD, "comments": FromPageText, "read_time": FromPage, "content": FromReadability},
	}
	tests := []struct {
		name     string
		feed     Article
		fullText bool
		want     Article
		prev     *Article // enriched when nil
	}{
		{
			name: "a page that gave only a stated read time: kept, labelled stated",
			feed: Article{Title: "T", Link: "https://x.example/t", Content: "<p>summary</p>", From: map[string]string{}},
			prev: &Article{StatedRead: 7, Title: "T", Link: "https://x.example/t", From: map[string]string{"read_time": FromStated}},
			want: Article{StatedRead: 7, Title: "T", Link: "https://x.example/t", Content: "<p>summary</p>", From: map[string]string{"read_time": FromStated}},
		},
		{
			name:     "a summary-only item keeps all the page gave",
			feed:     Article{Title: "T", Link: "https://x.example/t", Content: "<p>summary</p>", ReadTime: 1, From: map[string]string{"read_time": FromFeed}},
			fullText: true,
			want:     enriched,
		},
		{
			name: "without full_text the feed's content stays, the page's read time too",
			feed: Article{Title: "T", Link: "https://x.example/t", Content: "<p>summary</p>", ReadTime: 1, From: map[string]string{"read_time": FromFeed}},
			want: Article{Authors: []string{"Maria Lopez"}, Comments: &three, StatedRead: 7, ReadTime: 5, Title: "T", Link: "https://x.example/t", Content: "<p>summary</p>",
				From: map[string]string{"author": FromJSONLD, "comments": FromPageText, "read_time": FromPage}},
		},
		{
			name: "what the feed says wins: its byline, a new count, a longer text, a new title",
			feed: Article{Authors: []string{"Ed"}, Comments: &five, Title: "T2", Link: "https://x.example/t", Content: "<p>long</p>", ReadTime: 9,
				From: map[string]string{"author": FromDCCreator, "comments": FromSlashComments, "read_time": FromFeed}},
			fullText: true,
			want: Article{Authors: []string{"Ed"}, Comments: &five, StatedRead: 7, Title: "T2", Link: "https://x.example/t", Content: "<p>long</p>", ReadTime: 9,
				From: map[string]string{"author": FromDCCreator, "comments": FromSlashComments, "read_time": FromFeed}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.feed
			prev := enriched
			if tt.prev != nil {
				prev = *tt.prev
			}
			got.KeepEnrichment(&prev, tt.fullText)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

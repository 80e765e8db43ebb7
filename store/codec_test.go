package store

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
)

func codecSamples() []article.Article {
	zero, seven := 0, 7
	paris := time.FixedZone("", 3600)
	return []article.Article{
		{ID: "empty", Source: "s"},
		{
			ID: "full", Source: "river", GUID: "g", Link: "https://example.com/a", Title: "Tide & <weir>",
			Authors: []string{"Ana", "Bo"}, Published: time.Date(2026, 3, 2, 10, 0, 0, 123, paris),
			Updated: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC), Summary: "<p>s</p>", Content: "<p>" + strings.Repeat("é", 300) + "</p>",
			ReadTime: 3, StatedRead: 4, Comments: &seven, CommentsURL: "https://example.com/c",
			Categories: []string{"x", "y"}, Enclosures: []article.Enclosure{{URL: "https://e/1.mp3", Type: "audio/mpeg", Length: 99}, {URL: "u"}},
			From: map[string]string{"byline": "dc:creator", "comments": "slash:comments"},
		},
		{ID: "zero-comments", Source: "s", Comments: &zero, Published: time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)},
		{ID: "negative-count", Source: "s", ReadTime: -1, Published: time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC)},
	}
}

// The codec must read back what JSON would: the API returns article.Article
// and callers marshal it with its json tags.
func TestCodecRoundTrip(t *testing.T) {
	for _, a := range codecSamples() {
		t.Run(a.ID, func(t *testing.T) {
			got, err := decodeArticle(encodeArticle(&a))
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(a)
			have, _ := json.Marshal(got)
			if string(want) != string(have) {
				t.Errorf("round trip:\n got %s\nwant %s", have, want)
			}
			if !got.Published.Equal(a.Published) || !got.Updated.Equal(a.Updated) {
				t.Errorf("times: %v %v, want %v %v", got.Published, got.Updated, a.Published, a.Updated)
			}
		})
	}
}

// A record cut short at a field boundary reads with the missing fields zero
// (an older writer); cut inside a field it is an error, never a panic.
func TestCodecTruncated(t *testing.T) {
	a := codecSamples()[1]
	b := encodeArticle(&a)
	for i := range b {
		decodeArticle(b[:i]) // must not panic
	}
	if _, err := decodeArticle(b[:len(b)-3]); err == nil {
		t.Error("a record cut inside a string decoded without error")
	}
	if _, err := decodeArticle([]byte{0x09, 1}); err == nil || !strings.Contains(err.Error(), "codec") {
		t.Errorf("unknown codec: %v", err)
	}
}

func FuzzDecodeArticle(f *testing.F) {
	for _, a := range codecSamples() {
		f.Add(encodeArticle(&a))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := decodeArticle(b)
		if err != nil || len(b) == 0 || b[0] != codecV2 {
			return
		}
		// What decodes re-encodes to something that decodes the same.
		a2, err := decodeArticle(encodeArticle(&a))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		j1, _ := json.Marshal(a)
		j2, _ := json.Marshal(a2)
		if string(j1) != string(j2) {
			t.Fatalf("unstable: %s vs %s", j1, j2)
		}
	})
}

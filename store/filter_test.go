package store

import (
	"testing"

	"github.com/tributary-feeds/tributary/article"
)

// Filter.Matches is the meaning every backend's filter must have.
func TestFilterMatches(t *testing.T) {
	a := article.Article{
		Title:    "Rust and Go",
		Summary:  "<p>A <b>fast</b> &amp; safe tour</p>",
		Content:  "<p>Garbage<br>collection &lt;explained&gt;</p>",
		ReadTime: 7,
	}
	unknown := a
	unknown.ReadTime = 0
	for _, tc := range []struct {
		name string
		f    Filter
		a    article.Article
		want bool
	}{
		{"zero filter", Filter{}, a, true},
		{"sources alone do not test the article", Filter{Sources: []string{"other"}}, a, true},
		{"include in title, any case", Filter{Include: []string{"GO"}}, a, true},
		{"include in summary text", Filter{Include: []string{"fast & safe"}}, a, true},
		{"include in content text, entities decoded", Filter{Include: []string{"<explained>"}}, a, true},
		{"tags are not text", Filter{Include: []string{"<b>"}}, a, false},
		{"a tag separates words", Filter{Include: []string{"garbage collection"}}, a, true},
		{"one include of several", Filter{Include: []string{"python", "rust"}}, a, true},
		{"no include matches", Filter{Include: []string{"python"}}, a, false},
		{"blank keywords are ignored", Filter{Include: []string{" ", ""}}, a, true},
		{"keywords are trimmed", Filter{Include: []string{"  tour "}}, a, true},
		{"exclude wins over include", Filter{Include: []string{"rust"}, Exclude: []string{"Tour"}}, a, false},
		{"exclude alone", Filter{Exclude: []string{"python"}}, a, true},
		{"title and summary are apart", Filter{Include: []string{"go a fast"}}, a, false},
		{"within bounds", Filter{MinReadTime: 7, MaxReadTime: 7}, a, true},
		{"below min", Filter{MinReadTime: 8}, a, false},
		{"above max", Filter{MaxReadTime: 6}, a, false},
		{"unknown read time matches no min", Filter{MinReadTime: 1}, unknown, false},
		{"unknown read time matches no max", Filter{MaxReadTime: 60}, unknown, false},
		{"unknown read time without bounds", Filter{Include: []string{"rust"}}, unknown, true},
		{"bounds and keywords together", Filter{MaxReadTime: 10, Exclude: []string{"rust"}}, a, false},
	} {
		if got := tc.f.Matches(&tc.a); got != tc.want {
			t.Errorf("%s: Matches = %v, want %v", tc.name, got, tc.want)
		}
	}
}

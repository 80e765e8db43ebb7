package article

import (
	"reflect"
	"testing"
)

func TestCleanByline(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"plain", "Jane Doe", []string{"Jane Doe"}},
		{"email then name", "jane@example.com (Jane Doe)", []string{"Jane Doe"}},
		{"name then email", "Jane Doe <jane@example.com>", []string{"Jane Doe"}},
		{"email only", "jane@example.com", nil},
		{"by prefix", "By Jane Doe", []string{"Jane Doe"}},
		{"by prefix tabs", "By\n\t\t\tScott Cunningham", []string{"Scott Cunningham"}},
		{"par", "Par Sébastien Farcis", []string{"Sébastien Farcis"}},
		{"von", "Von Christoph Becker", []string{"Christoph Becker"}},
		{"por", "Por María López", []string{"María López"}},
		{"door", "Door Jan Jansen", []string{"Jan Jansen"}},
		{"written by", "Written by Rob Ewaschuk", []string{"Rob Ewaschuk"}},
		{"editor dropped", "Written by Rob Ewaschuk\n   Edited by Betsy Beyer", []string{"Rob Ewaschuk"}},
		{"white space", "  Jane \t  Doe \n", []string{"Jane Doe"}},
		{"entities", "Mac &amp; i", []string{"Mac & i"}},
		{"numeric entity", "Jos&#233; Saramago", []string{"José Saramago"}},
		{"html", `<a href="/u/jane">Jane <b>Doe</b></a>`, []string{"Jane Doe"}},
		{"url in parens", "Bradley M. Kuhn (http://ebb.org/bkuhn/)", []string{"Bradley M. Kuhn"}},
		{"bare url", "https://example.com/authors/jane", nil},
		{"name and date lines", "By Nathan Willis\n     March 25, 2015", []string{"Nathan Willis"}},
		{"name and date glued", "by Lucas Nolan22 Dec 2016651", []string{"Lucas Nolan"}},
		{"date only", "April 28, 2019 at 6:01 am Updated April 29, 2019 at 3:33 pm", nil},
		{"updated", "Last Updated: January 7, 2025", nil},
		{"numeric date", "2019-04-28", nil},
		{"balanced parens kept", "Martin Untersinger (avec Damien Leloup et Morgane Tual)", []string{"Martin Untersinger (avec Damien Leloup et Morgane Tual)"}},
		{"pipe", "Jane Doe | Staff Writer", []string{"Jane Doe"}},
		{"cjk", "肖春芳", []string{"肖春芳"}},
		{"empty", "   ", nil},
		{"button label", "Follow Author", nil},
		{"placeholder", "admin", nil},
		{"punctuation only", " - | - ", nil},
		{"control chars", "Jane\x00 Doe\x1b", []string{"Jane Doe"}},
		{"invalid utf8", "Jane \xff\xfeDoe", []string{"Jane Doe"}},
		{"no prefix eaten from a name", "Byron Smith", []string{"Byron Smith"}},
		{"de particle kept", "De Niro Robert", []string{"De Niro Robert"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CleanByline(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("CleanByline(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

package article

import (
	"reflect"
	"testing"
)

func TestCleanByline(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
		lang     string // the feed's or page's declared language; "" none
	}{
		{"plain", "Jane Doe", []string{"Jane Doe"}, ""},
		{"email then name", "jane@example.com (Jane Doe)", []string{"Jane Doe"}, ""},
		{"name then email", "Jane Doe <jane@example.com>", []string{"Jane Doe"}, ""},
		{"email only", "jane@example.com", nil, ""},
		{"by prefix", "By Jane Doe", []string{"Jane Doe"}, ""},
		{"by prefix tabs", "By\n\t\t\tScott Cunningham", []string{"Scott Cunningham"}, ""},
		{"par", "Par Sébastien Farcis", []string{"Sébastien Farcis"}, "fr"},
		{"von", "Von Christoph Becker", []string{"Christoph Becker"}, "de-DE"},
		{"por", "Por María López", []string{"María López"}, "es"},
		{"door", "Door Jan Jansen", []string{"Jan Jansen"}, "nl"},
		{"written by", "Written by Rob Ewaschuk", []string{"Rob Ewaschuk"}, ""},
		{"editor dropped", "Written by Rob Ewaschuk\n   Edited by Betsy Beyer", []string{"Rob Ewaschuk"}, ""},
		{"white space", "  Jane \t  Doe \n", []string{"Jane Doe"}, ""},
		{"entities", "Mac &amp; i", []string{"Mac & i"}, ""},
		{"numeric entity", "Jos&#233; Saramago", []string{"José Saramago"}, ""},
		{"html", `<a href="/u/jane">Jane <b>Doe</b></a>`, []string{"Jane Doe"}, ""},
		{"url in parens", "Bradley M. Kuhn (http://ebb.org/bkuhn/)", []string{"Bradley M. Kuhn"}, ""},
		{"bare url", "https://example.com/authors/jane", nil, ""},
		{"name and date lines", "By Nathan Willis\n     March 25, 2015", []string{"Nathan Willis"}, ""},
		{"name and date glued", "by Lucas Nolan22 Dec 2016651", []string{"Lucas Nolan"}, ""},
		{"date only", "April 28, 2019 at 6:01 am Updated April 29, 2019 at 3:33 pm", nil, ""},
		{"updated", "Last Updated: January 7, 2025", nil, ""},
		{"numeric date", "2019-04-28", nil, ""},
		{"balanced parens kept", "Martin Untersinger (avec Damien Leloup et Morgane Tual)", []string{"Martin Untersinger (avec Damien Leloup et Morgane Tual)"}, ""},
		{"pipe", "Jane Doe | Staff Writer", []string{"Jane Doe"}, ""},
		{"cjk", "肖春芳", []string{"肖春芳"}, ""},
		{"empty", "   ", nil, ""},
		{"button label", "Follow Author", nil, ""},
		{"placeholder", "admin", nil, ""},
		{"punctuation only", " - | - ", nil, ""},
		{"control chars", "Jane\x00 Doe\x1b", []string{"Jane Doe"}, ""},
		{"invalid utf8", "Jane \xff\xfeDoe", []string{"Jane Doe"}, ""},
		{"no prefix eaten from a name", "Byron Smith", []string{"Byron Smith"}, ""},
		{"de particle kept", "De Niro Robert", []string{"De Niro Robert"}, ""},
		// Issue 13, item 17: a "by" word is dropped only in the declared
		// language and only before a name of two words or more.
		{"von surname kept", "Von Miller", []string{"Von Miller"}, "de"},
		{"von surname kept, english page", "Von Miller", []string{"Von Miller"}, "en"},
		{"von not german", "Von Christoph Becker", []string{"Von Christoph Becker"}, "en"},
		{"av surname kept", "Av Singh", []string{"Av Singh"}, "sv"},
		{"av given name, english", "Av Singh", []string{"Av Singh"}, ""},
		{"av swedish", "Av Anna Lindqvist", []string{"Anna Lindqvist"}, "sv"},
		{"par surname kept", "Par Jones", []string{"Par Jones"}, "fr"},
		{"par not french", "Par Sébastien Farcis", []string{"Par Sébastien Farcis"}, "de"},
		{"author 0 kept", "Author 0", []string{"Author 0"}, ""},
		{"german phrase any language", "Erstellt von Fabian am Dienstag", []string{"Fabian"}, ""},
		{"english by any language", "By Paddy", []string{"Paddy"}, "de"},
		{"particles kept", "Ursula von der Leyen", []string{"Ursula von der Leyen"}, "de"},
		{"initials kept", "J. R. R. Tolkien", []string{"J. R. R. Tolkien"}, ""},
		{"hyphenated kept", "Anne-Marie Dupont-Aignan", []string{"Anne-Marie Dupont-Aignan"}, "fr"},
		{"cyrillic", "Лев Толстой", []string{"Лев Толстой"}, "ru"},
		{"arabic", "نجيب محفوظ", []string{"نجيب محفوظ"}, "ar"},
		// Credit lines: the names, not what is around them.
		{"place dropped", "Tom McCarthy in New York", []string{"Tom McCarthy"}, "en"},
		{"place dropped, french", "Par Marie Dupont à Paris", []string{"Marie Dupont"}, "fr"},
		{"job title dropped", "Damian Carrington Environment editor", []string{"Damian Carrington"}, "en"},
		{"job title after comma", "Jane Doe, Senior Correspondent", []string{"Jane Doe"}, ""},
		{"title alone", "Staff Writer", nil, ""},
		{"a writer named so", "Feed Writer", []string{"Feed Writer"}, ""},
		{"live blog shifts", "Nick Ames (now), Ed Aarons and Ben Fisher (earlier)", []string{"Nick Ames", "Ed Aarons", "Ben Fisher"}, "en"},
		{"two authors, und", "Von Anna Schmidt und Jan Meier", []string{"Anna Schmidt", "Jan Meier"}, "de"},
		{"inverted name kept", "Doe, Jane", []string{"Doe, Jane"}, ""},
		{"duo kept", "Simon & Garfunkel", []string{"Simon & Garfunkel"}, ""},
		{"photo credit dropped", "Text von Christian Seiler Illustration von Markus Roost", []string{"Christian Seiler"}, "de"},
		// Interface text is no name.
		{"redaktion alone", "Redaktion", nil, "de"},
		{"profile link", "Afficher mon profil complet", nil, "fr"},
		{"archive link", "Alle Beiträge von Jane Doe", nil, "de"},
		{"show all articles", "SHOW ALL ARTICLES OF Heiko Sauer", []string{"Heiko Sauer"}, "en"},
		{"count", "12 Kommentare", nil, "de"},
		{"german date label", "Stand: 20. April 2020, 14:57 Uhr", nil, "de"},
		{"month and year", "juillet 2020", nil, "fr"},
		{"follow button", "Follow @erinmcunningham", nil, ""},
		{"name split over lines", "Jane\nDoe", []string{"Jane Doe"}, ""},
		{"first line is the byline", "Von R. R. am 07.08.2013 um 09:07 Uhr\n gespeichert unter Kino", []string{"R. R."}, "de"},
		{"weekday alone", "Donnerstag", nil, "de"},
		{"posted on a date by", "Posted on September 21, 2020 by Adi Tzlil", []string{"Adi Tzlil"}, "en"},
		{"saved by, then a date", "Gespeichert von rasos am 24. Juli 2017 - 18:55", []string{"rasos"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CleanBylineLang(tc.in, tc.lang); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("CleanBylineLang(%q, %q) = %q, want %q", tc.in, tc.lang, got, tc.want)
			}
		})
	}
}

// What a page shows is a byline only when it is written as a person's name.
func TestCleanVisible(t *testing.T) {
	for _, tc := range []struct {
		in, lang string
		want     []string
	}{
		{"By Jane Doe", "en", []string{"Jane Doe"}},
		{"von Daniela Obers", "de", []string{"Daniela Obers"}},
		{"paddy", "de", []string{"paddy"}},
		{"En kiosques : juillet 2020", "fr", nil},
		{"Yellow Vests and I", "en", nil},
		{"Text und Interview: Harald Willenbrock", "de", nil},
		{"Von Atemschutzmaske über Exit-Strategie bis Zoonose", "de", nil},
		{"KB_Redaktion", "de", nil},
		{"Martin Untersinger (avec Damien Leloup et Morgane Tual)", "fr", []string{"Martin Untersinger (avec Damien Leloup et Morgane Tual)"}},
		{"Ursula von der Leyen", "de", []string{"Ursula von der Leyen"}},
		{"An interview by Jane Doe with John Roe.", "en", []string{"Jane Doe"}},
		{"Ein Gespräch von Jana Roe mit Max Gast", "de", []string{"Jana Roe"}},
	} {
		if got := cleanVisible(tc.in, tc.lang); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("cleanVisible(%q, %q) = %q, want %q", tc.in, tc.lang, got, tc.want)
		}
	}
}

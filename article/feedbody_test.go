package article

import (
	"strings"
	"testing"
)

// dropAppeared must mean what the regular expression over the whole text
// means, once white space is collapsed as FeedBody does.
func checkDropAppeared(t *testing.T, s string) {
	t.Helper()
	want := collapseSpace(reAppeared.ReplaceAllString(s, ""))
	if got := collapseSpace(dropAppeared(s)); got != want {
		t.Errorf("dropAppeared(%.80q…) = %.80q…, the expression alone gives %.80q…", s, got, want)
	}
}

func TestDropAppeared(t *testing.T) {
	long := strings.Repeat("word ", 2000)
	for _, s := range []string{
		"",
		"A body. The post Hello appeared first on Example Blog.",
		long + "The post Hello appeared first on Example Blog.",
		long + "THE POST Hello APPEARED FIRST ON Example.",
		long + "the post " + strings.Repeat("é", 300) + " appeared first on " + strings.Repeat("ü", 200),
		long + "the post " + strings.Repeat("é", 301) + " appeared first on x",
		long + "the post x appeared first on " + strings.Repeat("x", 201),
		long + "it appeared first on the radar, the post said",
		"the post x appeared first on y" + strings.Repeat(" ", 5000),
		strings.Repeat(" ", 5000) + "the post x\nappeared first on y",
		"the post a the post b appeared first on c",
		long + "the post " + strings.Repeat("語", 290) + " appeared first on " + strings.Repeat("語", 190),
	} {
		checkDropAppeared(t, s)
	}
}

// truncated's word filter must never hide a match of the expression.
func checkTruncated(t *testing.T, s string) {
	t.Helper()
	if got, want := truncated(s), reTruncated.MatchString(s[runeStart(s, len(s)-80):]); got != want {
		t.Errorf("truncated(%q) = %v, the expression alone says %v", s, got, want)
	}
}

func TestTruncatedFilter(t *testing.T) {
	for _, s := range []string{
		"", "An ending.", "An ending…", "An ending...", "An ending [ … ]", "An ending (...)",
		"Read more", "READ MORE »", "Read the full story", "Continue reading →", "Continues reading",
		"Keep reading", "Weiterlesen", "Mehr lesen", "Zum Artikel", "Lire la suite", "Leer más",
		"Seguir leyendo", "Lees verder", "Leggi tutto", "Leggi di più", "Keep reading the ſtory",
		"Reading is fun", "She read it.", strings.Repeat("x", 100) + " read more",
	} {
		checkTruncated(t, s)
	}
}

func FuzzDropAppeared(f *testing.F) {
	f.Add("The post Hello appeared first on Example Blog.")
	f.Add("words the post x appeared first on y")
	f.Fuzz(func(t *testing.T, s string) {
		checkDropAppeared(t, s)
		checkDropAppeared(t, strings.Repeat("ſ", 700)+s)
		checkTruncated(t, s)
	})
}

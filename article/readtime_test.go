package article

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
)

func words(n int) string { return strings.TrimSpace(strings.Repeat("word ", n)) }

func TestReadMinutes(t *testing.T) {
	han := func(n int) string { return strings.Repeat("字", n) }
	for _, tc := range []struct {
		name string
		text string
		want int
	}{
		{"empty", "", 0},
		{"white space only", " \n\t ", 0},
		{"punctuation only", "— … !", 0},
		{"one word", "hello", 1},
		{"265 words", words(265), 1},
		{"266 words", words(266), 2},
		{"1000 words", words(1000), 4},
		{"500 han", han(500), 1},
		{"501 han", han(501), 2},
		{"1500 han", han(1500), 3},
		{"kana", strings.Repeat("ひらがなカタカナ", 125), 2},             // 1000 characters
		{"hangul by characters", strings.Repeat("한국어 ", 400), 3}, // 1200 characters
		// Mixed: timed per script and added, not as 1 word of English.
		{"chinese with english terms", han(1000) + " " + words(265), 3},
		{"mixed parts add before rounding", han(250) + " " + words(132), 1},
		{"mixed parts just over a minute", han(250) + " " + words(133), 2},
		{"cjk punctuation not counted", strings.Repeat("。", 600), 0},
		{"hyphenated and apostrophes", "don't well-known", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ReadMinutes(tc.text); got != tc.want {
				t.Errorf("ReadMinutes = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestReadMinutesHTMLLeavesOutFurniture(t *testing.T) {
	body := "<p>" + words(265) + "</p>" +
		`<div class="sharedaddy sd-sharing-enabled"><p>` + words(400) + `</p></div>` +
		`<section id="comments"><p>` + words(600) + `</p></section>` +
		`<div class="jp-relatedposts">` + words(300) + `</div>` +
		`<nav>` + words(300) + `</nav><script>var x = "` + words(900) + `";</script>`
	if got := readMinutesHTML(body); got != 1 {
		t.Errorf("readMinutesHTML = %d, want 1 (share bar, comments, related posts, nav and script left out)", got)
	}
	// A story wrapped whole in a "share" container is still the story.
	if got := readMinutesHTML(`<div id="gigya-share-btns-2_gig_containerParent"><p>` + words(600) + `</p><div class="share-bar">` + words(10) + `</div></div>`); got != 3 {
		t.Errorf("story inside a share container: %d, want 3", got)
	}
	if got := readMinutesHTML("<p>a&amp;b</p><p>c</p>"); got != 1 {
		t.Errorf("entities: %d", got)
	}
	if got := readMinutesHTML("<img src=x><br>"); got != 0 {
		t.Errorf("no text: %d, want 0", got)
	}
}

func TestStatedMinutes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"7 Min Read", 7},
		{"Posted Jan 3 · 12 min read", 12},
		{"a 5-minute read", 5},
		{"Lesezeit: 4 Minuten", 4},
		{"Reading time: 3 min", 3},
		{"Temps de lecture : 2 min", 2},
		{"in 7 minutes we read", 0},
		{"no time here", 0},
		{strings.Repeat("the minimum administration of minutes ", 300) + "Jane Doe · 9 min read", 9},
		{"3 min read, then 8 min read", 3},
		{"Lesezeit: 6 Min. and later 2 min read", 6},
		{"", 0},
	} {
		if got := StatedMinutes(tc.in); got != tc.want {
			t.Errorf("StatedMinutes(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
	if got := statedFromLabel("Est. reading time", "7 minutes"); got != 7 {
		t.Errorf("Yoast label: %d", got)
	}
	if got := statedFromLabel("Written by", "Jane"); got != 0 {
		t.Errorf("other label: %d", got)
	}
}

// readMinutesRef is ReadMinutes before its ASCII table: rune by rune
// through the unicode classes.
func readMinutesRef(text string) int {
	words, cjk := 0, 0
	inWord := false
	for _, r := range text {
		switch {
		case isCJK(r):
			cjk++
			inWord = false
		case unicode.IsSpace(r) || (unicode.IsPunct(r) && r != '\'' && r != '-' && r != '’'):
			inWord = false
		default:
			if !inWord && (unicode.IsLetter(r) || unicode.IsNumber(r)) {
				words++
				inWord = true
			}
		}
	}
	if words == 0 && cjk == 0 {
		return 0
	}
	num := words*CJKCharsPerMinute + cjk*WordsPerMinute
	den := WordsPerMinute * CJKCharsPerMinute
	return max(1, (num+den-1)/den)
}

// TestReadMinutesASCIITable: the ASCII fast path counts as the unicode
// classes do, on every ASCII byte next to words and on mixed text.
func TestReadMinutesASCIITable(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("ab1 \t\n'-’.,;:!?()[]{}\"/\\@#$%^&*_+=<>|~`é中ü\u00a0\u2014\xff")
	for range 600 {
		var b strings.Builder
		for range r.IntN(1000) {
			b.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		if r.IntN(4) == 0 {
			b.WriteString(words(r.IntN(600)))
		}
		s := b.String()
		if got, want := ReadMinutes(s), readMinutesRef(s); got != want {
			t.Fatalf("ReadMinutes(%.80q) = %d, the rune-by-rune count gives %d", s, got, want)
		}
	}
	for c := range 128 {
		s := strings.Repeat("word"+string(rune(c))+"x ", 300)
		if got, want := ReadMinutes(s), readMinutesRef(s); got != want {
			t.Errorf("byte %#x: ReadMinutes = %d, want %d", c, got, want)
		}
	}
}

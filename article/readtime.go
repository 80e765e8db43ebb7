package article

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Reading rates, from Miniflux (internal/reader/readingtime): 265 words a
// minute for scripts that separate words with spaces, 500 characters a
// minute for Chinese, Japanese and Korean.
const (
	WordsPerMinute    = 265
	CJKCharsPerMinute = 500
)

// isCJK reports the characters timed one by one: Han, Hiragana, Katakana and
// Hangul (Miniflux times Korean by characters too).
func isCJK(r rune) bool {
	if r < 0x1100 { // below Hangul Jamo: no CJK script
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// ReadRates are the reading speeds read times are counted at ([feed]
// words_per_minute and cjk_characters_per_minute); a zero field is its
// default, WordsPerMinute or CJKCharsPerMinute.
type ReadRates struct {
	WordsPerMinute    int
	CJKCharsPerMinute int
}

// minutes is the read time of words words and cjk CJK characters at r:
// ceil(words/wpm + cjk/cpm), in integers; at least 1 when there is any
// text, 0 when there is none.
func (r ReadRates) minutes(words, cjk int) int {
	if words == 0 && cjk == 0 {
		return 0
	}
	wpm, cpm := r.WordsPerMinute, r.CJKCharsPerMinute
	if wpm <= 0 {
		wpm = WordsPerMinute
	}
	if cpm <= 0 {
		cpm = CJKCharsPerMinute
	}
	num := words*cpm + cjk*wpm
	den := wpm * cpm
	return max(1, (num+den-1)/den)
}

// ReadMinutes times plain text at the default rates: its CJK characters at
// CJKCharsPerMinute plus its other words at WordsPerMinute, so mixed text is
// timed per script and the parts added. Whole minutes, rounded up; at least 1
// when there is any text, 0 when there is none.
func ReadMinutes(text string) int { return ReadRates{}.Minutes(text) }

// Minutes is ReadMinutes at r.
func (r ReadRates) Minutes(text string) int {
	words, cjk := countRead(text)
	return r.minutes(words, cjk)
}

// countRead counts text's words and CJK characters as read times time them.
func countRead(text string) (words, cjk int) {
	inWord := false
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			// ASCII, most of any text: a table instead of the unicode
			// classes (the same answers: TestReadMinutesASCIITable).
			switch asciiClass[c] {
			case asciiBreak:
				inWord = false
			case asciiWordChar:
				if !inWord {
					words++
					inWord = true
				}
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
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
	return words, cjk
}

// countReadHTML counts an HTML body's words and CJK characters, leaving out
// share bars, comment sections and other furniture (see readableText).
func countReadHTML(fragment string) (words, cjk int) {
	return countRead(readableText(fragment))
}

// ASCII classes for ReadMinutes: a break ends a word, a word character
// starts one, anything else (an apostrophe, a hyphen, a symbol) does
// neither.
const (
	asciiOther = iota
	asciiBreak
	asciiWordChar
)

var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := range rune(utf8.RuneSelf) {
		switch {
		case unicode.IsSpace(c) || (unicode.IsPunct(c) && c != '\'' && c != '-'):
			t[c] = asciiBreak
		case unicode.IsLetter(c) || unicode.IsNumber(c):
			t[c] = asciiWordChar
		}
	}
	return t
}()

// reStated matches a stated reading time: "7 min read", "5-minute read",
// "Lesezeit: 4 Minuten", "Reading time: 3 min", "temps de lecture : 2 min".
var reStated = regexp.MustCompile(`(?i)(?:\b(\d{1,3})\s*[-‑ ]?\s*(?:min|mins|minutes?|minuten?)\.?\s*(?:read|reading\b|lesezeit|de lecture|lectura)|(?:reading time|read time|lesezeit|lesedauer|temps de lecture|tiempo de lectura|est\. reading time)\s*[:：]?\s*(?:ca\.\s*)?(\d{1,3})\s*(?:min|mins|minutes?|minuten?)\b)`)

// statedKeys are the words every stated reading time contains (ASCII, lower
// case): the expression runs only around them, which keeps long texts cheap.
var statedKeys = []string{"min", "lesezeit", "lesedauer", "lecture", "lectura", "read time", "reading time"}

// maxStatedProbes bounds how many keyword hits one text gets checked at.
const maxStatedProbes = 20000

// StatedMinutes finds the first stated "N min read" in plain text, 0 when
// none.
func StatedMinutes(text string) int {
	lower := asciiLower(text)
	bestPos, bestN, probes := -1, 0, 0
	for _, k := range statedKeys {
		for from := 0; probes < maxStatedProbes; probes++ {
			i := strings.Index(lower[from:], k)
			if i < 0 {
				break
			}
			i += from
			from = i + len(k)
			if bestPos >= 0 && i > bestPos+64 {
				break // past a match already found
			}
			lo, hi := runeStart(text, i-48), runeStart(text, i+len(k)+48)
			if !strings.ContainsAny(text[max(lo, i-16):min(hi, i+len(k)+32)], "0123456789") {
				continue // no number near: not a stated time
			}
			m := reStated.FindStringSubmatchIndex(text[lo:hi])
			if m == nil {
				continue
			}
			if n := statedValue(text[lo:hi], m); n > 0 && (bestPos < 0 || lo+m[0] < bestPos) {
				bestPos, bestN = lo+m[0], n
			}
			break // this key's first match is its earliest
		}
	}
	return bestN
}

// statedValue reads the minutes captured by reStated.
func statedValue(s string, m []int) int {
	for g := 1; 2*g+1 < len(m); g++ {
		if m[2*g] < 0 {
			continue
		}
		if n, err := strconv.Atoi(s[m[2*g]:m[2*g+1]]); err == nil && n > 0 && n < 1000 {
			return n
		}
	}
	return 0
}

// asciiLower lower-cases ASCII letters only, so byte offsets stay those of s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// runeStart clamps i into s and moves it back to the start of a rune.
func runeStart(s string, i int) int {
	i = max(0, min(i, len(s)))
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// statedFromLabel reads Yoast's "Est. reading time" twitter label value
// ("7 minutes"), 0 when it is not one.
func statedFromLabel(label, data string) int {
	if !strings.Contains(strings.ToLower(label), "reading time") && !strings.Contains(strings.ToLower(label), "lesezeit") {
		return 0
	}
	f := strings.Fields(data)
	if len(f) == 0 {
		return 0
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n <= 0 || n >= 1000 {
		return 0
	}
	return n
}

// MinFeedBodyWords is how many words a feed's text needs to count as the
// article's body when nothing else says so (no separate content, or content
// that only repeats the description). Summaries are shorter: WordPress
// excerpts are 55 words, news standfirsts one or two sentences.
const MinFeedBodyWords = 150

// reTruncated is the end of a text that stops before the article does: an
// ellipsis, "[…]", or a "Read more" / "Continue reading" link, in the
// languages feeds write them in.
var reTruncated = regexp.MustCompile(`(?i)(?:…|\.\.\.|\[\s*(?:…|\.\.\.)\s*\]|\(\s*(?:…|\.\.\.)\s*\)|\bread (?:more|on|the (?:full|rest))\b.*|\bcontinue(?:s)? reading\b.*|\bkeep reading\b.*|\b(?:weiterlesen|mehr lesen|zum artikel|lire la suite|la suite|leer más|seguir leyendo|lees verder|leggi (?:tutto|di più))\b.*)\W*$`)

// reAppeared is the footer WordPress SEO plugins append to every feed text,
// excerpt or full: "The post TITLE appeared first on SITE."
var reAppeared = regexp.MustCompile(`(?is)\s*the post .{0,300} appeared first on .{0,200}$`)

// appearedWindow bounds, in bytes, the tail that can hold reAppeared's
// match: "the post " and " appeared first on " with at most 500 runes of
// up to 4 bytes between and after them. Leading white space the match may
// also take from before the window is left to collapseSpace.
const appearedWindow = 9 + 19 + 500*4

// dropAppeared removes reAppeared's footer from the end of s. The regular
// expression alone, tried at every position of every item's text, was a
// third of a first fetch's CPU; only a tail that says "appeared" can match.
func dropAppeared(s string) string {
	i := runeStart(s, len(s)-appearedWindow)
	tail := s[i:]
	if !strings.Contains(strings.ToLower(tail), "appeared") {
		return s
	}
	return s[:i] + reAppeared.ReplaceAllString(tail, "")
}

// FeedBody decides whether an item's text is the article's body, from which
// a read time may be counted, or only a summary, which gives none. content
// and description are plain text (content:encoded / Atom content / JSON
// content_html, and the RSS description / Atom summary / JSON summary). It
// returns the body and true when:
//
//   - content has text, is neither equal to the description nor a prefix of
//     it (a summary repeated), and does not end truncated ("…", "[…]",
//     "Read more", "Continue reading", "Weiterlesen", "Lire la suite"…);
//   - else the fuller of the two is untruncated and holds at least
//     MinFeedBodyWords words (a full text in the description).
func FeedBody(content, description string) (string, bool) {
	c := collapseSpace(dropAppeared(content))
	d := collapseSpace(dropAppeared(description))
	if c != "" && !strings.HasPrefix(d, c) && !truncated(c) {
		return c, true
	}
	t := c
	if len(d) > len(t) {
		t = d
	}
	if t == "" || truncated(t) || countWords(t) < MinFeedBodyWords {
		return "", false
	}
	return t, true
}

// truncated reports a text that ends before its article does.
func truncated(t string) bool {
	tail := t[runeStart(t, len(t)-80):]
	return mayBeTruncated(tail) && reTruncated.MatchString(tail)
}

// truncationWords are strings one of which every match of reTruncated
// holds, in lower case: most texts have none in their tail, and the
// expression, tried at each of its positions, was a tenth of a first
// fetch's CPU.
var truncationWords = []string{"…", "...", "read", "continue", "keep", "weiterlesen", "mehr", "zum", "lire", "suite", "leer", "seguir", "lees", "leggi",
	"ſ"} // the long s, which (?i) folds to s and strings.ToLower keeps

// mayBeTruncated reports whether reTruncated can match tail.
func mayBeTruncated(tail string) bool {
	lower := strings.ToLower(tail)
	for _, w := range truncationWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// countWords counts words as ReadMinutes does, CJK characters as a word
// each, stopping at limit+1.
func countWords(t string) int {
	n, inWord := 0, false
	for _, r := range t {
		switch {
		case isCJK(r):
			n++
			inWord = false
		case unicode.IsSpace(r):
			inWord = false
		case !inWord && (unicode.IsLetter(r) || unicode.IsNumber(r)):
			n++
			inWord = true
		}
	}
	return n
}

// readMinutesHTML times an HTML body at the default rates.
func readMinutesHTML(fragment string) int { return ReadRates{}.minutes(countReadHTML(fragment)) }

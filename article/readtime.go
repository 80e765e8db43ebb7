package article

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
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
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// ReadMinutes times plain text: its CJK characters at CJKCharsPerMinute plus
// its other words at WordsPerMinute, so mixed text is timed per script and
// the parts added. Whole minutes, rounded up; at least 1 when there is any
// text, 0 when there is none.
func ReadMinutes(text string) int {
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
	// minutes = ceil(words/265 + cjk/500), in integers.
	num := words*CJKCharsPerMinute + cjk*WordsPerMinute
	den := WordsPerMinute * CJKCharsPerMinute
	return max(1, (num+den-1)/den)
}

// readMinutesHTML times an HTML body, leaving out share bars, comment
// sections and other furniture (see readableText).
func readMinutesHTML(fragment string) int {
	return ReadMinutes(readableText(fragment))
}

// reStated matches a stated reading time: "7 min read", "5-minute read",
// "Lesezeit: 4 Minuten", "Reading time: 3 min", "temps de lecture : 2 min".
var reStated = regexp.MustCompile(`(?i)(?:\b(\d{1,3})\s*[-‑ ]?\s*(?:min|mins|minutes?|minuten?)\.?\s*(?:read|reading\b|lesezeit|de lecture|lectura)|(?:reading time|read time|lesezeit|lesedauer|temps de lecture|tiempo de lectura|est\. reading time)\s*[:：]?\s*(?:ca\.\s*)?(\d{1,3})\s*(?:min|mins|minutes?|minuten?)\b)`)

// StatedMinutes finds a stated "N min read" in plain text, 0 when none.
func StatedMinutes(text string) int {
	m := reStated.FindStringSubmatch(text)
	if m == nil {
		return 0
	}
	for _, g := range m[1:] {
		if n, err := strconv.Atoi(g); err == nil && n > 0 && n < 1000 {
			return n
		}
	}
	return 0
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

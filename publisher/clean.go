package publisher

import (
	"strings"
	"unicode/utf8"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// clean makes s safe to emit in XML and JSON: invalid UTF-8 becomes U+FFFD,
// and characters XML 1.0 forbids or parsers choke on (C0 controls but tab,
// newline and carriage return; C1 controls; U+FFFE, U+FFFF) are dropped.
// gorilla/feeds writes them raw, even inside CDATA, which breaks every
// parser downstream.
func clean(s string) string {
	if isClean(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if badRune(r) {
			return -1
		}
		return r
	}, s)
}

func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return false
		}
		if c >= utf8.RuneSelf {
			if !utf8.ValidString(s[i:]) {
				return false
			}
			for _, r := range s[i:] {
				if badRune(r) {
					return false
				}
			}
			return true
		}
	}
	return true
}

func badRune(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x20, r >= 0x7f && r <= 0x9f, r == 0xfffe, r == 0xffff:
		return true
	}
	return false
}

func cleanAll(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = strings.TrimSpace(clean(s)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// cleanArticle returns a copy of a with every emitted string cleaned.
func cleanArticle(a article.Article) article.Article {
	a.Title = clean(a.Title)
	a.Link = clean(a.Link)
	a.Summary = clean(a.Summary)
	a.Content = clean(a.Content)
	a.Authors = cleanAll(a.Authors)
	a.Categories = cleanAll(a.Categories)
	if len(a.Enclosures) > 0 {
		encs := make([]article.Enclosure, 0, len(a.Enclosures))
		for _, e := range a.Enclosures {
			e.URL, e.Type = clean(e.URL), clean(e.Type)
			if e.URL != "" {
				encs = append(encs, e)
			}
		}
		a.Enclosures = encs
	}
	return a
}

func cleanState(s store.SourceState) store.SourceState {
	s.Title = clean(s.Title)
	s.Link = clean(s.Link)
	s.URL = clean(s.URL)
	s.EffectiveURL = clean(s.EffectiveURL)
	return s
}

package store

import (
	"slices"
	"strings"

	"github.com/tributary-feeds/tributary/article"
)

// Filter narrows Newest. The zero Filter matches every article.
//
// It is a description, not code, so that every backend can run it where the
// articles are (the embedded one in Go, a database in its query language);
// Matches is its meaning.
type Filter struct {
	// Sources, when not empty, keeps only articles of these sources (the
	// publisher maps tags to sources). Up to 64 sources are read from the
	// per-source index, so the cost follows n even when they are a tiny
	// part of the store; a larger set walks the overall index, skipping
	// other sources' articles within the MaxScan bound.
	Sources []string

	// Tags, when not empty, also keeps the articles a [[rule]] tagged with
	// one of them (article.RuleTags), whatever their source: with Sources,
	// an article is kept when it is of one of them or so tagged. Newest
	// then walks the overall index, within the MaxScan bound.
	Tags []string

	// Include, when it has a keyword, keeps only articles whose text holds
	// at least one of them; Exclude drops articles whose text holds any of
	// its keywords. The text is the title, the summary's and the content's
	// text (article.SanitizedText), joined by newlines; keywords match
	// anywhere in it, ignoring case (strings.ToLower of both). Keywords are
	// trimmed of white space; empty ones are ignored.
	Include, Exclude []string

	// MinReadTime and MaxReadTime, when positive, keep only articles whose
	// shown read time (minutes: counted from the body, else stated by the
	// publisher; article.ShownReadTime) is at least, and at most, that. An
	// article of neither matches no bound: a filter with a bound leaves it
	// out.
	MinReadTime, MaxReadTime int

	// No index serves Include, Exclude or the read-time bounds: Newest
	// walks newest first and gives up after rejecting MaxScan candidates
	// (default DefaultMaxScan), so that a filter that matches little cannot
	// make a request walk the whole store. It then returns what it found
	// and a cursor after the last candidate it looked at.
	MaxScan int
}

// Matches reports whether a passes f's tests on the article itself (all but
// Sources, which Newest serves from its indexes, unless Tags is set: then
// Sources-or-Tags is tested here).
func (f Filter) Matches(a *article.Article) bool {
	m := f.matcher()
	return m == nil || m.match(a)
}

// matcher is f's article tests prepared once for a walk; nil when f has
// none.
type matcher struct {
	include, exclude []string // lowered
	minRT, maxRT     int
	// With Tags: an article of none of sources must carry one of tags.
	sources, tags []string
}

func (f Filter) matcher() *matcher {
	m := &matcher{include: lowerAll(f.Include), exclude: lowerAll(f.Exclude), minRT: max(f.MinReadTime, 0), maxRT: max(f.MaxReadTime, 0)}
	if len(f.Tags) > 0 {
		m.sources, m.tags = f.Sources, f.Tags
	}
	if len(m.include) == 0 && len(m.exclude) == 0 && m.minRT == 0 && m.maxRT == 0 && len(m.tags) == 0 {
		return nil
	}
	return m
}

func (m *matcher) match(a *article.Article) bool {
	if len(m.tags) > 0 && !slices.Contains(m.sources, a.Source) &&
		!slices.ContainsFunc(article.RuleTags(a), func(t string) bool { return slices.Contains(m.tags, t) }) {
		return false
	}
	if m.minRT > 0 || m.maxRT > 0 {
		if rt, _ := a.ShownReadTime(); rt <= 0 || rt < m.minRT || m.maxRT > 0 && rt > m.maxRT {
			return false
		}
	}
	if len(m.include) == 0 && len(m.exclude) == 0 {
		return true
	}
	text := SearchText(a)
	for _, k := range m.exclude {
		if strings.Contains(text, k) {
			return false
		}
	}
	if len(m.include) == 0 {
		return true
	}
	for _, k := range m.include {
		if strings.Contains(text, k) {
			return true
		}
	}
	return false
}

// SearchText is the text keywords are looked for in: the title, the
// summary's and the content's text (article.SanitizedText), joined by
// newlines, lowered. A backend that runs filters in its query stores it.
func SearchText(a *article.Article) string {
	return strings.ToLower(a.Title + "\n" + article.SanitizedText(a.Summary) + "\n" + article.SanitizedText(a.Content))
}

// Keywords are f's Include and Exclude keywords as Matches compares them:
// trimmed, lowered, the empty ones left out.
func (f Filter) Keywords() (include, exclude []string) {
	return lowerAll(f.Include), lowerAll(f.Exclude)
}

func lowerAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

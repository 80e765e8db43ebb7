package publisher

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// clean makes s safe to emit in XML and JSON: gorilla/feeds writes control
// characters and invalid UTF-8 raw, even inside CDATA, which breaks every
// parser downstream. Articles are cleaned when normalised; this is the last
// line, for whatever reached the store another way. Invalid bytes become
// U+FFFD here, so that a reader sees something was lost.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return article.CleanText(s)
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
	a.CommentsURL = clean(a.CommentsURL)
	a.CommentsPage = clean(a.CommentsPage)
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
	s.URL = clean(s.URL)
	s.EffectiveURL = clean(s.EffectiveURL)
	s.Link = siteLink(s.FeedURL(), clean(s.Link))
	return s
}

// siteLink is a feed's home page as published: resolved against the feed's
// URL (feeds write "/blog/", which in our documents would point at us), and
// "" when it is not an http(s) URL then.
func siteLink(feedURL, link string) string {
	if link == "" {
		return ""
	}
	ref, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return ""
	}
	if !ref.IsAbs() {
		base, err := url.Parse(feedURL)
		if err != nil || !base.IsAbs() {
			return ""
		}
		ref = base.ResolveReference(ref)
	}
	if (ref.Scheme != "http" && ref.Scheme != "https") || ref.Host == "" {
		return ""
	}
	return ref.String()
}

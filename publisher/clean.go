package publisher

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/internal/redact"
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

// webURL is s cleaned, if article.SafeURL allows it outside content (http,
// https or relative), else "": every URL the renderers emit goes through
// it, or through cleanArticle and cleanState, which use it.
func webURL(s string) string { return article.SafeURL(article.URLWeb, clean(s)) }

// cleanArticle returns a copy of a with every emitted string cleaned, every
// URL field allowed by article.SafeURL (else dropped), and the URLs in its
// HTML checked again (article.FilterURLs): articles stored before a rule
// changed are published under the current one.
func cleanArticle(a article.Article) article.Article {
	a.Title = clean(a.Title)
	a.Link = webURL(a.Link)
	a.CommentsURL = webURL(a.CommentsURL)
	a.CommentsPage = webURL(a.CommentsPage)
	a.Summary = article.FilterURLs(clean(a.Summary))
	a.Content = article.FilterURLs(clean(a.Content))
	a.Authors = cleanAll(a.Authors)
	a.Categories = cleanAll(a.Categories)
	if len(a.Enclosures) > 0 {
		encs := make([]article.Enclosure, 0, len(a.Enclosures))
		for _, e := range a.Enclosures {
			e.URL, e.Type = webURL(e.URL), clean(e.Type)
			if e.URL != "" {
				encs = append(encs, e)
			}
		}
		a.Enclosures = encs
	}
	return a
}

// cleanState returns a copy of s as it may be published: its feed URLs
// without credentials (redact.PublicURL) and every URL allowed by
// article.SafeURL.
func cleanState(s store.SourceState) store.SourceState {
	s.Title = clean(s.Title)
	s.URL = webURL(redact.PublicURL(s.URL))
	if s.EffectiveURL != "" {
		s.EffectiveURL = webURL(redact.PublicURL(s.EffectiveURL))
	}
	s.Link = webURL(siteLink(s.FeedURL(), clean(s.Link)))
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

// safeLinks passes the document's own links through webURL.
func (d *document) safeLinks() {
	for _, u := range []*string{&d.Base, &d.Self, &d.First, &d.Next, &d.Previous, &d.Hub, &d.Icon} {
		*u = webURL(*u)
	}
}

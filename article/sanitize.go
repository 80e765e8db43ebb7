package article

import (
	"net/url"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// policy is the one sanitising policy for every HTML field: bluemonday's UGC
// policy (paragraphs, headings, lists, links, images, figures, blockquotes,
// code, tables; no script, style, iframe, object, form or event handler),
// links forced to rel="nofollow noreferrer", URLs that do not parse dropped.
// Its scheme check asks SafeURL whether any place allows the URL;
// FilterURLs then judges each URL for its own place (data: only in <img
// src>, mailto only in links) and every srcset candidate, which bluemonday
// does not look at.
var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoReferrerOnLinks(true)
	p.RequireParseableURLs(true)
	anyPlace := func(u *url.URL) bool {
		s := u.String()
		return SafeURL(URLLink, s) != "" || SafeURL(URLImage, s) != ""
	}
	for _, scheme := range []string{"http", "https", "mailto", "data"} {
		p.AllowURLSchemeWithCustomPolicy(scheme, anyPlace)
	}
	p.AllowElements("figure", "figcaption", "picture", "mark", "details", "summary", "time")
	p.AllowAttrs("datetime").OnElements("time")
	p.AllowAttrs("srcset", "sizes").OnElements("img", "source")
	p.AllowAttrs("src", "type").OnElements("source")
	return p
})

// Sanitize makes fragment safe to republish: invalid UTF-8 and control
// characters dropped, relative URLs made absolute against base (nil: left
// relative), then the policy above applied and every URL checked for its
// place (FilterURLs).
func Sanitize(fragment string, base *url.URL) string {
	fragment = CleanText(fragment)
	if strings.TrimSpace(fragment) == "" {
		return ""
	}
	if !strings.ContainsAny(fragment, "<&\r") {
		// Plain text: no URL to make absolute, and the policy would only
		// escape it (its tokenizer decodes nothing here). Half the fields
		// of a feed (most descriptions) are this; parsing them twice cost
		// a tenth of a fetch.
		return strings.TrimSpace(CleanText(html.EscapeString(fragment)))
	}
	if base != nil {
		fragment = absolutiseFragment(fragment, base)
	}
	return strings.TrimSpace(CleanText(FilterURLs(policy().Sanitize(fragment))))
}

// absolutiseFragment parses fragment as the body of a document, rewrites its
// URLs and renders it back.
func absolutiseFragment(fragment string, base *url.URL) string {
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		return fragment
	}
	var b strings.Builder
	for _, n := range nodes {
		absolutise(n, base)
		if err := html.Render(&b, n); err != nil {
			return fragment
		}
	}
	return b.String()
}

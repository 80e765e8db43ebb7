package article

import (
	"net/url"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
)

// policy is the one sanitising policy for every HTML field: bluemonday's UGC
// policy (paragraphs, headings, lists, links, images, figures, blockquotes,
// code, tables; no script, style, iframe, object, form or event handler),
// links forced to rel="nofollow noreferrer", URLs that do not parse dropped.
// Its scheme check asks SafeURL whether any place allows the URL; the token
// pass before it (scanHTML) has judged each URL for its own place (data:
// only in <img src>, mailto only in links) and every srcset candidate,
// which bluemonday does not look at.
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
// relative), every URL checked for its place (SafeURL) and markup balanced
// (scanHTML), then the policy above applied.
func Sanitize(fragment string, base *url.URL) string {
	safe, _ := sanitizeTimed(fragment, base, false)
	return safe
}

// sanitizeTimed is Sanitize and, from the same token pass when wantText,
// the fragment's readable text (readableText's).
func sanitizeTimed(fragment string, base *url.URL, wantText bool) (safe, text string) {
	fragment = CleanText(fragment)
	if strings.TrimSpace(fragment) == "" {
		return "", fragment
	}
	if !strings.ContainsAny(fragment, "<&\r") {
		// Plain text: no URL to make absolute, and the policy would only
		// escape it (its tokenizer decodes nothing here). Half the fields
		// of a feed (most descriptions) are this; parsing them twice cost
		// a tenth of a fetch.
		return strings.TrimSpace(CleanText(html.EscapeString(fragment))), fragment
	}
	// The pass has judged every URL for its place (SafeURL, what
	// FilterURLs would do again here); the policy only drops. The publisher
	// runs FilterURLs on every render still, for HTML stored before a rule
	// changed.
	sc := scanHTML(fragment, base, true, wantText)
	return strings.TrimSpace(CleanText(policy().Sanitize(sc.html))), sc.text
}

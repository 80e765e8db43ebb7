package article

import (
	"net/url"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// policy is the reference the pass's own policy (ugcFilter, policy.go) is
// held to: bluemonday's UGC policy (paragraphs, headings, lists, links,
// images, figures, blockquotes, code, tables; no script, style, iframe,
// object, form or event handler), links forced to rel="nofollow
// noreferrer", URLs that do not parse dropped, its scheme check asking
// SafeURL whether any place allows the URL, and our elements and
// attributes. Sanitize used it until the policy moved into the token pass;
// TestUGCFilterMatchesBluemonday and FuzzUGCFilterMatchesBluemonday compare
// the two byte for byte.
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

package article

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// Sanitize makes fragment safe to republish: invalid UTF-8 and control
// characters dropped, relative URLs made absolute against base (nil: left
// relative), every URL checked for its place (SafeURL), markup balanced and
// the sanitising policy applied, in one token pass (scanSafe; the policy is
// ugcFilter in policy.go: bluemonday's UGC policy, applied as bluemonday
// applies it, byte for byte).
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
		// escape it. Half the fields of a feed (most descriptions) are
		// this; parsing them cost a tenth of a fetch.
		return strings.TrimSpace(CleanText(html.EscapeString(fragment))), fragment
	}
	sc := scanSafe(fragment, base, wantText)
	return strings.TrimSpace(CleanText(sc.html)), sc.text
}

// Package redact keeps credentials in URLs out of what Tributary publishes
// and logs. Source URLs may carry them: https://user:pass@host/feed, or
// ?token=… for private feeds. The rule is one, here:
//
//   - Published URLs (PublicURL: OPML, each format's source link) drop the
//     userinfo and every query parameter whose name looks like a secret.
//   - Logged and shown URLs (LogURL, Text: log lines, errors, status) drop
//     the userinfo and replace such parameters' values with REDACTED, so
//     the operator still sees which parameter was sent.
//
// A name looks like a secret (SecretName) when one of its words (split at
// "_", "-", ".", digits and lowercase-to-uppercase changes) is one of
// token, key, apikey, secret, password, passwd, pass, pwd, passphrase,
// auth, authorization, sig, signature, credential(s), session, sessionid,
// sid, jwt, bearer, otp, hmac; or when the whole name,
// lowercased, ends in token, secret, password, passwd, apikey, signature
// or credential ("authtoken", "clientsecret"). So author, keyword, page and
// monkey are kept. Secrets in the path (https://host/feeds/SECRET/rss)
// cannot be told from a path and are kept.
package redact

import (
	"cmp"
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// Redacted replaces secret values in logged URLs.
const Redacted = "REDACTED"

var secretWords = map[string]bool{
	"token": true, "key": true, "apikey": true, "secret": true, "password": true, "passwd": true,
	"pass": true, "pwd": true, "passphrase": true, "auth": true, "authorization": true, "sig": true,
	"signature": true, "credential": true, "credentials": true, "session": true, "sessionid": true,
	"sid": true, "jwt": true, "bearer": true, "otp": true, "hmac": true,
}

var secretSuffixes = []string{"token", "secret", "password", "passwd", "apikey", "signature", "credential"}

// SecretName reports whether a query parameter called name holds a secret
// (the rule is in the package comment).
func SecretName(name string) bool {
	lower := strings.ToLower(name)
	for _, s := range secretSuffixes {
		if strings.HasSuffix(lower, s) {
			return true
		}
	}
	for _, w := range words(name) {
		if secretWords[w] {
			return true
		}
	}
	return false
}

// words splits a parameter name into lowercase words: at anything not a
// letter, and where a lowercase letter is followed by an uppercase one
// (apiKey, X-Amz-Signature, access_token).
func words(name string) []string {
	var out []string
	var cur []rune
	prevLower := false
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for _, r := range name {
		switch {
		case !unicode.IsLetter(r):
			flush()
			prevLower = false
			continue
		case unicode.IsUpper(r) && prevLower:
			flush()
		}
		cur = append(cur, r)
		prevLower = unicode.IsLower(r)
	}
	flush()
	return out
}

// PublicURL is raw as Tributary publishes it: without userinfo and without
// the query parameters SecretName picks out (the others keep their order
// and encoding). A fragment of name=value pairs is treated the same way.
// raw is returned unchanged when it does not parse as a URL with a host.
func PublicURL(raw string) string { return rewrite(raw, false) }

// LogURL is raw as Tributary logs and shows it: without userinfo, and the
// values of the query parameters SecretName picks out replaced by
// REDACTED.
func LogURL(raw string) string { return rewrite(raw, true) }

func rewrite(raw string, keep bool) string {
	u, err := url.Parse(raw)
	if err != nil {
		// Unparseable: the same rule, on the text.
		s := dropUserinfo(raw)
		if i := strings.IndexByte(s, '?'); i >= 0 {
			q, frag, hasFrag := strings.Cut(s[i+1:], "#")
			s = s[:i+1] + params(q, keep)
			if hasFrag {
				s += "#" + frag
			}
		}
		return s
	}
	if u.User == nil && u.RawQuery == "" && !strings.Contains(u.Fragment, "=") {
		return raw
	}
	u.User = nil
	u.RawQuery = params(u.RawQuery, keep)
	u.ForceQuery = false
	if strings.Contains(u.Fragment, "=") {
		u.RawFragment = params(u.EscapedFragment(), keep)
		if f, err := url.PathUnescape(u.RawFragment); err == nil {
			u.Fragment = f
		} else {
			u.Fragment, u.RawFragment = "", ""
		}
	}
	return u.String()
}

// params rewrites a query string: secret parameters dropped, or, with
// keep, their values replaced. Parameters are separated by "&" or, as some
// servers still read them, ";".
func params(q string, keep bool) string {
	if q == "" {
		return ""
	}
	var b strings.Builder
	sep := ""
	for q != "" {
		i := strings.IndexAny(q, "&;")
		p, next, nextSep := q, "", ""
		if i >= 0 {
			p, next, nextSep = q[:i], q[i+1:], q[i:i+1]
		}
		q = next
		k, _, hasValue := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		switch {
		case !SecretName(name):
		case keep && hasValue:
			p = k + "=" + Redacted
		case !keep:
			sep = cmp.Or(sep, nextSep) // the separator before the dropped one, if any
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
		sep = nextSep
	}
	return b.String()
}

// userinfoRE finds "scheme://userinfo@" in text that does not parse as a
// URL.
var userinfoRE = regexp.MustCompile(`(?i)([a-z][a-z0-9+.-]*://)[^/?#\s]*@`)

func dropUserinfo(s string) string { return userinfoRE.ReplaceAllString(s, "$1") }

// urlRE finds URLs in free text: a scheme, "://", then up to white space,
// a quote, a parenthesis or a brace, which end URLs in error messages.
var urlRE = regexp.MustCompile(`(?i)[a-z][a-z0-9+.-]*://[^\s"'<>(){}` + "`" + `]+`)

// Text is s with every URL in it rewritten by LogURL: for error messages,
// which quote the URLs they failed on (net/http's *url.Error does:
// Get "https://user:pass@host/feed?token=…": …).
func Text(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlRE.ReplaceAllStringFunc(s, func(m string) string {
		// A sentence's punctuation is not part of the URL.
		trimmed := strings.TrimRight(m, ".,;:!")
		return LogURL(trimmed) + m[len(trimmed):]
	})
}

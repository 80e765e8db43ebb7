package article

import (
	"bytes"
	"html"
	"net/url"
	"strconv"
	"strings"

	nethtml "golang.org/x/net/html"
)

// URLKind is the place a URL is emitted in, which decides the schemes it may
// have. Relative URLs (no scheme) are allowed in every place: they cannot
// run anything.
type URLKind int

const (
	// URLWeb is a URL a reader fetches or follows outside content: entry
	// links, enclosures, comment feeds, source and feed links, icons, and
	// in content srcset candidates, <source src> and cite. http and https.
	URLWeb URLKind = iota
	// URLLink is a link in content (<a href>, <area href>): http, https and
	// mailto.
	URLLink
	// URLImage is an image in content (<img src>): http, https, and data:
	// URLs of raster images (PNG, GIF, JPEG, WebP, AVIF), never SVG, which
	// can carry script.
	URLImage
)

// rasterImages are the data: media types URLImage allows.
var rasterImages = map[string]bool{
	"image/png": true, "image/gif": true, "image/jpeg": true, "image/webp": true, "image/avif": true,
}

// SafeURL is the one scheme allow-list of everything Tributary emits, in
// content and in every field of every format: it returns u, trimmed, when
// it may be emitted as a URL of kind, else "". u must parse (net/url).
//
// The scheme is judged as a browser would find it, and then some: after
// decoding HTML character references (repeatedly, so "&amp;#106;" counts as
// "j"), with every space and control character removed, case folded.
// "java\tscript:", " JaVaScRiPt:" and "&#106;avascript:" are all javascript:
// and refused.
func SafeURL(kind URLKind, u string) string {
	u = strings.TrimFunc(u, isSpaceOrControl)
	if u == "" {
		return ""
	}
	if _, err := url.Parse(u); err != nil {
		return ""
	}
	v := u
	for range 4 {
		if !schemeAllowed(kind, v) {
			return ""
		}
		next := html.UnescapeString(v)
		if next == v {
			return u
		}
		v = next
	}
	return "" // still decoding after four rounds: nothing legitimate does that
}

// schemeAllowed reports whether v's scheme, if it has one, is allowed for
// kind.
func schemeAllowed(kind URLKind, v string) bool {
	v = strings.Map(func(r rune) rune {
		if isSpaceOrControl(r) {
			return -1
		}
		return r
	}, v)
	scheme, rest, ok := splitScheme(v)
	if !ok {
		return true // relative
	}
	switch scheme {
	case "http", "https":
		return true
	case "mailto":
		return kind == URLLink
	case "data":
		if kind != URLImage {
			return false
		}
		mt, _, ok := strings.Cut(rest, ",")
		if !ok {
			return false // no data: a data URL without a comma is invalid
		}
		mt, _, _ = strings.Cut(mt, ";")
		return rasterImages[strings.ToLower(mt)]
	}
	return false
}

// splitScheme splits v at the colon ending its scheme (RFC 3986: a letter,
// then letters, digits, "+", "-" or "."); ok is false when v has none, and
// so is relative.
func splitScheme(v string) (scheme, rest string, ok bool) {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return strings.ToLower(v[:i]), v[i+1:], true
		default:
			return "", "", false
		}
	}
	return "", "", false
}

// isSpaceOrControl is what browsers strip around a URL (C0 controls and
// space) and, for schemes, what we also ignore inside one (DEL, C1).
func isSpaceOrControl(r rune) bool {
	return r <= ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f)
}

// urlAttrs are the attributes holding one URL (attrKind says which kind).
var urlAttrs = map[string]bool{
	"href": true, "src": true, "cite": true, "poster": true, "longdesc": true, "action": true,
	"formaction": true, "background": true, "data": true, "xlink:href": true, "lowsrc": true,
	"dynsrc": true, "ping": true, "icon": true, "manifest": true, "codebase": true, "profile": true,
	"usemap": true, "itemtype": true, "archive": true, "classid": true,
}

// attrKind is the kind of URL attribute key holds on element tag.
func attrKind(tag, key string) URLKind {
	switch {
	case key == "href" && (tag == "a" || tag == "area"):
		return URLLink
	case key == "src" && tag == "img":
		return URLImage
	}
	return URLWeb
}

// FilterURLs drops from sanitised HTML every URL attribute SafeURL refuses
// for its place, and every srcset candidate it refuses (the attribute goes
// when none is left). It is the sanitiser's last step and the publisher's
// last line for HTML stored before a rule changed. Tags holding only
// allowed URLs are copied byte for byte.
func FilterURLs(fragment string) string {
	if !strings.Contains(fragment, "<") {
		return fragment
	}
	z := nethtml.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	b.Grow(len(fragment))
	var raw []byte // the tag as written: Token unescapes z's buffer in place
	changed := false
	for {
		tt := z.Next()
		if tt == nethtml.ErrorToken {
			break // io.EOF; a tag cut off at the end is dropped, as browsers do
		}
		if tt != nethtml.StartTagToken && tt != nethtml.SelfClosingTagToken {
			b.Write(z.Raw())
			continue
		}
		raw = append(raw[:0], z.Raw()...)
		name, more := z.TagName()
		ok := true
		for more && ok {
			var k, v []byte
			k, v, more = z.TagAttr()
			ok = urlAllowed(string(name), string(k), string(v))
		}
		if ok {
			b.Write(raw)
			continue
		}
		// Rare: tokenise the tag again, as a Token, and keep what passes.
		changed = true
		tz := nethtml.NewTokenizer(bytes.NewReader(raw))
		tz.Next()
		tok := tz.Token()
		kept := tok.Attr[:0]
		for _, a := range tok.Attr {
			if a.Key == "srcset" {
				if a.Val = safeSrcset(a.Val); a.Val == "" {
					continue
				}
			} else if !urlAllowed(tok.Data, a.Key, a.Val) {
				continue
			}
			kept = append(kept, a)
		}
		tok.Attr = kept
		b.WriteString(tok.String())
	}
	if !changed && b.Len() == len(fragment) {
		return fragment
	}
	return b.String()
}

// urlAllowed reports whether attribute key of element tag, holding val,
// passes: it is no URL attribute, or SafeURL allows it for its place, or it
// is a srcset all of whose candidates SafeURL allows.
func urlAllowed(tag, key, val string) bool {
	switch {
	case key == "srcset":
		return safeSrcset(val) == val
	case urlAttrs[key]:
		return SafeURL(attrKind(tag, key), val) != ""
	}
	return true
}

// srcsetCandidate is one image candidate of a srcset attribute.
type srcsetCandidate struct{ url, descriptor string }

// parseSrcset splits a srcset attribute into its candidates as the HTML
// standard does: URLs end at white space, and a comma ends a candidate only
// after its URL, so data: URLs keep their commas.
func parseSrcset(v string) []srcsetCandidate {
	var out []srcsetCandidate
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
	i := 0
	for i < len(v) {
		for i < len(v) && (isSpace(v[i]) || v[i] == ',') {
			i++
		}
		if i >= len(v) {
			break
		}
		start := i
		for i < len(v) && !isSpace(v[i]) {
			i++
		}
		u := v[start:i]
		if strings.HasSuffix(u, ",") {
			out = append(out, srcsetCandidate{url: strings.TrimRight(u, ",")})
			continue
		}
		start = i
		depth := 0
		for i < len(v) && (v[i] != ',' || depth > 0) {
			switch v[i] {
			case '(':
				depth++
			case ')':
				depth = max(depth-1, 0)
			}
			i++
		}
		out = append(out, srcsetCandidate{url: u, descriptor: strings.TrimSpace(v[start:i])})
		i++ // the comma
	}
	return out
}

func formatSrcset(cs []srcsetCandidate) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.url)
		if c.descriptor != "" {
			b.WriteString(" " + c.descriptor)
		}
	}
	return b.String()
}

// validDescriptor reports a srcset candidate's descriptors as the HTML
// standard allows them (a width "100w", a density "1.5x", a future height
// "50h"), or none. A browser ignores a candidate with anything else; we drop
// it, so that no other text ("javascript:", say) rides along in srcset.
func validDescriptor(d string) bool {
	for _, f := range strings.Fields(d) {
		n, unit := f[:len(f)-1], f[len(f)-1]
		if unit != 'w' && unit != 'x' && unit != 'h' {
			return false
		}
		if n == "" || strings.Trim(n, "0123456789.eE+-") != "" {
			return false // not a number ("Inf", "0x1p3" and "1_0" parse as floats)
		}
		if v, err := strconv.ParseFloat(n, 64); err != nil || v <= 0 {
			return false
		}
	}
	return true
}

// safeSrcset keeps the candidates of a srcset whose URL SafeURL allows
// (URLWeb: no data: URLs in srcset); v unchanged when all are.
func safeSrcset(v string) string {
	cs := parseSrcset(v)
	kept := cs[:0]
	for _, c := range cs {
		if c.url != "" && SafeURL(URLWeb, c.url) != "" && validDescriptor(c.descriptor) {
			kept = append(kept, c)
		}
	}
	if len(kept) == len(cs) {
		return v
	}
	return formatSrcset(kept)
}

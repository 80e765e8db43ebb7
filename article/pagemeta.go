package article

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/PuerkitoBio/goquery"
)

// metaValues maps the lower-cased name, property or itemprop of each <meta>
// to its contents, in document order.
func metaValues(doc *goquery.Document) map[string][]string {
	out := map[string][]string{}
	doc.Find("meta").Each(func(_ int, s *goquery.Selection) {
		content, ok := s.Attr("content")
		if !ok {
			return
		}
		for _, attr := range []string{"name", "property", "itemprop"} {
			// RDFa lists several properties in one attribute:
			// property="dc:creator dcterms:creator".
			for _, k := range strings.Fields(s.AttrOr(attr, "")) {
				k = strings.ToLower(k)
				out[k] = append(out[k], content)
			}
		}
	})
	return out
}

// writtenByLabels are the twitter:labelN values Yoast and others write next
// to the author's name in twitter:dataN.
var writtenByLabels = []string{"written by", "geschrieben von", "verfasst von", "écrit par", "escrito por", "scritto da", "geschreven door", "autor", "autorin", "auteur", "author"}

// metaAuthorKeys are the <meta> names and properties that carry the byline,
// in order of trust.
var metaAuthorKeys = []struct{ key, from string }{
	{"author", FromMetaAuthor},
	{"dc.creator", FromDCMeta},
	{"dc:creator", FromDCMeta},
	{"dcterms.creator", FromDCMeta},
	{"dcterms:creator", FromDCMeta},
	{"article:author", FromArticleMeta},
	{"og:article:author", FromArticleMeta},
	{"parsely-author", FromMetaAuthor},
	{"sailthru.author", FromMetaAuthor},
	{"byl", FromMetaAuthor},
}

// pageAuthors finds the page's byline. Its order of trust: the metadata
// (JSON-LD author of the article node; <meta name="author">; Dublin Core;
// article:author; Yoast's "Written by" twitter label), then what the page
// shows (itemprop="author", rel="author", hCard fn; elements whose class or
// id names the author or byline; a "By NAME" line), then readability's
// byline (from the caller). Conflicts are settled against that order:
//
//   - when the metadata names the site or an organisation (JSON-LD
//     Organization, og:site_name, the publisher, the host, a newsroom or
//     company name) or a login slug ("sarah-indra"), and the page shows a
//     person's byline, the person is the author;
//   - when the metadata names one person and the page's own byline markup
//     (itemprop="author", an hCard) or its "By NAME" line names another, the
//     shown byline wins: it is what the publisher prints for readers, while
//     metadata is often the account that uploaded the post;
//   - a company ("Web Commerce GmbH") named only in the metadata is the web
//     agency, not an author, and a domain ("tagesschau.de") is the site: with
//     no person shown, no byline.
func pageAuthors(doc *goquery.Document, ld *jsonLD, meta map[string][]string, pageURL *url.URL) ([]string, string) {
	lang := pageLang(doc, ld, meta)
	names, from, org := metaAuthors(ld, meta, lang, pageURL)
	sites := siteNames(ld, meta, pageURL)
	var vis []string
	var visFrom string
	visSite := false
	if len(doc.Nodes) > 0 {
		vis, visFrom, visSite = visibleAuthor(doc.Nodes[0], lang, func(n []string) bool { return !isSiteName(n, sites) })
	}
	if len(vis) == 1 && reInitials.MatchString(vis[0]) && abbreviatesAccount(doc, vis[0]) {
		vis, visFrom, visSite = nil, "", false // "DT" for /author/donaldtownsend/: a name we cannot read
	}
	if len(names) == 0 {
		if len(vis) == 0 && len(doc.Nodes) > 0 {
			return postAuthorReply(doc.Nodes[0], lang)
		}
		return vis, visFrom // the site's name, or a blog's owner named as it
	}
	person := len(vis) > 0 && !visSite
	if allMatch(names, reDomain) && !person {
		return nil, "" // "tagesschau.de": the site, and no person shown
	}
	weak := org || isSiteName(names, sites) || allMatch(names, reOrgName) || allMatch(names, reSlug)
	switch {
	case person && weak:
		return vis, visFrom
	case person && (visFrom == FromByLine || visFrom == FromMicrodata || visFrom == FromHCard) && !sharesName(names, vis):
		return vis, visFrom
	case !org && allMatch(names, reCompany) && !isSiteName(names, sites):
		return nil, ""
	}
	return names, from
}

// reInitials is a byline of initials only ("DT", "J.D.").
var reInitials = regexp.MustCompile(`^(?:\p{Lu}\.?\s?){2,3}$`)

// abbreviatesAccount reports whether initials stand for the name of an
// author account the page links to (/author/SLUG/, ?author=…): the slug is
// longer, starts with the first initial and holds the others in order. Such
// a byline is an abbreviation the page shows, not the name, and a
// wrong-looking guess is worse than none.
func abbreviatesAccount(doc *goquery.Document, initials string) bool {
	want := []rune(squashName(initials))
	found := false
	doc.Find(`a[href*="/author/"]`).EachWithBreak(func(_ int, a *goquery.Selection) bool {
		href, _ := a.Attr("href")
		u, err := url.Parse(href)
		if err != nil {
			return true
		}
		seg := strings.Split(strings.Trim(u.Path, "/"), "/")
		slug := []rune(squashName(seg[len(seg)-1]))
		if len(slug) <= len(want) || len(want) == 0 || slug[0] != want[0] {
			return true
		}
		i := 0
		for _, r := range slug {
			if i < len(want) && r == want[i] {
				i++
			}
		}
		found = i == len(want)
		return !found
	})
	return found
}

// allMatch reports whether every name matches re.
func allMatch(names []string, re *regexp.Regexp) bool {
	for _, n := range names {
		if !re.MatchString(n) {
			return false
		}
	}
	return len(names) > 0
}

// sharesName reports whether two bylines name someone in common: a word of
// three letters or more of one name in the other's.
func sharesName(a, b []string) bool {
	words := map[string]bool{}
	for _, n := range a {
		for _, w := range strings.FieldsFunc(strings.ToLower(n), func(r rune) bool { return !unicode.IsLetter(r) }) {
			if len([]rune(w)) >= 3 {
				words[w] = true
			}
		}
	}
	for _, n := range b {
		for _, w := range strings.FieldsFunc(strings.ToLower(n), func(r rune) bool { return !unicode.IsLetter(r) }) {
			if words[w] {
				return true
			}
		}
	}
	return false
}

// metaAuthors is the byline the page's metadata gives, and whether it names
// only organisations.
func metaAuthors(ld *jsonLD, meta map[string][]string, lang string, pageURL *url.URL) ([]string, string, bool) {
	if n, org := ld.authors(lang); len(n) > 0 {
		return n, FromJSONLD, org
	}
	for _, c := range metaAuthorKeys {
		if n := cleanNames(ownNames(nonURLs(meta[c.key]), pageURL), lang); len(n) > 0 {
			return n, c.from, false
		}
	}
	for i := 1; i <= 4; i++ {
		n := string(rune('0' + i))
		labels, data := meta["twitter:label"+n], meta["twitter:data"+n]
		if len(labels) == 0 || len(data) == 0 {
			continue
		}
		l := strings.ToLower(strings.TrimSpace(labels[0]))
		for _, w := range writtenByLabels {
			if l == w {
				if names := cleanNames(data[:1], lang); len(names) > 0 {
					return names, FromTwitterData, false
				}
			}
		}
	}
	return nil, "", false
}

// pageLang is the language the page declares: <html lang>, else
// Content-Language, else og:locale, else JSON-LD inLanguage.
func pageLang(doc *goquery.Document, ld *jsonLD, meta map[string][]string) string {
	if l, ok := doc.Find("html").First().Attr("lang"); ok && baseLang(l) != "" {
		return baseLang(l)
	}
	for _, k := range []string{"content-language", "language", "og:locale", "dc.language"} {
		if v := meta[k]; len(v) > 0 && baseLang(v[0]) != "" {
			return baseLang(v[0])
		}
	}
	var l string
	doc.Find(`meta[http-equiv]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if h, _ := s.Attr("http-equiv"); strings.EqualFold(h, "content-language") {
			l = baseLang(s.AttrOr("content", ""))
		}
		return l == ""
	})
	if l != "" {
		return l
	}
	for _, n := range ld.nodes {
		if s, ok := n["inLanguage"].(string); ok && baseLang(s) != "" {
			return baseLang(s)
		}
	}
	return ""
}

// siteNames are the names the page gives its site, squashed (see
// squashName): the og:site_name, application-name, the JSON-LD publisher,
// WebSite and organisations, the page's host and its labels.
func siteNames(ld *jsonLD, meta map[string][]string, pageURL *url.URL) map[string]bool {
	sites := map[string]bool{}
	add := func(s string) {
		if k := squashName(s); len(k) >= 2 {
			sites[k] = true
		}
	}
	for _, k := range []string{"og:site_name", "application-name", "apple-mobile-web-app-title", "publisher", "twitter:site", "copyright"} {
		for _, v := range meta[k] {
			add(strings.TrimPrefix(v, "@"))
		}
	}
	for _, n := range ld.nodes {
		for _, t := range ldTypes(n) {
			if t == "WebSite" || strings.HasSuffix(t, "Organization") || t == "Corporation" {
				if s, ok := n["name"].(string); ok {
					add(s)
				}
			}
		}
		if p, ok := n["publisher"]; ok {
			for _, s := range ld.names(p, 0) {
				add(s)
			}
		}
	}
	if pageURL != nil {
		host := strings.TrimPrefix(strings.ToLower(pageURL.Hostname()), "www.")
		add(host)
		if i := strings.IndexByte(host, '.'); i > 0 {
			add(host[:i])
		}
		if parts := strings.Split(host, "."); len(parts) >= 2 {
			add(parts[len(parts)-2])
		}
	}
	return sites
}

// isSiteName reports a byline that names the site rather than a person:
// one of sites, a domain name ("LAOLA1.at", "tagesschau.de"), or a name
// holding a site name or held in one.
func isSiteName(names []string, sites map[string]bool) bool {
	for _, n := range names {
		k := squashName(n)
		if sites[k] || reDomain.MatchString(n) {
			continue
		}
		site := false
		for s := range sites {
			if len(s) >= 4 && (strings.Contains(k, s) || strings.Contains(s, k)) {
				site = true
				break
			}
		}
		if !site {
			return false
		}
	}
	return len(names) > 0
}

// reDomain is a name that is a domain ("mdr.de", "hessenschau.de, Frankfurt").
var reDomain = regexp.MustCompile(`(?i)\b[\p{L}\d-]+\.(?:de|at|ch|fr|com|net|org|eu|it|es|be|nl|uk|info|online|io|tv)\b`)

// squashName lower-cases s and keeps only its letters and digits, for
// comparing names with site names.
func squashName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// nonURLs drops values that are URLs (article:author is often a profile
// link, not a name).
func nonURLs(vs []string) []string {
	var out []string
	for _, v := range vs {
		if parseAbs(v) == nil && !strings.HasPrefix(strings.TrimSpace(v), "/") {
			out = append(out, v)
		}
	}
	return out
}

// ownNames drops values that sign with another site's address ("Jane Doe -
// http://janedoe-design.example"): that is the theme's or the web agency's
// credit, written once into every page's <head>, not the article's author.
func ownNames(vs []string, pageURL *url.URL) []string {
	var out []string
	for _, v := range vs {
		foreign := false
		for _, u := range reURL.FindAllString(v, -1) {
			if !strings.Contains(u, "://") {
				u = "http://" + u
			}
			pu, err := url.Parse(u)
			foreign = foreign || err != nil || pageURL == nil || !sameSite(pu.Hostname(), pageURL.Hostname())
		}
		if !foreign {
			out = append(out, v)
		}
	}
	return out
}

// sameSite reports whether two host names are one site, with or without
// "www." and subdomains of one another.
func sameSite(a, b string) bool {
	a, b = strings.TrimPrefix(strings.ToLower(a), "www."), strings.TrimPrefix(strings.ToLower(b), "www.")
	return a == b || strings.HasSuffix(a, "."+b) || strings.HasSuffix(b, "."+a)
}

// pageStated is the page's stated reading time: Yoast's "Est. reading time"
// twitter label, else an "N min read" in the page's text.
func pageStated(meta map[string][]string, text string) int {
	for i := 1; i <= 4; i++ {
		n := string(rune('0' + i))
		if len(meta["twitter:label"+n]) > 0 && len(meta["twitter:data"+n]) > 0 {
			if m := statedFromLabel(meta["twitter:label"+n][0], meta["twitter:data"+n][0]); m > 0 {
				return m
			}
		}
	}
	return StatedMinutes(text)
}

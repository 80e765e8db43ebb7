package article

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Origins of a byline, recorded in Article.From["author"], in order of trust:
// the item's own fields, then the channel's, then (when enriched) the page's.
const (
	FromAtomAuthor   = "atom:author"
	FromRSSAuthor    = "rss:author"
	FromDCCreator    = "dc:creator"
	FromITunesAuthor = "itunes:author"
	FromJSONFeed     = "jsonfeed:authors"
	FromChannel      = "channel"
	FromJSONLD       = "json-ld"
	FromMetaAuthor   = "meta:author"
	FromArticleMeta  = "article:author"
	FromTwitterData  = "twitter:data1"
	FromRelAuthor    = "rel-author"
	FromReadability  = "readability"
)

// maxBylineRunes bounds one author's name: longer strings are sentences, not
// names.
const maxBylineRunes = 100

var (
	reURL   = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s()<>\[\]]+`)
	reEmail = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}.\-]+\.\p{L}{2,}`)
	// reEmpty matches brackets left empty once URLs and emails are gone.
	reEmpty = regexp.MustCompile(`[(\[<{]\s*[)\]>}]`)
	// rePrefix is a leading "By", in the languages sources write it in.
	rePrefix = regexp.MustCompile(`(?i)^(?:(?:written|posted|published|text|words|story|reporting|report)\s+by|by|par|von|por|door|av|af|przez|autor(?:in)?|author|auteur|texte|tekst)\s*[:\-–—]?\s+`)
	// reRole is a line naming someone in another role than author.
	reRole = regexp.MustCompile(`(?i)^(?:edited|photographs?|photos?|illustrations?|images?|translated|fact[- ]checked|reviewed|medically reviewed)\s+by\b`)
	// reDateWord catches dates and "Updated …" / "Published …" strings.
	reDateWord = regexp.MustCompile(`(?i)^(?:last\s+)?(?:updated|modified|published|posted|aktualisiert|veröffentlicht|mis à jour|publié|actualizado|publicado)\b`)
	reMonth    = `(?:jan(?:uary|vier|uar)?|feb(?:ruary|ruar)?|févr(?:ier)?|mar(?:ch|s)?|märz|apr(?:il)?|avr(?:il)?|may|mai|jun(?:e|i)?|juin|jul(?:y|i)?|juil(?:let)?|aug(?:ust)?|août|sep(?:t(?:ember)?)?|oct(?:ober)?|okt(?:ober)?|nov(?:ember)?|dec(?:ember)?|dez(?:ember)?|déc(?:embre)?)\.?`
	reDate     = regexp.MustCompile(`(?i)(?:\b\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}\b|\b` + reMonth + `\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\b\d{1,2}\.?\s+` + reMonth + `\s+\d{4}|\b\d{1,2}:\d{2}\b)`)
	// reUpdatedAnywhere catches "… Updated" left once a date went.
	reUpdatedAnywhere = regexp.MustCompile(`(?i)\b(?:updated|aktualisiert|mis à jour)\b`)
	// reNotAName matches placeholders and button labels that pages put where
	// a byline goes.
	reNotAName = regexp.MustCompile(`(?i)^(?:admin|administrator|unknown|anonymous|n/?a|none|null|undefined|author|authors|staff|follow(?:\s+(?:author|me|us))?|subscribe|share|contact|view (?:profile|all posts)|see all|more|read more|about the author)$`)
	// reGluedDate is a date glued after a name ("Lucas Nolan22 Dec 2016").
	reGluedDate = regexp.MustCompile(`(?i)\s*\d{1,2}\s*` + reMonth + `\s*\d{4}.*$`)
	reTrim      = "|-–—:,;·•/\\*\"'“”‘’«» \t\n\r\u00a0"
	// reRoleTail is another role named after the author's ("… Edited by …").
	reRoleTail = regexp.MustCompile(`(?i)[\s,;]+(?:edited|photographs?|photos?|illustrations?|images?|translated|fact[- ]checked|reviewed|medically reviewed)\s+by\b.*$`)
)

// CleanByline turns a raw byline into the author names it holds: entities
// decoded, tags, URLs and emails dropped, "By"-style prefixes removed, white
// space collapsed, role lines ("Edited by …"), dates and "Updated …" strings
// rejected. Lines are read apart, so "By Jane Doe\nMarch 25, 2015" is
// "Jane Doe". It returns nil when nothing in raw is a name.
func CleanByline(raw string) []string {
	return slices.Clone(bylines.get(raw, cleanByline))
}

func cleanByline(raw string) []string {
	raw = CleanText(raw)
	if strings.ContainsAny(raw, "<&") {
		raw = htmlText(raw)
	}
	if i := strings.IndexByte(raw, '|'); i > 0 {
		raw = raw[:i] // "Jane Doe | Staff Writer"
	}
	var names []string
	pending := ""
	for _, line := range strings.FieldsFunc(raw, func(r rune) bool { return r == '\n' || r == '\r' }) {
		line = pending + line
		pending = ""
		if probe := collapseSpace(line) + " x"; strings.TrimSpace(line) != "" {
			if loc := rePrefix.FindStringIndex(probe); loc != nil && loc[1] == len(probe)-1 {
				pending = collapseSpace(line) + " " // a lone "By" line: it prefixes the next
				continue
			}
		}
		if n := cleanName(line); n != "" {
			names = append(names, n)
		}
	}
	if len(names) > 1 {
		// A name split over lines is still one byline.
		return []string{strings.Join(names, " ")}
	}
	return names
}

// cleanName cleans one line of a byline, "" when it is not a name.
func cleanName(s string) string {
	s = collapseSpace(s)
	s = reEmail.ReplaceAllString(s, " ")
	s = reURL.ReplaceAllString(s, " ")
	for i := 0; i < 3 && reEmpty.MatchString(s); i++ {
		s = reEmpty.ReplaceAllString(s, " ")
	}
	s = collapseSpace(s)
	s = trimName(s)
	if reRole.MatchString(s) || reDateWord.MatchString(s) {
		return ""
	}
	for i := 0; i < 2; i++ {
		if loc := rePrefix.FindStringIndex(s); loc != nil && loc[1] < len(s) {
			s = trimName(s[loc[1]:])
		}
	}
	s = reGluedDate.ReplaceAllString(s, "")
	s = reRoleTail.ReplaceAllString(s, "")
	// A date beside a name ("Nathan Willis March 25, 2015") goes, and
	// whatever follows it ("Updated …").
	if loc := reDate.FindStringIndex(s); loc != nil {
		if loc[0] > 0 {
			s = s[:loc[0]]
		} else {
			s = s[loc[1]:]
		}
		s = trimName(s)
		for i := 0; i < 2; i++ {
			if loc := rePrefix.FindStringIndex(s); loc != nil && loc[1] < len(s) {
				s = trimName(s[loc[1]:])
			}
		}
	}
	s = trimName(s)
	if s == "" || reDate.MatchString(s) || reDateWord.MatchString(s) || reUpdatedAnywhere.MatchString(s) {
		return ""
	}
	if strings.IndexFunc(s, unicode.IsLetter) < 0 || len([]rune(s)) > maxBylineRunes {
		return ""
	}
	if reNotAName.MatchString(s) {
		return ""
	}
	return s
}

// cleanNames cleans each raw name of a list of several authors, keeping
// their order and dropping repeats.
func cleanNames(raw []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range raw {
		for _, n := range CleanByline(r) {
			k := strings.ToLower(n)
			if !seen[k] {
				seen[k] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// trimName trims separators and quotes from both ends of s, and brackets
// that are left unbalanced ("Jane Doe (avec John Roe)" keeps its closing one).
func trimName(s string) string {
	for {
		t := strings.Trim(s, reTrim)
		for _, p := range []struct{ open, close string }{{"(", ")"}, {"[", "]"}, {"{", "}"}} {
			o, c := strings.Count(t, p.open), strings.Count(t, p.close)
			switch {
			case c > o && strings.HasSuffix(t, p.close):
				t = strings.TrimSuffix(t, p.close)
			case o > c && strings.HasPrefix(t, p.open):
				t = strings.TrimPrefix(t, p.open)
			case o > c && strings.HasSuffix(t, p.open):
				t = strings.TrimSuffix(t, p.open)
			case o == c && o == 1 && strings.HasPrefix(t, p.open) && strings.HasSuffix(t, p.close):
				t = t[1 : len(t)-1]
			}
		}
		if t == s {
			return t
		}
		s = t
	}
}

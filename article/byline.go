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
	FromDCMeta       = "dc:creator-meta"
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
	// rePrefix is a leading "By" in English, which is never part of a name,
	// or a label followed by a colon.
	rePrefix = regexp.MustCompile(`(?i)^(?:(?:(?:written|posted|published|text|words|story|reporting|report)\s+by|by|(?:(?:show|view|see)\s+)?(?:all\s+)?(?:articles|posts|stories)\s+(?:of|by)|(?:geschrieben|erstellt|verfasst|veröffentlicht|gespeichert|eingestellt|gepostet|text|ein beitrag|beitrag)\s+von|(?:écrit|rédigé|publié|texte|un article)\s+(?:par|de)|(?:escrito|publicado)\s+por)(?:\s*[:\-–—]\s*|\s+)|(?:autor(?:in)?|author|auteur|texte|text|tekst|verfasser(?:in)?|redakteur(?:in)?)\s*[:\-–—]\s*)`)
	// reRole is a line naming someone in another role than author.
	reRole = regexp.MustCompile(`(?i)^(?:(?:edited|photographs?|photos?|illustrations?|images?|translated|fact[- ]checked|reviewed|medically reviewed)\s+by\b|(?:fotos?|bilder?|illustrationen?|grafik|übersetzung|mitarbeit)\s*(?:von\b|:)|(?:photos?|illustrations?|traduction)\s*(?:de|par)\b)`)
	// reDateWord catches dates and "Updated …" / "Published …" strings.
	reDateWord = regexp.MustCompile(`(?i)^(?:last\s+)?(?:updated|modified|published|posted|aktualisiert|veröffentlicht|stand|mis à jour|publié|actualizado|publicado)\b`)
	reMonth    = `(?:jan(?:uary|vier|uar)?|feb(?:ruary|ruar)?|févr(?:ier)?|mar(?:ch|s)?|märz|apr(?:il)?|avr(?:il)?|may|mai|jun(?:e|i)?|juin|jul(?:y|i)?|juil(?:let)?|aug(?:ust)?|août|sep(?:t(?:ember)?)?|oct(?:ober)?|okt(?:ober)?|nov(?:ember)?|dec(?:ember)?|dez(?:ember)?|déc(?:embre)?)\.?`
	reDate     = regexp.MustCompile(`(?i)(?:\b\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}\b|\b` + reMonth + `\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\b\d{1,2}\.?\s+` + reMonth + `\s+\d{4}|\b\d{1,2}:\d{2}\b|\b` + reMonth + `\s+\d{4}\b|\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+\d{1,2}(?:st|nd|rd|th)?\b(?:\s+at\b)?)`)
	// reUpdatedAnywhere catches "… Updated" left once a date went.
	reUpdatedAnywhere = regexp.MustCompile(`(?i)\b(?:updated|aktualisiert|mis à jour|uhr)\b`)
	// reNotAName matches placeholders and button labels that pages put where
	// a byline goes.
	reNotAName = regexp.MustCompile(`(?i)^(?:admin|administrator|administrateur|webmaster|unknown|anonymous|anonym|n/?a|none|null|undefined|nobody|author|authors|autor|autoren|autorin|auteur|auteurs|verfasser|redaktion|rédaction|redacción|redazione|staff|team|editor|editors|beitrag|beiträge|post|posts|artikel|article|articles|agencies|agency|agencias|agenturen|wires?|quelle|source|by|von|par|follow(?:\s+\S+)?|subscribe|share|contact|kontakt|profile|profil|view (?:my )?(?:complete |full )?profile|afficher mon profil(?: complet)?|mein profil|vollständiges profil anzeigen|view all posts(?: by.*)?|all posts(?: by.*)?|alle (?:beiträge|artikel|posts)(?: von.*)?|tous les articles(?: de| par)?.*|autor[- ]archiv|author archive|posts by.*|see all|more|mehr|read more|weiterlesen|about the author|über den autor|über die autorin|à propos de l'auteur|datum|date|publiziert(?: am)?|veröffentlicht(?: am)?|erstellt(?: am)?|geschrieben(?: am)?|publié(?: le)?|posted(?: on)?|published(?: on)?|home|startseite|accueil|menu|search|suche|login|anmelden|log in|sign in|comments?|kommentare?|commentaires?|reply|antworten|répondre)$`)
	// reCount is a count a widget shows ("12 Kommentare", "3 posts").
	reCount = regexp.MustCompile(`(?i)^\d[\d.,]*\s*(?:\p{L}+\s*)?$`)
	// reWeekdayTail is a day named after the name ("… am Dienstag").
	reWeekdayTail = regexp.MustCompile(`(?i)\s+(?:am|on|le|el|op)\s+(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo)\b.*$`)
	// reGluedDate is a date glued after a name ("Lucas Nolan22 Dec 2016").
	reGluedDate = regexp.MustCompile(`(?i)\s*\d{1,2}\s*` + reMonth + `\s*\d{4}.*$`)
	reTrim      = "|-–—:,;·•/\\*\"'“”‘’«» \t\n\r\u00a0"
	// reRoleTail is another role named after the author's ("… Edited by …").
	reRoleTail = regexp.MustCompile(`(?i)[\s,;/]+(?:(?:edited|photographs?|photos?|illustrations?|images?|translated|fact[- ]checked|reviewed|medically reviewed)\s+by\b|(?:fotos?|bilder?|illustrationen?|illustration|grafik|übersetzung|mitarbeit)\s*(?:von\b|:)|(?:photos?|illustrations?|traduction)\s*(?:de|par)\b).*$`)
)

// CleanByline turns a raw byline into the author names it holds, as
// CleanBylineLang does for a source that declares no language.
func CleanByline(raw string) []string {
	return CleanBylineLang(raw, "")
}

// CleanBylineLang turns a raw byline, from a feed or page written in lang
// (a BCP 47 tag such as "de-DE"; "" when undeclared), into the author names
// it holds: entities decoded, tags, URLs and emails dropped, white space
// collapsed; an English "By" or a "Label:" dropped, and a language's own
// "by" word ("Von", "Par", "Por", "Door", "Av") only in that language and
// only before two or more words, so that "Von Miller" and "Par Jones" keep
// their names; role lines ("Edited by …", "Fotos von …"), dates, "Updated …"
// strings, widget labels and counts rejected; trailing places ("… in New
// York"), job titles ("… Environment editor") and shift notes ("(earlier)")
// dropped; and several people ("A, B and C") split into several names.
// Lines are read apart, so "By Jane Doe\nMarch 25, 2015" is "Jane Doe". It
// returns nil when nothing in raw is a name.
func CleanBylineLang(raw, lang string) []string {
	lang = baseLang(lang)
	return slices.Clone(bylines.get(lang+"\x00"+raw, func(string) []string { return cleanByline(raw, lang) }))
}

// baseLang is the primary language subtag of a BCP 47 tag, lower case.
func baseLang(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if len(tag) < 2 || len(tag) > 3 {
		return ""
	}
	return tag
}

// byWords are the words languages write before an author's name that are
// also names or name particles ("Von Miller", "Par Jones", "Av Singh"): each
// is dropped only in its own language, before two words or more.
var byWords = map[string][]string{
	"de": {"von", "text von", "ein beitrag von", "geschrieben von", "verfasst von", "autor", "autorin"},
	"fr": {"par", "texte de", "texte par", "un article de", "écrit par", "rédigé par", "publié par", "auteur"},
	"es": {"por", "escrito por", "publicado por", "autor"},
	"pt": {"por", "escrito por", "publicado por", "autor"},
	"it": {"di", "scritto da", "autore"},
	"nl": {"door", "geschreven door"},
	"sv": {"av", "skriven av"},
	"no": {"av", "skrevet av"},
	"nb": {"av", "skrevet av"},
	"da": {"af", "skrevet af"},
	"pl": {"przez", "autor"},
}

// stripBy drops a leading "by" word of lang from s when what follows forms
// a name of two words or more.
func stripBy(s, lang string) string {
	lower := strings.ToLower(s)
	best := 0
	for _, w := range byWords[lang] {
		if strings.HasPrefix(lower, w) && len(w) > best && len(s) > len(w) {
			if r := rune(s[len(w)]); r == ' ' || r == ':' || r == '\u00a0' || r == '\t' {
				best = len(w)
			}
		}
	}
	if best == 0 {
		return s
	}
	rest := trimName(s[best:])
	if len(strings.Fields(rest)) < 2 || strings.IndexFunc(rest, unicode.IsLetter) < 0 {
		return s
	}
	return rest
}

func cleanByline(raw, lang string) []string {
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
		if l := strings.ToLower(trimName(collapseSpace(line))); l != "" && (rePrefix.MatchString(l+" x") && len(rePrefix.FindString(l+" x")) >= len(l)) || slices.Contains(byWords[lang], l) {
			pending = collapseSpace(line) + " " // a lone "By" line: it prefixes the next
			continue
		}
		if n := cleanName(line, lang); n != "" {
			names = append(names, n)
		}
	}
	if len(names) > 1 {
		// A name split over lines ("Jane\nDoe") is still one byline; else
		// the first line is the byline and the rest what follows it
		// ("Von R. R. am 07.08.2013\ngespeichert unter Kino").
		joined := true
		for _, n := range names {
			joined = joined && !strings.Contains(n, " ")
		}
		if joined {
			names = []string{strings.Join(names, " ")}
		} else {
			names = names[:1]
		}
	}
	if len(names) == 1 {
		return splitNames(names[0])
	}
	return names
}

// cleanName cleans one line of a byline, "" when it is not a name.
func cleanName(s, lang string) string {
	s = collapseSpace(s)
	s = reEmail.ReplaceAllString(s, " ")
	s = reURL.ReplaceAllString(s, " ")
	for i := 0; i < 3 && reEmpty.MatchString(s); i++ {
		s = reEmpty.ReplaceAllString(s, " ")
	}
	s = collapseSpace(s)
	s = trimName(s)
	if reRole.MatchString(s) {
		return ""
	}
	if reDateWord.MatchString(s) {
		// "Posted on September 21, 2020 by Adi Tzlil"
		m := rePostedOnBy.FindStringSubmatchIndex(s)
		if m == nil {
			return ""
		}
		s = s[m[2]:]
	}
	if m := reInterviewBy.FindStringSubmatch(s); m != nil {
		s = trimName(m[1]) // the interviewer; the guest is no author
	}
	s = stripPrefixes(s, lang)
	s = reGluedDate.ReplaceAllString(s, "")
	s = reRoleTail.ReplaceAllString(s, "")
	s = reWeekdayTail.ReplaceAllString(s, "")
	// A date beside a name ("Nathan Willis March 25, 2015") goes, and
	// whatever follows it ("Updated …").
	if loc := reDate.FindStringIndex(s); loc != nil {
		if loc[0] > 0 {
			s = s[:loc[0]]
		} else {
			s = s[loc[1]:]
		}
		s = stripPrefixes(trimName(reDateJoin.ReplaceAllString(trimName(s), "")), lang)
	}
	s = trimName(s)
	if s == "" || reDate.MatchString(s) || reDateWord.MatchString(s) || reUpdatedAnywhere.MatchString(s) {
		return ""
	}
	if !isName(s) {
		return ""
	}
	return s
}

// reShowAll is a profile link's label glued to the name it links
// ("SHOW ALL ARTICLES OFHeiko Sauer").
var reShowAll = regexp.MustCompile(`(?i)^(?:show|view|see)\s+all\s+(?:articles|posts|stories)\s+(?:of|by|von)\s*`)

// stripPrefixes drops up to two leading "By"s ("Text: By …").
func stripPrefixes(s, lang string) string {
	s = reShowAll.ReplaceAllString(s, "")
	for i := 0; i < 2; i++ {
		t := s
		if loc := rePrefix.FindStringIndex(s); loc != nil && loc[1] < len(s) {
			if rest := trimName(s[loc[1]:]); strings.IndexFunc(rest, unicode.IsLetter) >= 0 {
				t = rest
			}
		}
		t = stripBy(t, lang)
		if t == s {
			break
		}
		s = t
	}
	return s
}

// isName reports whether s can be a name: it has a letter, is not longer
// than a name, and is no widget label, placeholder or count.
func isName(s string) bool {
	return strings.IndexFunc(s, unicode.IsLetter) >= 0 && len([]rune(s)) <= maxBylineRunes &&
		!reNotAName.MatchString(s) && !reCount.MatchString(s) && !reHandle.MatchString(s) && !reWeekday.MatchString(s)
}

// reWeekday is a day's name alone, left of a date line.
var reWeekday = regexp.MustCompile(`(?i)^(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo)$`)

// reHandle is a hashtag or a social handle, never a byline.
var reHandle = regexp.MustCompile(`^[#@]\S`)

// reShiftNote is a bracketed note with no capital letter: a live blog's
// "(now)", "(earlier)", "(until 3pm)".
var reShiftNote = regexp.MustCompile(`\s*\((?:[^()\p{Lu}]*)\)`)

// rePlaceTail is a place after the name: "Tom McCarthy in New York".
var rePlaceTail = regexp.MustCompile(`^(\S+(?:\s+\S+)+?)\s+(?:in|à|aus|en|em)\s+\p{Lu}[\p{L}.'’ -]*$`)

// reAnd separates the people of one byline.
var reAnd = regexp.MustCompile(`(?i)\s*(?:,|;|&|\s(?:and|und|et|y|e|en|og|och|i|im gespräch mit|in conversation with|en conversation avec|en entretien avec)\s)\s*`)

// jobNouns end a job title written after a name ("… Environment editor").
var jobNouns = map[string]bool{
	"editor": true, "correspondent": true, "reporter": true, "writer": true, "columnist": true, "critic": true,
	"journalist": true, "contributor": true, "producer": true, "analyst": true, "redakteur": true, "redakteurin": true,
	"korrespondent": true, "korrespondentin": true, "journaliste": true, "rédacteur": true, "rédactrice": true,
	"chroniqueur": true, "chroniqueuse": true, "envoyé": true, "envoyée": true, "editora": true, "periodista": true,
	"corresponsal": true, "redactor": true, "redactora": true,
}

// jobQualifiers are the words of a job title before its noun.
var jobQualifiers = map[string]bool{
	"senior": true, "chief": true, "deputy": true, "associate": true, "staff": true, "contributing": true, "special": true,
	"foreign": true, "political": true, "politics": true, "economics": true, "economic": true, "environment": true,
	"environmental": true, "science": true, "technology": true, "tech": true, "health": true, "business": true,
	"sport": true, "sports": true, "culture": true, "arts": true, "music": true, "film": true, "fashion": true,
	"travel": true, "food": true, "education": true, "security": true, "defence": true, "defense": true,
	"diplomatic": true, "legal": true, "media": true, "data": true, "investigations": true, "investigative": true,
	"us": true, "uk": true, "europe": true, "europe's": true, "asia": true, "africa": true, "world": true, "news": true,
	"washington": true, "global": true, "north": true, "south": true, "east": true, "west": true, "middle": true,
	"consumer": true, "social": true, "affairs": true, "home": true, "community": true, "freelance": true,
	"managing": true, "executive": true, "digital": true, "online": true, "weather": true, "crime": true, "courts": true,
	"leitender": true, "leitende": true, "freier": true, "freie": true, "stellvertretender": true, "grand": true, "spécial": true, "spéciale": true,
}

// dropJobTitle cuts a job title from the end of a name: its noun and the
// qualifiers before it ("Damian Carrington Environment editor").
func dropJobTitle(s string) string {
	f := strings.Fields(s)
	k := len(f)
	if k == 0 || !jobNouns[strings.ToLower(strings.Trim(f[k-1], ".,"))] {
		return s
	}
	k--
	for k > 0 && (jobQualifiers[strings.ToLower(strings.Trim(f[k-1], ".,"))] || strings.EqualFold(f[k-1], "of") || strings.EqualFold(f[k-1], "the")) {
		k--
	}
	switch {
	case k == 0:
		return "" // a title alone ("Staff Writer")
	case k == 1 && len(f) > 1 && !jobQualifiers[strings.ToLower(f[0])]:
		return s // "Feed Writer": one word left is no name
	}
	return trimName(strings.Join(f[:k], " "))
}

// splitNames reads one cleaned byline as the people it names: shift notes,
// trailing places and job titles dropped, "A, B and C" split when every part
// is a name of two words or more ("Doe, Jane" and "Simon & Garfunkel" stay
// whole), never inside brackets.
func splitNames(s string) []string {
	s = collapseSpace(reShiftNote.ReplaceAllString(s, ""))
	var parts []string
	depth, last := 0, 0
	for i, r := range s {
		switch r {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		}
		if depth == 0 {
			if loc := reAnd.FindStringIndex(s[i:]); loc != nil && loc[0] == 0 && i >= last && i > 0 {
				parts = append(parts, s[last:i])
				last = i + loc[1]
			}
		}
	}
	parts = append(parts, s[last:])
	var out []string
	split, people := len(parts) > 1, 0
	for _, p := range parts {
		p = trimName(p)
		if m := rePlaceTail.FindStringSubmatch(p); m != nil && len(strings.Fields(m[1])) >= 2 {
			p = m[1]
		}
		p = dropJobTitle(p)
		if p == "" || !isName(p) {
			continue
		}
		if len(strings.Fields(p)) >= 2 {
			people++
		}
		out = append(out, p)
	}
	// Split only when two parts at least are full names: "Doe, Jane" and
	// "Simon & Garfunkel" stay whole, "A B, C D und E F, NDR" is four.
	split = split && people >= 2
	if !split || len(out) < 2 {
		whole := trimName(s)
		if m := rePlaceTail.FindStringSubmatch(whole); m != nil && len(strings.Fields(m[1])) >= 2 && !strings.ContainsAny(m[1], ",&") {
			whole = m[1]
		}
		whole = dropJobTitle(whole)
		if len(out) == 1 && len(parts) > 1 && split {
			return out // "Jane Doe, Staff Writer": the title went
		}
		if whole == "" || !isName(whole) {
			return nil
		}
		return []string{whole}
	}
	return out
}

// cleanNames cleans each raw name of a list of several authors, keeping
// their order and dropping repeats.
func cleanNames(raw []string, lang string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range raw {
		for _, n := range CleanBylineLang(r, lang) {
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

// reInterviewBy is an interview's credit line: who asked, then who answered
// ("Ein Interview von Jana Roe mit John Doe", "An interview by … with …").
var reInterviewBy = regexp.MustCompile(`(?i)^(?:(?:ein|an?|un)\s+)?(?:interview|gespräch|entretien|gastbeitrag|guest post)\s+(?:von|by|par|de)\s+(.+?)(?:\s+(?:mit|with|avec)\s+.*)?\.?$`)

// rePostedOnBy is a date line that names the author after the date.
var rePostedOnBy = regexp.MustCompile(`(?i)^(?:posted|published|veröffentlicht|publié|publicado)\b.{0,60}?\s(?:by|von|par|por)\s+(\S.*)$`)

// reDateJoin is the word left before a date once it went ("rasos am").
var reDateJoin = regexp.MustCompile(`(?i)\s+(?:am|on|le|el|at|um|vom|du|le)$`)

// nameParticles are the lower-case words a name may hold.
var nameParticles = map[string]bool{
	"von": true, "van": true, "der": true, "den": true, "de": true, "du": true, "des": true, "la": true, "le": true,
	"da": true, "di": true, "del": true, "della": true, "dos": true, "das": true, "do": true, "y": true, "bin": true,
	"ibn": true, "al": true, "el": true, "zu": true, "ten": true, "ter": true, "af": true, "av": true, "mac": true,
	"st.": true, "vom": true, "zum": true, "d'": true, "l'": true,
}

// looksLikePerson reports whether a name found by reading the page's visible
// text (not its metadata) is written as a person's name: one token (a
// nickname, "Paddy", "surfguard"), or at most six words that each start
// with a capital, an initial or a particle. Text in brackets is not read.
// Headlines and labels ("Yellow Vests and I", "En kiosques") fail.
func looksLikePerson(s string) bool {
	s = collapseSpace(reBracketed.ReplaceAllString(s, " "))
	f := strings.Fields(s)
	if len(f) <= 1 {
		return len(f) == 1
	}
	if len(f) > 6 {
		return false
	}
	for _, w := range f {
		r := []rune(w)
		switch {
		case unicode.IsUpper(r[0]) || !unicode.IsLetter(r[0]):
		case nameParticles[strings.ToLower(w)]:
		default:
			return false
		}
	}
	return true
}

var reBracketed = regexp.MustCompile(`\([^()]*\)|\[[^\[\]]*\]`)

// reSlug is a login name or URL slug rather than a written name
// ("sarah-indra", "jdoe_2").
var reSlug = regexp.MustCompile(`^[a-z0-9]+(?:[-_.][a-z0-9]+)+$`)

// reOrgName is a name that is an organisation's: a company form, an
// institution, a newsroom.
var reOrgName = regexp.MustCompile(`(?i)(?:\b(?:gmbh|ag|e\.\s?v|ltd|inc|llc|s\.a|sarl|sas|kg|ug|plc|corp|co)\b\.?$|\b(?:gmbh|e\.\s?v\.|landesanstalt|landesamt|institut|institute|stiftung|foundation|verlag|verband|ministerium|ministry|bundesamt|university|universität|université|association|gesellschaft|agentur|agency|redaktion|newsroom|online|magazin|magazine|zeitung|news|media|medien|group|gruppe|team)\b)`)

// reCompany is a company form: a web agency named as author in the meta
// tags is no byline at all.
var reCompany = regexp.MustCompile(`(?i)\b(?:gmbh|ltd|inc|llc|sarl|plc|corp)\b\.?|\bag$|\bco\. kg\b`)

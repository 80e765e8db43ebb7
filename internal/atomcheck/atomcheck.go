// Package atomcheck checks an Atom document against the rules of RFC 4287
// that the W3C feed validator enforces and that need nothing but the
// document: every entry has an id (an absolute IRI, unique in the feed), an
// updated time (RFC 3339), an author (its own, its source's or the feed's),
// a title, and content or an alternate link; links are absolute IRIs and
// alternates unique per type and language; the feed has an id, a title, an
// updated time and a self link. Tests use it over every Atom document
// Tributary writes.
package atomcheck

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
	"time"
)

const ns = "http://www.w3.org/2005/Atom"

type person struct {
	Name []string `xml:"http://www.w3.org/2005/Atom name"`
}

type link struct {
	Href     *string `xml:"href,attr"`
	Rel      string  `xml:"rel,attr"`
	Type     string  `xml:"type,attr"`
	Hreflang string  `xml:"hreflang,attr"`
}

type content struct {
	Src  *string `xml:"src,attr"`
	Type string  `xml:"type,attr"`
}

type source struct {
	ID      []string `xml:"http://www.w3.org/2005/Atom id"`
	Authors []person `xml:"http://www.w3.org/2005/Atom author"`
	Links   []link   `xml:"http://www.w3.org/2005/Atom link"`
}

type entry struct {
	ID        []string  `xml:"http://www.w3.org/2005/Atom id"`
	Title     []string  `xml:"http://www.w3.org/2005/Atom title"`
	Updated   []string  `xml:"http://www.w3.org/2005/Atom updated"`
	Published []string  `xml:"http://www.w3.org/2005/Atom published"`
	Authors   []person  `xml:"http://www.w3.org/2005/Atom author"`
	Links     []link    `xml:"http://www.w3.org/2005/Atom link"`
	Content   []content `xml:"http://www.w3.org/2005/Atom content"`
	Summary   []string  `xml:"http://www.w3.org/2005/Atom summary"`
	Sources   []source  `xml:"http://www.w3.org/2005/Atom source"`
}

type feed struct {
	XMLName xml.Name
	ID      []string `xml:"http://www.w3.org/2005/Atom id"`
	Title   []string `xml:"http://www.w3.org/2005/Atom title"`
	Updated []string `xml:"http://www.w3.org/2005/Atom updated"`
	Authors []person `xml:"http://www.w3.org/2005/Atom author"`
	Links   []link   `xml:"http://www.w3.org/2005/Atom link"`
	Entries []entry  `xml:"http://www.w3.org/2005/Atom entry"`
}

// Check returns every problem found in doc, each naming the entry (by its
// position and id) and the rule; none for a valid document.
func Check(doc []byte) []string {
	var f feed
	if err := xml.NewDecoder(bytes.NewReader(doc)).Decode(&f); err != nil {
		return []string{"not XML: " + err.Error()}
	}
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	if f.XMLName.Space != ns || f.XMLName.Local != "feed" {
		return []string{fmt.Sprintf("root element is {%s}%s, not an Atom feed", f.XMLName.Space, f.XMLName.Local)}
	}
	one(add, "feed", "id", f.ID)
	one(add, "feed", "title", f.Title)
	one(add, "feed", "updated", f.Updated)
	for _, id := range f.ID {
		checkIRI(add, "feed id", id)
	}
	for _, u := range f.Updated {
		checkTime(add, "feed updated", u)
	}
	checkLinks(add, "feed", f.Links)
	if !hasRel(f.Links, "self") {
		add("feed: no link rel=\"self\"")
	}
	feedAuthor := named(add, "feed", f.Authors)
	ids := map[string]int{}
	for i, e := range f.Entries {
		where := fmt.Sprintf("entry %d", i+1)
		if len(e.ID) > 0 {
			where += " (" + strings.TrimSpace(e.ID[0]) + ")"
		}
		one(add, where, "id", e.ID)
		one(add, where, "title", e.Title)
		one(add, where, "updated", e.Updated)
		if len(e.Published) > 1 {
			add("%s: %d published elements", where, len(e.Published))
		}
		for _, id := range e.ID {
			checkIRI(add, where+" id", id)
			if j, dup := ids[strings.TrimSpace(id)]; dup {
				add("%s: the same id as entry %d", where, j+1)
			}
			ids[strings.TrimSpace(id)] = i
		}
		for _, u := range e.Updated {
			checkTime(add, where+" updated", u)
		}
		for _, u := range e.Published {
			checkTime(add, where+" published", u)
		}
		author := named(add, where, e.Authors)
		for _, s := range e.Sources {
			if named(add, where+" source", s.Authors) {
				author = true
			}
			if len(s.ID) != 1 {
				add("%s: source has %d id elements, want 1", where, len(s.ID))
			}
			checkLinks(add, where+" source", s.Links)
		}
		if !author && !feedAuthor {
			add("%s: no author (RFC 4287 section 4.1.2: the entry's, its source's or the feed's)", where)
		}
		checkLinks(add, where, e.Links)
		if len(e.Content) > 1 {
			add("%s: %d content elements", where, len(e.Content))
		}
		if len(e.Content) == 0 {
			if !hasRel(e.Links, "alternate") {
				add("%s: neither content nor a link rel=\"alternate\"", where)
			}
		} else if e.Content[0].Src != nil && len(e.Summary) == 0 {
			add("%s: content with src but no summary", where)
		}
	}
	return p
}

func one(add func(string, ...any), where, name string, vals []string) {
	switch {
	case len(vals) == 0:
		add("%s: missing %s", where, name)
	case len(vals) > 1:
		add("%s: %d %s elements", where, len(vals), name)
	case name != "title" && strings.TrimSpace(vals[0]) == "":
		add("%s: empty %s", where, name)
	}
}

// named reports whether authors holds one, checking each has one name.
func named(add func(string, ...any), where string, authors []person) bool {
	for _, a := range authors {
		if len(a.Name) != 1 || strings.TrimSpace(a.Name[0]) == "" {
			add("%s: an author without a name", where)
		}
	}
	return len(authors) > 0
}

func checkIRI(add func(string, ...any), where, s string) {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	switch {
	case err != nil:
		add("%s %q: not an IRI: %v", where, s, err)
	case u.Scheme == "":
		add("%s %q: not absolute", where, s)
	case strings.ContainsAny(s, " \t\n<>\"{}|\\^`"):
		add("%s %q: characters an IRI may not hold", where, s)
	case u.Scheme == "urn" && strings.HasPrefix(strings.ToLower(u.Opaque), "uuid:") && !isUUID(u.Opaque[5:]):
		add("%s %q: not a valid urn:uuid", where, s)
	}
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return true
}

func checkTime(add func(string, ...any), where, s string) {
	if _, err := time.Parse(time.RFC3339, strings.TrimSpace(s)); err != nil || strings.TrimSpace(s) != s {
		add("%s %q: not an RFC 3339 date-time", where, s)
	}
}

// checkLinks: every href an absolute IRI, one alternate per type and language.
func checkLinks(add func(string, ...any), where string, links []link) {
	alt := map[string]bool{}
	for _, l := range links {
		if l.Href == nil {
			add("%s: a link without href", where)
			continue
		}
		checkIRI(add, where+" link", *l.Href)
		if l.Rel == "" || l.Rel == "alternate" {
			k := l.Type + "\x00" + l.Hreflang
			if alt[k] {
				add("%s: two alternate links of type %q", where, l.Type)
			}
			alt[k] = true
		}
	}
}

func hasRel(links []link, rel string) bool {
	for _, l := range links {
		if l.Rel == rel || rel == "alternate" && l.Rel == "" {
			return true
		}
	}
	return false
}

package config

// This file turns a feed reader's OPML subscription list into [[source]]
// tables (`tributary import-opml`).

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/unicode/norm"
)

// Namespace is Tributary's XML namespace: the fields of its feeds no
// standard carries, and in its OPML the [[source]] settings (name,
// schedule…) that `import-opml` reads back.
const Namespace = "https://github.com/tributary-feeds/tributary/ns/1.0"

// opmlOutline is one <outline>: a feed when it has an xmlUrl, else a folder.
type opmlOutline struct {
	Text     string        `xml:"text,attr"`
	Title    string        `xml:"title,attr"`
	XMLURL   string        `xml:"xmlUrl,attr"`
	Category string        `xml:"category,attr"`
	Outlines []opmlOutline `xml:"outline"`
	// What Tributary's own /opml writes of each [[source]].
	Name          string `xml:"https://github.com/tributary-feeds/tributary/ns/1.0 name,attr"`
	Schedule      string `xml:"https://github.com/tributary-feeds/tributary/ns/1.0 schedule,attr"`
	Enrich        string `xml:"https://github.com/tributary-feeds/tributary/ns/1.0 enrich,attr"`
	FullText      string `xml:"https://github.com/tributary-feeds/tributary/ns/1.0 full_text,attr"`
	CountComments string `xml:"https://github.com/tributary-feeds/tributary/ns/1.0 count_comments,attr"`
	MaxAge        string `xml:"https://github.com/tributary-feeds/tributary/ns/1.0 max_age,attr"`
	MaxPerSource  string `xml:"https://github.com/tributary-feeds/tributary/ns/1.0 max_per_source,attr"`
}

// ImportedSource is one [[source]] made from an OPML outline.
type ImportedSource struct {
	Name, URL string
	Title     string // the outline's title, written as a comment
	Tags      []string
	// Settings Tributary's /opml carries (zero when the outline has none).
	Schedule                        string
	Enrich, FullText, CountComments bool
	MaxAge                          Duration
	MaxPerSource                    int
}

// ErrNotOPML is FromOPML's error for input that is not an OPML document.
var ErrNotOPML = errors.New("not an OPML file")

// FromOPML reads an OPML subscription list: every outline with an xmlUrl
// becomes a source named by its tributary:name (what Tributary's /opml
// writes), else after its title (a lowercase-hyphen slug, made unique),
// tagged with the folders it sits in and the tags of its category
// attribute. The same URL in two folders is one source with both tags.
// Outlines that cannot be sources, and settings that cannot be read, are
// reported in skipped.
func FromOPML(r io.Reader) (srcs []ImportedSource, skipped []string, err error) {
	var doc struct {
		XMLName xml.Name
		Body    struct {
			Outlines []opmlOutline `xml:"outline"`
		} `xml:"body"`
	}
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charset.NewReaderLabel
	if err := dec.Decode(&doc); err != nil {
		var syn *xml.SyntaxError
		switch {
		case errors.Is(err, io.EOF):
			return nil, nil, fmt.Errorf("%w: it holds no XML element", ErrNotOPML)
		case errors.As(err, &syn):
			return nil, nil, fmt.Errorf("%w: not XML: line %d: %s", ErrNotOPML, syn.Line, syn.Msg)
		}
		return nil, nil, fmt.Errorf("%w: %v", ErrNotOPML, err)
	}
	switch root := doc.XMLName.Local; root {
	case "opml":
	case "rss", "feed", "RDF":
		return nil, nil, fmt.Errorf("%w: the root element is <%s>: a feed, not a subscription list (add its URL as a [[source]])", ErrNotOPML, root)
	default:
		return nil, nil, fmt.Errorf("%w: the root element is <%s>, not <opml>", ErrNotOPML, root)
	}
	byURL := map[string]int{}
	used := map[string]bool{}
	// Names the file gives are kept: slugs made from titles step aside.
	reserved := map[string]bool{}
	var reserve func([]opmlOutline)
	reserve = func(outlines []opmlOutline) {
		for _, o := range outlines {
			if n := strings.TrimSpace(o.Name); sourceName.MatchString(n) {
				reserved[n] = true
			}
			reserve(o.Outlines)
		}
	}
	reserve(doc.Body.Outlines)
	var walk func(outlines []opmlOutline, folders []string)
	walk = func(outlines []opmlOutline, folders []string) {
		for _, o := range outlines {
			label := strings.TrimSpace(o.Title)
			if label == "" {
				label = strings.TrimSpace(o.Text)
			}
			feedURL := strings.TrimSpace(o.XMLURL)
			if feedURL == "" {
				if len(o.Outlines) > 0 {
					walk(o.Outlines, append(slices.Clone(folders), slug(label)))
				} else {
					skipped = append(skipped, fmt.Sprintf("%q: no xmlUrl", label))
				}
				continue
			}
			u, perr := url.Parse(feedURL)
			if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				skipped = append(skipped, fmt.Sprintf("%q: xmlUrl %q is not an http(s) URL", label, feedURL))
				continue
			}
			tags := union(slices.DeleteFunc(slices.Clone(folders), func(s string) bool { return s == "" }), categoryTags(o.Category))
			if i, dup := byURL[feedURL]; dup {
				srcs[i].Tags = union(srcs[i].Tags, tags)
				continue
			}
			base, named := strings.TrimSpace(o.Name), true
			if !sourceName.MatchString(base) {
				if base != "" {
					skipped = append(skipped, fmt.Sprintf("%q: tributary:name %q is not a source name (lowercase letters, digits and '-'): named after its title", label, base))
				}
				base, named = slug(label), false
				if base == "" {
					base = slug(u.Hostname())
				}
				if base == "" {
					base = "source" // a host of punctuation ("http://!")
				}
			}
			name := base
			for n := 2; used[name] || !named && reserved[name]; n++ {
				name = base + "-" + strconv.Itoa(n)
			}
			used[name] = true
			byURL[feedURL] = len(srcs)
			src := ImportedSource{Name: name, URL: feedURL, Title: label, Tags: tags}
			skipped = append(skipped, src.settings(o, label)...)
			srcs = append(srcs, src)
			if len(o.Outlines) > 0 {
				walk(o.Outlines, append(slices.Clone(folders), slug(label)))
			}
		}
	}
	walk(doc.Body.Outlines, nil)
	return srcs, skipped, nil
}

// categoryTags reads an outline's category attribute: a comma-separated
// list of tags ("go") and slash-delimited paths ("/tech/go", each step a
// tag), kept as written but for surrounding white space.
func categoryTags(category string) []string {
	var tags []string
	for c := range strings.SplitSeq(category, ",") {
		for t := range strings.SplitSeq(c, "/") {
			if t = oneLine(t); t != "" && !slices.Contains(tags, t) {
				tags = append(tags, t)
			}
		}
	}
	return tags
}

// settings sets what Tributary's /opml writes of a [[source]] beyond its
// name, url and tags, and says which values it could not read.
func (s *ImportedSource) settings(o opmlOutline, label string) (problems []string) {
	bad := func(attr, val string, err error) {
		problems = append(problems, fmt.Sprintf("%q: tributary:%s %q ignored: %v", label, attr, val, err))
	}
	flag := func(attr, val string, dst *bool) {
		if val = strings.TrimSpace(val); val == "" {
			return
		}
		v, err := strconv.ParseBool(val)
		if err != nil {
			bad(attr, val, errors.New("not true or false"))
			return
		}
		*dst = v
	}
	if v := strings.TrimSpace(o.Schedule); v != "" {
		if _, err := ParseSchedule(v); err != nil {
			bad("schedule", v, err)
		} else {
			s.Schedule = v
		}
	}
	flag("enrich", o.Enrich, &s.Enrich)
	flag("full_text", o.FullText, &s.FullText)
	flag("count_comments", o.CountComments, &s.CountComments)
	if v := strings.TrimSpace(o.MaxAge); v != "" {
		if d, err := time.ParseDuration(v); err != nil || d < 0 {
			bad("max_age", v, errors.New("not a duration of 0 or more"))
		} else {
			s.MaxAge = Duration{d}
		}
	}
	if v := strings.TrimSpace(o.MaxPerSource); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			bad("max_per_source", v, errors.New("not a whole number of 0 or more"))
		} else {
			s.MaxPerSource = n
		}
	}
	return problems
}

// slug makes a source name: lowercase ASCII letters and digits (accents
// dropped: "Ñews" → "news"), runs of anything else as one '-'.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r == '\'' || r == '’':
			// "Julia's blog" → "julias-blog"
		default:
			dash = true
		}
	}
	return b.String()
}

func union(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}

// WriteSources prints srcs as [[source]] tables.
func WriteSources(w io.Writer, srcs []ImportedSource, from string) {
	fmt.Fprintf(w, "# %d sources imported from %s by `tributary import-opml`.\n", len(srcs), from)
	for _, s := range srcs {
		fmt.Fprintf(w, "\n[[source]]\n")
		if s.Title != "" {
			fmt.Fprintf(w, "# %s\n", oneLine(s.Title))
		}
		fmt.Fprintf(w, "name = %s\nurl = %s\n", tomlString(s.Name), tomlString(s.URL))
		if s.Schedule != "" {
			fmt.Fprintf(w, "schedule = %s\n", tomlString(s.Schedule))
		}
		if len(s.Tags) > 0 {
			q := make([]string, len(s.Tags))
			for i, t := range s.Tags {
				q[i] = tomlString(t)
			}
			fmt.Fprintf(w, "tags = [%s]\n", strings.Join(q, ", "))
		}
		for _, f := range []struct {
			key string
			on  bool
		}{{"enrich", s.Enrich}, {"full_text", s.FullText}, {"count_comments", s.CountComments}} {
			if f.on {
				fmt.Fprintf(w, "%s = true\n", f.key)
			}
		}
		if s.MaxAge.Duration > 0 {
			fmt.Fprintf(w, "max_age = %s\n", tomlString(s.MaxAge.String()))
		}
		if s.MaxPerSource > 0 {
			fmt.Fprintf(w, "max_per_source = %d\n", s.MaxPerSource)
		}
	}
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
